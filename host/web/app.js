// ferry's Import Tasks and Export Tasks console: plain DOM, no framework, no CDN. Text is always
// set with textContent (never innerHTML), so names from packages cannot inject markup.
'use strict';

const state = { user: null, role: null, cap: 30 * 1024 * 1024 };
const $ = (sel) => document.querySelector(sel);
// replaceChildren turns null into the text "null": drop absent parts first.
const show = (...nodes) => $('#view').replaceChildren(...nodes.flat().filter((n) => n !== null && n !== undefined && n !== false));

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v === null || v === undefined) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

function csrf() {
  const m = document.cookie.match(/(?:^|; )ferry_csrf=([^;]*)/);
  return m ? decodeURIComponent(m[1]) : '';
}

class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || { code: 'HTTP-' + status, message: 'the server answered ' + status };
    super(e.message); this.status = status; this.code = e.code; this.details = e.details || [];
  }
}

async function api(method, path, body) {
  const opts = { method, headers: {}, credentials: 'same-origin' };
  if (method !== 'GET') opts.headers['X-Ferry-CSRF'] = csrf() || 'ferry';
  if (body instanceof FormData) opts.body = body;
  else if (body !== undefined) { opts.headers['Content-Type'] = 'application/json'; opts.body = JSON.stringify(body); }
  const resp = await fetch(path, opts);
  const type = resp.headers.get('Content-Type') || '';
  const data = type.includes('json') ? await resp.json() : await resp.text();
  if (!resp.ok) {
    if (resp.status === 401 && path !== '/api/session') { showSignIn(); }
    throw new ApiError(resp.status, data);
  }
  return data;
}

const isAdmin = () => state.role === 'admin';
const fmtSize = (n) => n >= 1048576 ? (n / 1048576).toFixed(1) + ' MB' : n >= 1024 ? (n / 1024).toFixed(1) + ' KB' : n + ' B';
const fmtTime = (t) => t ? t.replace('T', ' ').replace(/\.\d+Z$/, ' UTC') : '-';
const stateLabel = { EDITING: 'Editing', IMPORTING: 'Importing', QUEUED: 'Queued', IMPORT_SUCCESS: 'Finished', PARTIAL_SUCCESS: 'Partially succeeded', IMPORT_ERROR: 'Import failed', REVOKED: 'Revoked',
  EXPORTING: 'Exporting', EXPORT_SUCCESS: 'Exported', EXPORT_ERROR: 'Export failed' };
const stateBadge = (s) => h('span', { class: 'state state-' + s, text: stateLabel[s] || s });
const errorText = (e) => (e.code ? '[' + e.code + '] ' : '') + e.message;

function notice(text, kind) { return h('div', { class: 'notice' + (kind === 'error' ? ' error' : ''), role: 'alert' }, text); }
function diagList(diags) {
  if (!diags || !diags.length) return null;
  return h('ul', { class: 'diags' }, diags.map((d) => h('li', { class: d.severity === 'error' ? 'err' : 'warn' },
    h('code', { text: d.code }), ' ', d.message, d.detail ? h('div', { class: 'hint', text: d.detail }) : null)));
}

// ---- sign-in ------------------------------------------------------------------------------------
function showSignIn(message) {
  state.user = null; state.role = null;
  $('#who').hidden = true; $('#nav').hidden = true;
  const status = h('div', { class: 'status err', role: 'status' }, message || '');
  const token = h('input', { type: 'password', id: 'token', name: 'token', autocomplete: 'current-password', required: true });
  const form = h('form', { class: 'signin', id: 'signin-form', onsubmit: async (ev) => {
    ev.preventDefault();
    try {
      const s = await api('POST', '/api/session', { token: token.value });
      token.value = '';
      state.user = s.user; state.role = s.role;
      location.hash = '#/';
      start();
    } catch (e) { status.textContent = errorText(e); }
  } }, h('h1', { text: 'Sign in to ferry' }), h('p', { class: 'muted', text: 'Import and export tasks for DataWorks workspaces. Ask an administrator for an access token.' }),
  h('label', {}, 'Access token', token), status, h('div', { class: 'buttons' }, h('button', { class: 'primary', type: 'submit', id: 'signin-submit' }, 'Sign in')));
  show(form);
  token.focus();
}

async function signOut() { try { await api('DELETE', '/api/session'); } catch (e) { /* signed out anyway */ } showSignIn(); }

// ---- task list ----------------------------------------------------------------------------------
async function viewList() {
  const { tasks } = await api('GET', '/api/tasks');
  const rows = tasks.map((t) => h('tr', { 'data-task': t.name },
    h('td', {}, h('b', { text: t.name }), t.remarks ? h('div', { class: 'hint', text: t.remarks }) : null),
    h('td', {}, stateBadge(t.state)),
    h('td', { text: t.workspace }),
    h('td', { class: 'dest', text: t.destination || '-' }),
    h('td', { class: 'pkg' }, h('code', { title: t.package, text: packageLabel(t) })),
    h('td', { text: t.creator || '-' }),
    h('td', { text: fmtTime(t.created_at) }),
    h('td', { text: fmtTime(t.finished_at) }),
    h('td', { class: 'actions' }, taskActions(t))));
  const create = isAdmin() ? h('button', { class: 'primary', id: 'create-task', onclick: openCreate }, 'Create Import Task') : null;
  show(
    h('div', { class: 'bar' }, h('h1', { text: 'Import Tasks' }), h('div', { class: 'actions' }, h('button', { onclick: route }, 'Refresh'), create)),
    h('table', { id: 'task-table' }, h('thead', {}, h('tr', {}, ['Name', 'Status', 'Workspace', 'Destination', 'Package', 'Creator', 'Created', 'Finished', 'Actions'].map((c) => h('th', { text: c })))),
      h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: 9, class: 'empty', text: 'No import tasks yet.' })))));
}

// Uploads are stored as <task>.<tag>.<file name>: show the name the user uploaded.
function packageLabel(t) {
  if (!t.package) return '-';
  const base = t.package.split('/').pop();
  const prefix = t.name + '.';
  return base.startsWith(prefix) ? base.slice(prefix.length).replace(/^[0-9a-f]{12}\./, '') : base;
}

