/* global window, document, fetch, uPlot */
// Prism Telemetry dashboard. Plain JS, no build step; the only library is uPlot, served by the agent itself.
// Every string from the API goes into the DOM through textContent, never innerHTML.
// The access token arrives in the URL's fragment (#token=...), which the browser never sends to a server; it is
// kept in this tab's sessionStorage (per origin, port included) and sent as `Authorization: Bearer` with every
// API call. No cookie: cookies are shared by every port of 127.0.0.1, so any local web server would get them.

const REFRESH_MILLIS = 10_000;
const LEVELS = ['minimal', 'standard', 'detailed'];
const DELETE_PHRASE = 'delete all data';
const PALETTE = ['#2f6feb', '#16a394', '#e8590c', '#7c4dff', '#d6336c', '#2b8a3e', '#f59f00', '#1098ad'];

const TOKEN_KEY = 'prism-telemetry-token';
const NO_TOKEN_MESSAGE = 'Open the URL printed by `prism-telemetry dashboard`.';
const NO_TOKEN_HINT =
  'This page needs the access token in that URL (a new one is made each time the agent starts); it is kept for this tab only.';

const $ = (id) => document.querySelector(`[data-testid="${id}"]`);

const state = {
  hours: 1,
  overview: null,
  overviewAt: 0,
  collected: null,
  charts: new Map(),
  signatures: new Map(),
  refreshing: null,
  timer: undefined,
  busy: false,
  token: null,
  unauthorized: false,
};

/**
 * Takes the token from the fragment into sessionStorage and removes it from the address bar (and so from the
 * history entry and anything copied from it); a reload or a later visit in this tab finds it in storage.
 */
function takeToken() {
  const fromUrl = new window.URLSearchParams(window.location.hash.slice(1)).get('token');
  if (fromUrl !== null) {
    const { pathname, search } = window.location;
    window.history.replaceState(window.history.state, '', pathname + search);
  }
  try {
    if (fromUrl) window.sessionStorage.setItem(TOKEN_KEY, fromUrl);
    return window.sessionStorage.getItem(TOKEN_KEY) || null;
  } catch {
    // Storage refused (a strict privacy mode): the token still works until this page is left.
    return fromUrl || null;
  }
}

// ---------- DOM and formatting helpers ----------

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') node.textContent = String(value);
    else if (key === 'class') node.className = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof window.Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Replaces a container's children only when what they show changed, so refreshes do not flicker or steal focus. */
function renderInto(container, key, value, build) {
  const signature = JSON.stringify(value);
  if (state.signatures.get(key) === signature) return;
  state.signatures.set(key, signature);
  container.replaceChildren(...build());
}

function setText(testid, text) {
  const node = $(testid);
  const value = String(text);
  if (node.textContent !== value) node.textContent = value;
}

