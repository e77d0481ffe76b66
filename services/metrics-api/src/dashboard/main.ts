/**
 * The analyst dashboard in the browser: asks for tenant id and read key (kept in
 * sessionStorage, sent as `authorization: Bearer …`, never in a URL), shows the
 * live window (refreshed every 5 s) and history with uPlot (loaded as a classic
 * script from /dashboard/vendor before this module). Every API value reaches the
 * page through textContent, never as HTML.
 */
import type UPlot from 'uplot';
import {
  csvFileName, defaultInterval, describeFailure, formatBytes, formatCount, formatRatio, GROUP_BY, type GroupBy, historyRange, historySeries,
  historyUrl, type HistoryParams, type HistoryView, type Interval, liveSeries, liveUrl, type LiveView, RANGE_PRESETS, type RangePreset,
  type Series, windowTop,
} from './dashboard-logic.js';

declare const uPlot: typeof UPlot;

const LIVE_REFRESH_MS = 5000;
const STORE = { tenant: 'cdnlog.dashboard.tenant', key: 'cdnlog.dashboard.key' };
const COLORS = ['#2563eb', '#16a34a', '#9333ea', '#ea580c', '#dc2626', '#0891b2', '#ca8a04', '#db2777', '#4b5563', '#65a30d', '#7c3aed', '#0d9488'];
const STATUS_COLORS = ['#111827', '#16a34a', '#2563eb', '#ea580c', '#dc2626'];

const $ = <T extends HTMLElement = HTMLElement>(testId: string): T => {
  const el = document.querySelector<T>(`[data-testid="${testId}"]`);
  if (!el) throw new Error(`missing element ${testId}`);
  return el;
};

interface Session {
  tenant: string;
  key: string;
}
let session: Session | null = null;
let liveTimer: number | undefined;
let liveBusy = false;
let liveChart: UPlot | undefined;
let historyChart: UPlot | undefined;

type Answer<T> = { ok: true; body: T; blob?: Blob } | { ok: false; status: number; body: unknown };