function taskActions(t) {
  const out = [];
  const go = (hash) => () => { location.hash = hash; };
  for (const a of t.actions) {
    if (a === 'edit') out.push(h('button', { class: 'link', 'data-action': 'edit', onclick: go('#/tasks/' + t.name + '/settings') }, 'Edit'));
    if (a === 'preview') out.push(h('button', { class: 'link', 'data-action': 'preview', onclick: go('#/tasks/' + t.name + '/preview') }, 'Preview'));
    if (a === 'report') out.push(h('button', { class: 'link', 'data-action': 'report', onclick: go('#/tasks/' + t.name + '/report') }, 'View Import Report'));
    if (a === 'progress') out.push(h('button', { class: 'link', 'data-action': 'progress', onclick: () => showProgress(t.name) }, 'Progress'));
    if (a === 'reimport') out.push(h('button', { class: 'link', 'data-action': 'reimport', onclick: () => reimport(t.name) }, 'Re-import'));
    if (a === 'delete') out.push(h('button', { class: 'link danger', 'data-action': 'delete', onclick: () => removeTask(t.name) }, 'Delete'));
  }
  return out;
}

async function removeTask(name) {
  if (!await confirmDialog(h('p', {}, 'Delete the import task ', h('b', { text: name }), '? Its uploaded package goes too.'))) return;
  try { await api('DELETE', '/api/tasks/' + name); } catch (e) { alertError(e); }
  route();
}

async function reimport(name) {
  try { await api('POST', '/api/tasks/' + name + '/reimport'); showProgress(name); } catch (e) { alertError(e); }
}

function alertError(e) { $('#view').prepend(notice(errorText(e), 'error')); }

// ---- create dialog ------------------------------------------------------------------------------
let created = null;
function openCreate() {
  created = null;
  $('#create-form').reset();
  $('#create-status').textContent = ''; $('#create-status').className = 'status';
  $('#create-preview').replaceChildren();
  $('#create-ok').disabled = true; $('#create-preview-btn').disabled = true; $('#create-upload').disabled = false;
  $('#cap-text').textContent = fmtSize(state.cap);
  toggleFrom();
  $('#create-dialog').showModal();
}
function toggleFrom() {
  const oss = document.querySelector('input[name=from]:checked').value === 'oss';
  $('#from-local').hidden = oss; $('#from-oss').hidden = !oss;
}
function createStatus(text, cls) { const s = $('#create-status'); s.textContent = text; s.className = 'status ' + (cls || ''); }

async function uploadAndCheck() {
  const name = $('#create-name').value.trim();
  if (!/^[A-Za-z0-9_.]+$/.test(name)) return createStatus('The name can contain only letters, digits, underscores (_) and periods (.).', 'err');
  const form = new FormData();
  form.append('name', name);
  form.append('remarks', $('#create-remarks').value);
  if (document.querySelector('input[name=from]:checked').value === 'oss') {
    const url = $('#create-url').value.trim();
    if (!url) return createStatus('Enter the address of the package.', 'err');
    form.append('url', url); form.append('endpoint', $('#create-endpoint').value.trim());
  } else {
    const file = $('#create-file').files[0];
    if (!file) return createStatus('Choose a package file.', 'err');
    form.append('package', file, file.name);
  }
  $('#create-upload').disabled = true;
  createStatus('Uploading…');
  try {
    created = await api('POST', '/api/tasks', form);
  } catch (e) {
    $('#create-upload').disabled = false;
    return createStatus(e.status === 413 ? 'The package is too large: ' + e.message + '.' : errorText(e), 'err');
  }
  createStatus('Checking…');
  try {
    const c = await api('POST', '/api/tasks/' + name + '/check');
    createStatus(c.ok ? c.message + '.' : c.message + ' (see below).', c.ok ? 'ok' : 'err');
    $('#create-preview').replaceChildren(h('p', { class: 'muted', text: `${c.package.format || ''} package, ${fmtSize(c.package.size)}: ${c.objects.nodes} nodes, ${c.objects.resources} resources, ${c.objects.tables} tables, ${c.objects.functions} functions, ${c.objects.datasources} data sources` }), diagList(c.diagnostics) || '');
    $('#create-preview-btn').disabled = !c.ok; $('#create-ok').disabled = !c.ok;
  } catch (e) { createStatus(errorText(e), 'err'); }
}

async function previewInDialog() {
  const p = await api('GET', '/api/tasks/' + created.name + '/preview');
  $('#create-preview').replaceChildren(previewTables(p, 8, true));
}

async function cancelCreate() {
  // The product creates nothing until OK: a task made by the upload step goes again.
  if (created) { try { await api('DELETE', '/api/tasks/' + created.name); } catch (e) { /* already gone */ } }
  created = null;
  $('#create-dialog').close();
  route();
}

// ---- preview ------------------------------------------------------------------------------------
function previewTables(p, limit, compact) {
  const table = (title, cols, rows) => rows.length ? h('div', {}, h('h3', { text: `${title} (${rows.length})` }),
    h('table', {}, h('thead', {}, h('tr', {}, cols.map((c) => h('th', { text: c })))),
      h('tbody', {}, rows.slice(0, limit || rows.length).map((r) => h('tr', {}, r.map((v) => h('td', { text: v === '' || v === undefined ? '-' : String(v) })))))),
    limit && rows.length > limit ? h('p', { class: 'hint', text: `and ${rows.length - limit} more` }) : null) : null;
  return h('div', { id: 'preview' },
    compact ? table('Nodes', ['Name', 'Command', 'Engine', 'Owner'], p.nodes.map((n) => [n.name, n.command, n.engine, n.owner]))
      : table('Nodes', ['Name', 'Workflow', 'Command', 'Engine', 'Data source', 'Owner', 'Resource group', 'Cron', 'Empty run'],
        p.nodes.map((n) => [n.name, n.workflow, n.command, n.engine, n.datasource, n.owner, n.resource_group, n.cron, n.dry_run ? 'yes' : 'no'])),
    table('Resources', ['Name', 'Type', 'Size'], p.resources.map((r) => [r.name, r.type, fmtSize(r.size)])),
    table('Tables', ['Name', 'Engine', 'Project'], p.tables.map((t) => [t.name, t.engine, t.project])),
    table('Functions', ['Name', 'Class', 'Resources'], p.functions.map((f) => [f.name, f.class_name, f.resources.join(', ')])),
    table('Data sources', ['Name', 'Type', 'Environment'], p.datasources.map((d) => [d.name, d.type, d.environment])));
}

