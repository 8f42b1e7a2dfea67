/** Records and enumerations of the SupplyGuard API (/api/v1), as described in shared/API.md. */

export const roles = ['authority', 'agency_ciso', 'agency_officer', 'vendor', 'auditor'] as const;
export type Role = (typeof roles)[number];

/** 資通安全責任等級 — an agency's responsibility level. */
export const agencyLevels = ['A', 'B', 'C', 'D', 'E'] as const;
/** 機關類別 — central / local government, CI provider, state-owned enterprise, foundation. */
export const agencyKinds = [
  'central',
  'local',
  'ci_provider',
  'state_owned',
  'foundation',
] as const;
/** 防護需求等級 普 / 中 / 高 — also used for the C, I, A and legal ratings. */
export const ratings = ['normal', 'medium', 'high'] as const;
/** 資服類型 — a contract's service type. */
export const serviceTypes = [
  'saas_packaged',
  'saas_office',
  'saas_customised',
  'paas_iaas',
  'it_planning',
  'security_planning',
  'system_development',
  'feature_expansion',
  'system_maintenance',
] as const;

export type Rating = (typeof ratings)[number];

export interface User {
  id: string;
  email: string;
  role: Role;
  agency_code: string | null;
  vendor_tax_id: string | null;
  tenant_admin: boolean;
  /** Set for an account still on a one-time password: the server refuses everything else. */
  must_change_password?: boolean;
  /** Whether a TOTP authenticator is active for the account. */
  mfa_enabled?: boolean;
  password_expires_at?: string | null;
}

export interface SessionAnswer {
  csrf_token: string;
  user: User;
  /** The account must enrol in MFA; the session may do nothing else yet (IDENTITY-API.md). */
  mfa_enrollment_required?: boolean;
}

/** The second factor sent with e-mail and password: a TOTP code or a one-time recovery code. */
export type SecondFactor = { totp: string } | { recovery_code: string };

/** A pending TOTP enrolment: the key, its otpauth URI and a QR code of it drawn by the server. */
export interface TotpEnrolment {
  secret: string;
  otpauth_uri: string;
  qr_svg: string;
}

/** One of the signed-in user's sessions (GET /me/sessions). */
export interface MySession {
  id: string;
  created_at: string;
  last_seen_at: string | null;
  source_ip: string | null;
  user_agent: string | null;
  current: boolean;
}

export const tokenScopes = ['read', 'sboms:write', 'admin'] as const;
export type TokenScope = (typeof tokenScopes)[number];

/** An API token for machines, as listed; the secret itself is shown once on creation. */
export interface ApiToken {
  id: string;
  name: string;
  scopes: string[];
  created_at: string;
  expires_at: string;
  last_used_at: string | null;
  revoked: boolean;
  /** Set by the server; the UI also compares `expires_at` with the clock when it is absent. */
  expired?: boolean;
}

export interface NewApiToken {
  name: string;
  scopes: TokenScope[];
  expires_at: string;
}

/** A user as the administration pages see it (GET /users). */
export interface ManagedUser extends User {
  disabled: boolean;
  mfa_enabled: boolean;
  created_at: string;
  last_sign_in_at: string | null;
  locked_until: string | null;
  expires_at?: string | null;
}

export interface NewUser {
  email: string;
  role: Role;
  agency_code?: string;
  vendor_tax_id?: string;
  tenant_admin?: boolean;
  expires_at?: string;
}

/** A one-time set-password link (`/#/invitation/<token>`), valid until `expires_at`. */
export interface InvitationLink {
  url: string;
  expires_at: string;
  /** An e-mail with the link went to the user's queue (SMTP and the public URL configured). */
  email_queued?: boolean;
}

export interface InviteAnswer {
  user: ManagedUser;
  invitation: InvitationLink;
}

/** What the public invitation (or password-reset) page learns about its token. */
export interface InvitationInfo {
  email: string;
  expires_at: string;
}

