// End-to-end check of sign-in with MFA against a running server whose password profile requires
// MFA (`tw-high`, the default). SG_MFA_EMAIL and SG_MFA_PASSWORD name a fresh account that has
// not enrolled yet: signing in lands on the enrolment page (and nothing else); the test reads the
// setup key from the page, computes the TOTP code itself (RFC 6238: HMAC-SHA1, 6 digits, 30 s),
// confirms, keeps the ten recovery codes, signs out, signs in again with a fresh code (the server
// accepts each 30-s step once, so it waits for the next step when needed) and finally with a
// recovery code, which then no longer works. The account stays enrolled: a second run needs a new
// account or an administrator's MFA reset. The phone-sized window also checks the narrow layout.
// Run from web/: `npm run test:browser` (files run one at a time). Screenshots: /tmp/sg-mfa-*.png.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, test } from 'node:test';

import { mfaBaseUrl as baseUrl, launchChromium, mfaEmail, mfaPassword } from './support.mjs';

const missingMfaEnv = !baseUrl || !mfaEmail || !mfaPassword;
const stepSeconds = 30;
const base32Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * RFC 4648 base32 to bytes; spaces (the page groups the key in fours), `=` padding and lower
 * case are accepted.
 * @param {string} text
 */
function base32Decode(text) {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  /** @type {number[]} */
  const bytes = [];
  let buffer = 0;
  let bits = 0;
  for (const character of clean) {
    const value = base32Alphabet.indexOf(character);
    if (value < 0) throw new Error(`not base32: ${character}`);
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

/**
 * The 6-digit TOTP code of `key` for the 30-s time step `step` (RFC 6238 with SHA-1).
 * @param {Buffer} key
 * @param {number} step
 */
function totp(key, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 1_000_000).padStart(6, '0');
}

function currentStep() {
  return Math.floor(Date.now() / 1000 / stepSeconds);
}

/**
 * The first time step after `used`, waiting for the clock to reach it: the server refuses a
 * second code from a step it has already accepted one from.
 * @param {number} used
 */
async function stepAfter(used) {
  for (;;) {
    const step = currentStep();
    if (step > used) return step;
    const untilNext = (step + 1) * stepSeconds * 1000 - Date.now() + 100;
    await new Promise((resolve) => setTimeout(resolve, untilNext));
  }
}

/**
 * A 6-digit code that is wrong for every step the server might accept now (±1).
 * @param {Buffer} key
 */
function wrongCode(key) {
  const step = currentStep();
  const valid = new Set([-2, -1, 0, 1, 2].map((delta) => totp(key, step + delta)));
  for (let candidate = 0; ; candidate++) {
    const code = String(candidate * 7919)
      .padStart(6, '0')
      .slice(-6);
    if (!valid.has(code)) return code;
  }
}

test('the TOTP helper matches RFC 6238 (SHA-1 vectors) and RFC 4648 base32', () => {
  // RFC 6238 appendix B: key "12345678901234567890"; the 8-digit codes end in these 6 digits.
  const key = base32Decode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
  assert.equal(key.toString('latin1'), '12345678901234567890');
  assert.equal(totp(key, Math.floor(59 / stepSeconds)), '287082');
  assert.equal(totp(key, Math.floor(1111111109 / stepSeconds)), '081804');
  assert.equal(totp(key, Math.floor(1234567890 / stepSeconds)), '005924');
  assert.equal(totp(key, Math.floor(20000000000 / stepSeconds)), '353130');
  assert.deepEqual([...base32Decode('mzxw 6ytb oi==')], [...Buffer.from('foobar')]);
});

/** @type {import('playwright-core').Browser | undefined} */
let browser;

before(async () => {
  if (missingMfaEnv) return;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

/**
 * Fills e-mail and password and submits.
 * @param {import('playwright-core').Page} page
 */
async function submitPassword(page) {
  const form = page.getByTestId('sign-in-form');
  await form.waitFor();
  await form.getByTestId('sign-in-email').fill(mfaEmail ?? '');
  await form.getByTestId('sign-in-password').fill(mfaPassword ?? '');
  await form.getByTestId('sign-in-submit').click();
}

/**
 * Signs in up to the code step and checks it: the code field is focused and asks for a one-time
 * code on a numeric keyboard.
 * @param {import('playwright-core').Page} page
 */
async function reachCodeStep(page) {
  await submitPassword(page);
  const form = page.locator('[data-testid="sign-in-code-form"][data-kind="totp"]');
  await form.waitFor();
  const input = form.getByTestId('sign-in-code');
  assert.equal(await input.getAttribute('autocomplete'), 'one-time-code');
  assert.equal(await input.getAttribute('inputmode'), 'numeric');
  await page.locator('[data-testid="sign-in-code"]:focus').waitFor();
}

/**
 * Enters a code at the code step and submits.
 * @param {import('playwright-core').Page} page
 * @param {string} code
 */
async function submitCode(page, code) {
  await page.getByTestId('sign-in-code').fill(code);
  await page.getByTestId('sign-in-code-submit').click();
}

/**
 * Waits until the app (its layout, with the user menu) is open.
 * @param {import('playwright-core').Page} page
 */
async function inTheApp(page) {
  await page.getByTestId('user-menu-button').waitFor();
}

/** @param {import('playwright-core').Page} page */
async function signOut(page) {
  await page.getByTestId('user-menu-button').click();
  await page.getByTestId('sign-out').click();
  await page.getByTestId('sign-in-form').waitFor();
}

test(
  'MFA: enrol at the first sign-in, then sign in with a TOTP code and with a recovery code',
  {
    skip:
      missingMfaEnv &&
      'set SG_BASE_URL, SG_MFA_EMAIL and SG_MFA_PASSWORD (a fresh account that must enrol in MFA)',
    timeout: 180_000,
  },
  async () => {
    assert.ok(browser && baseUrl);
    // A phone-sized window: enrolment often happens with the phone at hand.
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
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
    /** @type {number} */
    let confirmPosts = 0;
    page.on('request', (sent) => {
      if (sent.method() === 'POST' && sent.url().endsWith('/api/v1/me/mfa/totp/confirm')) {
        confirmPosts++;
      }
    });

    // First sign-in: an enrolment-only session, shown the enrolment page and nothing else.
    await page.goto(baseUrl);
    await submitPassword(page);
    const enrolmentPage = page.locator('[data-testid="mfa-page"][data-enrolment="true"]');
    const codeForm = page.getByTestId('sign-in-code-form');
    const app = page.getByTestId('user-menu-button');
    const forcedPassword = page.locator('[data-testid="password-page"][data-forced="true"]');
    await enrolmentPage.or(codeForm).or(app).or(forcedPassword).first().waitFor();
    assert.equal(await codeForm.count(), 0, `${mfaEmail} already has MFA: use a fresh account`);
    assert.equal(
      await app.count(),
      0,
      `${mfaEmail} was not asked to enrol: is the profile tw-high?`,
    );
    assert.equal(await forcedPassword.count(), 0, `${mfaEmail} must change its password first`);
    assert.match(page.url(), /#\/mfa$/);
    // Other pages lead back here.
    await page.goto(`${baseUrl}#/agencies`);
    await page.waitForURL(/#\/mfa$/);
    await enrolmentPage.waitFor();

    // The QR code is an image decoded from a data: URL (the CSP allows img-src data:).
    const qr = page.getByTestId('mfa-qr');
    await qr.waitFor();
    assert.match((await qr.getAttribute('src')) ?? '', /^data:image\/svg\+xml;base64,/);
    // decode() fails for an image the browser cannot show (e.g. blocked by the CSP).
    const decodedWidth = await qr.evaluate(async (image) => {
      await image.decode();
      return image.naturalWidth;
    });
    assert.ok(decodedWidth > 0, 'the QR code is shown');
    const shownKey = await page.getByTestId('mfa-secret').inputValue();
    assert.match(shownKey, /^([A-Z2-7]{4} )*[A-Z2-7]{1,4}$/, 'the key is grouped in fours');
    const key = base32Decode(shownKey);
    assert.ok(key.length >= 10, 'a key of at least 80 bits');
    await page.screenshot({ path: '/tmp/sg-mfa-enrol.png', fullPage: true });

    // Wrong codes: too short (refused here), then a wrong one (refused by the server).
    const code = page.getByTestId('mfa-code');
    const codeError = page.getByTestId('mfa-code-error');
    await code.fill('12345');
    await page.getByTestId('mfa-confirm').click();
    await codeError.waitFor();
    assert.equal((await codeError.innerText()).trim(), '驗證碼為 6 位數字。');
    assert.equal(confirmPosts, 0, 'a short code is not sent');
    await code.fill(wrongCode(key));
    await page.getByTestId('mfa-confirm').click();
    await page.getByText('驗證碼不正確或已使用過', { exact: false }).waitFor();
    assert.equal(await code.getAttribute('aria-invalid'), 'true');

    // The right code: ten recovery codes, shown once; continuing needs the confirmation.
    let usedStep = currentStep();
    await code.fill(totp(key, usedStep));
    await page.getByTestId('mfa-confirm').click();
    await page.getByTestId('mfa-codes').waitFor();
    const recoveryCodes = (await page.getByTestId('recovery-code').allInnerTexts()).map((text) =>
      text.trim(),
    );
    assert.equal(recoveryCodes.length, 10);
    assert.equal(new Set(recoveryCodes).size, 10, 'the recovery codes differ');
    const continueButton = page.getByTestId('mfa-continue');
    assert.ok(await continueButton.isDisabled(), 'continuing waits for "I have saved them"');
    await page.screenshot({ path: '/tmp/sg-mfa-recovery-codes.png', fullPage: true });
    await page.getByTestId('mfa-saved').check();
    await continueButton.click();
    await inTheApp(page);
    assert.match(page.url(), /#\/agencies/);

    // Sign in again: e-mail and password, then a code from a step not used yet.
    await signOut(page);
    await reachCodeStep(page);
    await page.screenshot({ path: '/tmp/sg-mfa-code-step.png', fullPage: true });
    await submitCode(page, wrongCode(key));
    const signInError = page.getByTestId('sign-in-error');
    await signInError.waitFor();
    assert.match(await signInError.innerText(), /驗證失敗/);
    usedStep = await stepAfter(usedStep);
    await submitCode(page, totp(key, usedStep));
    await inTheApp(page);

    // And with a recovery code, which works once.
    const recoveryCode = recoveryCodes[0] ?? '';
    for (const attempt of ['first', 'again']) {
      await signOut(page);
      await reachCodeStep(page);
      await page.getByTestId('sign-in-use-recovery').click();
      const recoveryForm = page.locator('[data-testid="sign-in-code-form"][data-kind="recovery"]');
      await recoveryForm.waitFor();
      await submitCode(page, recoveryCode);
      if (attempt === 'first') {
        await inTheApp(page);
      } else {
        await signInError.waitFor();
        assert.equal(await app.count(), 0, 'a used recovery code does not sign in');
      }
    }

    assert.deepEqual(problems, []);
    await context.close();
  },
);
