/** Who is signed in. The CSRF token lives in api.ts; this holds what the UI shows and checks. */
import * as api from './api';
import type { CollectionName, SecondFactor, SessionAnswer, User } from './types';

export const session = $state<{
  status: 'loading' | 'signedOut' | 'signedIn';
  user: User | null;
  /**
   * The account must enrol in MFA first: the server answers 401 `mfaEnrollmentRequired` to all
   * but enrolment, the password change and sign-out, so the UI offers nothing else.
   */
  mfaEnrollmentRequired: boolean;
}>({
  status: 'loading',
  user: null,
  mfaEnrollmentRequired: false,
});

/** Set when the server ends the session behind our back (401 on an ordinary call). */
export const sessionNotice = $state<{ expired: boolean }>({ expired: false });

api.onUnauthenticated((error) => {
  if (error.code === 'mfaEnrollmentRequired' && session.user) {
    // Still signed in, but only for enrolment (e.g. an administrator reset our MFA).
    session.mfaEnrollmentRequired = true;
    return;
  }
  api.forgetSession();
  if (session.status === 'signedIn') sessionNotice.expired = true;
  signedOut();
});

function signedOut(): void {
  session.user = null;
  session.mfaEnrollmentRequired = false;
  session.status = 'signedOut';
}

function signedIn(answer: SessionAnswer): void {
  session.user = answer.user;
  session.mfaEnrollmentRequired = answer.mfa_enrollment_required === true;
  session.status = 'signedIn';
}

export async function restore(): Promise<void> {
  let answer: SessionAnswer | null;
  try {
    answer = await api.restoreSession();
  } catch {
    answer = null;
  }
  if (answer) signedIn(answer);
  else signedOut();
}

/**
 * Reads the session again (after a password change clears `must_change_password`, or an MFA
 * enrolment ends the enrolment-only state). Signs out if the session has ended; throws (keeping
 * the current user) if the server cannot answer.
 */
export async function refresh(): Promise<void> {
  const answer = await api.restoreSession();
  if (answer) signedIn(answer);
  else signedOut();
}

/**
 * Signs in. Throws `ApiError`; code `mfaRequired` (401) means the password was right and the
 * account needs a second factor: call again with `second`.
 */
export async function signIn(
  email: string,
  password: string,
  second?: SecondFactor,
): Promise<void> {
  const answer = await api.signIn(email, password, second);
  signedIn(answer);
  sessionNotice.expired = false;
}

export async function signOut(): Promise<void> {
  try {
    await api.signOut();
  } finally {
    signedOut();
  }
}

/** The authority and tenant administrators manage users (the server scopes them to the tenant). */
export function canAdministerUsers(user: User | null): boolean {
  if (!user) return false;
  return user.role === 'authority' || user.tenant_admin;
}

/** Who may read the audit log: the authority (all) and tenant admins (their tenant's entries). */
export function canReadAuditLog(user: User | null): boolean {
  return canAdministerUsers(user);
}

/** Only the authority exports the audit log and verifies its chain. */
export function isAuthority(user: User | null): boolean {
  return user?.role === 'authority';
}

const agencyRoles = new Set(['agency_ciso', 'agency_officer']);

/**
 * Whether the UI offers to create in a collection. The server decides (API.md "Who may write
 * what"); this only hides buttons that would certainly be refused.
 */
export function canCreate(user: User | null, collection: CollectionName): boolean {
  if (!user) return false;
  if (user.role === 'authority') return true;
  return agencyRoles.has(user.role) && (collection === 'systems' || collection === 'contracts');
}

export function canEdit(
  user: User | null,
  collection: CollectionName,
  record: Record<string, unknown>,
): boolean {
  if (!user) return false;
  if (user.role === 'authority') return true;
  if (agencyRoles.has(user.role)) {
    return (
      (collection === 'systems' || collection === 'contracts') &&
      record['agency_code'] === user.agency_code
    );
  }
  if (user.role === 'vendor') {
    return collection === 'vendors' && record['tax_id'] === user.vendor_tax_id;
  }
  return false;
}

export function canDelete(
  user: User | null,
  collection: CollectionName,
  record: Record<string, unknown>,
): boolean {
  return user?.role !== 'vendor' && canEdit(user, collection, record);
}
