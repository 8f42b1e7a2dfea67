/**
 * The UI's only door to the server: every call to /api/v1 goes through `request` here (lint
 * forbids `fetch` elsewhere). Errors come back as `ApiError`, whose `code` is the translation key
 * (see `translateError` in i18n.svelte.ts) and whose `fields` name the form fields at fault.
 */
import type {
  AdvisoryLookup,
  ApiRecord,
  ApiToken,
  AuditEntry,
  AuditQuery,
  AuditVerifyAnswer,
  CollectionName,
  ConcentrationAnswer,
  Finding,
  FindingDetail,
  FindingsSummary,
  HistoryEntry,
  ImportAnswer,
  ImportKind,
  InvitationInfo,
  InvitationLink,
  InviteAnswer,
  LicenseSummary,
  ListAnswer,
  ManagedUser,
  MySession,
  NewApiToken,
  NewUser,
  NotificationList,
  PackageLookup,
  SbomComponent,
  SbomDetail,
  SbomDiff,
  SbomUploadAnswer,
  SbomVersion,
  SecondFactor,
  SessionAnswer,
  TotpEnrolment,
  TriageDecision,
} from './types';

const apiRoot = '/api/v1';

/** Error codes the UI falls back on when a response carries no error body. */
const codeByStatus: Record<number, string> = {
  400: 'badRequest',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'notFound',
  409: 'conflict',
  413: 'payloadTooLarge',
  422: 'validationFailed',
  429: 'rateLimited',
  500: 'internal',
};

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: Record<string, string[]>;
  /** From a 429's `Retry-After`: how many seconds to wait, or null when the server did not say. */
  readonly retryAfterSeconds: number | null;

  constructor(
    status: number,
    code: string,
    message: string,
    fields: Record<string, string[]> = {},
    retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export type QueryValue = string | number | boolean | null | undefined;
export type Query = Record<string, QueryValue>;

let csrfToken: string | null = null;
let unauthenticatedHandler: ((error: ApiError) => void) | null = null;

/**
 * Called when a request other than the session's own answers 401: the session has ended, or
 * (code `mfaEnrollmentRequired`) it may only enrol in MFA.
 */
export function onUnauthenticated(handler: (error: ApiError) => void): void {
  unauthenticatedHandler = handler;
}

export function buildUrl(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(name, String(value));
  }
  const search = params.toString();
  return `${apiRoot}${path}${search ? `?${search}` : ''}`;
}

interface RequestOptions {
  query?: Query;
  json?: unknown;
  form?: FormData;
  /** A raw body (an uploaded document) sent with `contentType`. */
  raw?: { body: Blob; contentType: string };
  /** Statuses besides 2xx whose body is a normal answer (import's 422 with row errors). */
  answerStatuses?: number[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `Retry-After` as seconds: either a number of seconds or an HTTP date. */
function parseRetryAfter(value: string | null): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

function toApiError(
  status: number,
  body: unknown,
  retryAfterSeconds: number | null = null,
): ApiError {
  const fallback = codeByStatus[status] ?? (status >= 500 ? 'internal' : 'badRequest');
  const error = isObject(body) && isObject(body['error']) ? body['error'] : null;
  if (!error) return new ApiError(status, fallback, `HTTP ${status}`, {}, retryAfterSeconds);
  const code = typeof error['code'] === 'string' ? error['code'] : fallback;
  const message = typeof error['message'] === 'string' ? error['message'] : '';
  const fields: Record<string, string[]> = {};
  if (isObject(error['fields'])) {
    for (const [name, codes] of Object.entries(error['fields'])) {
      if (Array.isArray(codes)) fields[name] = codes.map(String);
      else if (typeof codes === 'string') fields[name] = [codes];
    }
  }
  return new ApiError(status, code, message, fields, retryAfterSeconds);
}

async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  let body: BodyInit | undefined;
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.form) {
    body = options.form; // the browser sets the multipart boundary itself
  } else if (options.raw) {
    headers['Content-Type'] = options.raw.contentType;
    body = options.raw.body;
  }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;

  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.query), {
      method,
      headers,
      body,
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'network', 'network error');
  }

  let parsed: unknown = undefined;
  if (response.status !== 204) {
    const text = await response.text();
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
    }
  }
  if (response.ok || options.answerStatuses?.includes(response.status)) {
    if (!response.ok && !isObject(parsed)) throw toApiError(response.status, parsed);
    return parsed as T;
  }
  const error = toApiError(
    response.status,
    parsed,
    parseRetryAfter(response.headers.get('Retry-After')),
  );
  // The public invitation and password-reset routes never have a session to lose.
  if (
    response.status === 401 &&
    !path.startsWith('/session') &&
    !path.startsWith('/invitations/') &&
    !path.startsWith('/password-reset')
  )
    unauthenticatedHandler?.(error);
  throw error;
}