async function viewPreview(name) {
  const [t, p] = await Promise.all([api('GET', '/api/tasks/' + name), api('GET', '/api/tasks/' + name + '/preview')]);
  show(
    h('div', { class: 'bar' }, h('h1', {}, 'Preview: ', name), h('div', { class: 'actions' }, h('button', { onclick: () => { location.hash = '#/'; } }, 'Back'))),
    h('section', { class: 'card' }, h('h2', { text: 'Basic Information' }), h('dl', { class: 'grid' },
      h('dt', { text: 'Status' }), h('dd', {}, stateBadge(t.state)), h('dt', { text: 'Package' }), h('dd', { text: p.package.path }),
      h('dt', { text: 'Format' }), h('dd', { text: p.package.format }), h('dt', { text: 'Size' }), h('dd', { text: fmtSize(p.package.size) }),
      h('dt', { text: 'SHA-256' }), h('dd', {}, h('code', { text: p.package.sha256 })), h('dt', { text: 'Remarks' }), h('dd', { text: t.remarks || '-' }))),
    h('section', { class: 'card' }, h('h2', { text: 'Overview' }), h('div', { class: 'counts' },
      Object.entries(p.objects).map(([k, v]) => h('div', {}, h('b', { text: v }), k)))),
    h('section', { class: 'card' }, h('h2', { text: 'Details' }), previewTables(p), diagList(p.diagnostics)));
}

