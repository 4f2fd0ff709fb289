// The Import Tasks console in real headless Chromium (Debian's), driven by playwright-core:
// an admin creates a task by upload, checks, previews, maps, imports and reads the report; a
// viewer sees no mutating action and is refused by the API; an upload over the cap is refused.
// Run by tests/web/run_browser_tests.sh, which starts the server. Exits non-zero on any failure.
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const require = createRequire(path.join(process.env.FERRY_NODE_DIR, 'package.json'));
const { chromium } = require('playwright-core');

const url = process.env.FERRY_URL;
const shots = process.env.FERRY_SCREENSHOTS;
const pkg = process.env.FERRY_PACKAGE;
let step = 0;
const shot = async (page, name, fullPage = true) => {
  const file = path.join(shots, `${String(++step).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage });
  console.log('screenshot', file);
};

async function signIn(page, token) {
  await page.goto(url);
  await page.waitForSelector('#signin-form');
  await page.fill('#token', token);
  await page.click('#signin-submit');
  await page.waitForSelector('#task-table');
}

async function createTask(page, name, file) {
  await page.click('#create-task');
  await page.fill('#create-name', name);
  await page.fill('#create-remarks', 'rehearse the sales DW on SQLite');
  await page.setInputFiles('#create-file', file);
  await page.click('#create-upload');
}

const browser = await chromium.launch({
  executablePath: process.env.FERRY_CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    // playwright gives every launch a new empty --user-data-dir of its own.
    '--disable-component-update', '--disable-sync'],
});
let failed = false;
try {
  const admin = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await admin.newPage();
  page.on('pageerror', (e) => { console.error('page error:', e); failed = true; });

  // Sign-in page, then the empty task list.
  await page.goto(url);
  await page.waitForSelector('#signin-form');
  await shot(page, 'sign-in', false);
  await page.fill('#token', 'wrong-token');
  await page.click('#signin-submit');
  await page.waitForSelector('text=the token is not valid');
  await signIn(page, process.env.FERRY_ADMIN_TOKEN);
  const cookies = await admin.cookies();
  const session = cookies.find((c) => c.name === 'ferry_session');
  assert.ok(session && session.httpOnly && session.sameSite === 'Strict', 'the session cookie is HttpOnly and SameSite=Strict');
  assert.equal(await page.evaluate(() => document.cookie.includes('ferry_session')), false, 'scripts cannot read the token');

  // Create Import Task: name rule, upload, check, preview, OK.
  await page.click('#create-task');
  await page.fill('#create-name', 'bad name');
  await page.setInputFiles('#create-file', pkg);
  await page.click('#create-upload');
  await page.waitForSelector('#create-status.err');
  await page.click('#create-cancel');
  await createTask(page, 'sales_dw.web', pkg);
  await page.waitForSelector('#create-status.ok');
  assert.match(await page.textContent('#create-status'), /The resource package has passed the check/);
  await page.click('#create-preview-btn');
  await page.waitForSelector('#create-preview #preview');
  await shot(page, 'create-dialog-checked', false);
  await page.click('#create-ok');

  // Import Task Settings: Import disabled until the Engine Instance Mapping is complete.
  await page.waitForSelector('#engine-mapping select.map-target');
  assert.equal(await page.isDisabled('#import-btn'), true, 'Import is disabled before the mapping');
  await page.selectOption('#engine-mapping select.map-target', 'rehearsal');
  assert.equal(await page.isDisabled('#import-btn'), false, 'Import is enabled once mapped');
  await page.fill('#group-map tbody tr:first-child .v', 'sched_prod');
  await page.fill('#workspace-map tbody tr:first-child .k', 'sales_dev');
  await page.fill('#workspace-map tbody tr:first-child .v', 'sales_prod');
  await page.click('#dry-run tr[data-node="ods_orders"] button[data-action="empty-run"]');
  await page.check('#dry-run tr[data-node="ods_customers"] .dry-pick');
  await page.check('#dry-run tr[data-node="dwd_orders"] .dry-pick');
  await page.click('#batch-configure');
  assert.equal(await page.locator('#dry-run td.warn').count(), 3, 'three nodes set up as empty run');
  await page.uncheck('#commit-functions');
  await shot(page, 'settings');

  // Import asks to confirm, then shows progress and the report.
  await page.click('#import-btn');
  await page.waitForSelector('#confirm-dialog[open]');
  assert.match(await page.textContent('#confirm-text'), /sales_prod/);
  await shot(page, 'import-confirm', false);
  await page.click('#confirm-ok');
  await page.waitForSelector('#progress-dialog[open]');
  await page.waitForSelector('#progress-return:not([disabled])', { timeout: 60000 });
  await shot(page, 'import-progress', false);
  await page.click('#progress-report');
  await page.waitForSelector('#report-details');
  for (const id of ['#report-basic', '#report-settings', '#report-results', '#report-details'])
    assert.ok(await page.isVisible(id), `report section ${id}`);
  assert.match(await page.textContent('#report-basic'), /Finished|Partially succeeded/);
  assert.match(await page.textContent('#report-settings'), /odps_first → rehearsal/);
  await shot(page, 'report');

  // A second task left in EDITING, for the viewer to look at.
  await page.goto(new URL('#/', url).href);
  await page.waitForSelector('#task-table');
  await createTask(page, 'sales_dw.draft', pkg);
  await page.waitForSelector('#create-status.ok');
  await page.click('#create-ok');
  await page.waitForSelector('#engine-mapping');
  await page.goto(new URL('#/', url).href);
  await page.waitForSelector('tr[data-task="sales_dw.draft"]');
  await shot(page, 'task-list-admin', false);

  // Over the cap (the server runs with --max-upload 256KB): refused with 413, no task made.
  const big = path.join(path.dirname(pkg), 'too_big.zip');
  fs.writeFileSync(big, Buffer.alloc(400 * 1024, 7));
  await createTask(page, 'too_big', big);
  await page.waitForSelector('#create-status.err');
  assert.match(await page.textContent('#create-status'), /too large/);
  await shot(page, 'upload-over-cap', false);
  await page.click('#create-cancel');
  await page.waitForSelector('#task-table');
  assert.equal(await page.locator('tr[data-task="too_big"]').count(), 0);

  await page.click('#sign-out');
  await page.waitForSelector('#signin-form');
  await admin.close();

  // A viewer: everything visible, nothing to change.
  const viewer = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const vpage = await viewer.newPage();
  vpage.on('pageerror', (e) => { console.error('page error:', e); failed = true; });
  await signIn(vpage, process.env.FERRY_VIEWER_TOKEN);
  await vpage.waitForSelector('tr[data-task="sales_dw.draft"]');
  assert.equal(await vpage.locator('#create-task').count(), 0, 'no Create Import Task for viewers');
  for (const action of ['edit', 'delete', 'reimport', 'check', 'import'])
    assert.equal(await vpage.locator(`button[data-action="${action}"]`).count(), 0, `no ${action} for viewers`);
  assert.ok(await vpage.locator('button[data-action="report"]').count() >= 1, 'viewers may read reports');
  assert.ok(await vpage.locator('button[data-action="preview"]').count() >= 1, 'viewers may preview');
  await shot(vpage, 'task-list-viewer', false);
  await vpage.goto(new URL('#/tasks/sales_dw.draft/settings', url).href);
  await vpage.waitForSelector('#engine-mapping');
  assert.equal(await vpage.locator('#import-btn').count(), 0, 'no Import for viewers');
  assert.equal(await vpage.locator('#save-btn').count(), 0, 'no Save for viewers');
  const refused = await vpage.evaluate(async () => {
    const csrf = (document.cookie.match(/ferry_csrf=([^;]*)/) || [])[1] || '';
    const r = await fetch('/api/tasks/sales_dw.draft', { method: 'DELETE', headers: { 'X-Ferry-CSRF': csrf } });
    return { status: r.status, body: await r.json() };
  });
  assert.equal(refused.status, 403);
  assert.equal(refused.body.error.code, 'FERRY-WEB-FORBIDDEN');
  await viewer.close();
  console.log('browser test: passed');
} catch (e) {
  console.error('browser test: FAILED:', e);
  failed = true;
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
