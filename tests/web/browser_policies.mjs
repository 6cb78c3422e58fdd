// Browser test of the policy pages in Debian's Chromium: log in, generate a policy from the library,
// edit its Markdown, have an empty approval refused, approve it, acknowledge it, download the PDF
// and check two real documents on the gap analysis page. Screenshots of the main pages are kept in
// $ARTIFACTS as policies-*.png. Prints "N passed, N failed".
import { chromium } from 'playwright-core';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const url = process.env.URL, user = process.env.WEB_USER, password = process.env.WEB_PASSWORD;
const artifacts = process.env.ARTIFACTS;
const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'policies-real');
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
  // The refused approval (422) is an answer the test asks for.
  page.on('console', m => {
    if (m.type() === 'error' && !/status of 422/.test(m.text())) errors.push(m.text());
  });
  let dialogs = 0;
  page.on('dialog', d => { dialogs++; d.dismiss(); });

  await page.goto(`${url}/login`);
  await page.fill('input[name=name]', user);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForURL(`${url}/`);

  await page.click('nav a[href="/policies"]');
  await page.waitForURL(`${url}/policies`);
  check((await page.textContent('h1')) === 'Policies', 'the nav leads to the policy library');
  await page.click('#generate-form >> xpath=.. >> summary');
  await page.check('input[name=template][value=access-control]');
  await page.check('input[name=force]');
  await page.click('#generate-form button[type=submit]');
  await page.waitForURL(/\/policies\?generated=1$/);
  check((await page.textContent('#generate-ok')).includes('1 draft'), 'one draft generated');
  const row = page.locator('#policies tr', { hasText: 'access-control' });
  check((await row.textContent()).includes('draft'), 'the library lists the new draft');
  await page.screenshot({ path: join(artifacts, 'policies-library.png'), fullPage: true });

  await page.click('#policies a[href="/policies/access-control"]');
  await page.waitForURL(`${url}/policies/access-control`);
  check((await page.textContent('h1')) === 'Access Control Policy', 'the policy page shows its title');
  check(await page.locator('#policy-text h2').count() > 0, 'the Markdown is rendered with its sections');

  await page.fill('textarea[name=body]',
    '# Access Control Policy\n\nAccess is granted on least privilege. <script>window.pwned = 1</script>\n\n' +
    '## Reviews\n\n- Access is reviewed **every quarter** by the system owner.\n');
  await page.click('#edit-form button[type=submit]');
  await page.waitForURL(/done=saved/);
  check((await page.textContent('#policy-text')).includes('<script>window.pwned = 1</script>'),
    'user text is shown as text');
  check(await page.evaluate(() => window.pwned === undefined) && dialogs === 0, 'and never runs');
  check((await page.textContent('#policy-text strong')) === 'every quarter', 'bold Markdown rendered');

  await page.fill('#approve-form input[name=by]', '');
  await page.$eval('#approve-form input[name=by]', el => el.removeAttribute('required'));
  await page.click('#approve-form button[type=submit]');
  check((await page.textContent('#form-error')).includes('by is required: who approves'), 'an approval without approver is refused');
  await page.fill('#approve-form input[name=by]', 'Dana Chief Executive');
  await page.click('#approve-form button[type=submit]');
  await page.waitForURL(/done=approved/);
  check((await page.textContent('#policy-meta')).includes('Dana Chief Executive'), 'approved by Dana');

  check((await page.inputValue('#ack-form input[name=person]')) === user, 'the acknowledgment form offers the user');
  await page.click('#ack-form button[type=submit]');
  await page.waitForURL(/done=acknowledged/);
  check((await page.textContent('#ack-done')).includes(user), 'the acknowledgment is listed');
  await page.screenshot({ path: join(artifacts, 'policies-policy.png'), fullPage: true });

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('#downloads a:text("PDF")'),
  ]);
  check(download.suggestedFilename() === 'access-control-v1.pdf', `the PDF download is named (${download.suggestedFilename()})`);

  await page.goto(`${url}/policies/gap`);
  await page.setInputFiles('#gap-form input[name=files]',
    [join(fixtures, 'lullabot__backup.md'), join(fixtures, 'strongdm__remote_access.docx')]);
  await page.click('#gap-form button[type=submit]');
  await page.waitForSelector('#gap-files');
  check((await page.locator('#gap-files tbody tr').count()) === 2, 'both documents are reported');
  check((await page.textContent('#gap-files')).includes('Remote Access Policy'), 'the DOCX title is read');
  check(await page.isVisible('#req-BAK-04'), 'backup requirements are listed');
  check((await page.textContent('#req-BAK-04')).includes('missing'), 'restore tests are missing from the backup policy');
  await page.screenshot({ path: join(artifacts, 'policies-gap.png'), fullPage: true });

  check(errors.length === 0, `no console errors (${errors.join('; ')})`);
} catch (e) {
  failed++;
  console.error(`FAIL: ${e.message}`);
} finally {
  await browser.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