function formatDuration(totalSeconds) {
  if (typeof totalSeconds !== 'number' || !Number.isFinite(totalSeconds)) return '–';
  const s = Math.max(0, Math.floor(totalSeconds));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s % 60}s`;
  return `${s}s`;
}

function formatBytes(bytes) {
  if (typeof bytes !== 'number' || !Number.isFinite(bytes)) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = Math.abs(bytes);
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  const sign = bytes < 0 ? '-' : '';
  return `${sign}${i === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${units[i]}`;
}

function formatNumber(value, digits = 2) {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e6 || abs < 1e-3)) return value.toExponential(1);
  const rounded = abs >= 100 ? value.toFixed(0) : abs >= 10 ? value.toFixed(1) : value.toFixed(digits);
  return String(Number(rounded));
}

function formatLatency(millis) {
  if (millis === null || millis === undefined || !Number.isFinite(millis)) return '–';
  if (millis === 0) return '0 ms';
  if (millis < 0.01) return '<0.01 ms';
  if (millis < 1000) return `${formatNumber(millis, 1)} ms`;
  return `${formatNumber(millis / 1000, 2)} s`;
}

const timeFormat = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
const minuteFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const dayFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** Tick labels for a time axis (uPlot gives seconds): as precise as the visible span needs. */
function timeTicks(u, splits) {
  const span = (u.scales.x.max ?? 0) - (u.scales.x.min ?? 0);
  const format = span <= 600 ? timeFormat : span <= 2 * 86_400 ? minuteFormat : dayFormat;
  return splits.map((seconds) => format.format(new Date(seconds * 1000)));
}

function formatWhen(iso) {
  if (!iso) return '–';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  const sameDay = date.toDateString() === new Date().toDateString();
  return sameDay ? timeFormat.format(date) : dateTimeFormat.format(date);
}

function formatAgo(iso) {
  if (!iso) return '';
  const seconds = (Date.now() - new Date(iso).getTime()) / 1000;
  if (!Number.isFinite(seconds)) return '';
  if (seconds < 5) return 'just now';
  return `${formatDuration(seconds)} ago`;
}

const capitalize = (text) => (text ? text[0].toUpperCase() + text.slice(1) : text);

// ---------- API ----------

class ApiError extends Error {
  constructor(status, error) {
    super(error?.message ?? `The agent answered with HTTP ${status}.`);
    this.status = status;
    this.code = error?.code;
    this.hint = error?.hint;
  }
}

function unauthorizedError() {
  return new ApiError(401, { message: NO_TOKEN_MESSAGE, hint: NO_TOKEN_HINT });
}

/** One API request with the token; an answer other than 2xx is thrown as an ApiError. */
async function request(path, init = {}) {
  if (!state.token) throw unauthorizedError();
  const headers = { ...init.headers, Authorization: `Bearer ${state.token}` };
  let response;
  try {
    response = await fetch(path, { credentials: 'omit', cache: 'no-store', ...init, headers });
  } catch {
    throw new ApiError(0, {
      message: 'The agent did not answer.',
      hint: 'Is it still running? Check with `prism-telemetry status`, then reload this page.',
    });
  }
  if (response.ok) return response;
  let json = null;
  try {
    json = await response.json();
  } catch {
    json = null;
  }
  if (response.status === 401) throw unauthorizedError();
  throw new ApiError(response.status, json?.error);
}

async function api(path, body) {
  const init = { headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.method = 'POST';
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await request(path, init);
  try {
    return await response.json();
  } catch {
    return null;
  }
}

// ---------- Notices ----------

function showNotice(kind, message, hint = '') {
  const banner = $('error-banner');
  banner.dataset.kind = kind;
  banner.classList.toggle('info', kind === 'info');
  setText('error-message', message);
  setText('error-hint', hint ?? '');
  banner.hidden = false;
}

function showError(error) {
  if (error.status === 401) {
    // Without a valid token nothing on this page can work: say how to get one, and stop asking.
    state.unauthorized = true;
    document.body.dataset.auth = 'missing';
    window.clearTimeout(state.timer);
  }
  showNotice('error', error.message, error.hint ?? '');
}

function announce(text) {
  setText('live-status', text);
}

// ---------- Header, services, alerts ----------

function renderOverview(overview) {
  state.overview = overview;
  state.overviewAt = Date.now();

  const badge = $('status-badge');
  const status = overview.status ?? 'unknown';
  if (badge.dataset.status !== status) {
    badge.dataset.status = status;
    badge.querySelector('.status-text').textContent = capitalize(status);
    badge.title = `System status: ${status}`;
  }
  renderUptime();

  const effective = overview.mode ?? {};
  const modeBadge = $('mode-badge');
  modeBadge.dataset.mode = effective.mode ?? '';
  setText('mode-badge', effective.mode ?? '–');
  setText('level-badge', overview.level ?? '–');
  setText('agent-version', overview.agent?.version ? `v${overview.agent.version}` : '–');
  renderControls(overview);

  const services = overview.services ?? [];
  $('services-empty').hidden = services.length > 0;
  $('services').hidden = services.length === 0;
  renderInto($('services').tBodies[0], 'services', services, () =>
    services.map((service) =>
      el(
        'tr',
        { 'data-testid': 'service-row' },
        el('td', {}, el('strong', { text: service.name })),
        el('td', { class: 'muted', text: service.kind }),
        el('td', {}, el('span', { class: 'state', 'data-state': service.status, text: service.status })),
        // The time a failed probe took to fail is no service latency.
        el('td', { class: 'num', text: service.status === 'up' ? formatLatency(service.latencyMillis) : '–' }),
      ),
    ),
  );

  const errors = overview.errors?.last24h;
  setText('errors-24h', typeof errors === 'number' ? errors : '–');
  $('errors-24h').classList.toggle('bad', typeof errors === 'number' && errors > 0);

  const firing = overview.alerts?.firing ?? [];
  const resolved = overview.alerts?.resolved ?? [];
  renderInto($('alerts-firing'), 'firing', firing, () =>
    firing.length === 0
      ? [el('li', { class: 'none', text: 'Nothing is firing.' })]
      : firing.map((alert) => alertItem(alert, `since ${formatWhen(alert.since)}`)),
  );
  renderInto($('alerts-resolved'), 'resolved', resolved, () =>
    resolved.length === 0
      ? [el('li', { class: 'none', text: 'None in the last 24 hours.' })]
      : resolved.map((alert) => alertItem(alert, `resolved ${formatWhen(alert.resolvedAt)}`)),
  );
}

function alertItem(alert, when) {
  return el(
    'li',
    { 'data-testid': 'alert' },
    el('span', { class: 'sev', 'data-severity': alert.severity, text: alert.severity }),
    el('span', {}, el('span', { class: 'rule', text: alert.rule }), ' ', el('span', { text: alert.summary ?? '' })),
    el('span', { class: 'when', text: when }),
  );
}

function renderUptime() {
  const overview = state.overview;
  if (!overview) return;
  const uptime = overview.agent?.uptimeSeconds;
  if (typeof uptime !== 'number') return setText('uptime', '–');
  setText('uptime', formatDuration(uptime + (Date.now() - state.overviewAt) / 1000));
}

// ---------- Controls ----------

function renderControls(overview) {
  const effective = overview.mode ?? {};
  for (const button of document.querySelectorAll('[data-mode][aria-pressed]')) {
    const pressed = String(button.dataset.mode === effective.mode);
    if (button.getAttribute('aria-pressed') !== pressed) button.setAttribute('aria-pressed', pressed);
    button.disabled = state.busy;
  }
  const sharing = overview.sharing ?? {};
  const onButton = $('mode-on');
  if (!sharing.configured) {
    onButton.disabled = true;
    onButton.title = 'No sharing endpoint is configured.';
  } else {
    onButton.title = `Share with ${sharing.endpoint}`;
  }
  setText('mode-reason', effective.reason ?? '');

  setText(
    'sharing-summary',
    sharing.configured
      ? `${sharing.endpoint} at level ${sharing.level ?? overview.level}`
      : 'No sharing endpoint configured: nothing can leave this machine.',
  );
  const exporters = sharing.exporters ?? [];
  // `updatedAt` changes on every read of the queue; leaving it out keeps an unchanged list from being rebuilt.
  const shown = exporters.map((e) => ({ ...e, queue: e.queue && { ...e.queue, updatedAt: undefined } }));
  renderInto($('sharing-exporters'), 'sharing-exporters', shown, () => exporters.map(sharingExporterItem));
}

/** One sharing exporter and its outbound queue, in the words of `prism-telemetry status`. */
function sharingExporterItem(exporter) {
  const queue = exporter.queue ?? {};
  const details = [
    `level ${exporter.level ?? 'none (no consent)'}` +
      (exporter.levelCap ? ` (exporter capped at ${exporter.levelCap})` : ''),
    `queue ${queue.depthRecords ?? 0} batch(es), ${formatBytes(queue.depthBytes ?? 0)}`,
  ];
  if (queue.oldestEnqueuedAt) details.push(`oldest queued ${formatWhen(queue.oldestEnqueuedAt)}`);
  details.push(`last delivered ${queue.lastSuccessAt ? formatWhen(queue.lastSuccessAt) : 'never'}`);
  if (queue.lastError) details.push(`last error ${queue.lastError.reason} at ${formatWhen(queue.lastError.at)}`);
  const counts = queue.counts;
  if (counts) {
    const dropped = Object.values(counts.dropped ?? {}).reduce((sum, n) => sum + n, 0);
    details.push(`sent ${counts.sentRecords}, retried ${counts.retries}, dropped ${dropped}`);
  }
  return el(
    'li',
    { 'data-testid': 'sharing-exporter', 'data-exporter': exporter.exporter },
    el('div', {}, el('span', { class: 'exporter-id', text: exporter.exporter }), ` → ${exporter.destination}`),
    el('div', { class: 'muted', text: details.join(' · ') }),
    queue.diskFull && el('div', { class: 'alarm', text: 'DISK FULL: new data is being dropped' }),
    exporter.notSending && el('div', { class: 'muted', text: `not sending: ${exporter.notSending}` }),
  );
}

async function setMode(body) {
  if (state.busy) return;
  state.busy = true;
  if (state.overview) renderControls(state.overview);
  try {
    const result = await api('/api/mode', body);
    if (state.overview && result?.mode) renderOverview({ ...state.overview, mode: result.mode });
    const mode = result?.mode?.mode ?? body.mode;
    announce(`Telemetry mode is now ${mode}.`);
    showNotice('info', `Telemetry mode is now ${mode}.`, result?.mode?.reason ?? '');
    await refresh();
  } catch (error) {
    showError(error);
    announce(`The mode was not changed: ${error.message}`);
  } finally {
    state.busy = false;
    if (state.overview) renderControls(state.overview);
  }
}

function levelRank(level) {
  const rank = LEVELS.indexOf(level);
  return rank < 0 ? LEVELS.length : rank;
}

async function openModeDialog() {
  const overview = state.overview;
  if (!overview) return;
  const dialog = $('mode-dialog');
  const select = $('sharing-level');
  const collecting = overview.level;
  for (const option of select.options) option.disabled = levelRank(option.value) > levelRank(collecting);
  const preferred = overview.sharing?.level ?? 'minimal';
  select.value = levelRank(preferred) <= levelRank(collecting) ? preferred : collecting;
  setText('mode-dialog-endpoint', overview.sharing?.endpoint ?? 'the configured endpoint');
  dialog.showModal();
  await renderSharedMetrics(select.value);
}

async function renderSharedMetrics(level) {
  const body = $('mode-dialog-metrics');
  let collected = state.collected;
  try {
    const atLevel = await api(`/api/collected?level=${encodeURIComponent(level)}`);
    if (atLevel?.manifest) collected = atLevel;
  } catch {
    // The current manifest below is still a truthful upper bound.
  }
  const manifest = collected?.manifest;
  const exact = manifest?.level === level;
  setText(
    'mode-dialog-note',
    exact
      ? `${manifest.metrics.length} metrics at level ${level}. Attribute treatments apply before anything is sent.`
      : `At most these metrics (the level ${manifest?.level ?? 'in use'} list); level ${level} sends a subset.`,
  );
  body.replaceChildren(
    ...(manifest?.metrics ?? []).map((metric) =>
      el(
        'tr',
        {},
        el('td', {}, el('code', { text: metric.name })),
        el('td', { text: metric.category }),
        el('td', {}, attributeChips(metric.attributes)),
      ),
    ),
  );
}

// ---------- Delete and export ----------

function openDeleteDialog() {
  const input = $('delete-input');
  input.value = '';
  $('delete-confirm').disabled = true;
  setText('delete-dialog-path', state.collected?.storage?.path ?? state.overview?.agent?.dataDir ?? 'this machine');
  $('delete-dialog').showModal();
  input.focus();
}

function deletePhraseTyped() {
  return $('delete-input').value.trim().toLowerCase() === DELETE_PHRASE;
}

async function confirmDelete() {
  if (!deletePhraseTyped()) return;
  const button = $('delete-confirm');
  button.disabled = true;
  try {
    const result = await api('/api/delete', { confirm: DELETE_PHRASE });
    $('delete-dialog').close('deleted');
    const removed = result?.removedFiles ?? 0;
    announce(`All data deleted: ${removed} files removed.`);
    showNotice('info', `All data deleted: ${removed} files removed.`, 'Collection continues in the current mode.');
    state.signatures.clear();
    await refresh();
  } catch (error) {
    $('delete-dialog').close('failed');
    showError(error);
  } finally {
    button.disabled = !deletePhraseTyped();
  }
}

/** A link cannot carry the token: fetch the export, then save it from an object URL. */
async function downloadExport() {
  const button = $('export-link');
  if (button.disabled) return;
  button.disabled = true;
  try {
    const response = await request('/api/export');
    const blob = await response.blob();
    const disposition = response.headers.get('Content-Disposition') ?? '';
    const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'prism-telemetry-export.json';
    const href = window.URL.createObjectURL(blob);
    const link = el('a', { href, download: name, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    window.setTimeout(() => window.URL.revokeObjectURL(href), 60_000);
    announce(`Export saved as ${name}.`);
  } catch (error) {
    showError(error);
  } finally {
    button.disabled = false;
  }
}

// ---------- What is collected ----------

function attributeChips(attributes) {
  if (!attributes || attributes.length === 0) return [el('span', { class: 'muted', text: 'none' })];
  return attributes.map((attribute) =>
    el(
      'span',
      {
        class: 'chip',
        'data-treatment': attribute.treatment,
        title: [
          attribute.description,
          attribute.values ? `values: ${attribute.values.join(', ')}` : '',
          attribute.buckets ? `buckets: ${attribute.buckets.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join(' · '),
      },
      attribute.key,
      el('span', { class: 'treatment', text: attribute.treatment }),
    ),
  );
}