export const auditActions = [
  'session.sign_in',
  'session.sign_in_failed',
  'session.locked',
  'session.sign_out',
  'session.expired',
  'password.change',
  'password.reset_requested',
  'password.reset',
  'mfa.enrol',
  'mfa.reset',
  'user.invite',
  'user.update',
  'user.disable',
  'token.create',
  'token.revoke',
  'record.create',
  'record.update',
  'record.delete',
  'import',
  'export',
  'audit_log.export',
] as const;

/** One entry of the append-only, hash-chained audit log. */
export interface AuditEntry {
  seq: number;
  at: string;
  actor_id: string | null;
  actor_email: string | null;
  role: string | null;
  tenant: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  changes: unknown;
  source_ip: string | null;
  request_id: string | null;
  outcome: string | null;
}

/** The audit log's filters, as query parameters of GET /audit-log and its export. */
export interface AuditQuery {
  actor?: string;
  action?: string;
  object_type?: string;
  object_id?: string;
  /** RFC 3339 in UTC (`…T16:00:00.000Z`): the server compares it with its entries' times. */
  from?: string;
  /** RFC 3339 in UTC, inclusive. */
  to?: string;
  q?: string;
}

export interface AuditVerifyAnswer {
  ok: boolean;
  entries: number;
  first_broken_seq: number | null;
}

export const collectionNames = ['agencies', 'vendors', 'systems', 'contracts'] as const;
export type CollectionName = (typeof collectionNames)[number];

/** A record as the API sends it: the fields differ per collection (see collections.ts). */
export type ApiRecord = { id: string } & Record<string, unknown>;

export interface Certification {
  name: string;
  expires_on: string | null;
}

export interface ListAnswer<T> {
  items: T[];
  total: number;
  page: number;
  per_page: number;
}

/** What a history entry records; imports add `import_create` and the like. */
export type HistoryAction = 'create' | 'update' | 'delete' | 'restore' | (string & {});

export interface HistoryEntry {
  at: string;
  action: HistoryAction;
  user_email: string;
  changes: Record<string, [unknown, unknown]>;
}

export const importKinds = collectionNames;
export type ImportKind = CollectionName;

export interface ImportRowError {
  row: number;
  column: string;
  value: string;
  code: string;
  message: string;
}

export interface ImportChange {
  row: number;
  key: string;
  action: 'create' | 'update' | 'unchanged';
}

export interface ImportAnswer {
  created: number;
  updated: number;
  unchanged: number;
  errors: ImportRowError[];
  dry_run?: boolean;
  changes?: ImportChange[];
}

export interface ConcentrationRow {
  vendor_tax_id: string;
  vendor_name: string;
  agencies: number;
  systems: number;
  core_systems: number;
  amount: number;
  subcontract_agencies: number;
  subcontract_systems: number;
}

export interface ConcentrationAnswer {
  as_of: string;
  items: ConcentrationRow[];
}

// --- SBOMs, findings and alerts (issue 4) ---------------------------------------------------

/** A finding's CVSS band; `unknown` when no CVSS v3 score is known. */
export const severityBands = ['critical', 'high', 'medium', 'low', 'none', 'unknown'] as const;
export type SeverityBand = (typeof severityBands)[number];

/** Which findings a list shows: still open (the default), closed, or both. */
export const findingStates = ['open', 'closed', 'all'] as const;
export type FindingState = (typeof findingStates)[number];

/** The triage status of a finding (CycloneDX analysis states, in the platform's words). */
export const findingStatuses = [
  'under_investigation',
  'affected',
  'not_affected',
  'fixed',
] as const;
export type FindingStatus = (typeof findingStatuses)[number];

/** The CycloneDX justifications; one is required when the status is `not_affected`. */
export const justifications = [
  'code_not_present',
  'code_not_reachable',
  'requires_configuration',
  'requires_dependency',
  'requires_environment',
  'protected_by_compiler',
  'protected_at_runtime',
  'protected_at_perimeter',
  'protected_by_mitigating_control',
] as const;
export type Justification = (typeof justifications)[number];

/** The CycloneDX responses a decision may name (any number of them). */
export const findingResponses = [
  'can_not_fix',
  'will_not_fix',
  'update',
  'rollback',
  'workaround_available',
] as const;
export type FindingResponse = (typeof findingResponses)[number];

