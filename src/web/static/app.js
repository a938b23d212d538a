// tsysd web view, client side: plain JavaScript, no framework, no external resources.
// State comes from the JSON API once per (re)connection and then only from the Server-Sent Events at
// /events (unit, job, log and manager events, each naming its unit): no polling.
// Views (hash routes): #/ units with filters, #/unit/NAME status + properties + dependency neighbourhood +
// live log tail, #/jobs jobs in flight, #/chart the boot chart.
'use strict';

const S = {
  units: new Map(),      // name -> UnitListEntry
  jobs: new Map(),       // id -> JobInfo
  state: null,           // /api/state
  route: { view: 'units', unit: '' },
  es: null,
  esLog: '',             // unit whose log the current stream carries
  detail: null,          // /api/unit reply for the unit page
  logLines: [],          // the unit page's log tail, ordered by seq
  logLoaded: false,
  filters: { type: '', state: '', text: '' },
};
const MAX_LOG = 500;

const $ = (sel, root) => (root || document).querySelector(sel);
function h(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const k of kids.flat()) if (k !== null && k !== undefined) e.append(k instanceof Node ? k : document.createTextNode(String(k)));
  return e;
}
function svg(tag, attrs, ...kids) {
  const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  for (const k of kids.flat()) if (k !== null && k !== undefined) e.append(k instanceof Node ? k : document.createTextNode(String(k)));
  return e;
}
async function api(path, init) {
  const r = await fetch(path, init);
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(body.error || `${r.status} ${r.statusText}`);
  return body;
}
function debounce(fn, ms) {
  let t = 0;
  return () => { clearTimeout(t); t = setTimeout(() => { Promise.resolve(fn()).catch(showError); }, ms); };
}
function showError(e) {
  const m = $('#live');
  m.textContent = `error: ${e && e.message ? e.message : String(e)}`;
  m.classList.remove('on');
}
const typeOf = (u) => u.slice(u.lastIndexOf('.') + 1);
const unitHref = (u) => `#/unit/${encodeURIComponent(u)}`;

// ------------------------------------------------------------------ live stream

function connect() {
  const want = S.route.view === 'unit' ? S.route.unit : '';
  if (S.es && S.esLog === want) return;
  if (S.es) S.es.close();
  S.esLog = want;
  const es = new EventSource('/events' + (want ? `?log=${encodeURIComponent(want)}` : ''));
  S.es = es;
  es.addEventListener('hello', () => { setLive(true); resync().catch(showError); });
  es.addEventListener('unit', (m) => onUnit(JSON.parse(m.data)));
  es.addEventListener('job', (m) => onJob(JSON.parse(m.data)));
  es.addEventListener('log', (m) => onLog(JSON.parse(m.data)));
  es.addEventListener('manager', () => { refreshState().catch(showError); });
  // The server skipped log lines while this page was behind: fetch the tail again (merged by seq).
  es.addEventListener('gap', () => { if (S.route.view === 'unit') api(`/api/logs?unit=${encodeURIComponent(S.route.unit)}&lines=${MAX_LOG}`).then(mergeLog, () => undefined); });
  es.onerror = () => setLive(false);
}
function setLive(on) {
  const e = $('#live');
  e.textContent = on ? 'live' : 'reconnecting…';
  e.classList.toggle('on', on);
}

async function resync() {
  await refreshState();
  const list = await api('/api/units');
  S.units = new Map(list.map((u) => [u.unit, u]));
  S.jobs = new Map((S.state ? S.state.jobs : []).map((j) => [j.id, j]));
  if (S.route.view === 'unit') await loadDetail();
  render();
}
async function refreshState() {
  S.state = await api('/api/state');
  $('#host').textContent = `${S.state.hostname} · tsysd ${S.state.version}${S.state.userMode ? ' (user)' : ''}`;
  const b = $('#sysstate');
  b.textContent = S.state.state;
  b.className = `badge s-${S.state.state}`;
}
const refreshUnits = debounce(async () => {
  const list = await api('/api/units');
  S.units = new Map(list.map((u) => [u.unit, u]));
  if (S.route.view === 'units') renderUnits();
}, 250);
const refreshDetail = debounce(async () => { if (S.route.view === 'unit') { await loadDetail(); renderUnitDetail(); } }, 150);
const refreshSystem = debounce(refreshState, 200);