function renderCollected(collected) {
  state.collected = collected;
  const manifest = collected.manifest ?? { metrics: [], neverCollected: [] };
  setText('manifest-level', collected.level ?? manifest.level ?? '–');
  setText(
    'manifest-summary',
    `${manifest.metrics.length} metrics · policy ${manifest.policyVersion ?? '?'} · manifest ${String(manifest.hash ?? '').slice(0, 12)}`,
  );
  renderInto($('manifest-table').tBodies[0], 'manifest', manifest.hash ?? manifest, () =>
    manifest.metrics.map((metric) =>
      el(
        'tr',
        { 'data-testid': 'manifest-row' },
        el('td', {}, el('code', { text: metric.name })),
        el('td', { class: 'mono', text: metric.unit }),
        el('td', { text: metric.category }),
        el('td', {}, attributeChips(metric.attributes)),
        el('td', { text: metric.description }),
      ),
    ),
  );
  renderInto($('never-collected'), 'never', manifest.neverCollected ?? [], () =>
    (manifest.neverCollected ?? []).map((item) => el('li', { text: item })),
  );

  const storage = collected.storage ?? { categories: [] };
  setText('storage-path', storage.path ?? '–');
  setText('storage-total', formatBytes(storage.totalBytes));
  setText('storage-limit', storage.maxTotalBytes ? `limit ${formatBytes(storage.maxTotalBytes)}` : '');
  renderInto($('storage').tBodies[0], 'storage', storage.categories, () =>
    (storage.categories ?? []).map((category) =>
      el(
        'tr',
        { 'data-testid': 'storage-row' },
        el('td', { text: category.category }),
        el('td', { class: 'num', text: formatBytes(category.bytes) }),
        el('td', { class: 'num', text: category.files }),
        el('td', { class: 'num', text: `${category.retentionDays} d` }),
      ),
    ),
  );

  const consent = collected.consent;
  $('consent-none').hidden = Boolean(consent);
  $('consent').hidden = !consent;
  renderInto($('consent'), 'consent', consent, () => {
    if (!consent) return [];
    const rows = [
      ['Given', formatWhen(consent.timestamp)],
      ['Endpoint', consent.endpoint],
      ['Level', consent.level],
      ['Categories', (consent.categories ?? []).join(', ')],
      ['Policy', `${consent.policyVersion} (manifest ${String(consent.manifestHash).slice(0, 12)})`],
      ['Receipt', consent.id],
    ];
    return rows.flatMap(([key, value]) => [el('dt', { text: key }), el('dd', { text: value })]);
  });

  const outbound = collected.outbound ?? {};
  $('nothing-left').hidden = outbound.nothingLeft !== true;
  setText('outbound-attempts', outbound.attempts ?? 0);
  setText('outbound-bytes', formatBytes(outbound.bytes ?? 0));
  setText(
    'outbound-last-send',
    outbound.lastSendAt ? `${formatWhen(outbound.lastSendAt)} (${formatAgo(outbound.lastSendAt)})` : 'never',
  );
  setText(
    'outbound-last',
    outbound.lastAttemptAt ? `${formatWhen(outbound.lastAttemptAt)}: ${outbound.lastResult ?? 'unknown'}` : 'never',
  );
}

