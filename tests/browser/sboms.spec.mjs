// End-to-end check of the SBOM and vulnerability pages (issue 4) against a running server whose
// database holds the Go vulnerability database (scripts/test.sh imports it before the server
// starts). Signs in as the authority (SG_EMAIL / SG_PASSWORD), creates an agency and a system
// through the API (unique codes, so re-runs do not clash), then in the UI: opens the system,
// uploads a broken SBOM (the server's message and location show) and the Proton Bridge SBOM
// (58 findings), reads the versions, components and licences, checks the findings page's order
// (KEV first, then CVSS), triages the jwt-go finding (GO-2020-0017 / CVE-2020-26160) as
// not_affected (first without a justification: the field's message shows), reads its history,
// looks the advisory up (the system is listed), reads the dashboard, and marks every alert read.
// Run from web/: `npm run test:browser`. Screenshots go to /tmp/sg-sbom-*.png.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';

import { apiRequest, baseUrl, email, launchChromium, missingEnv, password } from './support.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const protonBom = path.join(
  repoRoot,
  '..',
  'shared',
  'reference',
  'sbom-data',
  'cyclonedx-bom-examples',
  'SBOM',
  'proton-bridge',
  'proton-bridge-v1.6.3.bom.json',
);
/** What matching the Proton Bridge SBOM against the Go vulnerability database finds. */
const expectedFindings = 58;
const jwtVuln = 'CVE-2020-26160';

const run = Date.now().toString(36).toUpperCase();
const agencyCode = `SB${run}`;
const systemKey = `SBOM-${run}`;

/** @type {import('playwright-core').Browser | undefined} */
let browser;
/** @type {string} */
let workDir = '';

