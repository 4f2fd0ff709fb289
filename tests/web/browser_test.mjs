// The Import Tasks console in real headless Chromium (Debian's), driven by playwright-core:
// an admin creates a task by upload, checks, previews, maps, imports and reads the report, then
// exports the imported workspace on Export Tasks and downloads the zip; a viewer sees no mutating
// action (no export form either) and is refused by the API; an upload over the cap is refused.
// A task into DataWorks (the loopback double the runner starts): the destination's fields come from
// its schema and survive a reload, the report shows each object's DataWorks id and deployment
// stages, and a viewer sees the destination read-only.
// Run by tests/web/run_browser_tests.sh, which starts the server. Exits non-zero on any failure.
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
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

// Picks DataWorks on the open settings page and fills its fields from the schema's form: never a
// credential, only the names of the server's environment variables that hold them.
async function chooseDataWorks(page) {
  assert.equal(await page.isHidden('#deploy-nodes'), true, 'no deploy choice for the catalog');
  assert.equal(await page.locator('#destination-fields input').count(), 0, 'the catalog has no settings');
  await page.selectOption('#destination', 'dataworks');
  await page.waitForSelector('#dest-endpoint');
  assert.equal(await page.getAttribute('#dest-endpoint', 'required'), '', 'endpoint is required');
  assert.match(await page.textContent('#destination-card'), /endpoint required/);
  assert.equal(await page.locator('#destination-card input[type=password]').count(), 0, 'no credential is asked for');
  assert.match(await page.textContent('#destination-env'),
    /the server reads them from its own environment, ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET, ALIBABA_CLOUD_SECURITY_TOKEN/);
  await page.fill('#dest-endpoint', process.env.FERRY_DW_ENDPOINT);
  await page.fill('#dest-project_id', '123456');
  await page.fill('#dest-access_key_id_env', 'DW_AK');
  await page.fill('#dest-access_key_secret_env', 'DW_SK');
  assert.match(await page.textContent('#destination-env'), /environment, DW_AK, DW_SK, ALIBABA_CLOUD_SECURITY_TOKEN/);
  await page.fill('#dest-resource_staging', 'oss://stage/ferry');
  await page.fill('#dest-staging_endpoint', process.env.FERRY_OSS_ENDPOINT);
  await page.check('#dest-staging_path_style');
  assert.equal(await page.isVisible('#deploy-nodes'), true, 'a remote destination offers deployment');
  await page.check('#commit-nodes');
}

