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