// ---------- Charts ----------

function cssVar(name) {
  return window.getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/** How a chart's values read, from its unit (UCUM as in the manifest). */
function valueFormat(chart) {
  const unit = chart.unit ?? '';
  if (unit === '%') return { fmt: (v) => `${formatNumber(v, 1)} %`, range: [0, 100] };
  if (unit === '1' && ['cpu', 'memory', 'disk'].includes(chart.id)) {
    return { fmt: (v) => `${formatNumber(v * 100, 1)} %`, range: [0, 1] };
  }
  if (unit === 'By') return { fmt: formatBytes };
  if (unit === 's') return { fmt: (v) => (Math.abs(v) < 1 ? formatLatency(v * 1000) : formatDuration(v)) };
  if (unit === 'ms') return { fmt: formatLatency };
  const suffix = unit === '1' ? '' : ` ${unit.replace(/[{}]/g, '')}`;
  return { fmt: (v) => `${formatNumber(v)}${suffix}` };
}

/**
 * uPlot wants one x array shared by every series. Missing samples of a series become `undefined` (the line
 * continues), and a pause longer than five sampling intervals becomes `null` (the line breaks there).
 */
function alignSeries(series) {
  const xs = new Set();
  for (const s of series) for (const [t] of s.points) xs.add(t);
  const times = [...xs].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const columns = series.map((s) => {
    const column = new Array(times.length).fill(undefined);
    const points = [...s.points].sort((a, b) => a[0] - b[0]);
    const deltas = points
      .slice(1)
      .map((p, i) => p[0] - points[i][0])
      .sort((a, b) => a - b);
    const typical = deltas.length > 0 ? deltas[Math.floor(deltas.length / 2)] : Infinity;
    points.forEach(([t, v], i) => {
      column[index.get(t)] = typeof v === 'number' && Number.isFinite(v) ? v : null;
      if (i > 0 && t - points[i - 1][0] > 5 * typical) {
        const previous = index.get(points[i - 1][0]);
        if (column[previous + 1] === undefined && previous + 1 < index.get(t)) column[previous + 1] = null;
      }
    });
    return column;
  });
  return { data: [times.map((t) => t / 1000), ...columns], count: series.reduce((n, s) => n + s.points.length, 0) };
}

function lastValue(column) {
  for (let i = column.length - 1; i >= 0; i--) if (typeof column[i] === 'number') return column[i];
  return null;
}

function chartCard(chart) {
  const card = el(
    'figure',
    { class: 'chart', 'data-testid': 'chart', 'data-chart-id': chart.id, 'data-points': '0' },
    el(
      'figcaption',
      { class: 'chart-head' },
      el('h3', { text: chart.title }),
      el('span', { class: 'unit' }),
      chart.id === 'level'
        ? el('span', { class: 'badge evolution', 'data-testid': 'level-evolution', 'data-evolution': 'unknown' })
        : null,
      el('span', { class: 'last' }),
    ),
    el('div', { class: 'plot', role: 'img' }),
    el('p', { class: 'empty', 'data-testid': 'chart-empty', text: 'No data in this range yet.' }),
  );
  return card;
}

/** Pseudonymised labels (`anon:<64 hex>`) stay recognisable with their first characters. */
function shortLabel(label) {
  const text = String(label);
  return text.length > 24 ? `${text.slice(0, 16)}…` : text;
}

function plotOptions(chart, width, format) {
  const axis = cssVar('--axis') || '#5f6b7c';
  const grid = cssVar('--grid') || '#e9ecf0';
  const single = chart.series.length === 1;
  return {
    width,
    height: 150,
    padding: [8, 14, 0, 0],
    cursor: { drag: { x: false, y: false }, points: { size: 6 } },
    legend: { show: !single, live: true },
    hooks: { setCursor: [(u) => u.cursor.idx == null && showLatestInLegend(u)] },
    scales: {
      // One sample has no extent: give it a minute either side so it shows as a dot, not an empty axis.
      // (uPlot would stretch it over 86400 of its own time units, which here are seconds times 1000.)
      x: {
        time: true,
        range: (u, min, max) => (u.data?.[0]?.length === 1 ? [u.data[0][0] - 60, u.data[0][0] + 60] : [min, max]),
      },
      y: format.range ? { range: (u, min, max) => [format.range[0], Math.max(format.range[1], max ?? 0)] } : {},
    },
    axes: [
      {
        stroke: axis,
        grid: { stroke: grid, width: 1 },
        ticks: { stroke: grid, width: 1 },
        size: 30,
        space: 80,
        values: timeTicks,
      },
      {
        stroke: axis,
        grid: { stroke: grid, width: 1 },
        ticks: { show: false },
        size: 62,
        space: 30,
        values: (u, splits) => splits.map((v) => (v === 0 ? '0' : format.fmt(v))),
      },
    ],
    series: [
      {},
      ...chart.series.map((s, i) => {
        const color = PALETTE[i % PALETTE.length];
        return {
          label: shortLabel(s.label),
          stroke: color,
          width: 1.5,
          fill: single ? `${color}22` : undefined,
          // Dots only where there is no line to speak of (a just-started agent).
          points: { size: 5, show: (u) => u.data[0].length <= 3 },
          value: (u, v) => (v === null || v === undefined ? '–' : format.fmt(v)),
        };
      }),
    ],
  };
}

function renderCharts(payload) {
  const grid = $('charts');
  const charts = payload.charts ?? [];
  const seen = new Set();
  let anyData = false;
  charts.forEach((chart, position) => {
    seen.add(chart.id);
    let entry = state.charts.get(chart.id);
    if (!entry) {
      entry = { card: chartCard(chart), plot: null, signature: '' };
      state.charts.set(chart.id, entry);
    }
    if (grid.children[position] !== entry.card) grid.insertBefore(entry.card, grid.children[position] ?? null);
    const { card } = entry;
    const format = valueFormat(chart);
    const { data, count } = alignSeries(chart.series ?? []);
    card.dataset.points = String(count);
    card.querySelector('.unit').textContent = chart.unit && chart.unit !== '1' ? chart.unit : '';
    const plotBox = card.querySelector('.plot');
    const empty = card.querySelector('.empty');
    if (count === 0) {
      entry.plot?.destroy();
      entry.plot = null;
      entry.signature = '';
      plotBox.hidden = true;
      empty.hidden = false;
      card.querySelector('.last').textContent = '';
      return;
    }
    anyData = true;
    plotBox.hidden = false;
    empty.hidden = true;
    const latest = lastValue(data[1]);
    const latestText = latest === null ? '' : format.fmt(latest);
    card.querySelector('.last').textContent = chart.series.length === 1 ? latestText : '';
    plotBox.setAttribute('aria-label', `${chart.title}, latest ${latestText || 'unknown'}`);
    const signature = JSON.stringify([chart.unit, chart.series.map((s) => s.label), cssVar('--axis')]);
    if (typeof uPlot === 'undefined') return;
    if (entry.plot && entry.signature === signature) {
      entry.plot.setData(data);
    } else {
      entry.plot?.destroy();
      entry.plot = new uPlot(plotOptions(chart, plotWidth(plotBox), format), data, plotBox);
      entry.signature = signature;
    }
    showLatestInLegend(entry.plot);
  });
  for (const [id, entry] of state.charts) {
    if (seen.has(id)) continue;
    entry.plot?.destroy();
    entry.card.remove();
    state.charts.delete(id);
  }
  $('charts-empty').hidden = anyData;

  const evolution = payload.levelStatus?.evolution ?? 'unknown';
  const badge = $('level-evolution');
  if (badge) {
    badge.dataset.evolution = evolution;
    const functional = payload.levelStatus?.functional;
    const arrow = { growing: '↗', stable: '→', declining: '↘' }[evolution] ?? '?';
    badge.textContent = `${arrow} ${evolution}${functional === false ? ' · not reporting' : ''}`;
    badge.title = 'Trend of the application level';
  }
}

/** Without a cursor on the plot, the legend shows the latest values rather than dashes. */
function showLatestInLegend(plot) {
  const length = plot.data[0].length;
  if (length > 0 && plot.cursor.idx == null) plot.setLegend({ idx: length - 1 });
}

function plotWidth(box) {
  return Math.max(200, Math.floor(box.clientWidth || box.parentElement.clientWidth - 20));
}

function resizeCharts() {
  for (const entry of state.charts.values()) {
    if (!entry.plot) continue;
    const width = plotWidth(entry.card.querySelector('.plot'));
    if (Math.abs(entry.plot.width - width) > 1) entry.plot.setSize({ width, height: 150 });
  }
}

function restyleCharts() {
  for (const entry of state.charts.values()) entry.signature = '';
  if (state.lastCharts) renderCharts(state.lastCharts);
}

// ---------- Refresh loop ----------

async function refreshCharts() {
  const charts = await api(`/api/charts?hours=${state.hours}`);
  state.lastCharts = charts;
  renderCharts(charts);
}

async function refreshOnce() {
  const results = await Promise.allSettled([
    api('/api/overview').then(renderOverview),
    refreshCharts(),
    api('/api/collected').then(renderCollected),
  ]);
  const failure = results.find((r) => r.status === 'rejected');
  const updated = $('last-updated');
  if (failure) {
    const error =
      failure.reason instanceof ApiError ? failure.reason : new ApiError(0, { message: String(failure.reason) });
    showError(error);
    updated.classList.add('stale');
    setText('last-updated', `Update failed ${timeFormat.format(new Date())}`);
  } else {
    if ($('error-banner').dataset.kind === 'error' && state.lastFailed) $('error-banner').hidden = true;
    updated.classList.remove('stale');
    setText('last-updated', `Updated ${timeFormat.format(new Date())}`);
  }
  state.lastFailed = Boolean(failure);
  document.body.dataset.loaded = 'true';
}

/** One refresh at a time; a request made while one runs waits for it and then runs again. */
async function refresh() {
  while (state.refreshing) await state.refreshing;
  state.refreshing = refreshOnce().finally(() => {
    state.refreshing = null;
  });
  return state.refreshing;
}

function schedule() {
  window.clearTimeout(state.timer);
  if (state.unauthorized) return;
  state.timer = window.setTimeout(async () => {
    if (!document.hidden) await refresh();
    schedule();
  }, REFRESH_MILLIS);
}

// ---------- Wiring ----------

function wire() {
  $('error-dismiss').addEventListener('click', () => {
    $('error-banner').hidden = true;
  });

  for (const button of document.querySelectorAll('.segmented [data-mode]')) {
    button.addEventListener('click', () => {
      const mode = button.dataset.mode;
      if (mode === state.overview?.mode?.mode && mode !== 'on') return;
      if (mode === 'on') void openModeDialog();
      else void setMode({ mode });
    });
  }
  $('sharing-level').addEventListener('change', (event) => void renderSharedMetrics(event.target.value));
  $('mode-cancel').addEventListener('click', () => $('mode-dialog').close('cancel'));
  $('mode-dialog').addEventListener('close', () => {
    if ($('mode-dialog').returnValue !== 'confirmed') announce('Sharing stays off.');
    $('mode-dialog').returnValue = '';
  });
  $('mode-confirm').addEventListener('click', () => {
    const level = $('sharing-level').value;
    $('mode-dialog').close('confirmed');
    void setMode({ mode: 'on', level, confirm: true });
  });

  $('export-link').addEventListener('click', () => void downloadExport());
  $('delete-button').addEventListener('click', openDeleteDialog);
  $('delete-input').addEventListener('input', () => {
    $('delete-confirm').disabled = !deletePhraseTyped();
  });
  $('delete-input').addEventListener('keydown', (event) => {
    if (event.key === 'Enter') void confirmDelete();
  });
  $('delete-confirm').addEventListener('click', () => void confirmDelete());
  $('delete-cancel').addEventListener('click', () => $('delete-dialog').close('cancel'));
  // Escape closes a dialog too: say what that meant.
  $('delete-dialog').addEventListener('close', () => {
    if ($('delete-dialog').returnValue !== 'deleted') announce('Nothing was deleted.');
    $('delete-dialog').returnValue = '';
  });

  for (const button of document.querySelectorAll('[data-hours]')) {
    button.addEventListener('click', async () => {
      state.hours = Number(button.dataset.hours);
      for (const other of document.querySelectorAll('[data-hours]')) {
        other.setAttribute('aria-pressed', String(other === button));
      }
      try {
        await refreshCharts();
      } catch (error) {
        showError(error);
      }
    });
  }

  new window.ResizeObserver(() => window.requestAnimationFrame(resizeCharts)).observe($('charts'));
  window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', restyleCharts);
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && !state.unauthorized) void refresh();
  });
  window.setInterval(renderUptime, 1000);
}

if (typeof uPlot === 'undefined') {
  showNotice('error', 'The chart library did not load.', 'Reload the page; if it persists, restart the agent.');
}
state.token = takeToken();
wire();
void refresh().then(schedule);