/** The OSV ecosystems the package lookup knows. */
export const osvEcosystems = [
  'npm',
  'PyPI',
  'Maven',
  'Go',
  'crates.io',
  'RubyGems',
  'Packagist',
  'NuGet',
  'Pub',
  'Hackage',
  'CRAN',
  'Debian',
  'Alpine',
  'Red Hat',
  'AlmaLinux',
  'Rocky Linux',
  'Bitnami',
  'SemVer',
] as const;

/** Why a component of an SBOM could not be matched against advisories. */
export const unmatchedReasons = [
  'noPurl',
  'invalidPurl',
  'noVersion',
  'invalidVersion',
  'unsupportedEcosystem',
] as const;

export interface Severity {
  cvss_v3: number | null;
  vector: string | null;
  band: SeverityBand;
}

/** One vulnerable component version in one system (GET /findings). */
export interface Finding {
  id: string;
  system_id: string;
  /** The system's natural key (`system_id` of the registry record). */
  system_key: string;
  system_name: string;
  agency_code: string;
  agency_name: string;
  /** The vulnerability's key: its CVE when it has one, else the advisory id. */
  vuln_key: string;
  advisory_id: string;
  aliases: string[];
  summary: string | null;
  ecosystem: string;
  package: string;
  component: string;
  version: string;
  purl: string;
  severity: Severity;
  fixed: string[];
  first_seen_at: string;
  closed_at: string | null;
  closed_reason: string | null;
  status: FindingStatus;
  justification: Justification | null;
  comment: string | null;
  decided_at: string | null;
  /** api.ts turns the server's null (no decision yet) into []. */
  response: FindingResponse[];
  kev: boolean;
  kev_due_date: string | null;
  epss: number | null;
}

/** One event of a finding's history: a triage decision, or the finding closing or reopening. */
export interface FindingEvent {
  action: 'triage' | 'closed' | 'reopened' | (string & {});
  /** The decided status; for `closed`, the reason (`fixed`, `advisoryWithdrawn`, …). */
  status: string | null;
  justification: string | null;
  /** The CycloneDX responses of a triage decision (empty for other events). */
  response?: string[] | null;
  comment: string | null;
  by: string | null;
  at: string;
}

export interface FindingDetail extends Finding {
  history: FindingEvent[];
}

/** The body of PATCH /findings/{id}: a whole decision (it replaces the previous one). */
export interface TriageDecision {
  status: FindingStatus;
  justification?: Justification;
  response: FindingResponse[];
  comment?: string;
}

export interface SbomWarning {
  location: string;
  message: string;
}

/** One SBOM version of a system (GET /systems/{id}/sboms). */
export interface SbomVersion {
  id: string;
  system_id: string;
  sequence: number;
  version: string | null;
  format: string;
  spec_version: string | null;
  serial_number: string | null;
  subject: string | null;
  components: number;
  byte_size: number;
  digest: string | null;
  uploaded_at: string;
  uploaded_by: string | null;
  warning_count: number;
  current: boolean;
}

export interface SbomDetail extends SbomVersion {
  warnings: SbomWarning[];
  /** Components that could not be matched, by reason. */
  unmatched: Record<string, number>;
}

export interface UploadFindings {
  total: number;
  critical: number;
  high: number;
  medium: number;
  low: number;
  none: number;
  unknown: number;
  kev: number;
  new: number;
  fixed: number;
}

/** The answer to an upload (201). */
export interface SbomUploadAnswer {
  id: string;
  system_id: string;
  sequence: number;
  version: string | null;
  format: string;
  spec_version: string | null;
  components: number;
  unmatched: Record<string, number>;
  warnings: SbomWarning[];
  /** The open findings of the system after the upload. */
  findings: UploadFindings;
}

export interface SbomComponent {
  index: number;
  parent_index: number | null;
  bom_ref: string | null;
  type: string | null;
  group: string | null;
  name: string;
  version: string | null;
  purl: string | null;
  ecosystem: string | null;
  package: string | null;
  cpes: string[] | null;
  licenses: string[] | null;
  supplier: string | null;
  author: string | null;
  scope: string | null;
  /** Why the component was not matched; null when it was. */
  unmatched: string | null;
  open_findings: number;
}

