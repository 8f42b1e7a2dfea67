// End-to-end check of the web UI against a running server: sign in, import agencies, systems,
// vendors and contracts (one contract row bad first, then fixed), and read the concentration
// report. Run from web/: `npm run test:browser` with SG_BASE_URL, SG_EMAIL and SG_PASSWORD set
// (the harness starts the server on an empty database and creates the user). Screenshots for a
// visual review go to /tmp/sg-*.png.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { baseUrl, email, launchChromium, missingEnv, password } from './support.mjs';

/** The date the report is read at; every in-force contract below spans it. */
const asOf = '2026-06-30';

const agenciesCsv = [
  'code,name,parent_code,level,kind',
  'A001,數位發展部,,A,central',
  'A002,數位發展部資通安全署,A001,A,central',
  'B001,臺北市政府,,A,local',
];

const systemsCsv = [
  'agency_code,system_id,name,confidentiality,integrity,availability,legal,core,ci',
  'A001,S-A001-01,公文管理系統,high,high,medium,medium,true,false',
  'A001,S-A001-02,官網,normal,medium,medium,normal,false,false',
  'A002,S-A002-01,資安通報平台,high,high,high,high,true,true',
  'B001,S-B001-01,市民服務平台,medium,medium,medium,normal,false,false',
];

// Tax ids with valid check digits (統一編號).
const vendorsCsv = [
  'tax_id,name,prc_capital,certifications,subcontractors',
  '96979933,中華電信股份有限公司,false,ISO 27001:2027-05-01;CMMI,12345675',
  '22099131,凌網科技股份有限公司,false,ISO 27001:2026-12-31,',
  '12345675,範例資訊股份有限公司,false,,',
];

const contractsHeader =
  'contract_id,agency_code,vendor_tax_id,title,service_type,amount,start_date,end_date,' +
  'system_ids,joint_audit_clause,remote_maintenance,subcontractor_tax_ids';

/** @param {string} amountOfFourthRow */
function contractsCsv(amountOfFourthRow) {
  return [
    contractsHeader,
    'C-2026-001,A001,96979933,公文系統維運,system_maintenance,5000000,2026-01-01,2027-12-31,S-A001-01,true,false,12345675',
    'C-2026-002,A002,96979933,通報平台維運,system_maintenance,3000000,2026-01-01,2027-12-31,S-A002-01,true,false,',
    'C-2026-003,B001,96979933,市民平台開發,system_development,1200000,2026-03-01,2026-12-31,S-B001-01,false,false,',
    `C-2026-004,A001,22099131,官網改版,feature_expansion,${amountOfFourthRow},2026-02-01,2026-11-30,S-A001-02,false,false,`,
    'C-2024-005,B001,22099131,舊約（已結束）,system_maintenance,400000,2024-01-01,2024-12-31,S-B001-01,false,false,',
  ];
}

/** Expected concentration on `asOf` (C-2024-005 has ended and must not count). */
const expected = {
  96979933: {
    agencies: 3,
    systems: 3,
    core_systems: 2,
    amount: 9200000,
    subcontract_agencies: 0,
    subcontract_systems: 0,
  },
  22099131: {
    agencies: 1,
    systems: 1,
    core_systems: 0,
    amount: 800000,
    subcontract_agencies: 0,
    subcontract_systems: 0,
  },
  12345675: {
    agencies: 0,
    systems: 0,
    core_systems: 0,
    amount: 0,
    subcontract_agencies: 1,
    subcontract_systems: 1,
  },
};

/** @type {import('playwright-core').Browser | undefined} */
let browser;
/** @type {string} */
let workDir = '';

