// The Colossus web console: one page, a view per path under /console/, the REST API underneath. Everything shown
// comes from the same API as the CLI, with the same authorisation (the session cookie stands for the token). Text
// from the API is only ever set as textContent: a job name is data, never markup.
import * as fleetmap from './fleetmap.js';
import * as timeseries from './timeseries.js';
import * as auditverify from './auditverify.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
const signout = document.getElementById('signout');
const tip = document.getElementById('tip');
let session = null;   // {role, tenant, csrf}
let events = null;
let refreshTimer = null;
let currentRender = null;
let selectedNode = null;  // the fleet map's node whose details are shown

// ---- helpers ----

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

class ApiError extends Error {
  constructor(status, problem) {
    super(problem && problem.detail ? problem.detail : 'HTTP ' + status);
    this.status = status;
    this.problem = problem || {};
  }
}

async function api(method, path, body) {
  const headers = { 'Accept': 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && session && session.csrf) headers['X-CSRF-Token'] = session.csrf;
  const r = await fetch(path, { method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
  if (!r.ok) throw new ApiError(r.status, json);
  return json === null ? text : json;
}

function link(href, text) {
  return h('a', { href }, text);
}

function when(iso) {
  return iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '-';
}

function duration(seconds) {
  if (seconds === null || seconds === undefined) return '-';
  if (seconds < 120) return seconds + 's';
  if (seconds < 7200) return Math.round(seconds / 60) + 'm';
  if (seconds < 172800) return (seconds / 3600).toFixed(1) + 'h';
  return (seconds / 86400).toFixed(1) + 'd';
}

function table(caption, columns, rows) {
  return h('table', {},
    caption ? h('caption', { class: 'muted' }, caption) : null,
    h('thead', {}, h('tr', {}, columns.map(c => h('th', { scope: 'col', class: c.num ? 'num' : null }, c.label)))),
    h('tbody', {}, rows.map(r => h('tr', {}, columns.map(c => h('td', { class: c.num ? 'num' : null }, c.cell(r)))))));
}

function problemBox(e) {
  return h('p', { class: 'alert', role: 'alert' }, e instanceof ApiError ? e.message : String(e));
}

// ---- routing ----

function go(path, replace) {
  if (replace) history.replaceState(null, '', path); else history.pushState(null, '', path);
  route();
}

document.addEventListener('click', e => {
  const a = e.target.closest('a');
  if (a && a.getAttribute('href') && a.getAttribute('href').startsWith('/console') && !e.metaKey && !e.ctrlKey) {
    e.preventDefault();
    go(a.getAttribute('href'));
  }
});
window.addEventListener('popstate', route);

async function route() {
  tip.hidden = true;
  const path = location.pathname.replace(/\/+$/, '');
  if (!session) {
    try {
      session = await api('GET', '/api/v1/console/session');
    } catch (e) {
      session = null;
    }
  }
  if (!session) {
    showSignIn();
    return;
  }
  nav.hidden = false;
  signout.hidden = false;
  who.textContent = session.role === 'operator' ? 'operator' : 'tenant ' + session.tenant;
  for (const a of nav.querySelectorAll('a')) {
    a.hidden = a.dataset.role === 'operator' && session.role !== 'operator';
    if (path === a.getAttribute('href') || path.startsWith(a.getAttribute('href') + '/')) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  startEvents();
  const parts = path.split('/').slice(2);
  const view = parts[0] || 'overview';
  const views = { overview, jobs, tenants, usage, invoices, audit };
  if (view === 'jobs' && parts[1]) {
    currentRender = () => jobView(parts[1]);
  } else if (view === 'nodes' && parts[1] && session.role === 'operator') {
    currentRender = () => nodeView(parts[1], new URLSearchParams(location.search));
  } else if (view === 'invoices' && parts[1]) {
    currentRender = () => invoiceView(decodeURIComponent(parts[1]));
  } else if (views[view] && !(view === 'tenants' && session.role !== 'operator')) {
    currentRender = views[view];
  } else {
    currentRender = async () => [h('h1', {}, 'Not found'), h('p', {}, 'No view at ' + path + '.')];
  }
  await render();
}

async function render() {
  let content;
  try {
    content = await currentRender();
  } catch (e) {
    content = [h('h1', {}, 'Error'), problemBox(e)];
  }
  const focus = document.activeElement && main.contains(document.activeElement) ? document.activeElement.id : null;
  main.replaceChildren(...[content].flat());
  if (focus && document.getElementById(focus)) document.getElementById(focus).focus();
}

/** New events re-render the view, at most every 300 ms. */
function startEvents() {
  if (events) return;
  events = new EventSource('/api/v1/events');
  // Each event is named by its journal entry's type.
  for (const type of ['job.submitted', 'job.placed', 'job.launched', 'job.finished', 'job.cancelled', 'job.failed',
    'job.requeued', 'job.preempting', 'job.stopped', 'node.failed', 'node.repaired', 'node.drain', 'contract.signed',
    'contract.started', 'contract.ended', 'tenant.created', 'invoice.issued']) {
    events.addEventListener(type, () => scheduleRefresh());
  }
}

function scheduleRefresh() {
  if (refreshTimer) return;
  refreshTimer = setTimeout(async () => {
    refreshTimer = null;
    if (currentRender && !main.querySelector('form[data-busy]') && !main.contains(document.activeElement)) await render();
    else if (currentRender && main.querySelector('[data-live]')) await refreshLive();
  }, 300);
}

async function refreshLive() {
  for (const el of main.querySelectorAll('[data-live]')) {
    if (el.refresh) await el.refresh();
  }
}

// ---- sign-in and sign-out ----

function showSignIn(message) {
  nav.hidden = true;
  signout.hidden = true;
  who.textContent = '';
  if (events) { events.close(); events = null; }
  const error = h('p', { class: 'alert', role: 'alert', id: 'signin-error' }, message || '');
  const input = h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'current-password',
    required: true, size: 60, 'aria-describedby': 'signin-error' });
  const form = h('form', { class: 'box', id: 'signin', onsubmit: async e => {
    e.preventDefault();
    try {
      session = await api('POST', '/api/v1/console/session', { token: input.value });
      input.value = '';
      const target = location.pathname.startsWith('/console/') && location.pathname !== '/console/signin'
        ? location.pathname : '/console/overview';
      go(target, true);
    } catch (err) {
      error.textContent = err.status === 401 ? 'That token is not valid.' : err.message;
      input.focus();
    }
  } },
  h('div', { class: 'field' }, h('label', { for: 'token' }, 'API token'), input),
  h('p', { class: 'muted' }, 'The operator\'s token (operator.token in the data directory) or a tenant\'s API key.'
    + ' It is sent once; the session is a cookie this page cannot read.'),
  h('button', { type: 'submit' }, 'Sign in'), error);
  main.replaceChildren(h('h1', {}, 'Sign in'), form);
  input.focus();
}

signout.addEventListener('click', async () => {
  try { await api('POST', '/api/v1/console/session/end'); } catch (e) { /* already gone */ }
  session = null;
  history.pushState(null, '', '/console');
  showSignIn('Signed out.');
});

// ---- views ----

async function overview() {
  const out = [h('h1', {}, session.role === 'operator' ? 'Fleet' : 'Fleet (your nodes and occupied ones)')];
  if (session.role === 'operator') {
    const f = await api('GET', '/api/v1/fleet');
    out.push(h('div', { class: 'cards' },
      [['GPUs', f.gpus], ['allocated', f.allocatedGpus], ['down', f.downGpus], ['nodes', f.nodes],
        ['jobs running', f.runningJobs], ['jobs queued', f.queuedJobs]]
        .map(([label, v]) => h('div', { class: 'card' }, h('b', {}, v === undefined ? '-' : Number(v).toLocaleString('en')),
          h('span', {}, label)))));
  }
  out.push(await mapSection());
  if (session.role === 'operator') {
    const hist = await api('GET', '/api/v1/fleet/history');
    out.push(h('h2', {}, 'Over time'),
      timeseries.plot(h, 'GPUs held by tenant', 'GPUs', hist.times, Object.entries(hist.gpusByTenant)),
      timeseries.plot(h, 'GPUs held by class', 'GPUs', hist.times, Object.entries(hist.gpusByClass)),
      timeseries.plot(h, 'Queue and failures', 'jobs, GPUs', hist.times, [['jobs waiting', hist.queuedJobs],
        ['GPUs waiting', hist.queuedGpus], ['GPUs down', hist.downGpus]]));
  }
  return out;
}

async function mapSection() {
  const map = await api('GET', '/api/v1/fleet/map');
  let by = sessionStorage.getItem('colourBy') || 'state';
  const canvas = h('canvas', { class: 'map', id: 'fleetmap', tabindex: 0, role: 'img' });
  const legend = h('div', { class: 'legend', 'aria-label': 'Legend' });
  const detail = h('div', { class: 'box', id: 'node-detail', 'aria-live': 'polite' }, 'Click a node for its details.');
  const counts = {};
  for (const c of map.states) counts[c] = (counts[c] || 0) + 1;
  const summary = table('Nodes by state (the map in numbers)', [
    { label: 'state', cell: r => fleetmap.stateName(r[0]) }, { label: 'nodes', num: true, cell: r => r[1].toLocaleString('en') }],
  Object.entries(counts));
  let hit = () => -1;
  const redraw = () => {
    hit = fleetmap.draw(canvas, map, by, Math.min(1100, Math.max(400, window.innerWidth - 380)));
    canvas.setAttribute('aria-label', `Fleet ${map.fleet}: ${map.nodes} nodes; ` + Object.entries(counts)
      .map(([k, v]) => `${v} ${fleetmap.stateName(k)}`).join(', ') + '. The table below has the same figures.');
    legend.replaceChildren(...fleetmap.legend(map, by).map(([colour, name]) => {
      const sw = h('span', { class: 'swatch' });
      sw.style.background = colour;
      return h('div', {}, sw, name);
    }));
  };
  const select = h('select', { id: 'colour-by', onchange: e => { by = e.target.value; sessionStorage.setItem('colourBy', by); redraw(); } },
    h('option', { value: 'state', selected: by === 'state' }, 'state'),
    h('option', { value: 'tenant', selected: by === 'tenant' }, session.role === 'operator' ? 'tenant' : 'yours / occupied'));
  const describe = n => {
    const holder = map.holder[n] ? map.holders[map.holder[n] - 1] : 'none';
    return `${fleetmap.nodePath(map, n)}\nstate ${fleetmap.stateName(map.states[n])}\n`
      + (session.role === 'operator' ? 'tenant ' : 'holder ') + holder;
  };
  canvas.addEventListener('mousemove', e => {
    const r = canvas.getBoundingClientRect();
    const n = hit(Math.floor(e.clientX - r.left), Math.floor(e.clientY - r.top));
    if (n < 0) { tip.hidden = true; return; }
    tip.textContent = describe(n);
    tip.style.left = (e.clientX + 12) + 'px';
    tip.style.top = (e.clientY + 12) + 'px';
    tip.hidden = false;
  });
  canvas.addEventListener('mouseleave', () => { tip.hidden = true; });
  canvas.addEventListener('click', e => {
    const r = canvas.getBoundingClientRect();
    const n = hit(Math.floor(e.clientX - r.left), Math.floor(e.clientY - r.top));
    if (n >= 0) showNode(n);
  });
  // The node shown stays shown when the view is drawn again (a live update, a drain).
  const showNode = async n => {
    selectedNode = n;
    detail.replaceChildren(h('pre', {}, describe(n)));
    if (session.role === 'operator') {
      try {
        const node = await api('GET', '/api/v1/nodes/' + n);
        const hist = await api('GET', '/api/v1/audit/nodes/' + n);
        detail.append(h('p', {}, 'Jobs: ', node.jobs.length ? node.jobs.map(j => [link('/console/jobs/' + j, '#' + j), ' ']) : 'none'));
        const drained = node.state === 'drained';
        const said = h('span', { class: 'alert', role: 'alert' });
        detail.append(h('p', {}, h('button', { type: 'button', id: 'drain', class: 'secondary', onclick: async () => {
          try {
            await api('POST', '/api/v1/nodes/' + n + (drained ? '/undrain' : '/drain'));
            await render();
          } catch (err) { said.textContent = err.message; }
        } }, drained ? 'Undrain this node' : 'Drain this node'), ' ', said));
        const leaves = (hist.leaves || hist.items || []).slice(-10).reverse();
        if (leaves.length) detail.append(h('p', { class: 'muted' }, `Last ${leaves.length} assignment events in the audit log:`),
          h('pre', {}, leaves.map(l => typeof l === 'string' ? l : (l.data || JSON.stringify(l))).join('\n')));
        detail.append(h('p', {}, link('/console/nodes/' + n, 'Node ' + n + ': its whole history')));
      } catch (err) {
        detail.append(problemBox(err));
      }
    }
  };
  redraw();
  if (selectedNode !== null && selectedNode < map.nodes) showNode(selectedNode);
  return h('section', { 'aria-label': 'Fleet map' },
    h('p', {}, h('label', { for: 'colour-by' }, 'Colour by '), select),
    h('div', { class: 'map-wrap' }, canvas, h('div', {}, legend, h('h2', {}, 'Node'), detail)),
    h('h2', {}, 'In numbers'), summary);
}

async function jobs() {
  const page = await api('GET', '/api/v1/jobs?limit=200');
  const out = [h('h1', {}, session.role === 'operator' ? 'Jobs' : 'Your jobs')];
  if (session.role === 'tenant') out.push(submitForm());
  out.push(h('h2', {}, 'Latest ' + page.items.length), table(null, [
    { label: 'id', cell: j => link('/console/jobs/' + j.id, '#' + j.id) },
    { label: 'name', cell: j => j.name },
    session.role === 'operator' ? { label: 'tenant', cell: j => j.tenant } : null,
    { label: 'class', cell: j => j.class },
    { label: 'GPUs', num: true, cell: j => j.gpus + ' ' + j.gpuModel },
    { label: 'state', cell: j => j.state },
    { label: 'pending reason', cell: j => j.pendingReason || '' },
    { label: 'restarts', num: true, cell: j => j.restarts },
    { label: 'started', cell: j => when(j.started) },
  ].filter(Boolean), page.items.slice().reverse()));
  return out;
}

function submitForm() {
  const fields = [
    ['name', 'Name', { type: 'text', required: true, maxlength: 128 }],
    ['gpuModel', 'GPU model', { type: 'text', required: true, value: 'GB200' }],
    ['gpus', 'GPUs', { type: 'number', required: true, min: 1, value: 8 }],
    ['class', 'Class', null],
    ['durationSeconds', 'Duration (s)', { type: 'number', required: true, min: 1, value: 3600 }],
    ['timeLimitSeconds', 'Time limit (s)', { type: 'number', min: 1 }],
    ['priority', 'Priority', { type: 'number', min: -1000, max: 1000, value: 0 }],
  ];
  const errors = {};
  const inputs = {};
  const general = h('p', { class: 'alert', role: 'alert', id: 'submit-error' });
  const rows = fields.map(([name, label, attrs]) => {
    const id = 'f-' + name;
    errors[name] = h('span', { class: 'error', id: 'err-' + name, role: 'alert' });
    inputs[name] = attrs ? h('input', { id, name, ...attrs, 'aria-describedby': 'err-' + name })
      : h('select', { id, name, 'aria-describedby': 'err-' + name },
        ['on-demand', 'reserved', 'preemptible'].map(c => h('option', { value: c }, c)));
    return h('div', { class: 'field' }, h('label', { for: id }, label), inputs[name], errors[name]);
  });
  const form = h('form', { class: 'box', id: 'submit-job', novalidate: true, onsubmit: async e => {
    e.preventDefault();
    Object.values(errors).forEach(x => { x.textContent = ''; });
    general.textContent = '';
    const body = {};
    for (const [name] of fields) {
      const v = inputs[name].value.trim();
      if (v === '') continue;
      body[name] = ['gpus', 'durationSeconds', 'timeLimitSeconds', 'priority'].includes(name) && /^-?\d+$/.test(v) ? Number(v) : v;
    }
    form.dataset.busy = '1';
    try {
      const job = await api('POST', '/api/v1/jobs', body);
      delete form.dataset.busy;
      general.textContent = '';
      go('/console/jobs/' + job.id);
    } catch (err) {
      delete form.dataset.busy;
      const field = err.problem && err.problem.field;
      if (field && errors[field]) {
        errors[field].textContent = err.message;
        inputs[field].focus();
      } else {
        general.textContent = err.message;
      }
    }
  } }, h('h2', {}, 'Submit a job'), rows, h('button', { type: 'submit' }, 'Submit'), general);
  return form;
}

async function jobView(id) {
  if (!/^\d{1,18}$/.test(id)) throw new Error('job ids are numbers');
  const j = await api('GET', '/api/v1/jobs/' + id);
  const rows = [
    ['tenant', j.tenant], ['state', j.state + (j.pendingReason ? ' (' + j.pendingReason + ')' : '')],
    ['failure', j.failureReason], ['class', j.class], ['GPUs', j.gpus + ' x ' + j.gpuModel],
    ['duration', duration(j.durationSeconds) + ', done ' + duration(j.workDoneSeconds)],
    ['time limit', j.timeLimitSeconds ? duration(j.timeLimitSeconds) : null], ['restarts', j.restarts],
    ['submitted', when(j.submitted)], ['started', when(j.started)], ['ended', when(j.ended)],
    ['placement', j.placement ? `${j.placement.gpus} GPUs on ${j.placement.nodes} nodes, ${j.placement.racks} racks: `
      + j.placement.firstNodes.join(', ') : null],
    ['exit code', j.exitCode], ['Slurm job', j.dataPlaneId], ['confidential', j.confidential ? 'yes' : null],
  ].filter(r => r[1] !== null && r[1] !== undefined);
  const out = [h('h1', {}, `Job #${j.id} ${j.name}`),
    table(null, [{ label: 'field', cell: r => r[0] }, { label: 'value', cell: r => r[1] }], rows)];
  if (session.role === 'tenant' && ['queued', 'running', 'preempting'].includes(j.state)) {
    const msg = h('p', { class: 'alert', role: 'alert' });
    out.push(h('p', {}, h('button', { type: 'button', id: 'cancel', class: 'secondary', onclick: async () => {
      try {
        await api('POST', '/api/v1/jobs/' + j.id + '/cancel');
        await render();
      } catch (err) { msg.textContent = err.message; }
    } }, 'Cancel this job')), msg);
  }
  out.push(h('p', {}, link('/console/jobs', 'All jobs')));
  return out;
}

async function tenants() {
  const list = await api('GET', '/api/v1/tenants');
  const contracts = await api('GET', '/api/v1/contracts');
  return [h('h1', {}, 'Tenants'), table(null, [
    { label: 'name', cell: t => t.name }, { label: 'created', cell: t => when(t.created) },
    { label: 'active contracts', num: true, cell: t => t.activeContracts },
    { label: 'running', num: true, cell: t => t.runningJobs }, { label: 'queued', num: true, cell: t => t.queuedJobs },
    { label: 'GPUs in use', num: true, cell: t => t.gpusInUse },
  ], list.items || list), h('h2', {}, 'Contracts'), table(null, [
    { label: 'id', cell: c => c.id }, { label: 'tenant', cell: c => c.tenant }, { label: 'class', cell: c => c.class },
    { label: 'GPUs', num: true, cell: c => c.gpus + ' ' + c.gpuModel }, { label: 'status', cell: c => c.status },
    { label: 'USD/GPU-h', num: true, cell: c => c.pricePerGpuHour }, { label: 'end', cell: c => when(c.end) },
  ], contracts.items || contracts)];
}

async function usage() {
  const u = await api('GET', '/api/v1/usage');
  const list = Array.isArray(u) ? u : (u.items || [u]);
  return [h('h1', {}, 'Usage'), h('pre', { class: 'box' }, JSON.stringify(list, null, 2))];
}

async function invoices() {
  const list = await api('GET', '/api/v1/invoices');
  const items = list.items || list;
  // The open month's drafts, one per tenant the caller may see (the usage's clock is the control plane's).
  const usage = await api('GET', '/api/v1/usage');
  const drafts = (Array.isArray(usage) ? usage : []).filter(u => u.asOf).map(u => {
    const id = u.asOf.slice(0, 7) + '-' + u.tenant;
    return { id, tenant: u.tenant, period: u.asOf.slice(0, 7), status: 'draft to ' + when(u.asOf) };
  }).filter(d => !items.some(i => i.id === d.id));
  const all = [...drafts, ...items];
  return [h('h1', {}, 'Invoices'), all.length ? table(null, [
    { label: 'id', cell: i => link('/console/invoices/' + encodeURIComponent(i.id), i.id) },
    { label: 'tenant', cell: i => i.tenant }, { label: 'period', cell: i => i.period },
    { label: 'status', cell: i => i.status || (i.issued ? 'issued' : 'draft') },
    { label: 'total', num: true, cell: i => (i.total ?? '') + ' ' + (i.currency ?? '') },
  ], all) : h('p', {}, 'No invoices yet.')];
}

/** One node and its whole assignment history in the audit log, a page at a time, oldest first (operator). */
async function nodeView(id, query) {
  if (!/^\d{1,7}$/.test(id)) throw new Error('node ids are numbers');
  const limit = Math.min(1000, Math.max(1, Number(query.get('limit')) || 200));
  const from = Math.max(0, Number(query.get('from')) || 0);
  const node = await api('GET', '/api/v1/nodes/' + id);
  const hist = await api('GET', `/api/v1/audit/nodes/${id}?from=${from}&limit=${limit}`);
  const rows = hist.items.map(l => ({ index: l.index, data: l.data }));
  return [h('h1', {}, `Node ${node.id}: ${node.path}`),
    h('p', {}, `${node.state}, ${node.gpus - node.freeGpus} of ${node.gpus} ${node.gpuModel} GPUs held; jobs: `,
      node.jobs.length ? node.jobs.map(j => [link('/console/jobs/' + j, '#' + j), ' ']) : 'none'),
    h('h2', {}, 'Assignment history in the audit log'),
    rows.length ? table(`leaves from ${from}, oldest first, ${rows.length} on this page`, [
      { label: 'leaf', num: true, cell: r => r.index }, { label: 'leaf text', cell: r => h('pre', { class: 'leaf' }, r.data) },
    ], rows) : h('p', {}, 'No assignment events' + (from ? ' after this point.' : ' yet.')),
    hist.next !== null && hist.next !== undefined
      ? h('p', {}, link(`/console/nodes/${id}?from=${hist.next + 1}&limit=${limit}`, 'Next page')) : null,
    from ? h('p', {}, link(`/console/nodes/${id}?limit=${limit}`, 'First page')) : null,
    h('p', { class: 'muted' }, 'Each leaf chains to the node\'s previous event and commits to the jobs holding it;'
      + ' colossus audit verify checks that no two tenants held the node at once (docs/audit-log.md).')];
}

const ms = v => (v ? new Date(v).toISOString().replace('T', ' ').replace(/:\d\d\.\d+Z$/, 'Z') : '-');

/** One invoice, line by line, as the API serves it (the same document a tenant verifies with invoice verify). */
async function invoiceView(id) {
  if (!/^\d{4}-\d{2}-[a-z0-9][a-z0-9-]{0,62}$/.test(id)) throw new Error('invoice ids are PERIOD-TENANT, such as 2026-11-aurora-labs');
  const inv = await api('GET', '/api/v1/invoices/' + encodeURIComponent(id));
  const csv = h('button', { type: 'button', onclick: async () => {
    const r = await fetch('/api/v1/invoices/' + encodeURIComponent(id), { headers: { Accept: 'text/csv' }, credentials: 'same-origin' });
    const url = URL.createObjectURL(new Blob([await r.text()], { type: 'text/csv' }));
    const a = h('a', { href: url, download: id + '.csv' });
    document.body.append(a);
    a.click();
    a.remove();
    URL.revokeObjectURL(url);
  } }, 'Download CSV');
  const head = [['tenant', inv.tenant], ['period', inv.period + ' (' + ms(inv.periodStartMillis) + ' to ' + ms(inv.periodEndMillis) + ')'],
    ['status', inv.status], ['as of', ms(inv.asOfMillis)], ['total', inv.total + ' ' + inv.currency],
    ['energy', inv.energy ? `${inv.energy.kwh} kWh at the meter (PUE ${inv.energy.pue}), ${inv.energy.kgCo2e} kg CO2e` : null]]
    .filter(r => r[1] !== null && r[1] !== undefined);
  const lines = table('lines (amounts rounded half-even to the cent; credits negative)', [
    { label: '#', num: true, cell: l => l.number }, { label: 'kind', cell: l => l.kind },
    { label: 'contract', cell: l => (l.contractId > 0 ? l.contractId : '-') },
    { label: 'GPU', cell: l => l.gpuModel }, { label: 'from', cell: l => ms(l.fromMillis) }, { label: 'to', cell: l => ms(l.toMillis) },
    { label: 'GPU-hours', num: true, cell: l => l.gpuHours }, { label: 'per GPU-hour', num: true, cell: l => l.unitPrice },
    { label: 'amount', num: true, cell: l => l.amount },
  ], inv.lines);
  const details = inv.lines.filter(l => l.items.length).map(l => h('details', {},
    h('summary', {}, `line ${l.number} (${l.kind}): ${l.items.length} holding${l.items.length === 1 ? '' : 's'}`),
    table(null, [{ label: 'job', cell: i => link('/console/jobs/' + i.job, '#' + i.job) }, { label: 'GPUs', num: true, cell: i => i.gpus },
      { label: 'from', cell: i => ms(i.fromMillis) }, { label: 'to', cell: i => ms(i.toMillis) },
      { label: 'GPU-hours', num: true, cell: i => (i.gpuMillis / 3.6e6).toFixed(3) }, { label: 'ended by', cell: i => i.release },
      { label: 'lost GPU-hours', num: true, cell: i => (i.lostGpuMillis ? (i.lostGpuMillis / 3.6e6).toFixed(3) : '') }],
    l.items.slice(0, 500))));
  return [h('h1', {}, 'Invoice ' + inv.id), table(null, [{ label: 'field', cell: r => r[0] }, { label: 'value', cell: r => r[1] }], head),
    h('p', {}, csv), lines, ...details,
    h('p', { class: 'muted' }, 'colossus invoice verify checks every line against your own entries in the audit log'
      + ' (docs/billing.md).')];
}

async function audit() {
  const note = await api('GET', '/api/v1/audit/checkpoint');
  const lines = String(note).split('\n');
  const size = Number(lines[1]);
  const signatures = lines.filter(l => l.startsWith('\u2014 ')).map(l => l.slice(2).split(' ')[0]);
  return [h('h1', {}, 'Audit log'), table(null, [{ label: 'field', cell: r => r[0] }, { label: 'value', cell: r => r[1] }], [
    ['log', lines[0]], ['tree size', Number.isFinite(size) ? size.toLocaleString('en') : lines[1]], ['root hash', lines[2]],
    ['signed by', signatures.join(', ') || '-']]),
  h('h2', {}, 'Verified in this browser'), verification(),
  h('p', { class: 'muted' }, 'This check runs code this server sends you. The independent one is colossus audit verify,'
    + ' built from source you control: it checks the same and keeps its own state (docs/audit-log.md).')];
}

/** The audit log checked here (auditverify.js); the pinned key and last verified checkpoint live in localStorage. */
function verification() {
  const box = h('div', { id: 'audit-verification', 'aria-live': 'polite', dataset: { verify: 'running' } },
    h('p', { class: 'muted' }, 'checking the signature, the consistency and your entries…'));
  const storageKey = 'colossus-audit-v1:' + (session.role === 'operator' ? 'operator' : 'tenant:' + session.tenant);
  let previous = null;
  try { previous = JSON.parse(localStorage.getItem(storageKey)); } catch (e) { previous = null; }
  auditverify.verify(path => api('GET', path), previous, session.role !== 'operator').then(result => {
    if (result.ok) localStorage.setItem(storageKey, JSON.stringify(result.state));
    box.dataset.verify = result.ok ? 'passed' : 'failed';
    box.replaceChildren(...[h('p', {}, h('b', {}, result.ok ? 'PASSED' : 'FAILED')),
      h('ul', {}, result.lines.map(l => h('li', {}, l))),
      previous && previous.checked ? h('p', { class: 'muted' }, 'last verified here ' + when(previous.checked)) : null,
      h('button', { type: 'button', onclick: () => { localStorage.removeItem(storageKey); render(); } },
        'Forget what this browser verified')].filter(Boolean));
  }).catch(e => {
    box.dataset.verify = 'failed';
    box.replaceChildren(h('p', {}, h('b', {}, 'could not check: '), String(e && e.message ? e.message : e)));
  });
  return box;
}

route();