export const diffKinds = ['added', 'removed', 'upgraded', 'downgraded', 'changed'] as const;
export type DiffKind = (typeof diffKinds)[number];

/** An added or removed component has `version`; the others `from` and `to`. */
export interface DiffEntry {
  name: string;
  purl: string;
  version?: string;
  from?: string;
  to?: string;
}

export interface SbomDiff {
  from: { id: string; sequence: number } | null;
  to: { id: string; sequence: number };
  counts: Record<DiffKind, number>;
  added: DiffEntry[];
  removed: DiffEntry[];
  upgraded: DiffEntry[];
  downgraded: DiffEntry[];
  changed: DiffEntry[];
}

export interface LicenseSummary {
  sbom_id: string | null;
  components: number;
  licenses: { license: string; components: number }[];
  without_license: number;
  suppliers: { supplier: string; components: number }[];
  without_supplier: number;
}

export type SeverityCounts = Record<SeverityBand, number>;

export interface SystemFindingCounts {
  system_id: string;
  system_key: string;
  system_name: string;
  agency_code: string;
  open: number;
  kev: number;
  by_severity: SeverityCounts;
  oldest_days: number;
}

export const ageBuckets = ['days_0_7', 'days_8_30', 'days_31_90', 'days_over_90'] as const;
export type AgeBucket = (typeof ageBuckets)[number];

/** GET /findings/summary: the dashboard's counts. */
export interface FindingsSummary {
  open: number;
  open_vulnerabilities: number;
  kev: number;
  kev_vulnerabilities: number;
  by_severity: SeverityCounts;
  by_age: Record<AgeBucket, number>;
  fixed_last_90_days: number;
  fixed_total: number;
  median_days_to_fix: number | null;
  systems: SystemFindingCounts[];
}

export interface AdvisoryRecord {
  advisory_id: string;
  summary: string | null;
  aliases: string[] | null;
  modified: string | null;
  published: string | null;
  withdrawn: string | null;
  vuln_key: string | null;
  severity: Severity;
}

export interface KevEntry {
  cve_id: string;
  date_added: string;
  due_date: string;
  required_action: string;
  known_ransomware_campaign_use: string;
}

export interface AffectedSystem {
  system_id: string;
  system_key: string;
  system_name: string;
  agency_id: string;
  agency_code: string;
  agency_name: string;
  findings: number;
  first_seen_at: string;
  vendors: { tax_id: string; name: string }[];
}

/** GET /advisories/{id}: an advisory and everyone it affects (that the caller may read). */
export interface AdvisoryLookup {
  id: string;
  records: AdvisoryRecord[];
  kev: KevEntry | null;
  epss: { score: number; percentile: number } | null;
  affected: { systems: number; agencies: number; vendors: number };
  systems: AffectedSystem[];
}

export interface PackageSystem {
  system_id: string;
  system_key: string;
  system_name: string;
  agency_code: string;
  agency_name: string;
  sbom_id: string;
  versions: string[];
  open_findings: number;
}

/** GET /packages: the systems whose current SBOM holds a package. */
export interface PackageLookup {
  ecosystem: string;
  name: string;
  version: string | null;
  /** The vers range looked up, in canonical form, when one was given instead of a version. */
  range: string | null;
  agencies: number;
  systems: PackageSystem[];
}

export interface NotificationDetails {
  system_id?: string;
  system_key?: string;
  sbom_id?: string;
  sequence?: number;
  new_vulnerabilities?: number;
  vuln_keys?: string[];
}

/** An alert (GET /notifications). */
export interface AppNotification {
  id: string;
  kind: 'sbomFindings' | 'advisoryFindings' | 'kevAdded' | (string & {});
  severity: SeverityBand | null;
  system_id: string | null;
  title: string;
  details: NotificationDetails | null;
  created_at: string;
  read_at: string | null;
  recipient: 'agency' | 'vendor';
}

export interface NotificationList extends ListAnswer<AppNotification> {
  unread: number;
}
