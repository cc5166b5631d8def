// The dashboard's client script, served at /dashboard.js as plain JavaScript (no build step).
// It reads the admin API one page at a time, refreshes the visible pages on change events, and
// never puts CPO data into innerHTML (textContent only).
export const DASHBOARD_JS = String.raw`
'use strict';
const PAGE = 20;
let adminToken = sessionStorage.getItem('adminToken') || '';

async function api(path, options = {}) {
  const headers = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (adminToken) headers.Authorization = 'Bearer ' + adminToken;
  const res = await fetch(path, { method: options.method || 'GET', headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  if (res.status === 401 && !options.retried) {
    const t = window.prompt('This simulator needs its ADMIN_TOKEN');
    if (t) { adminToken = t; sessionStorage.setItem('adminToken', t); return api(path, { ...options, retried: true }); }
  }
  const text = await res.text();
  const json = text ? JSON.parse(text) : null;
  if (!res.ok) throw new Error((json && json.error && json.error.message) || ('HTTP ' + res.status));
  return json;
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'onclick') node.addEventListener('click', v);
    else if (v !== undefined && v !== null && v !== false) node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}
const tag = (text, cls) => el('span', { class: 'tag ' + cls }, text);
const good = (v) => ['ALLOWED', 'ACCEPTED', 'AVAILABLE', true, 'true'].includes(v);
const verdictTag = (v) => tag(String(v), good(v) ? 'ok' : 'bad');
const time = (iso) => (iso ? String(iso).replace('T', ' ').replace(/\.\d+Z$|Z$/, '') : '');

function table(columns, rows) {
  if (rows.length === 0) return el('p', { class: 'empty' }, 'Nothing yet.');
  return el('table', {},
    el('thead', {}, el('tr', {}, columns.map((c) => el('th', {}, c[0])))),
    el('tbody', {}, rows.map((r) => el('tr', {}, columns.map((c) => el('td', {}, c[1](r)))))));
}

function statusCounts(location) {
  const counts = {};
  for (const e of location.evses || []) counts[e.status] = (counts[e.status] || 0) + 1;
  return Object.entries(counts).map(([s, n]) => tag(n + ' ' + s, s === 'AVAILABLE' ? 'ok' : s === 'REMOVED' || s === 'OUTOFORDER' ? 'bad' : 'info'));
}

async function setToken(uid, block) {
  await api('/admin/tokens/' + encodeURIComponent(uid), { method: 'PATCH', body: block ? { allowed: 'BLOCKED' } : { allowed: 'ALLOWED', valid: true } });
  refresh('tokens');
}

const panels = {
  parties: { url: '/admin/parties', columns: [
    ['party', (p) => p.key], ['name', (p) => p.business_details && p.business_details.name], ['initiated by', (p) => p.initiated_by],
    ['endpoints', (p) => (p.endpoints || []).map((e) => e.identifier).join(', ')], ['registered', (p) => time(p.registered_at)]] },
  locations: { url: '/admin/locations', paged: true, filter: ['in_territory', [['', 'all'], ['true', 'in Territory'], ['false', 'outside Territory']]], columns: [
    ['party', (r) => r.party], ['id', (r) => r.location.id], ['name', (r) => r.location.name || ''],
    ['country', (r) => [r.location.country, ' ', r.in_territory ? null : tag('outside Territory', 'bad')]],
    ['EVSEs', (r) => statusCounts(r.location)], ['protocol', (r) => r.protocol], ['updated', (r) => time(r.location.last_updated)]] },
  tariffs: { url: '/admin/tariffs', paged: true, columns: [
    ['party', (r) => r.party], ['id', (r) => r.tariff.id], ['currency', (r) => r.tariff.currency],
    ['elements', (r) => (r.tariff.elements || []).length], ['warnings', (r) => (r.policy_warnings || []).join('; ')], ['updated', (r) => time(r.tariff.last_updated)]] },
  tokens: { url: '/admin/tokens', paged: true, columns: [
    ['uid', (t) => t.token.uid], ['type', (t) => t.token.type], ['valid', (t) => String(t.token.valid)],
    ['answers', (t) => verdictTag(t.allowed)],
    ['', (t) => t.allowed === 'BLOCKED'
      ? el('button', { 'data-unblock': t.token.uid, onclick: () => setToken(t.token.uid, false) }, 'Unblock')
      : el('button', { 'data-block': t.token.uid, onclick: () => setToken(t.token.uid, true) }, 'Block')]] },
  authorizations: { url: '/admin/authorizations', paged: true, filter: ['allowed', [['', 'all'], ['ALLOWED', 'ALLOWED'], ['BLOCKED', 'BLOCKED'], ['EXPIRED', 'EXPIRED'], ['NO_CREDIT', 'NO_CREDIT'], ['NOT_ALLOWED', 'NOT_ALLOWED']]], columns: [
    ['time', (a) => time(a.time)], ['party', (a) => a.party], ['token', (a) => a.token_uid],
    ['location', (a) => (a.location_references && a.location_references.location_id) || ''], ['answer', (a) => verdictTag(a.allowed)], ['why', (a) => a.reason]] },
  cdrs: { url: '/admin/cdrs', paged: true, filter: ['verdict', [['', 'all'], ['ACCEPTED', 'accepted'], ['REJECTED', 'rejected']]], columns: [
    ['received', (r) => time(r.received_at)], ['party', (r) => r.party], ['id', (r) => r.cdr && r.cdr.id],
    ['cost', (r) => r.cdr ? r.cdr.total_cost + ' ' + r.cdr.currency : ''], ['verdict', (r) => verdictTag(r.verdict)],
    ['reasons', (r) => (r.reasons || []).map((x) => x.rule + ': ' + x.message).join('; ')]] },
  findings: { url: '/admin/findings', paged: true, columns: [
    ['time', (f) => time(f.time)], ['party', (f) => f.party || ''], ['severity', (f) => tag(f.severity, f.severity === 'error' ? 'bad' : f.severity === 'warning' ? 'warn' : 'info')],
    ['rule', (f) => f.rule], ['message', (f) => f.message], ['path', (f) => f.path || '']] },
};

const offsets = {};
const filters = {};

// A select in the panel title narrows the list on the server (the admin list filters), so a
// page of 20 is still all that travels.
function addFilter(id) {
  const [name, options] = panels[id].filter;
  const select = el('select', { 'data-filter': id, 'aria-label': name },
    options.map(([value, label]) => el('option', { value }, label)));
  select.addEventListener('change', () => { filters[id] = select.value; offsets[id] = 0; refresh(id); });
  document.querySelector('[data-count="' + id + '"]').after(' ', select);
}

async function refresh(id) {
  const panel = panels[id];
  if (!panel) return;
  const offset = offsets[id] || 0;
  let url = panel.paged ? panel.url + '?offset=' + offset + '&limit=' + PAGE : panel.url;
  if (panel.filter && filters[id]) url += '&' + panel.filter[0] + '=' + encodeURIComponent(filters[id]);
  const body = document.querySelector('[data-body="' + id + '"]');
  try {
    const data = await api(url);
    const items = data.items || [];
    body.replaceChildren(table(panel.columns, items));
    const total = data.total !== undefined ? data.total : items.length;
    document.querySelector('[data-count="' + id + '"]').textContent = '(' + total + ')';
    const pager = document.querySelector('[data-pager="' + id + '"]');
    pager.replaceChildren();
    if (panel.paged && total > PAGE) {
      pager.append(
        el('button', { disabled: offset === 0, onclick: () => { offsets[id] = Math.max(0, offset - PAGE); refresh(id); } }, '‹ prev'),
        el('span', {}, (offset + 1) + '–' + Math.min(total, offset + PAGE) + ' of ' + total),
        el('button', { disabled: offset + PAGE >= total, onclick: () => { offsets[id] = offset + PAGE; refresh(id); } }, 'next ›'));
    }
  } catch (err) {
    body.replaceChildren(el('p', { class: 'empty' }, 'Could not load: ' + err.message));
  }
}

async function refreshFaults() {
  const body = document.querySelector('[data-body="faults"]');
  try {
    const [scenarios, faults] = await Promise.all([api('/admin/scenarios'), api('/admin/faults')]);
    const scenarioRows = scenarios.items.map((s) => el('tr', {},
      el('td', {}, s.name), el('td', { class: 'muted' }, s.description),
      el('td', {}, s.active
        ? el('button', { class: 'on', 'data-scenario-off': s.name, onclick: () => api('/admin/scenarios/' + s.name, { method: 'DELETE' }).then(refreshFaults) }, 'On – switch off')
        : el('button', { 'data-scenario': s.name, onclick: () => api('/admin/scenarios/' + s.name, { method: 'POST', body: {} }).then(refreshFaults) }, 'Switch on'))));
    const ruleRows = faults.items.map((f) => el('tr', {},
      el('td', {}, f.id), el('td', {}, [f.direction, f.method, f.path].filter(Boolean).join(' ')),
      el('td', { class: 'muted' }, JSON.stringify(f.action || f)),
      el('td', {}, el('button', { onclick: () => api('/admin/faults/' + encodeURIComponent(f.id), { method: 'DELETE' }).then(refreshFaults) }, 'Delete'))));
    document.querySelector('[data-count="faults"]').textContent = '(' + faults.items.length + ' rules)';
    body.replaceChildren(
      el('h3', {}, 'Scenarios'), el('table', {}, el('tbody', {}, scenarioRows)),
      el('h3', {}, 'Rules'), faults.items.length ? el('table', {}, el('tbody', {}, ruleRows)) : el('p', { class: 'empty' }, 'No fault rules.'),
      el('button', { onclick: () => api('/admin/faults', { method: 'DELETE' }).then(refreshFaults) }, 'Clear all'));
  } catch (err) {
    body.replaceChildren(el('p', { class: 'empty' }, 'Could not load: ' + err.message));
  }
}

const journal = [];
function showJournal() {
  const rows = journal.map((e) => el('tr', {},
    el('td', {}, time(e.time)), el('td', {}, e.direction === 'outbound' ? '→ CPO' : '← CPO'), el('td', {}, e.method),
    el('td', {}, e.path), el('td', {}, tag(String(e.status), e.status >= 200 && e.status < 300 && (!e.ocpi_status || e.ocpi_status < 2000) ? 'ok' : 'bad')),
    el('td', {}, e.ocpi_status || ''), el('td', {}, e.party || ''), el('td', {}, e.fault ? tag('fault ' + e.fault, 'warn') : '')));
  document.querySelector('[data-body="journal"]').replaceChildren(journal.length ? el('table', {}, el('tbody', {}, rows)) : el('p', { class: 'empty' }, 'Waiting for requests…'));
  document.querySelector('[data-count="journal"]').textContent = '(live)';
}

// A burst of CPO traffic (thousands of PUTs) must not re-render per event: the journal is drawn
// once per frame, and each panel whose collection changed is read again at most twice a second.
let journalQueued = false;
function showJournalSoon() {
  if (journalQueued) return;
  journalQueued = true;
  requestAnimationFrame(() => { journalQueued = false; showJournal(); });
}
const dirty = new Set();
let pending = null;
function refreshSoon(id) {
  dirty.add(id);
  if (pending) return;
  pending = setTimeout(() => {
    pending = null;
    const ids = [...dirty];
    dirty.clear();
    ids.forEach((p) => (p === 'faults' ? refreshFaults() : refresh(p)));
  }, 500);
}

async function start() {
  const recent = await api('/admin/journal?limit=50').catch(() => ({ items: [] }));
  journal.push(...recent.items);
  showJournal();
  Object.keys(panels).forEach((id) => { if (panels[id].filter) addFilter(id); refresh(id); });
  refreshFaults();
  const q = adminToken ? '&access_token=' + encodeURIComponent(adminToken) : '';
  const events = new EventSource('/admin/events?types=journal,finding,change' + q);
  events.addEventListener('journal', (m) => {
    const entry = JSON.parse(m.data);
    journal.unshift(entry);
    journal.length = Math.min(journal.length, 100);
    showJournalSoon();
    // Registrations and fault counters send no change event: the exchange itself tells.
    if (/\/credentials$/.test(entry.path || '')) refreshSoon('parties');
    if (entry.fault) refreshSoon('faults');
  });
  events.addEventListener('finding', () => refreshSoon('findings'));
  events.addEventListener('change', (m) => {
    const { collection } = JSON.parse(m.data);
    if (panels[collection]) refreshSoon(collection);
  });
  document.body.dataset.ready = 'true';
}
start();
`;
