// ferry's Import Tasks console: plain DOM, no framework, no CDN. Text is always set with
// textContent (never innerHTML), so names from packages cannot inject markup.
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
const stateLabel = { EDITING: 'Editing', IMPORTING: 'Importing', QUEUED: 'Queued', IMPORT_SUCCESS: 'Finished', PARTIAL_SUCCESS: 'Partially succeeded', IMPORT_ERROR: 'Import failed', REVOKED: 'Revoked' };
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
  $('#who').hidden = true;
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
  } }, h('h1', { text: 'Sign in to ferry' }), h('p', { class: 'muted', text: 'Import tasks for DataWorks workspaces. Ask an administrator for an access token.' }),
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
    h('td', { class: 'pkg' }, h('code', { title: t.package, text: packageLabel(t) })),
    h('td', { text: t.creator || '-' }),
    h('td', { text: fmtTime(t.created_at) }),
    h('td', { text: fmtTime(t.finished_at) }),
    h('td', { class: 'actions' }, taskActions(t))));
  const create = isAdmin() ? h('button', { class: 'primary', id: 'create-task', onclick: openCreate }, 'Create Import Task') : null;
  show(
    h('div', { class: 'bar' }, h('h1', { text: 'Import Tasks' }), h('div', { class: 'actions' }, h('button', { onclick: route }, 'Refresh'), create)),
    h('table', { id: 'task-table' }, h('thead', {}, h('tr', {}, ['Name', 'Status', 'Workspace', 'Package', 'Creator', 'Created', 'Finished', 'Actions'].map((c) => h('th', { text: c })))),
      h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: 8, class: 'empty', text: 'No import tasks yet.' })))));
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
  const [t, p, eng] = await Promise.all([api('GET', '/api/tasks/' + name), api('GET', '/api/tasks/' + name + '/preview'), api('GET', '/api/engines')]);
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
  const commitEl = h('div', { id: 'commit-rules' },
    h('div', {}, check('commit-resources', 'Commit resources', c.resources), check('commit-tables', 'Commit tables', c.tables), check('commit-functions', 'Commit functions', c.functions)),
    h('div', {}, 'Change Owner: ', h('label', { class: 'inline' }, h('input', { type: 'radio', name: 'change-owner', value: 'yes', checked: c.change_owner, disabled: dis }), 'Yes'),
      h('label', { class: 'inline' }, h('input', { type: 'radio', name: 'change-owner', value: 'no', checked: !c.change_owner, disabled: dis }), 'No')),
    h('p', { class: 'hint', text: 'No: an object without an owner gets you (the importer) as its owner. Yes: every imported object gets the importer as owner.' }),
    h('label', {}, 'When the destination already has an object of the same name', h('select', { id: 'on-conflict', disabled: dis },
      h('option', { value: 'skip', selected: c.on_conflict === 'skip' }, 'Do not commit it (the product\'s rule)'),
      h('option', { value: 'overwrite', selected: c.on_conflict === 'overwrite' }, 'Overwrite it'))));

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
        change_owner: document.querySelector('input[name=change-owner]:checked').value === 'yes', on_conflict: $('#on-conflict').value },
    };
    if (!eng.fixed) out.engines = readEngineRows();
    return out;
  }

  show(
    h('div', { class: 'bar' }, h('div', {}, h('h1', {}, 'Import Task Settings: ', name), h('div', { class: 'hint' }, stateBadge(t.state), ' ', p.package.path)),
      h('div', { class: 'actions' }, h('button', { onclick: () => { location.hash = '#/'; } }, 'Back'), saveBtn, isAdmin() ? importBtn : null)),
    status,
    !editable ? notice(t.state === 'EDITING' ? 'You may view these settings; only administrators change them.' : 'This task is ' + (stateLabel[t.state] || t.state) + ': its settings can no longer change.') : null,
    h('section', { class: 'card' }, h('h2', { text: 'Basic Information' }), h('label', {}, 'Destination workspace', workspace), h('label', {}, 'Remarks', remarks)),
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
  show(
    h('div', { class: 'bar' }, h('h1', {}, 'Import Report: ', name), h('div', { class: 'actions' },
      h('a', { href: '/api/tasks/' + name + '/report?format=html', target: '_blank', rel: 'noopener' }, h('button', {}, 'Open as HTML')),
      h('button', { onclick: () => { location.hash = '#/'; } }, 'Back'))),
    h('section', { class: 'card', id: 'report-basic' }, h('h2', { text: 'Basic Information' }), dl([
      ['Name', b.name], ['Status', stateBadge(b.status)], ['Workspace', b.workspace], ['Package', b.package.path], ['Format', b.package.format],
      ['Size', fmtSize(b.package.size)], ['SHA-256', h('code', { text: b.package.sha256 })], ['Importer', b.importer], ['Start', fmtTime(b.start)], ['End', fmtTime(b.end)], ['Remarks', b.remarks]])),
    h('section', { class: 'card', id: 'report-settings' }, h('h2', { text: 'Import Settings' }), dl([
      ['Engine Instance Mapping', Object.entries(st.engine_mapping).map(([k, v]) => `${k} → ${v.instance}${v.cross_engine ? ' (cross-engine)' : ''}`).join(', ')],
      ['Resource Group Mapping', Object.entries(st.resource_groups).map(([k, v]) => `${k} → ${v}`).join(', ')],
      ['Dependency Mapping', Object.entries(st.workspaces).map(([k, v]) => `${k} → ${v}`).join(', ')],
      ['Dry-run', st.dry_run.join(', ')],
      ['Commission Rules', `resources ${st.commit.resources ? 'yes' : 'no'}, tables ${st.commit.tables ? 'yes' : 'no'}, functions ${st.commit.functions ? 'yes' : 'no'}; change owner ${st.commit.change_owner ? 'yes' : 'no'}; same name: ${st.commit.on_conflict}`]])),
    h('section', { class: 'card', id: 'report-results' }, h('h2', { text: 'Import results' }),
      h('table', {}, h('thead', {}, h('tr', {}, h('th', { text: 'Kind' }), statuses.map((s) => h('th', { text: s })))),
        h('tbody', {}, kinds.map((k) => h('tr', {}, h('td', { text: k }), statuses.map((s) => h('td', { text: (r.results[k] || {})[s] ?? 0 }))))))),
    h('section', { class: 'card', id: 'report-details' }, h('h2', { text: 'Details' }),
      h('table', {}, h('thead', {}, h('tr', {}, ['Kind', 'Name', 'Action', 'Status', 'Owner', 'Engine instance', 'Message'].map((x) => h('th', { text: x })))),
        h('tbody', {}, r.details.map((d) => h('tr', {}, h('td', { text: d.kind }), h('td', { text: d.name }), h('td', { text: d.action }),
          h('td', { class: d.status === 'failed' ? 'err' : d.status === 'succeeded' ? 'ok' : '', text: d.status }),
          h('td', { text: d.owner_before && d.owner_before !== d.owner_after ? `${d.owner_before} → ${d.owner_after}` : d.owner_after || '-' }),
          h('td', { text: d.engine_instance || '-' }), h('td', { text: d.message || '' })))))),
    r.warnings && r.warnings.length ? h('section', { class: 'card' }, h('h2', { text: 'Warnings' }), diagList(r.warnings)) : null);
}

// ---- routing ------------------------------------------------------------------------------------
async function route() {
  if (!state.user) return;
  const m = location.hash.match(/^#\/tasks\/([A-Za-z0-9_.]+)\/(settings|preview|report)$/);
  try {
    if (!m) await viewList();
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
