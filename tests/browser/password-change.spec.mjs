// End-to-end check of the password change page against a running server. Signs in with SG_EMAIL
// and SG_PASSWORD; an account on a one-time password (must_change_password, e.g. the first
// administrator of `supplyguard serve`) lands on the forced page, any other opens it from the user
// menu. Checks the client-side and server-side field errors, changes the password, signs in with
// the new one and finally changes it back to SG_PASSWORD (also attempted after a failure), so the
// account is usable afterwards. Run from web/: `npm run test:browser` (files run one at a time).
// Screenshots go to /tmp/sg-password-*.png.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';

import { baseUrl, email, launchChromium, missingEnv, password, playwright } from './support.mjs';

/** The temporary password; free of the account name, which the server refuses. */
const temporaryPassword = `Rotated-${randomBytes(6).toString('hex')}-Kq9!`;
/** Whether the account is on `temporaryPassword` right now (restored in `after` if so). */
let onTemporaryPassword = false;

/** @type {import('playwright-core').Browser | undefined} */
let browser;

before(async () => {
  if (missingEnv) return;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (!onTemporaryPassword || !baseUrl || !email || !password) return;
  // The test stopped half-way: put SG_PASSWORD back through the API.
  const api = await playwright.request.newContext({ baseURL: baseUrl });
  try {
    const signIn = await api.post('/api/v1/session', {
      data: { email, password: temporaryPassword },
    });
    if (!signIn.ok()) return;
    const { csrf_token: csrfToken } = await signIn.json();
    const changed = await api.post('/api/v1/me/password', {
      data: { current_password: temporaryPassword, new_password: password },
      headers: { 'X-CSRF-Token': csrfToken },
    });
    if (changed.status() === 204) onTemporaryPassword = false;
  } finally {
    await api.dispose();
  }
});

/**
 * @param {import('playwright-core').Page} page
 * @param {string} secret
 */
async function signIn(page, secret) {
  await page.getByTestId('sign-in-email').fill(email ?? '');
  await page.getByTestId('sign-in-password').fill(secret);
  await page.getByTestId('sign-in-submit').click();
}

/**
 * Fills the three fields and submits.
 * @param {import('playwright-core').Page} page
 * @param {string} current
 * @param {string} next
 * @param {string} [confirm]
 */
async function submitPasswords(page, current, next, confirm = next) {
  const form = page.getByTestId('password-form');
  await form.getByTestId('password-current').fill(current);
  await form.getByTestId('password-new').fill(next);
  await form.getByTestId('password-confirm').fill(confirm);
  await form.getByTestId('password-submit').click();
}

/**
 * The text of a field's error once it shows.
 * @param {import('playwright-core').Page} page
 * @param {'current' | 'new' | 'confirm'} field
 */
async function fieldError(page, field) {
  const error = page.getByTestId(`password-error-${field}`);
  await error.waitFor();
  return (await error.innerText()).trim();
}

/**
 * Opens the (voluntary) password page from the user menu.
 * @param {import('playwright-core').Page} page
 */
async function openFromUserMenu(page) {
  await page.getByTestId('user-menu-button').click();
  await page.getByTestId('change-password-link').click();
  await page.locator('[data-testid="password-page"][data-forced="false"]').waitFor();
}

/**
 * @param {import('playwright-core').Page} page
 * @param {'zh-TW' | 'en'} locale
 * @param {boolean} forced
 */
async function chooseLocale(page, locale, forced) {
  if (!forced) await page.getByTestId('user-menu-button').click();
  await page.getByTestId('locale-select').selectOption(locale);
  if (!forced) await page.keyboard.press('Escape');
}

