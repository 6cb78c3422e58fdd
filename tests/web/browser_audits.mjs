// Browser test of the audit lifecycle in Debian's Chromium: plan an internal audit, record a
// nonconformity, add its corrective action (overdue), report it done and verify it, record a
// management review and download its input pack. Screenshots go to $ARTIFACTS as audits-*.png.
// Prints "N passed, N failed".
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const url = process.env.URL, artifacts = process.env.ARTIFACTS;
let user = process.env.WEB_USER, password = process.env.WEB_PASSWORD;
// browser.mjs leaves two-factor on for the shared editor; with the workspace at hand, this test
// logs in as an editor of its own.
if (process.env.ISMS && process.env.ISMS_DB) {
  user = 'audits-lead';
  password = 'audits browser password';
  try {
    execFileSync(process.env.ISMS, ['user', 'add', '--name', user, '--role', 'editor'],
                 { input: `${password}\n`, stdio: ['pipe', 'ignore', 'ignore'] });
  } catch { /* already there from an earlier run against the same workspace */ }
}
let passed = 0, failed = 0;
function check(ok, what) {
  if (ok) passed++; else { failed++; console.error(`FAIL: ${what}`); }
}
const day = n => new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const errors = [];
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });

  await page.goto(`${url}/login`);
  await page.fill('input[name=name]', user);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForURL(`${url}/`);
  check(true, 'logged in');

  // The programme and the audits, from the nav.
  await page.click('nav a[href="/audits"]');
  await page.waitForURL(`${url}/audits`);
  check((await page.textContent('h1')) === 'Internal audits', 'the audits page');
  check((await page.locator('#programme tbody tr').count()) === 3, 'programme coverage for three years');
  await page.screenshot({ path: join(artifacts, 'audits-programme.png'), fullPage: true });

  // Plan an audit.
  await page.fill('#plan-form input[name=title]', 'Browser audit <b>');
  await page.fill('#plan-form input[name=auditor]', 'Browser Auditor');
  await page.fill('#plan-form input[name=start]', day(-30));
  await page.fill('#plan-form input[name=scope]', '9.2, A.5.23');
  await page.click('#plan-form button[type=submit]');
  await page.waitForURL(/\/audits\/\d+$/);
  check((await page.textContent('h1')) === 'Browser audit <b>', 'the new audit, its title as typed');
  check((await page.textContent('#scope')).includes('A.5.23'), 'its scope');
  check((await page.locator('#checklist details').count()) === 2, 'a checklist item per clause and control');
  await page.locator('#checklist details').nth(1).locator('summary').click();
  check((await page.textContent('#checklist')).includes('Is A.5.23'), 'the control question');
  await page.screenshot({ path: join(artifacts, 'audits-audit.png'), fullPage: true });

  // A nonconformity and its corrective action, overdue on purpose.
  await page.selectOption('#finding-form select[name=type]', 'minor');
  await page.fill('#finding-form input[name=ref]', 'A.5.23');
  await page.fill('#finding-form textarea[name=description]', 'No exit plan for the cloud provider');
  await page.click('#finding-form button[type=submit]');
  await page.waitForURL(/\/audits\/\d+#findings$/);
  const findings = await page.textContent('#findings');
  check(findings.includes('No exit plan') && findings.includes('needs a corrective action'), 'the finding needs an action');
  await page.click('#findings a:has-text("add action")');
  await page.waitForURL(/\/actions\?finding=\d+#add-action$/);
  await page.fill('#action-form textarea[name=actions]', 'Write and test the exit plan');
  await page.fill('#action-form textarea[name=root_cause]', 'Nobody owned supplier exits');
  await page.fill('#action-form input[name=owner]', 'CTO');
  await page.fill('#action-form input[name=due]', day(-3));
  await page.click('#action-form button[type=submit]');
  await page.waitForURL(/\/actions#action-\d+$/);
  const id = page.url().split('#action-')[1];
  const row = page.locator(`#action-${id}`);
  check((await row.getAttribute('class')) === 'overdue', 'the action is marked overdue');
  check((await row.textContent()).includes('Nobody owned supplier exits'), 'with its root cause');
  await page.screenshot({ path: join(artifacts, 'audits-actions.png'), fullPage: true });

  // Done, then the effectiveness check closes it.
  // the answer is the same address as the page: wait for the navigation itself
  await Promise.all([page.waitForNavigation(), row.locator('button:has-text("Mark done")').click()]);
  check((await page.locator(`#action-${id}`).textContent()).includes('implemented'), 'reported implemented');
  await page.fill(`#action-${id} input[name=note]`, 'Exit plan walked through with the team');
  await page.fill(`#action-${id} input[name=by]`, 'Browser Auditor');
  await Promise.all([page.waitForNavigation(), page.click(`#action-${id} button:has-text("Verify")`)]);
  const closed = await page.locator(`#action-${id}`).textContent();
  check(closed.includes('closed') && closed.includes('Browser Auditor'), 'verified and closed');

  // A management review with its stored pack, and the pack's download.
  await page.goto(`${url}/reviews`);
  await page.screenshot({ path: join(artifacts, 'audits-reviews.png'), fullPage: true });
  await page.fill('#review-form input[name=attendees]', 'CEO, CTO');
  await page.fill('#review-form textarea[name=decisions]', 'Fund the exit plan rehearsal');
  await page.click('#review-form button[type=submit]');
  await page.waitForURL(/\/reviews\/\d+$/);
  check((await page.textContent('#review')).includes('Fund the exit plan rehearsal'), 'the review is recorded');
  check((await page.textContent('#stored-pack')).includes('a_previous_actions'), 'with the pack it considered');
  await page.goto(`${url}/reviews/pack`);
  for (const s of 'abcdefg') check(await page.isVisible(`#pack-${s}`), `pack section ${s}`);
  check((await page.textContent('#pack-d')).includes('nonconformities'), 'performance in the pack');
  await page.screenshot({ path: join(artifacts, 'audits-pack.png'), fullPage: true });
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#pack-download')]);
  check(/^review-pack-\d{4}-\d{2}-\d{2}\.md$/.test(download.suggestedFilename()), 'the pack downloads as Markdown');
  const path = join(artifacts, 'audits-review-pack.md');
  await download.saveAs(path);
  check(readFileSync(path, 'utf8').startsWith('# Management review input pack'), 'the Markdown pack');
  check(errors.length === 0, `no console errors (${errors.join('; ')})`);
} finally {
  await browser.close();
}
console.log(`browser_audits: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