function onUnit(e) {
  let u = S.units.get(e.unit);
  if (!u) {
    u = { unit: e.unit, loadState: e.loadState, activeState: e.activeState, subState: e.subState, description: e.unit, job: null, following: '' };
    S.units.set(e.unit, u);
    refreshUnits();
  }
  u.loadState = e.loadState; u.activeState = e.activeState; u.subState = e.subState;
  updateRow(u);
  if (S.route.view === 'unit' && S.route.unit === e.unit) { setUnitBadge(u.activeState, u.subState); refreshDetail(); }
  refreshSystem();
}
function onJob(e) {
  if (e.phase === 'new') S.jobs.set(e.job.id, e.job); else S.jobs.delete(e.job.id);
  const u = S.units.get(e.unit);
  if (u) { u.job = e.phase === 'new' ? { id: e.job.id, type: e.job.type, state: e.job.state } : null; updateRow(u); }
  $('#njobs').textContent = S.jobs.size ? String(S.jobs.size) : '';
  if (S.route.view === 'jobs') renderJobs();
}
function onLog(e) {
  if (S.route.view !== 'unit' || e.unit !== S.route.unit) return;
  mergeLog([e.line]);
}

// ------------------------------------------------------------------ routing and views

function parseRoute() {
  const hash = location.hash.replace(/^#/, '') || '/';
  if (hash.startsWith('/unit/')) return { view: 'unit', unit: decodeURIComponent(hash.slice(6)) };
  if (hash === '/jobs') return { view: 'jobs', unit: '' };
  if (hash === '/chart') return { view: 'chart', unit: '' };
  return { view: 'units', unit: '' };
}
async function onRoute() {
  S.route = parseRoute();
  for (const [id, v] of [['nav-units', 'units'], ['nav-jobs', 'jobs'], ['nav-chart', 'chart']]) $(`#${id}`).classList.toggle('current', S.route.view === v);
  S.detail = null;
  S.logLines = [];
  S.logLoaded = false;
  const before = S.es;
  connect();
  // A new stream re-syncs on its hello; with the same stream, load what the view needs now.
  if (S.es === before) { if (S.route.view === 'unit') await loadDetail(); render(); } else render();
}
function render() {
  $('#njobs').textContent = S.jobs.size ? String(S.jobs.size) : '';
  if (S.route.view === 'units') renderUnits();
  else if (S.route.view === 'jobs') renderJobs();
  else if (S.route.view === 'chart') renderChart();
  else renderUnitDetail();
}

// units list

function matches(u) {
  const f = S.filters;
  if (f.type && typeOf(u.unit) !== f.type) return false;
  if (f.state && u.activeState !== f.state && u.subState !== f.state && u.loadState !== f.state) return false;
  if (f.text && !u.unit.toLowerCase().includes(f.text) && !(u.description || '').toLowerCase().includes(f.text)) return false;
  return true;
}
function unitRow(u) {
  return h('tr', { 'data-unit': u.unit, 'data-active': u.activeState, 'data-sub': u.subState },
    h('td', null, h('a', { href: unitHref(u.unit) }, u.unit)),
    h('td', { class: 'load' }, u.loadState),
    h('td', { class: `active s-${u.activeState}` }, u.activeState),
    h('td', { class: 'sub' }, u.subState),
    h('td', { class: 'job' }, u.job ? `${u.job.type} (${u.job.state})` : ''),
    h('td', { class: 'desc' }, u.description));
}
function updateRow(u) {
  const tr = document.querySelector(`tr[data-unit="${CSS.escape(u.unit)}"]`);
  if (!tr) { if (S.route.view === 'units' && matches(u)) renderUnits(); return; }
  if (!matches(u)) { tr.remove(); return; }
  tr.replaceWith(unitRow(u));
}
function renderUnits() {
  const main = $('#main');
  const types = [...new Set([...S.units.keys()].map(typeOf))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const sel = (id, opts, value, label) => h('label', null, `${label} `, h('select', { id, onchange: (e) => { S.filters[id.slice(2)] = e.target.value; renderTable(); } },
    h('option', { value: '' }, 'all'), opts.map((o) => h('option', { value: o, selected: o === value }, o))));
  const text = h('input', { id: 'f-text', type: 'search', placeholder: 'filter by name or description', value: S.filters.text,
    oninput: (e) => { S.filters.text = e.target.value.toLowerCase(); renderTable(); } });
  const tbody = h('tbody', { id: 'units' });
  const count = h('span', { class: 'muted', id: 'units-count' });
  function renderTable() {
    const rows = [...S.units.values()].filter(matches).sort((a, b) => (a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : 0)).map(unitRow);
    tbody.replaceChildren(...rows);
    count.textContent = `${rows.length} of ${S.units.size} units`;
  }
  main.replaceChildren(
    h('h2', null, 'Units'),
    h('div', { class: 'filters' }, sel('f-type', types, S.filters.type, 'Type'),
      sel('f-state', ['active', 'inactive', 'failed', 'activating', 'deactivating', 'running', 'exited', 'listening', 'dead', 'not-found', 'masked'], S.filters.state, 'State'),
      text, count),
    h('table', null, h('thead', null, h('tr', null, ['Unit', 'Load', 'Active', 'Sub', 'Job', 'Description'].map((c) => h('th', null, c)))), tbody));
  renderTable();
}

// unit page

async function loadDetail() {
  const name = S.route.unit;
  try {
    S.detail = await api(`/api/unit?name=${encodeURIComponent(name)}`);
    if (!S.logLoaded) { S.logLoaded = true; mergeLog(await api(`/api/logs?unit=${encodeURIComponent(name)}&lines=100`)); }
  } catch (e) { S.detail = { error: e.message }; }
}
function setUnitBadge(active, sub) {
  const b = $('#unit-state');
  if (!b) return;
  b.textContent = `${active} (${sub})`;
  b.className = `badge s-${active}`;
  b.setAttribute('data-active', active);
}
function fmtLog(l) {
  const d = new Date(l.ts / 1000);
  const p = (n) => String(n).padStart(2, '0');
  return `${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} ${l.ident}${l.pid ? `[${l.pid}]` : ''}: ${l.message}`;
}
// Lines arrive from the stream and from the initial tail in any order: keep them unique and by seq.
function mergeLog(lines) {
  const have = new Set(S.logLines.map((l) => l.seq));
  const fresh = lines.filter((l) => !have.has(l.seq));
  if (!fresh.length) return;
  const last = S.logLines.length ? S.logLines[S.logLines.length - 1].seq : -1;
  S.logLines.push(...fresh);
  const inOrder = fresh.every((l, i) => l.seq > (i ? fresh[i - 1].seq : last));
  if (!inOrder) S.logLines.sort((a, b) => a.seq - b.seq);
  if (S.logLines.length > MAX_LOG) S.logLines.splice(0, S.logLines.length - MAX_LOG);
  const pre = $('#log');
  if (!pre) return;
  const atEnd = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
  if (inOrder) for (const l of fresh) pre.append(h('div', { class: 'line', 'data-seq': l.seq }, fmtLog(l)));
  else pre.replaceChildren(...S.logLines.map((l) => h('div', { class: 'line', 'data-seq': l.seq }, fmtLog(l))));
  while (pre.childElementCount > MAX_LOG) pre.firstElementChild.remove();
  if (atEnd) pre.scrollTop = pre.scrollHeight;
}
function renderUnitDetail() {
  const main = $('#main');
  const name = S.route.unit;
  const d = S.detail;
  if (!d) { main.replaceChildren(h('h2', null, name), h('p', null, 'Loading…')); return; }
  if (d.error) { main.replaceChildren(h('h2', null, name), h('p', { class: 'msg' }, d.error)); return; }
  const st = d.status;
  const props = new Map(d.properties);
  const kids = [h('h2', null, st.id, ' ', h('span', { id: 'unit-state', class: `badge s-${st.activeState}`, 'data-active': st.activeState }, `${st.activeState} (${st.subState})`)),
    h('div', { class: 'muted' }, st.description)];
  if (S.state && S.state.actions) kids.push(actionBar(st.id));
  kids.push(h('h3', null, 'Status'), h('pre', { id: 'status' }, d.text.join('\n')));
  kids.push(h('h3', null, 'Dependencies'), depGraph(st.id, props));
  const pre = h('pre', { id: 'log' });
  kids.push(h('h3', null, 'Log ', h('span', { class: 'muted' }, '(live)')), pre);
  kids.push(h('details', null, h('summary', null, `Properties (${d.properties.length})`),
    h('table', { id: 'props' }, h('tbody', null, d.properties.map(([k, v]) => h('tr', null, h('td', null, k), h('td', { class: 'desc' }, v)))))));
  main.replaceChildren(...kids);
  pre.replaceChildren(...S.logLines.map((l) => h('div', { class: 'line', 'data-seq': l.seq }, fmtLog(l))));
  pre.scrollTop = pre.scrollHeight;
}
function actionBar(unit) {
  const tok = h('input', { type: 'password', id: 'token', placeholder: 'token (from the web-token file)', value: sessionStorage.getItem('tsysd-token') || '',
    oninput: (e) => sessionStorage.setItem('tsysd-token', e.target.value) });
  const msg = h('span', { class: 'msg', id: 'action-msg' });
  const act = (verb) => async () => {
    msg.textContent = '';
    sessionStorage.setItem('tsysd-token', tok.value);
    try {
      await api('/api/action', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tok.value}` }, body: JSON.stringify({ verb, unit }) });
    } catch (e) { msg.textContent = e.message; }
  };
  return h('div', { class: 'actions' }, ['start', 'stop', 'restart'].map((v) => h('button', { id: `do-${v}`, onclick: act(v) }, v)), tok, msg);
}

// The dependency neighbourhood: what the unit needs on the left, what needs it on the right, edges in
// `analyze dot`'s colours, boxes coloured by state; click to go there.
const LEFT = [['Requires', '#000'], ['Requisite', '#00008b'], ['BindsTo', '#000'], ['Wants', '#a8a8a8'], ['PartOf', '#555'], ['After', '#1a7f37'], ['Conflicts', '#cf222e']];
const RIGHT = [['RequiredBy', '#000'], ['RequisiteOf', '#00008b'], ['BoundBy', '#000'], ['WantedBy', '#a8a8a8'], ['ConsistsOf', '#555'], ['Before', '#1a7f37'], ['TriggeredBy', '#8250df'], ['Triggers', '#8250df']];
const MAX_SIDE = 14;
function side(props, kinds) {
  const m = new Map();
  for (const [k, color] of kinds) for (const n of (props.get(k) || '').split(' ').filter(Boolean)) {
    if (!m.has(n)) m.set(n, { name: n, rels: [], color });
    m.get(n).rels.push(k);
  }
  return [...m.values()];
}
const STATE_FILL = { active: '#dafbe1', reloading: '#dafbe1', activating: '#fff8c5', deactivating: '#fff8c5', failed: '#ffebe9', inactive: '#f6f8fa' };
function depGraph(id, props) {
  const left = side(props, LEFT), right = side(props, RIGHT);
  const rows = Math.max(Math.min(left.length, MAX_SIDE + 1), Math.min(right.length, MAX_SIDE + 1), 1);
  const W = 900, BW = 250, BH = 22, GAP = 6, H = rows * (BH + GAP) + 20;
  const g = svg('svg', { class: 'deps', id: 'deps', width: W, height: H, viewBox: `0 0 ${W} ${H}` });
  const cx = W / 2 - BW / 2, cy = H / 2 - BH / 2;
  const box = (x, y, name, title) => {
    const st = (S.units.get(name) || {}).activeState || (name === id ? (S.detail ? S.detail.status.activeState : '') : '');
    const a = svg('a', { href: unitHref(name) }, svg('title', null, title),
      svg('rect', { x, y, width: BW, height: BH, rx: 4, fill: STATE_FILL[st] || '#fff', stroke: name === id ? '#0366d6' : '#999' }),
      svg('text', { x: x + 6, y: y + 15 }, name.length > 36 ? name.slice(0, 35) + '…' : name));
    g.append(a);
  };
  const column = (list, x, toCenterX, fromX) => {
    const shown = list.slice(0, MAX_SIDE);
    shown.forEach((n, i) => {
      const y = 10 + i * (BH + GAP);
      g.append(svg('line', { x1: fromX, y1: y + BH / 2, x2: toCenterX, y2: cy + BH / 2, stroke: n.color, 'stroke-width': 1.2 }));
      box(x, y, n.name, `${n.name}: ${n.rels.join(', ')}`);
    });
    if (list.length > MAX_SIDE) g.append(svg('text', { x: x + 6, y: 10 + MAX_SIDE * (BH + GAP) + 15, fill: '#777' }, `+${list.length - MAX_SIDE} more`));
  };
  column(left, 10, cx, 10 + BW);
  column(right, W - BW - 10, cx + BW, W - BW - 10);
  box(cx, cy, id, id);
  return g;
}

// jobs and chart

function renderJobs() {
  const rows = [...S.jobs.values()].sort((a, b) => a.id - b.id).map((j) =>
    h('tr', { 'data-job': j.id }, h('td', null, j.id), h('td', null, h('a', { href: unitHref(j.unit) }, j.unit)), h('td', null, j.type), h('td', null, j.state)));
  $('#main').replaceChildren(h('h2', null, 'Jobs in flight'),
    rows.length ? h('table', { id: 'jobs' }, h('thead', null, h('tr', null, ['Job', 'Unit', 'Type', 'State'].map((c) => h('th', null, c)))), h('tbody', null, rows))
      : h('p', { class: 'muted', id: 'jobs' }, 'No jobs running.'));
}
function renderChart() {
  $('#main').replaceChildren(h('h2', null, 'Boot chart'), h('p', { class: 'muted' }, 'as tsysd analyze plot draws it'),
    h('div', { class: 'chartwrap' }, h('img', { class: 'chart', id: 'chart', alt: 'boot chart', src: `/api/plot.svg?t=${Date.now()}` })));
}

window.addEventListener('hashchange', () => { onRoute().catch(showError); });
onRoute().catch(showError);
