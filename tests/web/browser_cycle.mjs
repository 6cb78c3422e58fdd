// Browser test of the certification pages in Debian's Chromium: record the audit dates (a wrong
// order refused with the reason, the typed values kept), plan a roadmap milestone, download the
// evidence package and verify it through the upload form, then walk readiness, the control
// catalog and the crosswalk lookup. Screenshots go to $ARTIFACTS as cycle-*.png.
// Prints "N passed, N failed".
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const url = process.env.URL, artifacts = process.env.ARTIFACTS;
let user = process.env.WEB_USER, password = process.env.WEB_PASSWORD;
let passed = 0, failed = 0;
function check(ok, what) {
  if (ok) passed++; else { failed++; console.error(`FAIL: ${what}`); }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const errors = [];
  // The refused form (422) is an answer the test asks for; a refused login (401) is the shared
  // editor's two-factor, turned on by another test.
  page.on('console', m => {
    if (m.type() === 'error' && !/status of (401|422)/.test(m.text())) errors.push(m.text());
  });

  async function login() {
    await page.goto(`${url}/login`);
    await page.fill('input[name=name]', user);
    await page.fill('input[name=password]', password);
    await page.click('button[type=submit]');
    await page.waitForLoadState();
    return !page.url().endsWith('/login');
  }
  let in_ = await login();
  // Another browser test may have turned two-factor on for the shared editor: use an editor of our own.
  if (!in_ && process.env.ISMS && process.env.ISMS_DB) {
    user = 'cycle-lead';
    password = 'cycle browser password 1';
    execFileSync(process.env.ISMS, ['user', 'add', '--name', user, '--role', 'editor'], { input: `${password}\n` });
    in_ = await login();
  }
  check(in_, `logged in as ${user}`);

  // The certification: a stage 2 before stage 1 is refused with the CLI's reason.
  await page.click('header a[href="/certification"]');
  await page.waitForURL(`${url}/certification`);
  check((await page.textContent('h1')).includes('Certification'), 'the nav leads to the certification page');
  check((await page.locator('#roadmap tbody tr').count()) === 8, 'the roadmap has its eight milestones');
  await page.screenshot({ path: join(artifacts, 'cycle-certification.png'), fullPage: true });
  await page.click('text=Record the audits and the certificate');
  await page.fill('#cert-form input[name=body]', 'Example Certification Ltd');
  await page.fill('#cert-form input[name=stage1_date]', '2027-03-01');
  await page.fill('#cert-form input[name=stage2_date]', '2027-02-01');
  await page.click('#cert-form button[type=submit]');
  check((await page.textContent('#form-error')).includes('cannot come before stage 1'), 'a stage 2 before stage 1 is refused');
  check((await page.inputValue('#cert-form input[name=body]')) === 'Example Certification Ltd', 'the typed body is kept');
  await page.screenshot({ path: join(artifacts, 'cycle-certification-refused.png'), fullPage: true });
  await page.fill('#cert-form input[name=stage2_date]', '2027-04-20');
  await page.click('#cert-form button[type=submit]');
  await page.waitForURL(`${url}/certification?saved=1`);
  const cert = await page.textContent('#cert');
  check(cert.includes('Example Certification Ltd') && cert.includes('2027-04-20'), 'the audits are recorded');

  // Plan a milestone from its row.
  const row = page.locator('#ms-management_review');
  await row.locator('input[name=due_date]').fill('2027-02-15');
  await row.locator('input[name=note]').fill('Board meeting');
  await row.locator('button[type=submit]').click();
  await page.waitForURL(/\/certification\?saved=1/);
  const planned = await page.textContent('#ms-management_review');
  check(planned.includes('2027-02-15') && planned.includes('Board meeting'), 'the milestone is planned');

  // The evidence package: download it, then verify it through the form.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[href="/api/v1/reports/package"]')]);
  check(/^evidence-package-\d{4}-\d{2}-\d{2}\.zip$/.test(download.suggestedFilename()), 'the package has a dated name');
  const zipPath = join(artifacts, 'cycle-evidence-package.zip');
  await download.saveAs(zipPath);
  const zip = readFileSync(zipPath);
  check(zip.length > 1000 && zip.subarray(0, 2).toString() === 'PK', `the package is a zip (${zip.length} bytes)`);
  await page.setInputFiles('#verify-form input[name=file]', zipPath);
  await page.click('#verify-form button[type=submit]');
  await page.waitForSelector('#verification');
  check((await page.textContent('#verification')).includes('is intact'), 'the downloaded package verifies intact');
  await page.screenshot({ path: join(artifacts, 'cycle-verification.png'), fullPage: true });

  // Readiness, with links to where each blocker is fixed.
  await page.click('header a[href="/readiness"]');
  await page.waitForURL(`${url}/readiness`);
  check((await page.locator('#requirements tbody tr').count()) === 19, 'readiness lists the nineteen requirements');
  check((await page.textContent('#readiness-summary')).length > 0, 'readiness says whether Stage 1 can go ahead');
  await page.screenshot({ path: join(artifacts, 'cycle-readiness.png'), fullPage: true });
  await page.click('a[href="/controls#clause-9.2"]');
  await page.waitForURL(`${url}/controls#clause-9.2`);
  check((await page.locator('#controls tbody tr').count()) === 93, 'the catalog lists the 93 controls');
  check(await page.isVisible('#clause-9\\.2 summary'), 'the clause guidance is on the catalog page');
  await page.screenshot({ path: join(artifacts, 'cycle-controls.png'), fullPage: true });

  // The crosswalk lookup and the SOC 2 table.
  await page.goto(`${url}/crosswalk`);
  await page.selectOption('#crosswalk-form select[name=from]', 'iso27001:2013');
  await page.fill('#crosswalk-form input[name=id]', 'A.9.4.2');
  await page.click('#crosswalk-form button[type=submit]');
  await page.waitForSelector('#crosswalk-result');
  check((await page.textContent('#crosswalk-result')).includes('A.8.5'), 'A.9.4.2 maps to A.8.5');
  check((await page.locator('#soc2 tbody tr').count()) > 30, 'the SOC 2 readiness table lists the criteria');
  await page.screenshot({ path: join(artifacts, 'cycle-crosswalk.png'), fullPage: true });
  check(errors.length === 0, `no console errors (${errors.join('; ')})`);
} finally {
  await browser.close();
}
console.log(`browser_cycle: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
