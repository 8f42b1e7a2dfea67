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
}

export interface SessionAnswer {
  csrf_token: string;
  user: User;
  mfa_enrollment_required?: boolean;
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