// --- Session -------------------------------------------------------------------------------

/**
 * Signs in. Without `second` an account with MFA answers 401 `mfaRequired`; the caller asks for
 * a code and sends e-mail and password again with it.
 */
export async function signIn(
  email: string,
  password: string,
  second?: SecondFactor,
): Promise<SessionAnswer> {
  const answer = await request<SessionAnswer>('POST', '/session', {
    json: { email, password, ...second },
  });
  csrfToken = answer.csrf_token;
  return answer;
}

/** The current session, or null when there is none (401). */
export async function restoreSession(): Promise<SessionAnswer | null> {
  try {
    const answer = await request<SessionAnswer>('GET', '/session');
    csrfToken = answer.csrf_token;
    return answer;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export async function signOut(): Promise<void> {
  try {
    await request<undefined>('DELETE', '/session');
  } finally {
    csrfToken = null;
  }
}

/** Keeps the CSRF token of an answer that rotated the session (a new id, perhaps a new token). */
function adoptCsrfToken(answer: unknown): void {
  if (isObject(answer) && typeof answer['csrf_token'] === 'string') {
    csrfToken = answer['csrf_token'];
  }
}

/**
 * Changes the signed-in user's password. A 422 names `current_password` or `new_password`. The
 * server issues a new session id; an answer with the session body also brings its CSRF token.
 */
export async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  const answer = await request<unknown>('POST', '/me/password', {
    json: { current_password: currentPassword, new_password: newPassword },
  });
  adoptCsrfToken(answer);
}

// --- My account: MFA, sessions, tokens ------------------------------------------------------

/** Starts (or restarts) a TOTP enrolment; an active authenticator stays until confirmation. */
export function startTotpEnrolment(): Promise<TotpEnrolment> {
  return request('POST', '/me/mfa/totp');
}

/**
 * Activates the pending enrolment with a first code; answers the ten recovery codes, shown once.
 * The server rotates the session id, so read the session again (`restoreSession`) afterwards.
 */
export async function confirmTotpEnrolment(code: string): Promise<string[]> {
  const answer = await request<{ recovery_codes: string[] }>('POST', '/me/mfa/totp/confirm', {
    json: { code },
  });
  adoptCsrfToken(answer);
  return answer.recovery_codes ?? [];
}

export async function listMySessions(): Promise<MySession[]> {
  const answer = await request<{ items: MySession[] }>('GET', '/me/sessions');
  return answer.items ?? [];
}

export async function endMySession(id: string): Promise<void> {
  await request<undefined>('DELETE', `/me/sessions/${encodeURIComponent(id)}`);
}

/** Ends every session of the caller except the current one. */
export async function endMyOtherSessions(): Promise<void> {
  await request<undefined>('DELETE', '/me/sessions');
}

export async function listTokens(): Promise<ApiToken[]> {
  const answer = await request<{ items: ApiToken[] }>('GET', '/tokens');
  return answer.items ?? [];
}

/** Creates a token; its secret (`sg_…`) is in this answer only. */
export function createToken(token: NewApiToken): Promise<{ id: string; token: string }> {
  return request('POST', '/tokens', { json: token });
}

export async function revokeToken(id: string): Promise<void> {
  await request<undefined>('DELETE', `/tokens/${encodeURIComponent(id)}`);
}

// --- User administration (authority, tenant admins) -----------------------------------------

export function listUsers(query: Query): Promise<ListAnswer<ManagedUser>> {
  return request('GET', '/users', { query });
}

export function inviteUser(user: NewUser): Promise<InviteAnswer> {
  return request('POST', '/users', { json: user });
}

export function updateUser(
  id: string,
  changes: { disabled?: boolean; role?: string; tenant_admin?: boolean; expires_at?: string },
): Promise<ManagedUser> {
  return request('PATCH', `/users/${encodeURIComponent(id)}`, { json: changes });
}

/** Removes the user's MFA; they enrol again at their next sign-in. */
export async function resetUserMfa(id: string): Promise<void> {
  await request<undefined>('POST', `/users/${encodeURIComponent(id)}/mfa/reset`);
}

/** A new set-password link for the user (a password reset). */
export function newInvitationLink(id: string): Promise<InvitationLink> {
  return request('POST', `/users/${encodeURIComponent(id)}/invitation`);
}

// --- Invitations (public: no session) ------------------------------------------------------

export function getInvitation(token: string): Promise<InvitationInfo> {
  return request('GET', `/invitations/${encodeURIComponent(token)}`);
}

/** Sets the invited user's password (204); a 422 carries the policy's codes in `password`. */
export async function acceptInvitation(token: string, password: string): Promise<void> {
  await request<undefined>('POST', `/invitations/${encodeURIComponent(token)}`, {
    json: { password },
  });
}

// --- Password reset (public: no session) --------------------------------------------------

/**
 * Asks for a reset link by e-mail. The answer (202) is the same whether or not the account
 * exists; 429 when the address asked too often.
 */
export async function requestPasswordReset(email: string): Promise<void> {
  await request<unknown>('POST', '/password-reset', { json: { email } });
}

export function getPasswordReset(token: string): Promise<InvitationInfo> {
  return request('GET', `/password-reset/${encodeURIComponent(token)}`);
}

/** Sets the new password (204) and ends every session of the account; 422 as for invitations. */
export async function resetPassword(token: string, password: string): Promise<void> {
  await request<undefined>('POST', `/password-reset/${encodeURIComponent(token)}`, {
    json: { password },
  });
}

// --- Audit log ------------------------------------------------------------------------------

export function listAuditLog(
  query: AuditQuery & { page?: number; per_page?: number },
): Promise<ListAnswer<AuditEntry>> {
  return request('GET', '/audit-log', { query: { ...query } });
}

/** The download of the filtered entries (a plain link; the session cookie goes along). */
export function auditLogExportUrl(format: 'jsonl' | 'csv', query: AuditQuery): string {
  return buildUrl('/audit-log/export', { format, ...query });
}

export function verifyAuditLog(): Promise<AuditVerifyAnswer> {
  return request('GET', '/audit-log/verify');
}

/** Forget the CSRF token after the server has ended the session. */
export function forgetSession(): void {
  csrfToken = null;
}

// --- Collections ---------------------------------------------------------------------------

export function listRecords(
  collection: CollectionName,
  query: Query,
): Promise<ListAnswer<ApiRecord>> {
  return request('GET', `/${collection}`, { query });
}

export function getRecord(collection: CollectionName, id: string): Promise<ApiRecord> {
  return request('GET', `/${collection}/${encodeURIComponent(id)}`);
}

export function createRecord(
  collection: CollectionName,
  record: Record<string, unknown>,
): Promise<ApiRecord> {
  return request('POST', `/${collection}`, { json: record });
}

export function updateRecord(
  collection: CollectionName,
  id: string,
  changes: Record<string, unknown>,
): Promise<ApiRecord> {
  return request('PATCH', `/${collection}/${encodeURIComponent(id)}`, { json: changes });
}

export async function deleteRecord(collection: CollectionName, id: string): Promise<void> {
  await request<undefined>('DELETE', `/${collection}/${encodeURIComponent(id)}`);
}

export async function getHistory(collection: CollectionName, id: string): Promise<HistoryEntry[]> {
  const answer = await request<{ items: HistoryEntry[] }>(
    'GET',
    `/${collection}/${encodeURIComponent(id)}/history`,
  );
  return answer.items ?? [];
}

// --- Import --------------------------------------------------------------------------------

/** Uploads a CSV/XLSX file; a 422 with row errors is an answer, not an exception. */
export async function importFile(
  kind: ImportKind,
  file: File,
  dryRun: boolean,
): Promise<ImportAnswer> {
  const form = new FormData();
  form.append('file', file, file.name);
  const answer = await request<ImportAnswer>('POST', `/import/${kind}`, {
    query: dryRun ? { dry_run: 'true' } : {},
    form,
    answerStatuses: [422],
  });
  if (!Array.isArray(answer.errors)) {
    // A 422 without row errors is an ordinary validation failure.
    throw toApiError(422, answer);
  }
  return answer;
}

// --- Reports -------------------------------------------------------------------------------

export interface ConcentrationQuery {
  as_of?: string;
  agency_code?: string;
  sort?: string;
}

export function getConcentration(query: ConcentrationQuery): Promise<ConcentrationAnswer> {
  return request('GET', '/reports/concentration', { query: { ...query } });
}

/** The CSV download of the same report (a plain link; the session cookie goes along). */
export function concentrationCsvUrl(query: ConcentrationQuery): string {
  return buildUrl('/reports/concentration', { ...query, format: 'csv' });
}

// --- SBOMs, findings and alerts ------------------------------------------------------------

/** Media types the server reads as they are; anything else goes as octet-stream (detected). */
const sbomMediaTypes = new Set([
  'application/vnd.cyclonedx+json',
  'application/vnd.cyclonedx+xml',
  'application/spdx+json',
  'text/spdx',
  'application/json',
  'application/xml',
  'text/xml',
  'text/plain',
]);

/**
 * Uploads an SBOM document as the body, with the file's Content-Type when it is one the server
 * knows (otherwise `application/octet-stream`: the server detects the format from the content).
 */
export function uploadSbom(systemId: string, file: File, label: string): Promise<SbomUploadAnswer> {
  const type = file.type.split(';')[0]?.trim().toLowerCase() ?? '';
  return request('POST', `/systems/${encodeURIComponent(systemId)}/sboms`, {
    query: { version: label.trim() },
    raw: { body: file, contentType: sbomMediaTypes.has(type) ? type : 'application/octet-stream' },
  });
}

export function listSboms(systemId: string, query: Query): Promise<ListAnswer<SbomVersion>> {
  return request('GET', `/systems/${encodeURIComponent(systemId)}/sboms`, { query });
}

export function getSbom(id: string): Promise<SbomDetail> {
  return request('GET', `/sboms/${encodeURIComponent(id)}`);
}

export function listComponents(id: string, query: Query): Promise<ListAnswer<SbomComponent>> {
  return request('GET', `/sboms/${encodeURIComponent(id)}/components`, { query });
}

/** The changes since the previous version, or since `against`. */
export function getSbomDiff(id: string, against?: string): Promise<SbomDiff> {
  return request('GET', `/sboms/${encodeURIComponent(id)}/diff`, { query: { against } });
}

/** The SBOM document as uploaded (a plain link; the session cookie goes along). */
export function sbomDocumentUrl(id: string): string {
  return buildUrl(`/sboms/${encodeURIComponent(id)}/document`);
}

/** The system's findings as a CycloneDX VEX document (a plain link). */
export function vexUrl(systemId: string): string {
  return buildUrl(`/systems/${encodeURIComponent(systemId)}/vex`);
}

export function getLicenses(systemId: string): Promise<LicenseSummary> {
  return request('GET', `/systems/${encodeURIComponent(systemId)}/licenses`);
}

/** The server sends null for lists never set (`response` before a first decision). */
function withLists<T extends Finding>(finding: T): T {
  return {
    ...finding,
    aliases: finding.aliases ?? [],
    fixed: finding.fixed ?? [],
    response: finding.response ?? [],
  };
}

function withHistory(finding: FindingDetail): FindingDetail {
  return { ...withLists(finding), history: finding.history ?? [] };
}

/** Filters: state, severity, kev, status, vuln, package, ecosystem, system_id, agency_id, q. */
export async function listFindings(query: Query): Promise<ListAnswer<Finding>> {
  const answer = await request<ListAnswer<Finding>>('GET', '/findings', { query });
  return { ...answer, items: answer.items.map(withLists) };
}

export async function getFinding(id: string): Promise<FindingDetail> {
  return withHistory(await request('GET', `/findings/${encodeURIComponent(id)}`));
}

/** A triage decision; a 422 names the fields at fault (`justification: required`). */
export async function triageFinding(id: string, decision: TriageDecision): Promise<FindingDetail> {
  return withHistory(
    await request('PATCH', `/findings/${encodeURIComponent(id)}`, { json: decision }),
  );
}

export function getFindingsSummary(query: {
  agency_id?: string;
  system_id?: string;
}): Promise<FindingsSummary> {
  return request('GET', '/findings/summary', { query: { ...query } });
}

/** An advisory by its id or any alias (CVE-…, GHSA-…, GO-…). */
export function getAdvisory(id: string): Promise<AdvisoryLookup> {
  return request('GET', `/advisories/${encodeURIComponent(id)}`);
}

export function lookupPackage(query: {
  ecosystem: string;
  name: string;
  version?: string;
  /** A vers range instead of one version. */
  range?: string;
}): Promise<PackageLookup> {
  return request('GET', '/packages', { query: { ...query } });
}

/** Filters: unread=true, kind. The answer also carries the unread count. */
export function listNotifications(query: Query): Promise<NotificationList> {
  return request('GET', '/notifications', { query });
}

export async function markNotificationRead(id: string): Promise<void> {
  await request<undefined>('POST', `/notifications/${encodeURIComponent(id)}/read`);
}

export async function markAllNotificationsRead(): Promise<void> {
  await request<undefined>('POST', '/notifications/read');
}
