/** Who is signed in. The CSRF token lives in api.ts; this holds what the UI shows and checks. */
import * as api from './api';
import type { CollectionName, User } from './types';

export const session = $state<{ status: 'loading' | 'signedOut' | 'signedIn'; user: User | null }>({
  status: 'loading',
  user: null,
});

/** Set when the server ends the session behind our back (401 on an ordinary call). */
export const sessionNotice = $state<{ expired: boolean }>({ expired: false });

api.onUnauthenticated(() => {
  api.forgetSession();
  if (session.status === 'signedIn') sessionNotice.expired = true;
  session.user = null;
  session.status = 'signedOut';
});

export async function restore(): Promise<void> {
  try {
    const answer = await api.restoreSession();
    session.user = answer && !answer.mfa_enrollment_required ? answer.user : null;
  } catch {
    session.user = null;
  }
  session.status = session.user ? 'signedIn' : 'signedOut';
}

/**
 * Reads the session again (after a password change clears `must_change_password`). Signs out
 * if the session has ended; throws (keeping the current user) if the server cannot answer.
 */
export async function refresh(): Promise<void> {
  const answer = await api.restoreSession();
  if (!answer || answer.mfa_enrollment_required) {
    session.user = null;
    session.status = 'signedOut';
    return;
  }
  session.user = answer.user;
  session.status = 'signedIn';
}

/** Signs in; returns 'mfaEnrollment' when the account may only enrol in MFA (not in this UI). */
export async function signIn(email: string, password: string): Promise<'ok' | 'mfaEnrollment'> {
  const answer = await api.signIn(email, password);
  if (answer.mfa_enrollment_required) {
    await api.signOut().catch(() => undefined);
    return 'mfaEnrollment';
  }
  session.user = answer.user;
  session.status = 'signedIn';
  sessionNotice.expired = false;
  return 'ok';
}

export async function signOut(): Promise<void> {
  try {
    await api.signOut();
  } finally {
    session.user = null;
    session.status = 'signedOut';
  }
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
