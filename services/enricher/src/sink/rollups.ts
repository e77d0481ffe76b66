import { dateTimeLiteral, numberLiteral, stringLiteral, type Tables } from '@cdnlog/common';

const MINUTE = 60_000;

/**
 * Ranges one recomputation statement holds at most: ~115 bytes each keeps a statement far below
 * ClickHouse's `max_query_size` (256 KiB) however many tenants are due at once.
 */
export const MAX_RANGES_PER_STATEMENT = 200;

/** Minutes one range holds at most: a tenant's day of late events is read an hour per range, not all at once. */
export const MAX_MINUTES_PER_RANGE = 60;

/** Per tenant, the minutes (epoch ms of their start) a flush wrote rows into. */
export type TouchedMinutes = Map<string, Set<number>>;

/** The start of the minute `timestampMs` falls in, epoch ms. */
export function minuteOf(timestampMs: number): number {
  return Math.floor(timestampMs / MINUTE) * MINUTE;
}

/** Remember that a flush wrote rows of `tenant` into `minutes`. */
export function touch(touched: TouchedMinutes, tenant: string, minutes: Iterable<number>): void {
  let set = touched.get(tenant);
  if (!set) touched.set(tenant, (set = new Set()));
  for (const m of minutes) set.add(m);
}

/** One tenant's run of consecutive minutes: event times in [from, to), epoch ms. */
export interface MinuteRange {
  tenant: string;
  from: number;
  to: number;
}

/**
 * Per tenant, consecutive minutes joined into ranges of at most MAX_MINUTES_PER_RANGE.
 * Minutes apart stay apart: a message with one week-old event beside current ones
 * makes its tenant's recomputation read two minutes, not the week between them.
 */
export function minuteRanges(minutes: Iterable<{ tenant: string; minute: number }>): MinuteRange[] {
  const byTenant = new Map<string, number[]>();
  for (const { tenant, minute } of minutes) {
    const list = byTenant.get(tenant);
    if (list) list.push(minute);
    else byTenant.set(tenant, [minute]);
  }
  const ranges: MinuteRange[] = [];
  for (const [tenant, list] of byTenant) {
    list.sort((a, b) => a - b);
    let range: MinuteRange | undefined;
    for (const m of list) {
      if (range && m < range.to) continue; // the same minute again
      if (range && m === range.to && range.to - range.from < MAX_MINUTES_PER_RANGE * MINUTE) range.to += MINUTE;
      else ranges.push((range = { tenant, from: m, to: m + MINUTE }));
    }
  }
  return ranges;
}

/**
 * Recompute the minute rollups of `ranges` from the deduplicated raw rows
 * (FINAL) and insert them with `version`: ReplacingMergeTree(version) keeps
 * only the newest row per (customer_id, minute), so a recomputation replaces
 * the previous one and duplicates in the raw table never inflate it. Every
 * value reaches SQL through the audited helpers in libs/common.
 */
export function recomputeRollupsSql(tables: Tables, ranges: readonly MinuteRange[], version: number): string {
  const conditions = ranges.map(
    ({ tenant, from, to }) => `(customer_id = ${stringLiteral(tenant)} AND timestamp >= ${dateTimeLiteral(from)} AND timestamp < ${dateTimeLiteral(to)})`,
  );
  return `INSERT INTO ${tables.minuteRollups}
SELECT customer_id, toStartOfMinute(timestamp) AS minute, count() AS requests, sum(bytes_sent) AS bytes,
  countIf(status >= 200 AND status < 300) AS status_2xx, countIf(status >= 300 AND status < 400) AS status_3xx,
  countIf(status >= 400 AND status < 500) AS status_4xx, countIf(status >= 500) AS status_5xx,
  countIf(position(cache_status, 'HIT') > 0) AS cache_hits, countIf(position(cache_status, 'MISS') > 0) AS cache_misses,
  uniqState(client_ip) AS unique_ips, ${numberLiteral(version)} AS version
FROM ${tables.enrichedLogs} FINAL
WHERE ${conditions.join('\n   OR ')}
GROUP BY customer_id, minute`;
}
