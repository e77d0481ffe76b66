/**
 * Pure logic of the analyst dashboard (no DOM): history query strings, chart
 * series from the API's JSON, number formatting and error states. Compiled for
 * the browser by ./tsconfig.json and unit-tested by dashboard-logic.test.ts.
 * The shapes mirror src/api-schemas.ts (the browser build cannot import zod).
 */

export interface Counters {
  requests: number;
  bytes: number;
  status2xx: number;
  status3xx: number;
  status4xx: number;
  status5xx: number;
  uniqueIps: number;
}
export interface LiveMinute extends Counters {
  minute: string;
  topCountries: Array<{ country: string; requests: number }>;
  topPaths: Array<{ path: string; requests: number }>;
  topUaFamilies: Array<{ uaFamily: string; requests: number }>;
}
export interface LiveView {
  customerId: string;
  windowMinutes: number;
  totals: Counters & { cacheHitRatio: number | null };
  minutes: LiveMinute[];
}
export interface HistoryBucket extends Counters {
  bucket: string;
  group: string | null;
}
export interface HistoryView {
  interval: Interval;
  groupBy: GroupBy | null;
  buckets: HistoryBucket[];
}

/** The API's values (src/history/history-query.ts; a unit test keeps them equal). */
export const INTERVALS = ['minute', 'hour', 'day'] as const;
export const GROUP_BY = ['country', 'status', 'statusClass', 'path', 'uaFamily', 'cacheStatus', 'pop', 'city'] as const;
export type Interval = (typeof INTERVALS)[number];
export type GroupBy = (typeof GROUP_BY)[number];

export const RANGE_PRESETS = { hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000, month: 30 * 86_400_000 } as const;
export type RangePreset = keyof typeof RANGE_PRESETS | 'custom';

/** The finest interval the API allows for a range (minute ≤ 7 days, hour ≤ 92 days), at most ~1500 points. */
export function defaultInterval(rangeMs: number): Interval {
  if (rangeMs <= 86_400_000) return 'minute';
  if (rangeMs <= 92 * 86_400_000) return 'hour';
  return 'day';
}

/** [from, to) of a preset ending now, or of a custom range (datetime-local values, read as local time). */
export function historyRange(preset: RangePreset, nowMs: number, custom?: { from: string; to: string }): { from: number; to: number } | { error: string } {
  if (preset !== 'custom') return { from: nowMs - RANGE_PRESETS[preset], to: nowMs };
  const from = custom?.from ? Date.parse(custom.from) : NaN;
  const to = custom?.to ? Date.parse(custom.to) : NaN;
  if (Number.isNaN(from) || Number.isNaN(to)) return { error: 'Enter both the start and the end of the range.' };
  if (to <= from) return { error: 'The end of the range must be after its start.' };
  return { from, to };
}

export interface HistoryParams {
  from: number;
  to: number;
  interval: Interval;
  groupBy?: GroupBy | null;
  format?: 'json' | 'csv';
}

/** Query string of GET /api/v1/metrics/:customerId/history (times as epoch milliseconds). */
export function historyQueryString(p: HistoryParams): string {
  const q = new URLSearchParams({ from: String(Math.floor(p.from)), to: String(Math.floor(p.to)), interval: p.interval });
  if (p.groupBy) q.set('groupBy', p.groupBy);
  if (p.format === 'csv') q.set('format', 'csv');
  return q.toString();
}

export const liveUrl = (customerId: string) => `/api/v1/metrics/${encodeURIComponent(customerId)}`;
export const historyUrl = (customerId: string, p: HistoryParams) => `${liveUrl(customerId)}/history?${historyQueryString(p)}`;

/** uPlot's aligned data: x in epoch seconds, then one array per series. */
export interface Series {
  labels: string[];
  data: [number[], ...Array<Array<number | null>>];
}

export const STATUS_CLASSES = ['status2xx', 'status3xx', 'status4xx', 'status5xx'] as const;