async function call<T>(url: string, as: 'json' | 'blob' = 'json'): Promise<Answer<T>> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${session!.key}` }, cache: 'no-store' });
  if (!res.ok) return { ok: false, status: res.status, body: await res.json().catch(() => null) };
  return as === 'blob' ? { ok: true, body: undefined as T, blob: await res.blob() } : { ok: true, body: (await res.json()) as T };
}

function setState(testId: string, state: 'idle' | 'loading' | 'ready' | 'empty' | 'auth' | 'error', text = '') {
  const el = $(testId);
  el.dataset.state = state;
  el.textContent = text;
  el.className = `state state-${state}`;
}

/** A failed call: 401/403 sends the reader back to the sign-in form with "wrong tenant or key". */
function fail(stateId: string, status: number, body: unknown) {
  const f = describeFailure(status, body);
  setState(stateId, f.kind, f.text);
  if (f.kind === 'auth') signOut(f.text);
}

function fillTable(testId: string, rows: Array<{ key: string; requests: number }>) {
  const body = $(testId).querySelector('tbody')!;
  body.replaceChildren(
    ...rows.map((r) => {
      const tr = document.createElement('tr');
      const k = document.createElement('td');
      k.textContent = r.key;
      const v = document.createElement('td');
      v.textContent = formatCount(r.requests);
      v.className = 'num';
      tr.append(k, v);
      return tr;
    }),
  );
}

function drawChart(old: UPlot | undefined, host: HTMLElement, series: Series, colors: string[], title: string): UPlot {
  old?.destroy();
  host.replaceChildren();
  const opts: UPlot.Options = {
    title, width: Math.max(320, host.clientWidth || 800), height: 260,
    series: [{ label: 'time' }, ...series.labels.map((label, i) => ({ label, stroke: colors[i % colors.length], width: 2 }))],
    axes: [{}, { size: 60 }],
  };
  return new uPlot(opts, series.data as UPlot.AlignedData, host);
}

async function refreshLive() {
  if (!session || liveBusy) return;
  liveBusy = true;
  try {
    const answer = await call<LiveView>(liveUrl(session.tenant));
    if (!answer.ok) return fail('live-state', answer.status, answer.body);
    const view = answer.body;
    const t = view.totals;
    for (const [id, value] of Object.entries({ requests: t.requests, bytes: t.bytes, status2xx: t.status2xx, status3xx: t.status3xx, status4xx: t.status4xx, status5xx: t.status5xx, uniqueIps: t.uniqueIps })) {
      const el = $(`total-${id}`);
      el.textContent = formatCount(value);
      el.dataset.value = String(value);
    }
    $('total-bytes-human').textContent = formatBytes(t.bytes);
    const ratio = $('total-cacheHitRatio');
    ratio.textContent = formatRatio(t.cacheHitRatio);
    ratio.dataset.value = String(t.cacheHitRatio);
    fillTable('top-countries', windowTop(view.minutes, (m) => m.topCountries, (e) => e.country));
    fillTable('top-paths', windowTop(view.minutes, (m) => m.topPaths, (e) => e.path));
    fillTable('top-ua-families', windowTop(view.minutes, (m) => m.topUaFamilies, (e) => e.uaFamily));
    liveChart = drawChart(liveChart, $('live-chart'), liveSeries(view), STATUS_COLORS, 'Requests per minute');
    if (t.requests === 0) setState('live-state', 'empty', `No traffic in the last ${view.windowMinutes} minutes.`);
    else setState('live-state', 'ready', `Last ${view.windowMinutes} minutes, updated ${new Date().toLocaleTimeString()}.`);
  } catch (err) {
    setState('live-state', 'error', `network_error: ${(err as Error).message}`);
  } finally {
    liveBusy = false;
  }
}

/** The history query the form describes, or why there is none. */
function historyParams(): HistoryParams | { error: string } {
  const preset = $<HTMLSelectElement>('history-range').value as RangePreset;
  const range = historyRange(preset, Date.now(), { from: $<HTMLInputElement>('history-from').value, to: $<HTMLInputElement>('history-to').value });
  if ('error' in range) return range;
  const groupBy = $<HTMLSelectElement>('history-group-by').value;
  return { ...range, interval: $<HTMLSelectElement>('history-interval').value as Interval, groupBy: groupBy ? (groupBy as GroupBy) : null };
}

let lastHistory: HistoryParams | undefined;

async function loadHistory() {
  if (!session) return;
  const p = historyParams();
  if ('error' in p) return setState('history-state', 'error', p.error);
  lastHistory = p;
  const url = historyUrl(session.tenant, p);
  $('history-query').textContent = url;
  setState('history-state', 'loading', 'Loading…');
  try {
    const answer = await call<HistoryView>(url);
    if (!answer.ok) return fail('history-state', answer.status, answer.body);
    const series = historySeries(answer.body, p);
    historyChart = drawChart(historyChart, $('history-chart'), series, COLORS, p.groupBy ? `Requests by ${p.groupBy}` : 'Requests');
    $('history-chart').dataset.groups = JSON.stringify(series.labels);
    if (answer.body.buckets.length === 0) setState('history-state', 'empty', 'No traffic in this range.');
    else setState('history-state', 'ready', `${answer.body.buckets.length} rows.`);
  } catch (err) {
    setState('history-state', 'error', `network_error: ${(err as Error).message}`);
  }
}

/** The same query as CSV, fetched with the Bearer header and saved through a blob URL. */
async function downloadCsv() {
  if (!session || !lastHistory) return;
  const p = { ...lastHistory, format: 'csv' as const };
  const answer = await call<never>(historyUrl(session.tenant, p), 'blob').catch((err: Error) => ({ ok: false as const, status: 0, body: { error: 'network_error', message: err.message } }));
  if (!answer.ok) return fail('history-state', answer.status, answer.body);
  const url = URL.createObjectURL(answer.blob!);
  const a = document.createElement('a');
  a.href = url;
  a.download = csvFileName(session.tenant, p);
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function signIn(s: Session) {
  session = s;
  sessionStorage.setItem(STORE.tenant, s.tenant);
  sessionStorage.setItem(STORE.key, s.key);
  $('signin').hidden = true;
  $('dashboard').hidden = false;
  $('current-tenant').textContent = s.tenant;
  $('auth-error').textContent = '';
  $('auth-error').hidden = true;
  setState('live-state', 'loading', 'Loading…');
  setState('history-state', 'idle', 'Choose a range and press "Show".');
  window.clearInterval(liveTimer);
  void refreshLive();
  liveTimer = window.setInterval(() => void refreshLive(), LIVE_REFRESH_MS);
  void loadHistory();
}

function signOut(message = '') {
  session = null;
  window.clearInterval(liveTimer);
  sessionStorage.removeItem(STORE.key);
  $('dashboard').hidden = true;
  $('signin').hidden = false;
  $('auth-error').textContent = message;
  $('auth-error').hidden = !message;
  $<HTMLInputElement>('read-key').value = '';
}

function init() {
  const groupBy = $<HTMLSelectElement>('history-group-by');
  for (const g of GROUP_BY) groupBy.append(new Option(g, g));
  const range = $<HTMLSelectElement>('history-range');
  const syncRange = () => {
    const preset = range.value as RangePreset;
    $('history-custom').hidden = preset !== 'custom';
    if (preset !== 'custom') $<HTMLSelectElement>('history-interval').value = defaultInterval(RANGE_PRESETS[preset]);
  };
  range.addEventListener('change', syncRange);
  syncRange();
  $('signin').addEventListener('submit', (e) => {
    e.preventDefault();
    const tenant = $<HTMLInputElement>('tenant-id').value.trim();
    const key = $<HTMLInputElement>('read-key').value;
    if (tenant && key) signIn({ tenant, key });
  });
  $('sign-out').addEventListener('click', () => signOut());
  $('history-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void loadHistory();
  });
  $('download-csv').addEventListener('click', () => void downloadCsv());
  const tenant = sessionStorage.getItem(STORE.tenant);
  const key = sessionStorage.getItem(STORE.key);
  if (tenant) $<HTMLInputElement>('tenant-id').value = tenant;
  if (tenant && key) signIn({ tenant, key });
}

init();