test(
  'change the password: field errors, success, sign in with the new one, change it back',
  { skip: missingEnv && 'set SG_BASE_URL, SG_EMAIL and SG_PASSWORD', timeout: 120_000 },
  async () => {
    assert.ok(browser && baseUrl && email && password);
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'zh-TW',
    });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    /** @type {string[]} */
    const problems = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) {
        problems.push(`CSP: ${message.text()}`);
      }
    });
    // A forced page must not call anything the server refuses until the password is changed.
    page.on('response', (response) => {
      if (response.status() === 403 && response.url().includes('/api/')) {
        problems.push(`403 from ${response.request().method()} ${response.url()}`);
      }
    });
    /** @type {number} */
    let passwordPosts = 0;
    page.on('request', (sent) => {
      if (sent.method() === 'POST' && sent.url().endsWith('/api/v1/me/password')) passwordPosts++;
    });

    await page.goto(baseUrl);
    await signIn(page, password);
    const passwordPage = page.getByTestId('password-page');
    const nav = page.getByTestId('nav-agencies');
    await passwordPage.or(nav).first().waitFor();
    const forced = await passwordPage.isVisible();
    if (forced) {
      // One-time password: no navigation, only the password page (and signing out).
      assert.equal(await passwordPage.getAttribute('data-forced'), 'true');
      assert.equal(await nav.count(), 0);
      await page.getByTestId('password-forced-intro').waitFor();
      await page.screenshot({ path: '/tmp/sg-password-forced.png', fullPage: true });
    } else {
      await openFromUserMenu(page);
    }
    assert.equal(
      (await page.getByRole('heading', { level: 1 }).innerText()).trim(),
      '變更密碼',
      'the heading in zh-TW',
    );

    // Client-side checks: too short, then the confirmation differs. Nothing is sent.
    await submitPasswords(page, password, 'short-pw');
    assert.match(await fieldError(page, 'new'), /12/);
    await submitPasswords(page, password, temporaryPassword, `${temporaryPassword}x`);
    assert.equal(await fieldError(page, 'confirm'), '兩次輸入的新密碼不一致。');
    assert.equal(await page.getByTestId('password-error-new').count(), 0);
    assert.equal(passwordPosts, 0, 'client-side errors send nothing');

    // The server's field codes, translated next to their fields.
    await submitPasswords(page, `${password}-wrong`, temporaryPassword);
    assert.equal(await fieldError(page, 'current'), '目前密碼不正確。');
    const accountName = email.split('@')[0] ?? '';
    if (accountName.length >= 3) {
      await submitPasswords(page, password, `${accountName}-Long-Enough-42`);
      assert.match(await fieldError(page, 'new'), /帳號名稱/);
    }
    await submitPasswords(page, password, password);
    assert.equal(await fieldError(page, 'new'), '新密碼不可與目前或最近使用過的密碼相同。');
    await page.screenshot({ path: '/tmp/sg-password-errors.png', fullPage: true });

    // The same in English.
    await chooseLocale(page, 'en', forced);
    await submitPasswords(page, `${password}-wrong`, temporaryPassword);
    assert.equal(await fieldError(page, 'current'), 'The current password is wrong.');
    assert.equal(
      (await page.getByTestId('password-current').getAttribute('aria-invalid')) ?? '',
      'true',
    );
    await chooseLocale(page, 'zh-TW', forced);

    // Success.
    await submitPasswords(page, password, temporaryPassword);
    onTemporaryPassword = true;
    if (forced) {
      // The session is read again and the app opens.
      await nav.waitFor();
      assert.equal(
        await page.locator('[data-testid="password-page"][data-forced="true"]').count(),
        0,
      );
    } else {
      await page.getByTestId('password-changed').waitFor();
      assert.equal(await page.getByTestId('password-current').inputValue(), '');
    }
    await page.screenshot({ path: '/tmp/sg-password-changed.png', fullPage: true });

    // Sign out; the old password no longer works, the new one does and is not forced again.
    await page.getByTestId('user-menu-button').click();
    await page.getByTestId('sign-out').click();
    await signIn(page, password);
    await page.getByTestId('sign-in-error').waitFor();
    await signIn(page, temporaryPassword);
    await nav.waitFor();
    assert.equal(
      await page.locator('[data-testid="password-page"][data-forced="true"]').count(),
      0,
    );

    // Change it back from the user menu (the server only refuses the current one again).
    await openFromUserMenu(page);
    await submitPasswords(page, temporaryPassword, password);
    await page.getByTestId('password-changed').waitFor();
    onTemporaryPassword = false;
    await page.getByTestId('nav-agencies').click();
    await page.getByTestId('user-menu-button').waitFor();

    assert.deepEqual(problems, []);
    await context.close();
  },
);