before(async () => {
  if (missingEnv) return;
  workDir = await mkdtemp(path.join(tmpdir(), 'sg-browser-sbom-'));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

/**
 * Reads a finding row's order keys.
 * @param {import('playwright-core').Locator} rows
 */
async function orderKeys(rows) {
  return rows.evaluateAll((elements) =>
    elements.map((row) => ({
      kev: row.getAttribute('data-kev') === 'true',
      score: row.getAttribute('data-score') === '' ? null : Number(row.getAttribute('data-score')),
    })),
  );
}

test(
  'upload an SBOM, read its findings, triage one, look up its advisory and read the alerts',
  { skip: missingEnv && 'set SG_BASE_URL, SG_EMAIL and SG_PASSWORD', timeout: 240_000 },
  async () => {
    assert.ok(browser && baseUrl && email && password);
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'zh-TW',
      acceptDownloads: true,
    });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    /** @type {string[]} */
    const problems = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) {
        problems.push(`CSP: ${message.text()}`);
      }
    });

    // Sign in (the UI starts in zh-TW, 民國 dates).
    await page.goto(baseUrl);
    await page.getByTestId('sign-in-email').fill(email);
    await page.getByTestId('sign-in-password').fill(password);
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('nav-findings').waitFor();

    // An agency and a system of our own, through the API with the page's session.
    const agency = await apiRequest(page, 'POST', '/api/v1/agencies', {
      code: agencyCode,
      name: `SBOM 測試機關 ${run}`,
      level: 'B',
      kind: 'central',
    });
    assert.equal(agency.status, 201, JSON.stringify(agency.body));
    const system = await apiRequest(page, 'POST', '/api/v1/systems', {
      agency_code: agencyCode,
      system_id: systemKey,
      name: `郵件橋接 ${run}`,
      confidentiality: 'high',
      integrity: 'high',
      availability: 'medium',
      legal: 'normal',
    });
    assert.equal(system.status, 201, JSON.stringify(system.body));
    const systemId = String(system.body.id);

    // Open the system from the list, then its SBOM page.
    await page.getByTestId('nav-systems').click();
    await page.getByTestId('search-input').fill(systemKey);
    await page.getByTestId('search-input').press('Enter');
    await page.locator('[data-testid="list-row"]', { hasText: systemKey }).first().waitFor();
    await page
      .locator('[data-testid="list-row"]', { hasText: systemKey })
      .first()
      .locator('a.row-link')
      .click();
    await page.getByTestId('system-vuln-card').waitFor();
    await page.getByTestId('system-sboms-link').click();
    await page
      .locator(`[data-testid="system-sboms-page"][data-system-key="${systemKey}"]`)
      .waitFor();
    await page.getByTestId('sbom-versions-empty').waitFor();

    // A broken SBOM: refused with the server's message and the location it names.
    const broken = path.join(workDir, 'broken.cdx.json');
    await writeFile(
      broken,
      JSON.stringify({
        bomFormat: 'CycloneDX',
        specVersion: '1.6',
        version: 1,
        components: [{ type: 'spaceship', name: 'x' }],
      }),
    );
    await page.getByTestId('sbom-file').setInputFiles(broken);
    await page.getByTestId('sbom-upload-submit').click();
    const uploadError = page.getByTestId('sbom-upload-error');
    await uploadError.waitFor();
    assert.match(await uploadError.innerText(), /components/);

    // The Proton Bridge SBOM with a version label: 58 findings with the Go vulnerability database.
    await page.getByTestId('sbom-file').setInputFiles(protonBom);
    await page.getByTestId('sbom-label').fill('1.6.3');
    await page.getByTestId('sbom-upload-submit').click();
    const result = page.getByTestId('sbom-upload-result');
    await result.waitFor();
    assert.equal(Number(await result.getAttribute('data-findings-total')), expectedFindings);
    assert.equal(
      Number(await page.getByTestId('upload-total').getAttribute('data-value')),
      expectedFindings,
    );
    assert.equal(
      Number(await page.getByTestId('upload-new').getAttribute('data-value')),
      expectedFindings,
    );
    await page.screenshot({ path: '/tmp/sg-sbom-upload.png', fullPage: true });

    // The version list shows the new current version; its components and licences load.
    const versionRow = page.locator('[data-testid="sbom-version-row"][data-sequence="1"]');
    await versionRow.waitFor();
    assert.match(await versionRow.innerText(), /1\.6\.3/);
    assert.match(await versionRow.innerText(), /201/);
    const documentHref = await versionRow.getByTestId('sbom-document-link').getAttribute('href');
    const sbomDocument = await page.request.get(new URL(documentHref ?? '', baseUrl).toString());
    assert.equal(sbomDocument.status(), 200);
    await page.getByTestId('tab-components').click();
    await page
      .locator('[data-testid="components-table"] [data-testid="component-row"]')
      .first()
      .waitFor();
    assert.match(await page.getByTestId('list-total').innerText(), /201/);
    await page.getByTestId('tab-licenses').click();
    await page.getByTestId('licenses-total').waitFor();
    await page.getByTestId('tab-diff').click();
    await page.getByTestId('diff-first').waitFor();
    const vexHref = await page.getByTestId('vex-link').getAttribute('href');
    const vex = await page.request.get(new URL(vexHref ?? '', baseUrl).toString());
    assert.equal(vex.status(), 200);
    assert.equal((await vex.json()).bomFormat, 'CycloneDX');

    // The header's bell counts the new alerts.
    const bell = page.getByTestId('nav-notifications');
    await page
      .locator('[data-testid="nav-notifications"]:not([data-unread=""]):not([data-unread="0"])')
      .waitFor();
    assert.ok(Number(await bell.getAttribute('data-unread')) > 0);

    // The findings page: KEV first, then the CVSS score (unscored last).
    await page.getByTestId('nav-findings').click();
    await page.getByTestId('findings-page').waitFor();
    const rows = page.locator('[data-testid="findings-table"] [data-testid="finding-row"]');
    await rows.first().waitFor();
    const keys = await orderKeys(rows);
    for (let index = 1; index < keys.length; index += 1) {
      const [previous, current] = [keys[index - 1], keys[index]];
      assert.ok(previous.kev || !current.kev, `KEV first (row ${index + 1})`);
      if (previous.kev === current.kev && current.score !== null) {
        assert.ok(
          previous.score !== null && previous.score >= current.score,
          `by CVSS (row ${index + 1})`,
        );
      }
    }
    await page.screenshot({ path: '/tmp/sg-sbom-findings.png', fullPage: true });

    // Our system's jwt-go finding, by its CVE.
    await page.getByTestId('findings-search').fill(jwtVuln);
    await page.getByTestId('findings-search').press('Enter');
    const jwtRow = page.locator(
      `[data-testid="finding-row"][data-system-key="${systemKey}"][data-vuln-key="${jwtVuln}"]`,
    );
    await jwtRow.waitFor();
    assert.match(await jwtRow.innerText(), /GO-2020-0017/);
    await jwtRow.getByTestId('finding-link').click();
    await page.getByTestId('finding-page').waitFor();
    await page.getByTestId('triage-form').waitFor();
    assert.match(await page.getByTestId('finding-title').innerText(), /jwt-go/);

    // not_affected without a justification: the server refuses and the field says why.
    await page.getByTestId('triage-status').selectOption('not_affected');
    await page.getByTestId('triage-submit').click();
    const justificationError = page.getByTestId('triage-error-justification');
    await justificationError.waitFor();
    assert.match(await justificationError.innerText(), /理由/);
    assert.equal(
      await page.getByTestId('triage-justification').getAttribute('aria-invalid'),
      'true',
    );
    await page.screenshot({ path: '/tmp/sg-sbom-triage-error.png', fullPage: true });

    // With a justification, a response and a comment it is saved and enters the history.
    await page.getByTestId('triage-justification').selectOption('code_not_reachable');
    await page.getByTestId('triage-response-will_not_fix').check();
    await page.getByTestId('triage-comment').fill('僅使用 jwt-go 的簽章驗證以外功能');
    await page.getByTestId('triage-submit').click();
    await page.getByTestId('triage-saved').waitFor();
    assert.equal((await page.getByTestId('finding-status').innerText()).trim(), '不受影響');
    const triaged = page.locator('[data-testid="finding-history-entry"][data-action="triage"]');
    await triaged.first().waitFor();
    assert.equal(await triaged.count(), 1);
    assert.match(await triaged.first().innerText(), /不受影響/);
    assert.match(await triaged.first().innerText(), /jwt-go 的簽章驗證/);
    assert.match(await triaged.first().innerText(), new RegExp(email.replace(/[.+]/g, '\\$&')));
    assert.equal(
      await page.locator('[data-testid="finding-history-entry"][data-action="opened"]').count(),
      1,
    );

    // The advisory page, looked up with the search box, lists our system.
    await page.getByTestId('nav-advisories').click();
    await page.getByTestId('advisories-page').waitFor();
    await page.getByTestId('advisory-id').fill(jwtVuln);
    await page.getByTestId('advisory-submit').click();
    await page.getByTestId('advisory-page').waitFor();
    await page
      .locator(`[data-testid="advisory-system-row"][data-system-key="${systemKey}"]`)
      .waitFor();
    assert.match(await page.getByTestId('advisory-records').innerText(), /GO-2020-0017/);
    await page.screenshot({ path: '/tmp/sg-sbom-advisory.png', fullPage: true });

    // The dashboard counts our system's open findings.
    await page.getByTestId('nav-vulnerabilities').click();
    const dashboardRow = page.locator(
      `[data-testid="dash-system-row"][data-system-key="${systemKey}"]`,
    );
    await dashboardRow.waitFor();
    // One finding is now not_affected but still open: all 58 remain open.
    assert.match(await dashboardRow.getByTestId('cell-open').innerText(), /58/);
    await dashboardRow.getByTestId('dash-system-link').click();
    // The chip shows the server id first, then the system's key once it is looked up.
    await page.getByTestId('findings-scope-system_id').filter({ hasText: systemKey }).waitFor();
    assert.equal(
      await page
        .locator(`[data-testid="finding-row"]:not([data-system-key="${systemKey}"])`)
        .count(),
      0,
    );

    // The alerts: our system's upload is among them; mark them all read.
    await bell.click();
    await page.getByTestId('notifications-page').waitFor();
    await page
      .locator('[data-testid="notification-row"][data-read="false"]', { hasText: systemKey })
      .first()
      .waitFor();
    await page.getByTestId('notifications-mark-all').click();
    await page.locator('[data-testid="notifications-unread"][data-value="0"]').waitFor();
    await page.locator('[data-testid="nav-notifications"][data-unread="0"]').waitFor();
    assert.equal(
      await page.locator('[data-testid="notification-row"][data-read="false"]').count(),
      0,
    );
    const unread = await apiRequest(page, 'GET', '/api/v1/notifications?per_page=1');
    assert.equal(unread.body.unread, 0);

    // A phone-sized screen keeps the page usable.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${baseUrl}/#/systems/${encodeURIComponent(systemId)}/sboms?tab=findings`);
    await page
      .locator('[data-testid="findings-table"] [data-testid="finding-row"]')
      .first()
      .waitFor();
    await page.screenshot({ path: '/tmp/sg-sbom-390.png' });

    assert.deepEqual(problems, []);
    await context.close();
  },
);