// ---- settings -----------------------------------------------------------------------------------
async function viewSettings(name) {
  const [t, p, eng, dst] = await Promise.all([api('GET', '/api/tasks/' + name), api('GET', '/api/tasks/' + name + '/preview'), api('GET', '/api/engines'),
    api('GET', '/api/destinations')]);
  if (!t.settings) throw new ApiError(422, { error: t.settings_error });
  const s = t.settings;
  const editable = t.state === 'EDITING' && isAdmin();
  const dis = !editable;
  const destEngines = () => eng.fixed ? eng.engines : readEngineRows();

  // Destination engine instances (only when the server has no engines file).
  const engineRows = h('tbody', {});
  const addEngineRow = (e) => {
    const cfg = Object.entries(e || {}).filter(([k]) => !['name', 'type', 'project'].includes(k)).map(([k, v]) => k + '=' + v).join('\n');
    engineRows.append(h('tr', {}, h('td', {}, h('input', { class: 'e-name', value: (e && e.name) || '', disabled: dis })),
      h('td', {}, h('select', { class: 'e-type', disabled: dis }, eng.engine_types.map((ty) => h('option', { value: ty, selected: e && e.type === ty }, ty)))),
      h('td', {}, h('textarea', { class: 'e-cfg', rows: 1, placeholder: 'path=/srv/ferry/rehearsal.db', disabled: dis }, cfg))));
  };
  function readEngineRows() {
    return [...engineRows.querySelectorAll('tr')].map((tr) => {
      const e = { name: tr.querySelector('.e-name').value.trim(), type: tr.querySelector('.e-type').value };
      for (const line of tr.querySelector('.e-cfg').value.split('\n')) { const i = line.indexOf('='); if (i > 0) e[line.slice(0, i).trim()] = line.slice(i + 1).trim(); }
      return e;
    }).filter((e) => e.name);
  }
  s.engines.forEach(addEngineRow);
  const engineEditor = eng.fixed ? null : h('section', { class: 'card', id: 'dest-engines' }, h('h2', {}, 'Destination Engine Instances', h('span', { class: 'opt', text: 'this server has no engines file: declare the instances here (settings other than name and type are not shown again)' })),
    h('table', {}, h('thead', {}, h('tr', {}, h('th', { text: 'Name' }), h('th', { text: 'Type' }), h('th', { text: 'Settings (key=value per line)' }))), engineRows),
    editable ? h('div', { class: 'row-tools' }, h('button', { type: 'button', onclick: () => addEngineRow(), id: 'add-engine' }, 'Add instance'), h('button', { type: 'button', onclick: () => refreshMappingOptions() }, 'Use in mapping')) : null);

  // Engine Instance Mapping (required).
  const mapped = Object.fromEntries(s.engine_mapping.map((m) => [m.source, m]));
  const mapSelects = [];
  const mapBody = h('tbody', {}, p.engine_sources.map((src) => {
    const sel = h('select', { class: 'map-target', 'data-source': src.source, 'data-type': src.type, disabled: dis, onchange: updateImportButton });
    mapSelects.push(sel);
    return h('tr', {}, h('td', {}, h('code', { text: src.source || '(unnamed)' })), h('td', { text: src.type }),
      h('td', { title: src.used_by.join(', '), text: src.used_by.length + ' object' + (src.used_by.length === 1 ? '' : 's') }), h('td', {}, sel));
  }));
  function refreshMappingOptions() {
    const list = destEngines();
    for (const sel of mapSelects) {
      const cur = sel.value || (mapped[sel.dataset.source] || {}).instance || '';
      const same = list.filter((e) => e.type === sel.dataset.type), other = list.filter((e) => e.type !== sel.dataset.type);
      sel.replaceChildren(h('option', { value: '', text: 'Select a compute engine instance' }),
        same.length ? h('optgroup', { label: sel.dataset.type }, same.map((e) => h('option', { value: e.name, selected: e.name === cur, text: e.name }))) : null,
        other.length ? h('optgroup', { label: 'other engines (cross-engine: review the nodes)' }, other.map((e) => h('option', { value: e.name, 'data-cross': '1', selected: e.name === cur, text: `${e.name} (${e.type})` }))) : null);
    }
    updateImportButton();
  }

  // Resource Group Mapping, Dependency Mapping: rows of source -> destination.
  const pairTable = (id, left, right, entries, suggestions) => {
    const body = h('tbody', {});
    const add = (k, v) => body.append(h('tr', {}, h('td', {}, h('input', { class: 'k', value: k || '', disabled: dis, placeholder: left })), h('td', {}, h('input', { class: 'v', value: v || '', disabled: dis, placeholder: right }))));
    const keys = new Set([...suggestions, ...Object.keys(entries)]);
    for (const k of keys) add(k, entries[k]);
    if (!keys.size) add();
    const read = () => Object.fromEntries([...body.querySelectorAll('tr')].map((tr) => [tr.querySelector('.k').value.trim(), tr.querySelector('.v').value.trim()]).filter(([k, v]) => k && v));
    const el = h('div', { id }, h('table', {}, h('thead', {}, h('tr', {}, h('th', { text: left }), h('th', { text: right }))), body),
      editable ? h('div', { class: 'row-tools' }, h('button', { type: 'button', onclick: () => add() }, 'Add row')) : null);
    return { el, read };
  };
  const groups = pairTable('group-map', 'Source resource group', 'Destination resource group', s.resource_groups, p.resource_groups);
  const spaces = pairTable('workspace-map', 'Source workspace', 'New workspace', s.workspaces, []);

  // Dry-run.
  const dry = new Set(s.dry_run);
  const matches = (n) => [...dry].some((g) => g === n || new RegExp('^' + g.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$').test(n));
  const dryBody = h('tbody', {});
  const renderDry = () => dryBody.replaceChildren(...p.nodes.map((n) => {
    const on = matches(n.name);
    return h('tr', { 'data-node': n.name }, h('td', {}, h('input', { type: 'checkbox', class: 'dry-pick', value: n.name, disabled: dis })),
      h('td', { text: n.name }), h('td', { text: n.workflow || '-' }), h('td', { text: n.command }), h('td', { text: n.trigger || '-' }),
      h('td', { class: on ? 'warn' : '', text: on ? 'Empty run' : 'Normal' }),
      h('td', {}, editable ? h('button', { type: 'button', class: 'link', 'data-action': on ? 'normal-run' : 'empty-run', onclick: () => { if (on) { dry.delete(n.name); for (const g of [...dry]) if (matches(n.name) && g.includes('*')) dry.delete(g); } else dry.add(n.name); renderDry(); } }, on ? 'Cancel empty run' : 'Set up empty run') : null));
  }));
  renderDry();

  // Commission Rules.
  const c = s.commit;
  const check = (id, label, on) => h('label', { class: 'inline' }, h('input', { type: 'checkbox', id, checked: on, disabled: dis }), label);
  // Remote destinations only: the catalog has no scheduler to deploy to.
  const deployNodes = h('div', { id: 'deploy-nodes' }, check('commit-nodes', 'Deploy nodes and workflows', c.nodes),
    h('span', { class: 'hint', text: 'publish each node and workflow to the destination\'s scheduler (resources and functions follow their own rules); the report shows every deployment stage' }));
  const commitEl = h('div', { id: 'commit-rules' },
    h('div', {}, check('commit-resources', 'Commit resources', c.resources), check('commit-tables', 'Commit tables', c.tables), check('commit-functions', 'Commit functions', c.functions)),
    h('div', {}, 'Change Owner: ', h('label', { class: 'inline' }, h('input', { type: 'radio', name: 'change-owner', value: 'yes', checked: c.change_owner, disabled: dis }), 'Yes'),
      h('label', { class: 'inline' }, h('input', { type: 'radio', name: 'change-owner', value: 'no', checked: !c.change_owner, disabled: dis }), 'No')),
    h('p', { class: 'hint', text: 'No: an object without an owner gets you (the importer) as its owner. Yes: every imported object gets the importer as owner.' }),
    h('label', {}, 'When the destination already has an object of the same name', h('select', { id: 'on-conflict', disabled: dis },
      h('option', { value: 'skip', selected: c.on_conflict === 'skip' }, 'Do not commit it (the product\'s rule)'),
      h('option', { value: 'overwrite', selected: c.on_conflict === 'overwrite' }, 'Overwrite it'))),
    deployNodes);

  // Destination: where the objects land. Its fields are the destination plugin's schema, so a new
  // destination needs no change here. Credentials are never asked for: the server reads them from
  // its own environment, from the variables its *_env keys name.
  const destinations = dst.destinations;
  const destFields = h('div', { id: 'destination-fields' });
  const destEnv = h('p', { class: 'hint', id: 'destination-env' });
  const typed = { [s.destination]: s.destination_settings || {} };  // kept while the select moves
  const destSelect = h('select', { id: 'destination', disabled: dis, onchange: () => { typed[shown] = readDestination(); renderDestination(); } },
    destinations.map((d) => h('option', { value: d.name, selected: d.name === s.destination, text: d.summary ? `${d.name}: ${d.summary}` : d.name })));
  let shown = destSelect.value;
  const destOf = (n) => destinations.find((d) => d.name === n) || { name: n, keys: [] };
  const fieldOf = (key) => destFields.querySelector(`[data-key="${CSS.escape(key)}"]`);
  function fieldInput(k, v) {
    const attrs = { id: 'dest-' + k.name, 'data-key': k.name, disabled: dis, required: k.required && k.type !== 'boolean' };
    if (k.type === 'boolean') return h('input', { ...attrs, type: 'checkbox', checked: v === undefined ? k.default === 'true' : !!v });
    const text = v === undefined || v === null ? '' : Array.isArray(v) ? v.join(', ') : String(v);
    const envName = k.name.endsWith('_env');
    return h('input', { ...attrs, type: k.type === 'integer' ? 'number' : 'text', step: k.type === 'integer' ? 1 : null, value: text,
      placeholder: k.default || '', oninput: envName ? () => showEnv(destOf(shown)) : null });
  }
  function showEnv(d) {
    const vars = d.keys.filter((k) => k.name.endsWith('_env')).map((k) => (fieldOf(k.name) && fieldOf(k.name).value.trim()) || k.default).filter((v) => v);
    destEnv.textContent = vars.length ? `Credentials are never entered here: the server reads them from its own environment, ${vars.join(', ')}.` : '';
    destEnv.hidden = !vars.length;
  }
  function renderDestination() {
    shown = destSelect.value;
    const d = destOf(shown), values = typed[shown] || {};
    destFields.replaceChildren(...d.keys.map((k) => k.type === 'boolean'
      ? h('label', { class: 'dest-field', title: k.description }, fieldInput(k, values[k.name]), h('code', { text: k.name }), h('span', { class: 'hint', text: ' ' + k.description }))
      : h('label', { class: 'dest-field' }, h('code', { text: k.name }), k.required ? h('span', { class: 'req', text: ' required' }) : null,
        fieldInput(k, values[k.name]), h('span', { class: 'hint', text: k.description }))));
    showEnv(d);
    deployNodes.hidden = shown === 'catalog';
  }
  // The fields' values, typed by the schema; a field left empty is left out (its default applies).
  function readDestination() {
    const out = {}, before = typed[shown] || {};
    for (const k of destOf(shown).keys) {
      const el = fieldOf(k.name);
      if (!el) continue;
      const v = el.value.trim();
      if (k.type === 'boolean') { if (el.checked !== (k.default === 'true') || k.name in before) out[k.name] = el.checked; }
      else if (k.type === 'integer') { if (v !== '') out[k.name] = Number(v); }
      else if (k.type === 'string list') { const items = v.split(',').map((x) => x.trim()).filter((x) => x); if (items.length) out[k.name] = items; }
      else if (v !== '') out[k.name] = v;
    }
    return out;
  }

  const workspace = h('input', { id: 'dest-workspace', value: s.workspace, disabled: dis });
  const remarks = h('textarea', { id: 'remarks', rows: 2, disabled: dis }, s.remarks);
  const status = h('div', { id: 'settings-status', class: 'status', role: 'status' });
  const importBtn = h('button', { class: 'primary', id: 'import-btn', disabled: true, onclick: () => doImport(name, collect, status) }, 'Import');
  const saveBtn = editable ? h('button', { id: 'save-btn', onclick: async () => { try { await save(name, collect()); status.textContent = 'Saved.'; status.className = 'status ok'; } catch (e) { status.textContent = errorText(e); status.className = 'status err'; } } }, 'Save') : null;
  function updateImportButton() {
    const complete = mapSelects.every((sel) => sel.value);
    importBtn.disabled = !editable || !complete;
    importBtn.title = complete ? '' : 'Complete the Engine Instance Mapping first';
  }
  function collect() {
    const out = {
      remarks: remarks.value, workspace: workspace.value.trim(),
      engine_mapping: mapSelects.map((sel) => ({ source: sel.dataset.source, instance: sel.value, cross_engine: !!(sel.selectedOptions[0] && sel.selectedOptions[0].dataset.cross) })),
      resource_groups: groups.read(), workspaces: spaces.read(), dry_run: [...dry],
      commit: { resources: $('#commit-resources').checked, tables: $('#commit-tables').checked, functions: $('#commit-functions').checked,
        nodes: deployNodes.querySelector('input').checked,
        change_owner: document.querySelector('input[name=change-owner]:checked').value === 'yes', on_conflict: $('#on-conflict').value },
      destination: destSelect.value,
    };
    if (destOf(shown).keys.length) out.destination_settings = readDestination();
    if (!eng.fixed) out.engines = readEngineRows();
    return out;
  }

  show(
    h('div', { class: 'bar' }, h('div', {}, h('h1', {}, 'Import Task Settings: ', name), h('div', { class: 'hint' }, stateBadge(t.state), ' ', p.package.path)),
      h('div', { class: 'actions' }, h('button', { onclick: () => { location.hash = '#/'; } }, 'Back'), saveBtn, isAdmin() ? importBtn : null)),
    status,
    !editable ? notice(t.state === 'EDITING' ? 'You may view these settings; only administrators change them.' : 'This task is ' + (stateLabel[t.state] || t.state) + ': its settings can no longer change.') : null,
    h('section', { class: 'card' }, h('h2', { text: 'Basic Information' }), h('label', {}, 'Destination workspace', workspace), h('label', {}, 'Remarks', remarks)),
    h('section', { class: 'card', id: 'destination-card' }, h('h2', {}, 'Destination', h('span', { class: 'opt', text: 'where the objects land; ferry keeps its records in its catalog either way' })),
      h('label', {}, 'Destination', destSelect), destFields, destEnv),
    engineEditor,
    h('section', { class: 'card', id: 'engine-mapping' }, h('h2', {}, 'Engine Instance Mapping', h('span', { class: 'opt', text: 'required' })),
      p.engine_sources.length ? h('table', {}, h('thead', {}, h('tr', {}, ['Compute engine instance in the package', 'Type', 'Used by', 'Compute engine instance of the target workspace'].map((x) => h('th', { text: x })))), mapBody)
        : h('p', { class: 'muted', text: 'The package uses no compute engine instance.' })),
    h('section', { class: 'card' }, h('h2', {}, 'Resource Group Mapping', h('span', { class: 'opt', text: 'optional' })), groups.el),
    h('section', { class: 'card' }, h('h2', {}, 'Dependency Mapping', h('span', { class: 'opt', text: 'optional: replaced in the code, inputs and outputs of nodes' })), spaces.el),
    h('section', { class: 'card', id: 'dry-run' }, h('h2', {}, 'Dry-run', h('span', { class: 'opt', text: 'optional: empty-run nodes report success without running' })),
      h('table', {}, h('thead', {}, h('tr', {}, ['', 'Node', 'Workflow', 'Type', 'Trigger', 'Run', 'Actions'].map((x) => h('th', { text: x })))), dryBody),
      editable ? h('div', { class: 'row-tools' }, h('button', { type: 'button', id: 'batch-configure', onclick: () => { for (const cb of dryBody.querySelectorAll('.dry-pick:checked')) dry.add(cb.value); renderDry(); } }, 'Batch Configure')) : null),
    h('section', { class: 'card' }, h('h2', {}, 'Commission Rules', h('span', { class: 'opt', text: 'optional' })), commitEl));
  renderDestination();
  refreshMappingOptions();
}

async function save(name, settings) { return api('PUT', '/api/tasks/' + name, settings); }

async function doImport(name, collect, status) {
  try {
    await save(name, collect());
    const plan = await api('GET', '/api/tasks/' + name + '/plan');
    if (plan.blocked) { status.replaceChildren(notice('The task cannot run yet:', 'error'), diagList(plan.diagnostics)); return; }
    const sm = plan.summary;
    const ok = await confirmDialog(h('div', {}, h('p', {}, 'Import the package into workspace ', h('b', { text: plan.workspace }), '?'),
      h('p', { class: 'muted', text: `create ${sm.create}, update ${sm.update}, unchanged ${sm.unchanged}, conflict ${sm.conflict}, fail ${sm.fail}` }),
      planStatements(plan)));
    if (!ok) return;
    await api('POST', '/api/tasks/' + name + '/import');
    showProgress(name);
  } catch (e) {
    status.replaceChildren(notice(errorText(e), 'error'), diagList(e.details));
  }
}

// Every statement the compute engines will run, object by object, as `ferry plan` prints them.
// SQL holds names and strings from the package: it is set as text, never as markup.
function planStatements(plan) {
  const objects = (plan.objects || []).filter((o) => o.statements && o.statements.length);
  if (!objects.length) return h('p', { class: 'muted', id: 'plan-statements', text: 'No statement runs on a compute engine.' });
  return h('div', { id: 'plan-statements' }, h('p', { text: 'Statements for the engines:' }),
    objects.map((o) => {
      const sql = h('pre', { class: 'plan-sql', text: o.statements.map((s) => (s.endsWith(';') ? s : s + ';')).join('\n') });
      // style-src 'self' refuses style attributes; properties set from script are allowed.
      Object.assign(sql.style, { maxHeight: '12em', overflow: 'auto', whiteSpace: 'pre-wrap', margin: '0.25em 0 0.5em' });
      return h('details', { open: objects.length <= 3 },
        h('summary', { text: `${o.kind} ${o.name} on ${o.engine_instance}${o.commit_to_engine ? '' : ' (not committed)'}` }), sql);
    }));
}

// ---- confirm and progress dialogs ---------------------------------------------------------------
function confirmDialog(content) {
  return new Promise((resolve) => {
    const d = $('#confirm-dialog');
    $('#confirm-text').replaceChildren(content);
    const done = (v) => () => { d.close(); $('#confirm-ok').onclick = null; $('#confirm-cancel').onclick = null; resolve(v); };
    $('#confirm-ok').onclick = done(true); $('#confirm-cancel').onclick = done(false);
    d.showModal();
  });
}

function progressView(p) {
  const pct = p.total ? Math.round((100 * p.done) / p.total) : 0;
  const finished = !p.running && p.result;
  return h('div', { id: 'progress' },
    h('p', {}, p.running ? 'Importing… ' : finished ? 'Finished: ' : 'Starting… ', finished ? stateBadge(p.result === 'REFUSED' ? 'IMPORT_ERROR' : p.result) : null),
    h('progress', { max: 100, value: pct }), h('p', { class: 'muted', text: `${p.done} of ${p.total} objects${p.current ? ' · ' + p.current : ''}` }),
    h('div', { class: 'counts' }, Object.entries(p.statuses || {}).map(([k, v]) => h('div', {}, h('b', { text: v }), k))),
    finished ? diagList((p.diagnostics || []).filter((d) => d.severity === 'error')) : null);
}

async function showProgress(name) {
  const d = $('#progress-dialog');
  $('#progress-report').hidden = true; $('#progress-return').disabled = true;
  $('#progress-body').replaceChildren(h('p', { text: 'Starting…' }));
  $('#progress-return').onclick = () => { d.close(); location.hash = '#/'; route(); };
  $('#progress-report').onclick = () => { d.close(); location.hash = '#/tasks/' + name + '/report'; };
  if (!d.open) d.showModal();
  for (;;) {
    let p;
    try { p = await api('GET', '/api/tasks/' + name + '/progress'); } catch (e) { $('#progress-body').replaceChildren(notice(errorText(e), 'error')); break; }
    $('#progress-body').replaceChildren(progressView(p));
    if (!p.running && p.result) { $('#progress-return').disabled = false; $('#progress-report').hidden = p.result === 'REFUSED'; break; }
    if (!p.running && !p.result && p.state !== 'IMPORTING') { $('#progress-return').disabled = false; $('#progress-report').hidden = false; break; }
    await new Promise((r) => setTimeout(r, 400));
  }
}

// ---- report -------------------------------------------------------------------------------------
async function viewReport(name) {
  const t = await api('GET', '/api/tasks/' + name);
  let live = null;
  if (t.state === 'IMPORTING' || t.importing) live = h('section', { class: 'card', id: 'live' }, h('h2', { text: 'Import in progress' }), progressView(await api('GET', '/api/tasks/' + name + '/progress')));
  if (live) {
    show(h('div', { class: 'bar' }, h('h1', {}, 'Import Report: ', name)), live);
    setTimeout(() => { if (location.hash === '#/tasks/' + name + '/report') route(); }, 600);
    return;
  }
  const r = await api('GET', '/api/tasks/' + name + '/report');
  const b = r.basic;
  const dl = (pairs) => h('dl', { class: 'grid' }, pairs.flatMap(([k, v]) => [h('dt', { text: k }), h('dd', {}, v instanceof Node ? v : String(v === '' || v === undefined ? '-' : v))]));
  const st = r.settings;
  const kinds = Object.keys(r.results).filter((k) => k !== 'total');
  const statuses = ['succeeded', 'failed', 'conflict', 'unchanged'];
  const remote = r.details.some((d) => d.remote);
  show(
    h('div', { class: 'bar' }, h('h1', {}, 'Import Report: ', name), h('div', { class: 'actions' },
      h('a', { href: '/api/tasks/' + name + '/report?format=html', target: '_blank', rel: 'noopener' }, h('button', {}, 'Open as HTML')),
      h('button', { onclick: () => { location.hash = '#/'; } }, 'Back'))),
    h('section', { class: 'card', id: 'report-basic' }, h('h2', { text: 'Basic Information' }), dl([
      ['Name', b.name], ['Status', stateBadge(b.status)], ['Workspace', b.workspace], ['Destination', t.destination || '-'], ['Package', b.package.path], ['Format', b.package.format],
      ['Size', fmtSize(b.package.size)], ['SHA-256', h('code', { text: b.package.sha256 })], ['Importer', b.importer], ['Start', fmtTime(b.start)], ['End', fmtTime(b.end)], ['Remarks', b.remarks]])),
    h('section', { class: 'card', id: 'report-settings' }, h('h2', { text: 'Import Settings' }), dl([
      ['Engine Instance Mapping', Object.entries(st.engine_mapping).map(([k, v]) => `${k} → ${v.instance}${v.cross_engine ? ' (cross-engine)' : ''}`).join(', ')],
      ['Resource Group Mapping', Object.entries(st.resource_groups).map(([k, v]) => `${k} → ${v}`).join(', ')],
      ['Dependency Mapping', Object.entries(st.workspaces).map(([k, v]) => `${k} → ${v}`).join(', ')],
      ['Dry-run', st.dry_run.join(', ')],
      ['Commission Rules', `resources ${st.commit.resources ? 'yes' : 'no'}, tables ${st.commit.tables ? 'yes' : 'no'}, functions ${st.commit.functions ? 'yes' : 'no'}${st.commit.nodes === undefined ? '' : `, deploy nodes ${st.commit.nodes ? 'yes' : 'no'}`}; change owner ${st.commit.change_owner ? 'yes' : 'no'}; same name: ${st.commit.on_conflict}`]])),
    h('section', { class: 'card', id: 'report-results' }, h('h2', { text: 'Import results' }),
      h('table', {}, h('thead', {}, h('tr', {}, h('th', { text: 'Kind' }), statuses.map((s) => h('th', { text: s })))),
        h('tbody', {}, kinds.map((k) => h('tr', {}, h('td', { text: k }), statuses.map((s) => h('td', { text: (r.results[k] || {})[s] ?? 0 }))))))),
    h('section', { class: 'card', id: 'report-details' }, h('h2', { text: 'Details' }),
      h('table', {}, h('thead', {}, h('tr', {}, ['Kind', 'Name', 'Action', 'Status', 'Owner', 'Engine instance', remote ? 'Remote id and deployment' : null, 'Message']
        .filter((x) => x).map((x) => h('th', { text: x })))),
        h('tbody', {}, r.details.map((d) => h('tr', { 'data-kind': d.kind, 'data-name': d.name }, h('td', { text: d.kind }), h('td', { text: d.name }), h('td', { text: d.action }),
          h('td', { class: d.status === 'failed' ? 'err' : d.status === 'succeeded' ? 'ok' : '', text: d.status }),
          h('td', { text: d.owner_before && d.owner_before !== d.owner_after ? `${d.owner_before} → ${d.owner_after}` : d.owner_after || '-' }),
          h('td', { text: d.engine_instance || '-' }), remote ? remoteCell(d.remote) : null, h('td', { text: d.message || '' })))))),
    r.warnings && r.warnings.length ? h('section', { class: 'card' }, h('h2', { text: 'Warnings' }), diagList(r.warnings)) : null);
}

// A remote destination's answer for one object: its id there and each deployment stage, in order.
// Everything in it came from the destination's server: text only.
const stageTone = (status) => status === 'Success' ? 'ok' : ['Fail', 'Termination', 'Cancel'].includes(status) ? 'failed' : 'waiting';
function remoteCell(x) {
  if (!x) return h('td', { class: 'remote', text: '-' });
  return h('td', { class: 'remote' }, x.id ? h('code', { class: 'remote-id', title: x.version ? 'version ' + x.version : null, text: x.id }) : '-',
    x.stages && x.stages.length ? h('ol', { class: 'stages' }, x.stages.map((st) => h('li', { 'data-stage': st.code, title: st.name || null },
      h('code', { text: st.code }), ' ', h('span', { class: 'stage stage-' + stageTone(st.status), text: st.status }),
      st.message ? h('span', { class: 'hint', text: ' ' + st.message }) : null))) : null);
}

// ---- export tasks -------------------------------------------------------------------------------
const exportHash = (name) => '#/exports/' + name;
const countsText = (counts) => Object.entries(counts || {}).map(([k, v]) => `${k} ${v}`).join(', ');

function exportActions(x) {
  const out = [];
  for (const a of x.actions) {
    if (a === 'view') out.push(h('button', { class: 'link', 'data-action': 'view', onclick: () => { location.hash = exportHash(x.name); } }, 'View'));
    if (a === 'download') out.push(h('a', { class: 'link', 'data-action': 'download', href: x.download, download: true }, 'Download'));
    if (a === 'delete') out.push(h('button', { class: 'link danger', 'data-action': 'delete', onclick: () => removeExport(x.name) }, 'Delete'));
  }
  return out;
}

function exportRows(exports) {
  if (!exports.length) return [h('tr', {}, h('td', { colspan: 8, class: 'empty', text: 'No export tasks yet.' }))];
  return exports.map((x) => h('tr', { 'data-export': x.name, 'data-state': x.state },
    h('td', {}, h('b', { text: x.name }), x.creator ? h('div', { class: 'hint', text: 'by ' + x.creator }) : null),
    h('td', { text: x.workspace }),
    h('td', {}, x.mode === 'incremental' ? 'incremental since ' + x.since : 'full'),
    h('td', {}, stateBadge(x.state)),
    h('td', { title: countsText(x.counts) }, x.state === 'EXPORT_SUCCESS' ? String(x.total) : '-',
      x.filter.length ? h('div', { class: 'hint', text: x.filter.join(' ') }) : null),
    h('td', { text: x.state === 'EXPORT_SUCCESS' ? (x.folder ? 'folder' : fmtSize(x.size)) : '-' }),
    h('td', { text: fmtTime(x.finished_at) }),
    h('td', { class: 'actions' }, exportActions(x),
      x.package_problem ? h('div', { class: 'hint', text: x.package_problem }) : null)));
}

// Refreshes the table (never the form) while an export runs.
async function pollExports(tbody) {
  while (location.hash === '#/exports' && tbody.isConnected) {
    await new Promise((r) => setTimeout(r, 700));
    if (location.hash !== '#/exports' || !tbody.isConnected) return;
    let exports;
    try { ({ exports } = await api('GET', '/api/exports')); } catch (e) { return; }
    tbody.replaceChildren(...exportRows(exports));
    if (!exports.some((x) => x.running)) return;
  }
}

function exportForm(workspaces, defaultWorkspace, onStarted) {
  const status = h('div', { id: 'export-status', class: 'status', role: 'status' });
  const problems = h('div', { id: 'export-problems' });
  const workspace = h('input', { id: 'export-workspace', list: 'export-workspaces', required: true, value: defaultWorkspace || '' });
  const since = h('input', { id: 'export-since', disabled: true, placeholder: 'a revision (e.g. 12) or a time (2026-11-30T00:00:00Z)' });
  const objects = h('input', { id: 'export-objects', placeholder: 'node:ods_* dwd_orders (empty: every object)' });
  const name = h('input', { id: 'export-name', maxlength: 128, placeholder: 'export.<workspace>.<time>' });
  const mode = (v, label, checked) => h('label', { class: 'inline' }, h('input', { type: 'radio', name: 'export-mode', value: v, checked,
    onchange: () => { since.disabled = v !== 'incremental'; } }), label);
  const submit = h('button', { class: 'primary', type: 'submit', id: 'export-submit' }, 'Export');
  const form = h('form', { id: 'export-form', onsubmit: async (ev) => {
    ev.preventDefault();
    const body = { workspace: workspace.value.trim(), mode: form.querySelector('input[name=export-mode]:checked').value };
    if (body.mode === 'incremental' && since.value.trim()) body.since = since.value.trim();
    const globs = objects.value.split(/[\s,]+/).filter((g) => g);
    if (globs.length) body.objects = globs;
    if (name.value.trim()) body.name = name.value.trim();
    submit.disabled = true;
    status.textContent = 'Starting…'; status.className = 'status'; problems.replaceChildren();
    try {
      const x = await api('POST', '/api/exports', body);
      status.textContent = `Export task ${x.name} started.`; status.className = 'status ok';
      name.value = '';
      onStarted(x);
    } catch (e) {
      status.textContent = errorText(e); status.className = 'status err';
      if (e.details && e.details.length) problems.replaceChildren(diagList(e.details));
    } finally { submit.disabled = false; }
  } },
  h('div', { class: 'form-grid' },
    h('label', {}, 'Workspace', workspace, h('datalist', { id: 'export-workspaces' }, workspaces.map((w) => h('option', { value: w })))),
    h('label', {}, 'Task name', h('span', { class: 'opt', text: ' optional' }), name)),
  h('fieldset', {}, h('legend', { text: 'Mode' }), mode('full', 'Full: every object', true), mode('incremental', 'Incremental: what changed since', false)),
  h('label', {}, 'Since', since),
  h('label', {}, 'Objects', objects),
  h('p', { class: 'hint', text: 'Name globs separated by spaces or commas; KIND:GLOB for one kind (node, workflow, resource, table, function, datasource, component, quality, service). The package is written on the server and downloaded from the list.' }),
  status, problems, h('div', { class: 'buttons' }, submit));
  return h('section', { class: 'card', id: 'export-create' }, h('h2', { text: 'Create Export Task' }), form);
}

async function viewExports() {
  const [{ exports }, extra] = await Promise.all([api('GET', '/api/exports'),
    isAdmin() ? Promise.all([api('GET', '/api/engines'), api('GET', '/api/tasks')]) : null]);
  const tbody = h('tbody', {}, exportRows(exports));
  let create = null;
  if (extra) {
    const [eng, { tasks }] = extra;
    const spaces = [...new Set([eng.workspace, ...tasks.map((t) => t.workspace), ...exports.map((x) => x.workspace)].filter((w) => w))];
    create = exportForm(spaces, eng.workspace, async () => {
      const { exports: now } = await api('GET', '/api/exports');
      tbody.replaceChildren(...exportRows(now));
      pollExports(tbody);
    });
  }
  show(
    h('div', { class: 'bar' }, h('h1', { text: 'Export Tasks' }), h('div', { class: 'actions' }, h('button', { onclick: route }, 'Refresh'))),
    create,
    h('table', { id: 'export-table' }, h('thead', {}, h('tr', {}, ['Name', 'Workspace', 'Mode', 'Status', 'Objects', 'Size', 'Finished', 'Actions'].map((c) => h('th', { text: c })))), tbody));
  if (exports.some((x) => x.running)) pollExports(tbody);
}

async function removeExport(name) {
  if (!await confirmDialog(h('p', {}, 'Delete the export task ', h('b', { text: name }), '? A package the server wrote goes too.'))) return;
  try { await api('DELETE', '/api/exports/' + name); } catch (e) { alertError(e); return; }
  route();
}

async function viewExport(name) {
  const x = await api('GET', '/api/exports/' + name);
  const r = x.report || {};
  const dl = (pairs) => h('dl', { class: 'grid' }, pairs.flatMap(([k, v]) => [h('dt', { text: k }), h('dd', {}, v instanceof Node ? v : String(v === '' || v === undefined || v === null ? '-' : v))]));
  const files = r.files || {};
  show(
    h('div', { class: 'bar' }, h('h1', {}, 'Export Task: ', name), h('div', { class: 'actions' },
      x.download ? h('a', { href: x.download, download: true, 'data-action': 'download' }, h('button', { class: 'primary' }, 'Download')) : null,
      x.report ? h('a', { href: '/api/tasks/' + name + '/report?format=html', target: '_blank', rel: 'noopener' }, h('button', {}, 'Open as HTML')) : null,
      h('button', { onclick: () => { location.hash = '#/exports'; } }, 'Back'))),
    x.running ? notice('The export is running; this page refreshes until it ends.') : null,
    x.package_problem ? notice(x.package_problem, 'error') : null,
    h('section', { class: 'card', id: 'export-basic' }, h('h2', { text: 'Basic Information' }), dl([
      ['Name', x.name], ['Status', stateBadge(x.state)], ['Workspace', x.workspace],
      ['Mode', x.mode === 'incremental' ? 'incremental, since ' + x.since : 'full'], ['Objects filter', x.filter.join(' ') || 'every object'],
      ['Creator', x.creator], ['Start', fmtTime(x.started_at)], ['End', fmtTime(x.finished_at)],
      ['Package', x.path], ['Size', x.state === 'EXPORT_SUCCESS' ? fmtSize(x.size) : '-'], ['SHA-256', h('code', { text: x.sha256 || '-' })],
      ['Revision', x.revision ? `${x.revision} (an incremental export since ${x.revision} takes what changed after this one)` : '-']])),
    h('section', { class: 'card', id: 'export-objects' }, h('h2', { text: 'Objects exported' }),
      Object.keys(x.counts).length ? h('div', { class: 'counts' }, Object.entries(x.counts).map(([k, v]) => h('div', {}, h('b', { text: v }), k)))
        : h('p', { class: 'muted', text: x.running ? 'Counting…' : 'No object was exported.' }),
      x.folder ? h('p', { class: 'muted', text: `files written ${files.written ?? 0}, unchanged ${files.unchanged ?? 0}, removed ${files.removed ?? 0}` }) : null),
    r.diagnostics && r.diagnostics.length ? h('section', { class: 'card', id: 'export-diagnostics' }, h('h2', { text: 'Diagnostics' }), diagList(r.diagnostics)) : null);
  if (x.running) setTimeout(() => { if (location.hash === exportHash(name)) route(); }, 700);
}

// ---- routing ------------------------------------------------------------------------------------
async function route() {
  if (!state.user) return;
  const m = location.hash.match(/^#\/tasks\/([A-Za-z0-9_.]+)\/(settings|preview|report)$/);
  const ex = location.hash.match(/^#\/exports(?:\/([A-Za-z0-9_.]+))?$/);
  for (const a of document.querySelectorAll('#nav a')) a.classList.toggle('active', a.id === (ex ? 'nav-exports' : 'nav-imports'));
  try {
    if (ex) await (ex[1] ? viewExport(ex[1]) : viewExports());
    else if (!m) await viewList();
    else if (m[2] === 'settings') await viewSettings(m[1]);
    else if (m[2] === 'preview') await viewPreview(m[1]);
    else await viewReport(m[1]);
  } catch (e) {
    if (e.status === 401) return;
    show(h('div', { class: 'bar' }, h('h1', { text: 'Something went wrong' }), h('button', { onclick: () => { location.hash = '#/'; } }, 'Back')), notice(errorText(e), 'error'), diagList(e.details));
  }
}

async function start() {
  try {
    const s = await api('GET', '/api/session');
    state.user = s.user; state.role = s.role; state.cap = s.max_upload || state.cap;
  } catch (e) { return showSignIn(); }
  $('#who').hidden = false; $('#who-name').textContent = state.user; $('#who-role').textContent = state.role;
  $('#nav').hidden = false;
  route();
}

document.addEventListener('DOMContentLoaded', () => {
  for (const r of document.querySelectorAll('input[name=from]')) r.addEventListener('change', toggleFrom);
  $('#create-upload').addEventListener('click', uploadAndCheck);
  $('#create-preview-btn').addEventListener('click', previewInDialog);
  $('#create-cancel').addEventListener('click', cancelCreate);
  $('#create-ok').addEventListener('click', () => { const n = created.name; created = null; $('#create-dialog').close(); location.hash = '#/tasks/' + n + '/settings'; });
  $('#create-dialog').addEventListener('cancel', (ev) => { ev.preventDefault(); cancelCreate(); });
  $('#sign-out').addEventListener('click', signOut);
  window.addEventListener('hashchange', route);
  start();
});