// The DataWorks settings chooseDataWorks filled, as the page shows them after a reload.
async function expectDataWorks(page, editable) {
  await page.waitForSelector('#dest-endpoint');
  assert.equal(await page.inputValue('#destination'), 'dataworks');
  assert.equal(await page.inputValue('#dest-endpoint'), process.env.FERRY_DW_ENDPOINT);
  assert.equal(await page.inputValue('#dest-project_id'), '123456');
  assert.equal(await page.inputValue('#dest-access_key_id_env'), 'DW_AK');
  assert.equal(await page.inputValue('#dest-resource_staging'), 'oss://stage/ferry');
  assert.equal(await page.isChecked('#dest-staging_path_style'), true);
  assert.equal(await page.inputValue('#dest-scene'), '', 'a field left empty stays empty');
  assert.equal(await page.getAttribute('#dest-scene', 'placeholder'), 'DATAWORKS_PROJECT', 'its default is shown');
  assert.equal(await page.isChecked('#commit-nodes'), true);
  assert.match(await page.textContent('#destination-env'), /DW_AK, DW_SK/);
  for (const sel of ['#destination', '#dest-endpoint', '#dest-project_id', '#dest-staging_path_style', '#commit-nodes'])
    assert.equal(await page.isEditable(sel), editable, `${sel} editable: ${editable}`);
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

  // Export Tasks: refusals are shown as the server wrote them, as text; a full export of the
  // workspace just imported succeeds and its Download link gives the zip the task recorded.
  await page.click('#nav-exports');
  await page.waitForSelector('#export-form');
  await page.fill('#export-workspace', '<b id="injected">sales</b>');
  await page.click('#export-submit');
  await page.waitForSelector('#export-status.err');
  assert.equal(await page.textContent('#export-status'),
    '[FERRY-EXPORT-WORKSPACE] there is no workspace \'<b id="injected">sales</b>\' in ' + process.env.FERRY_CATALOG);
  assert.equal(await page.locator('#injected').count(), 0, 'a name from the request is text, never markup');
  await page.fill('#export-workspace', 'sales_prod');
  await page.check('input[name=export-mode][value=incremental]');
  await page.click('#export-submit');
  await page.waitForSelector('#export-status.err >> text=an incremental export needs --since REVISION or --since TIME');
  await page.check('input[name=export-mode][value=full]');
  await page.fill('#export-objects', 'node:*, resource:*');
  await page.fill('#export-name', 'sales_prod.web');
  await page.click('#export-submit');
  await page.waitForSelector('#export-status.ok');
  const row = 'tr[data-export="sales_prod.web"]';
  await page.waitForSelector(`${row}[data-state="EXPORT_SUCCESS"] a[data-action="download"]`, { timeout: 60000 });
  await shot(page, 'export-list');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(`${row} a[data-action="download"]`)]);
  assert.equal(download.suggestedFilename(), 'sales_prod.web.zip');
  const zip = fs.readFileSync(await download.path());
  assert.equal(zip.subarray(0, 2).toString('latin1'), 'PK', 'the download is a zip');
  const recorded = await page.evaluate(async () => (await (await fetch('/api/exports/sales_prod.web')).json()).sha256);
  assert.equal(crypto.createHash('sha256').update(zip).digest('hex'), recorded, 'the bytes are those the task recorded');
  await page.click(`${row} button[data-action="view"]`);
  await page.waitForSelector('#export-basic');
  assert.match(await page.textContent('#export-basic'), /Exported/);
  assert.match(await page.textContent('#export-basic'), new RegExp(recorded));
  assert.match(await page.textContent('#export-objects'), /node/);
  await shot(page, 'export-detail');
  await page.click('#nav-imports');
  await page.waitForSelector('#task-table');
  assert.equal(await page.locator('tr[data-task="sales_prod.web"]').count(), 0, 'export tasks are not import tasks');

  // A task into DataWorks: its settings survive a reload, and Import lands every object there,
  // deployed, with each object's DataWorks id and deployment stages in the report.
  await createTask(page, 'sales_dw.cloud', pkg);
  await page.waitForSelector('#create-status.ok');
  await page.click('#create-ok');
  await page.waitForSelector('#engine-mapping select.map-target');
  await chooseDataWorks(page);
  await page.fill('#dest-workspace', 'sales_cloud');
  await page.selectOption('#engine-mapping select.map-target', 'rehearsal');
  await page.uncheck('#commit-tables');  // the first task made them on the rehearsal engine
  await page.uncheck('#commit-functions');  // a MaxCompute UDF cannot run on SQLite
  await page.click('#save-btn');
  await page.waitForSelector('#settings-status.ok');
  await page.reload();
  await expectDataWorks(page, true);
  await shot(page, 'settings-dataworks');
  await page.click('#import-btn');
  await page.waitForSelector('#confirm-dialog[open]');
  assert.match(await page.textContent('#confirm-text'), /sales_cloud/);
  await page.click('#confirm-ok');
  await page.waitForSelector('#progress-return:not([disabled])', { timeout: 180000 });
  await page.click('#progress-report');
  await page.waitForSelector('#report-details');
  const report = await page.evaluate(async () => (await (await fetch('/api/tasks/sales_dw.cloud/report')).json()));
  assert.deepEqual(report.details.filter((d) => d.status !== 'succeeded').map((d) => `${d.kind} ${d.name}: ${d.status} ${d.message}`), []);
  assert.match(await page.textContent('#report-basic'), /Finished/);
  assert.match(await page.textContent('#report-basic'), /dataworks/);
  assert.match(await page.textContent('#report-details thead'), /Remote id and deployment/);
  const node = '#report-details tr[data-kind="node"][data-name="ods_orders"]';
  assert.match(await page.textContent(`${node} .remote-id`), /\S/, 'the node has its DataWorks id');
  const stages = page.locator(`${node} ol.stages li`);
  assert.ok(await stages.count() >= 1, 'its deployment stages are listed');
  const last = stages.nth(await stages.count() - 1);
  assert.equal(await last.locator('.stage').textContent(), 'Success');
  assert.equal(await last.locator('.stage').getAttribute('class'), 'stage stage-ok');
  assert.match(await stages.first().locator('code').textContent(), /^[A-Z_]+$/, 'a stage is named by its code');
  const ids = await page.locator('#report-details .remote-id').allTextContents();
  assert.equal(new Set(ids).size, ids.length, 'one DataWorks id per object');
  await shot(page, 'report-dataworks');
  const shown = report.details.find((d) => d.kind === 'node' && d.name === 'ods_orders');
  assert.equal(await page.textContent(`${node} .remote-id`), shown.remote.id, 'the id is the report\'s');

  // A second task left in EDITING, into DataWorks, for the viewer to look at.
  await page.goto(new URL('#/', url).href);
  await page.waitForSelector('#task-table');
  await createTask(page, 'sales_dw.draft', pkg);
  await page.waitForSelector('#create-status.ok');
  await page.click('#create-ok');
  await page.waitForSelector('#engine-mapping');
  await chooseDataWorks(page);
  await page.click('#save-btn');
  await page.waitForSelector('#settings-status.ok');
  await page.goto(new URL('#/', url).href);
  await page.waitForSelector('tr[data-task="sales_dw.draft"]');
  assert.equal(await page.textContent('tr[data-task="sales_dw.draft"] td.dest'), 'dataworks');
  assert.equal(await page.textContent('tr[data-task="sales_dw.web"] td.dest'), 'catalog');
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
  await vpage.click('#nav-exports');
  await vpage.waitForSelector('tr[data-export="sales_prod.web"] a[data-action="download"]');
  assert.equal(await vpage.locator('#export-form').count(), 0, 'no Create Export Task for viewers');
  assert.equal(await vpage.locator('#export-table button[data-action="delete"]').count(), 0, 'no Delete for viewers');
  const viewerZip = await vpage.evaluate(async () => {
    const r = await fetch('/api/exports/sales_prod.web/package');
    const b = new Uint8Array(await r.arrayBuffer());
    return { status: r.status, head: String.fromCharCode(b[0], b[1]) };
  });
  assert.deepEqual(viewerZip, { status: 200, head: 'PK' }, 'viewers download');
  await shot(vpage, 'export-list-viewer', false);
  await vpage.goto(new URL('#/tasks/sales_dw.draft/settings', url).href);
  await vpage.waitForSelector('#engine-mapping');
  await expectDataWorks(vpage, false);
  await shot(vpage, 'settings-viewer');
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
