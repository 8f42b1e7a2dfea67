// What the browser tests share: playwright-core from web/node_modules, the server and account
// they are given, and Debian's Chromium started with the flags this closed network needs.
// playwright-core is a devDependency of web/; resolve it from there, wherever this file runs.
import { createRequire } from 'node:module';

const requireFromWeb = createRequire(new URL('../../web/package.json', import.meta.url));
/** @type {typeof import('playwright-core')} */
export const playwright = requireFromWeb('playwright-core');

export const baseUrl = process.env.SG_BASE_URL;
export const email = process.env.SG_EMAIL;
export const password = process.env.SG_PASSWORD;
/** True when the harness did not say which server and account to use: the tests skip. */
export const missingEnv = !baseUrl || !email || !password;

/**
 * A fresh account that must enrol in MFA at its first sign-in (profile `tw-high`), for
 * mfa.spec.mjs; the test enrols it, so each run needs a new account (or an MFA reset).
 */
export const mfaEmail = process.env.SG_MFA_EMAIL;
export const mfaPassword = process.env.SG_MFA_PASSWORD;
/** The tw-high server for mfa.spec.mjs (SG_MFA_BASE_URL), or the common one. */
export const mfaBaseUrl = process.env.SG_MFA_BASE_URL ?? baseUrl;

/** Starts headless Chromium (SG_CHROMIUM, default /usr/bin/chromium). */
export function launchChromium() {
  return playwright.chromium.launch({
    executablePath: process.env.SG_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Calls the API with a signed-in page's session: its cookie (the context's request client shares
 * it) and its CSRF token (read from GET /api/v1/session). Answers the status and parsed body.
 * @param {import('playwright-core').Page} page
 * @param {string} method
 * @param {string} apiPath e.g. `/api/v1/agencies`
 * @param {unknown} [data] a JSON body
 * @returns {Promise<{ status: number, body: any }>}
 */
export async function apiRequest(page, method, apiPath, data) {
  const origin = new URL(page.url()).origin;
  const session = await page.request.get(`${origin}/api/v1/session`);
  if (!session.ok()) throw new Error(`no session: ${session.status()}`);
  const { csrf_token: csrfToken } = await session.json();
  const response = await page.request.fetch(`${origin}${apiPath}`, {
    method,
    data,
    headers: { 'X-CSRF-Token': csrfToken, Accept: 'application/json' },
  });
  const text = await response.text();
  return { status: response.status(), body: text ? JSON.parse(text) : null };
}