/** Requests per minute of the live window, total and by status class. */
export function liveSeries(view: LiveView): Series {
  const xs = view.minutes.map((m) => Date.parse(m.minute) / 1000);
  return {
    labels: ['requests', '2xx', '3xx', '4xx', '5xx'],
    data: [xs, view.minutes.map((m) => m.requests), ...STATUS_CLASSES.map((c) => view.minutes.map((m) => m[c]))],
  };
}

export const INTERVAL_SECONDS: Record<Interval, number> = { minute: 60, hour: 3600, day: 86_400 };

/**
 * Requests per bucket: one series ("requests") without groupBy, else one per group,
 * ordered by their total requests (most first). With the query's range, every bucket
 * of [from, to) is a point (the API leaves out buckets without traffic); a bucket a
 * group is absent from is 0.
 */
export function historySeries(view: HistoryView, range?: { from: number; to: number }): Series {
  const starts = new Set(view.buckets.map((b) => Date.parse(b.bucket) / 1000));
  if (range) {
    const step = INTERVAL_SECONDS[view.interval];
    for (let x = Math.floor(range.from / 1000 / step) * step; x < range.to / 1000; x += step) starts.add(x);
  }
  const xs = [...starts].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const totals = new Map<string, number>();
  for (const b of view.buckets) {
    const name = view.groupBy ? groupLabel(b.group) : 'requests';
    totals.set(name, (totals.get(name) ?? 0) + b.requests);
  }
  const labels = [...totals.keys()].sort((a, b) => totals.get(b)! - totals.get(a)! || a.localeCompare(b));
  const rows = new Map(labels.map((l) => [l, xs.map(() => 0)]));
  for (const b of view.buckets) {
    const row = rows.get(view.groupBy ? groupLabel(b.group) : 'requests')!;
    row[index.get(Date.parse(b.bucket) / 1000)!]! += b.requests;
  }
  return { labels, data: [xs, ...labels.map((l) => rows.get(l)!)] };
}

const groupLabel = (group: string | null) => (group === null || group === '' ? '(none)' : group);

/** A top list of the window: the minutes' top lists summed by key, most first (ties by key). */
export function windowTop<T extends { requests: number }>(minutes: LiveMinute[], pick: (m: LiveMinute) => T[], key: (e: T) => string, n = 10): Array<{ key: string; requests: number }> {
  const sums = new Map<string, number>();
  for (const m of minutes) for (const e of pick(m)) sums.set(key(e), (sums.get(key(e)) ?? 0) + e.requests);
  return [...sums].map(([k, requests]) => ({ key: k, requests })).sort((a, b) => b.requests - a.requests || a.key.localeCompare(b.key)).slice(0, n);
}

export const formatCount = (n: number) => n.toLocaleString('en-US');

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${units[u]}`;
}

export const formatRatio = (r: number | null) => (r === null ? 'n/a' : `${(r * 100).toFixed(1)} %`);

export type Failure = { kind: 'auth'; text: string } | { kind: 'error'; text: string };

/** What the page shows for a failed API call: 401/403 are "wrong tenant or key", else the API's error code and message. */
export function describeFailure(status: number, body: unknown): Failure {
  if (status === 401 || status === 403) return { kind: 'auth', text: 'Wrong tenant or key.' };
  const b = (body ?? {}) as { error?: unknown; message?: unknown };
  const code = typeof b.error === 'string' ? b.error : `http_${status}`;
  const message = typeof b.message === 'string' ? b.message : 'The metrics API did not answer as expected.';
  return { kind: 'error', text: `${code}: ${message}` };
}

/** File name of a downloaded CSV. */
export const csvFileName = (customerId: string, p: HistoryParams) =>
  `${customerId}-history-${new Date(p.from).toISOString().slice(0, 16).replace(/:/g, '')}-${p.interval}${p.groupBy ? `-by-${p.groupBy}` : ''}.csv`;