before(async () => {
  if (missingEnv) return;
  workDir = await mkdtemp(path.join(tmpdir(), 'sg-browser-'));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

/**
 * @param {string} name
 * @param {string[]} lines
 */
async function writeCsv(name, lines) {
  const file = path.join(workDir, name);
  await writeFile(file, `${lines.join('\r\n')}\r\n`, 'utf8');
  return file;
}

/**
 * Chooses the kind and file, presses Import (or Dry run) and waits for the answer.
 * @param {import('playwright-core').Page} page
 * @param {'agencies' | 'vendors' | 'systems' | 'contracts'} kind
 * @param {string} file
 * @param {{ dryRun?: boolean }} [options]
 * @returns {Promise<'summary' | 'errors'>}
 */
async function importFile(page, kind, file, options = {}) {
  await page.getByTestId('import-kind').selectOption(kind);
  await page.getByTestId('import-file').setInputFiles(file);
  await page.getByTestId(options.dryRun ? 'import-dry-run' : 'import-run').click();
  const summary = page.getByTestId('import-summary');
  const errors = page.getByTestId('import-errors');
  const banner = page.getByTestId('import-error-banner');
  await summary.or(errors).or(banner).waitFor();
  if (await banner.isVisible()) {
    assert.fail(`import of ${kind} refused: ${await banner.innerText()}`);
  }
  return (await summary.isVisible()) ? 'summary' : 'errors';
}

/**
 * @param {import('playwright-core').Page} page
 * @returns {Promise<{ created: number, updated: number, unchanged: number }>}
 */
async function readSummary(page) {
  /** @param {string} id */
  const number = async (id) =>
    Number((await page.getByTestId(id).innerText()).replace(/[^\d]/g, ''));
  return {
    created: await number('import-created'),
    updated: await number('import-updated'),
    unchanged: await number('import-unchanged'),
  };
}

/**
 * @param {import('playwright-core').Page} page
 * @param {'agencies' | 'vendors' | 'systems' | 'contracts'} kind
 * @param {string} file
 * @param {number} rows
 */
async function importCleanly(page, kind, file, rows) {
  const outcome = await importFile(page, kind, file);
  if (outcome === 'errors') {
    assert.fail(`${kind}: ${await page.getByTestId('import-errors').innerText()}`);
  }
  assert.equal(await page.getByTestId('import-summary').getAttribute('data-dry-run'), 'false');
  const summary = await readSummary(page);
  // A fresh database creates every row; a re-run finds them unchanged. Either way all count.
  assert.equal(summary.created + summary.updated + summary.unchanged, rows, `${kind} summary`);
}

test(
  'import with a row error, fix it, and read the vendor concentration',
  { skip: missingEnv && 'set SG_BASE_URL, SG_EMAIL and SG_PASSWORD', timeout: 180_000 },
  async () => {
    assert.ok(browser && baseUrl && email && password);
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'zh-TW',
      acceptDownloads: true,
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

    // Sign in.
    await page.goto(baseUrl);
    await page.getByTestId('sign-in-email').fill(email);
    await page.getByTestId('sign-in-password').fill(password);
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('nav-import').click();
    await page.getByTestId('import-page').waitFor();

    // Agencies: a dry run first shows the preview, then the real import.
    const agencies = await writeCsv('agencies.csv', agenciesCsv);
    assert.equal(await importFile(page, 'agencies', agencies, { dryRun: true }), 'summary');
    assert.equal(await page.getByTestId('import-summary').getAttribute('data-dry-run'), 'true');
    assert.equal(await page.getByTestId('import-change-row').count(), agenciesCsv.length - 1);
    await importCleanly(page, 'agencies', agencies, agenciesCsv.length - 1);

    await importCleanly(
      page,
      'systems',
      await writeCsv('systems.csv', systemsCsv),
      systemsCsv.length - 1,
    );
    await importCleanly(
      page,
      'vendors',
      await writeCsv('vendors.csv', vendorsCsv),
      vendorsCsv.length - 1,
    );

    // Contracts with one bad row: the fourth data row, i.e. row 5 counting the header as 1.
    const badContracts = await writeCsv('contracts-bad.csv', contractsCsv('-5'));
    assert.equal(await importFile(page, 'contracts', badContracts), 'errors');
    const errorRows = page.getByTestId('import-error-row');
    assert.equal(await errorRows.count(), 1);
    const firstError = errorRows.first();
    assert.equal((await firstError.getByTestId('import-error-rownum').innerText()).trim(), '5');
    assert.equal(
      (await firstError.getByTestId('import-error-column').innerText()).trim(),
      'amount',
    );
    assert.equal((await firstError.getByTestId('import-error-value').innerText()).trim(), '-5');
    assert.notEqual((await firstError.getByTestId('import-error-message').innerText()).trim(), '');
    await page.screenshot({ path: '/tmp/sg-import-errors.png', fullPage: true });

    // Fix the amount and import again.
    const goodContracts = await writeCsv('contracts.csv', contractsCsv('800000'));
    await importCleanly(page, 'contracts', goodContracts, 5);
    assert.equal(await page.getByTestId('import-errors').count(), 0);

    // The concentration report on a fixed date.
    await page.getByTestId('nav-concentration').click();
    await page.getByTestId('concentration-as-of').fill(asOf);
    await page.getByTestId('concentration-as-of').press('Enter');
    const table = page.locator(
      `[data-testid="concentration-table"][data-as-of="${asOf}"][data-loading="false"]`,
    );
    await table.waitFor();

    for (const [taxId, counts] of Object.entries(expected)) {
      const row = table.locator(`[data-testid="concentration-row"][data-vendor-tax-id="${taxId}"]`);
      assert.equal(await row.count(), 1, `a row for vendor ${taxId}`);
      for (const [column, value] of Object.entries(counts)) {
        const cell = row.getByTestId(`cell-${column}`);
        assert.equal(Number(await cell.getAttribute('data-value')), value, `${taxId} ${column}`);
      }
    }
    // Default order: most agencies first.
    const firstRow = table.getByTestId('concentration-row').first();
    assert.equal(await firstRow.getAttribute('data-vendor-tax-id'), '96979933');

    // Sorting by a column header updates aria-sort and the order.
    await page.getByTestId('sort-subcontract_agencies').getByRole('button').click();
    await page
      .locator('[data-testid="sort-subcontract_agencies"][aria-sort="descending"]')
      .waitFor();
    await table.waitFor();
    assert.equal(
      await table.getByTestId('concentration-row').first().getAttribute('data-vendor-tax-id'),
      '12345675',
    );

    // The CSV export link carries the same query and downloads with the session.
    const csvHref = (await page.getByTestId('concentration-csv').getAttribute('href')) ?? '';
    assert.ok(csvHref.includes('format=csv') && csvHref.includes(`as_of=${asOf}`), csvHref);
    const csv = await page.request.get(new URL(csvHref, baseUrl).toString());
    assert.equal(csv.status(), 200);
    assert.match(await csv.text(), /96979933/);

    await page.screenshot({ path: '/tmp/sg-concentration.png', fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: '/tmp/sg-concentration-390.png' });

    assert.deepEqual(problems, []);
    await context.close();
  },
);
