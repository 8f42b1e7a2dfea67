// End-to-end check of the two pages that set a password through a one-time link (they share
// web/src/components/LinkPasswordForm.svelte): the invitation page and the password-reset page.
// Signs in through the API as SG_EMAIL (an authority), invites a new auditor, opens the link,
// checks the client-side check, sets the password, signs in with it, and finds the used link
// refused; an unknown reset link offers to ask for a new one. Screenshots: /tmp/sg-link-*.png.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';

import { baseUrl, email, launchChromium, missingEnv, password, playwright } from './support.mjs';

/** @type {import('playwright-core').Browser | undefined} */
let browser;

before(async () => {
  if (missingEnv) return;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

/** Invites a new auditor through the API; returns its e-mail and the link's URL. */
async function invite() {
  const api = await playwright.request.newContext({ baseURL: baseUrl });
  try {
    const signIn = await api.post('/api/v1/session', {
      data: { email, password },
    });
    assert.equal(signIn.status(), 200, await signIn.text());
    const { csrf_token: csrfToken } = await signIn.json();
    const invitee = `link-${randomBytes(4).toString('hex')}@test.gov.tw`;
    const invited = await api.post('/api/v1/users', {
      data: { email: invitee, role: 'auditor' },
      headers: { 'X-CSRF-Token': csrfToken },
    });
    assert.equal(invited.status(), 201, await invited.text());
    const { invitation } = await invited.json();
    return { invitee, url: invitation.url };
  } finally {
    await api.dispose();
  }
}

test('an invitation link sets the password once', { skip: missingEnv }, async () => {
  const { invitee, url } = await invite();
  assert.ok(browser);
  const page = await browser.newPage();
  try {
    await page.goto(url);
    await page.getByTestId('invitation-page').waitFor();
    assert.match(await page.getByTestId('invitation-page').innerText(), new RegExp(invitee));
    const newPassword = `Link-Set-${randomBytes(6).toString('hex')}-Q7!`;
    // The confirmation must match: refused in the page, nothing sent.
    await page.getByTestId('invitation-password').fill(newPassword);
    await page.getByTestId('invitation-confirm').fill(`${newPassword}x`);
    await page.getByTestId('invitation-submit').click();
    await page.getByTestId('invitation-error-confirm').waitFor();
    await page.getByTestId('invitation-confirm').fill(newPassword);
    await page.getByTestId('invitation-submit').click();
    await page.getByTestId('sign-in-email').waitFor();
    await page.screenshot({ path: '/tmp/sg-link-invitation-done.png' });
    // The new password signs in.
    await page.getByTestId('sign-in-email').fill(invitee);
    await page.getByTestId('sign-in-password').fill(newPassword);
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('sign-in-email').waitFor({ state: 'detached' });
    // The link is used up.
    await page.goto(url);
    await page.getByTestId('invitation-invalid').waitFor();
  } finally {
    await page.close();
  }
});

test('an unknown reset link offers a new one and the sign-in', { skip: missingEnv }, async () => {
  assert.ok(browser);
  const page = await browser.newPage();
  try {
    await page.goto(`${baseUrl}/#/password-reset/${randomBytes(24).toString('hex')}`);
    await page.getByTestId('reset-invalid').waitFor();
    const links = await page
      .getByTestId('reset-page')
      .locator('a')
      .evaluateAll((anchors) => anchors.map((anchor) => anchor.getAttribute('href')));
    assert.deepEqual(links, ['#/password-reset', '#/']);
    await page.screenshot({ path: '/tmp/sg-link-reset-invalid.png' });
  } finally {
    await page.close();
  }
});
