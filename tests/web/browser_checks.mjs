// Browser test of the automated checks in Debian's Chromium: log in as an editor, see the checks
// grouped by source, run this host's checks from the page and see their results, open a check's
// history, scan a CloudTrail log from the upload form and see its findings. Screenshots of the
// pages are kept in $ARTIFACTS as checks-*.png. Prints "N passed, N failed".
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const url = process.env.URL, artifacts = process.env.ARTIFACTS;
let user = process.env.WEB_USER, password = process.env.WEB_PASSWORD;
const here = dirname(fileURLToPath(import.meta.url));
let passed = 0, failed = 0;
function check(ok, what) {
  if (ok) passed++; else { failed++; console.error(`FAIL: ${what}`); }
}

// Another browser test may turn two-factor on for the shared editor: when the workspace is at
// hand, this test logs in as an editor of its own.
if (process.env.ISMS && process.env.ISMS_DB) {
  user = 'checks-lead';
  password = 'checks browser password';
  try {
    execFileSync(process.env.ISMS, ['user', 'add', '--name', user, '--role', 'editor'], { input: `${password}\n` });
  } catch (e) { /* already there from an earlier run of this test */ }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const errors = [];
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });

  await page.goto(`${url}/login`);
  await page.fill('input[name=name]', user);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForURL(`${url}/`);
  check(true, 'logged in');

  // The nav's Checks entry leads to every check, by source.
  await page.click('nav a[href="/checks"]');
  await page.waitForURL(`${url}/checks`);
  check((await page.textContent('h1')) === 'Automated checks', 'the checks page');
  for (const source of ['aws', 'github', 'gworkspace', 'host'])
    check(await page.isVisible(`#source-${source}`), `the ${source} checks are grouped`);
  check((await page.textContent('#check-host\\.firewall')).includes('A.8.20'), 'each check names its controls');
  check(await page.isVisible('#logs-link'), 'the log scan is linked');
  check(await page.isVisible('#alerts'), 'the alerts section');
  await page.screenshot({ path: join(artifacts, 'checks-list.png'), fullPage: true });

  // Run this host's checks now: the page comes back with what ran and each result.
  await page.click('#run-host button[type=submit]');
  await page.waitForURL(/\/checks\?ran=6&failed=\d+$/);
  check((await page.textContent('#run-ok')).startsWith('6 check(s) run'), 'the run is confirmed');
  const badge = (await page.textContent('#check-host\\.firewall td:nth-child(4)')).trim();
  check(['pass', 'FAIL', 'ERROR'].includes(badge), `the firewall check has a result (${badge})`);
  check(!(await page.textContent('#checks-host')).includes('never run'), 'every host check has run');
  await page.screenshot({ path: join(artifacts, 'checks-run.png'), fullPage: true });

  // One check's history.
  await page.click('a[href="/checks/host.firewall"]');
  await page.waitForURL(`${url}/checks/host.firewall`);
  check((await page.locator('#history tbody tr').count()) >= 1, 'the run is in the history');
  check((await page.textContent('#history')).includes('evidence'), 'with its evidence linked');
  await page.screenshot({ path: join(artifacts, 'checks-history.png'), fullPage: true });

  // Scan a real CloudTrail log from the upload form.
  await page.goto(`${url}/checks`);
  await page.click('#logs-link');
  await page.waitForURL(`${url}/logs`);
  await page.setInputFiles('input[name=file]', join(here, '../fixtures/cloudtrail/real/invictus-ir_aws_dataset/' +
    '218007301253_CloudTrail_us-east-1_20230710T1205Z_UljXNp9xLp8nsAGc.json.gz'));
  await page.click('#scan-form button[type=submit]');
  await page.waitForSelector('#scan-result');
  check((await page.textContent('#scan-result')).startsWith('1 file(s), 55 events, 2 finding(s)'), 'the scan summary');
  const findings = await page.textContent('#findings');
  check(findings.includes('cloudtrail_tampering') && findings.includes('iam_policy_change'), 'the findings table');
  await page.screenshot({ path: join(artifacts, 'checks-logs.png'), fullPage: true });

  // A file that is not CloudTrail is refused with the scanner's reason.
  await page.setInputFiles('input[name=file]', { name: 'notes.json', mimeType: 'application/json',
    buffer: Buffer.from('{"Items": []}') });
  await page.click('#scan-form button[type=submit]');
  await page.waitForSelector('#form-error');
  check((await page.textContent('#form-error')).includes('not a CloudTrail log'), 'a refused scan says why');
  check(errors.every(e => /status of 422/.test(e)), `no console errors (${errors.join('; ')})`);

  await page.click('header button[type=submit]');
  await page.waitForURL(`${url}/login`);
} finally {
  await browser.close();
}
console.log(`browser_checks: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
