import { dateTimeLiteral, numberLiteral, stringLiteral, type Tables } from '@cdnlog/common';

export type TouchedMinutes = Map<string, { min: number; max: number }>;

const MINUTE = 60_000;

/** Remember, per tenant, the range of event times a flush wrote. */
export function touch(touched: TouchedMinutes, tenant: string, timestampMs: number): void {
  const range = touched.get(tenant);
  if (!range) touched.set(tenant, { min: timestampMs, max: timestampMs });
  else {
    if (timestampMs < range.min) range.min = timestampMs;
    if (timestampMs > range.max) range.max = timestampMs;
  }
}

/**
 * Recompute the minute rollups of the touched minutes from the deduplicated raw
 * rows (FINAL) and insert them with `version`: ReplacingMergeTree(version)
 * keeps only the newest row per (customer_id, minute), so a recomputation
 * replaces the previous one and duplicates in the raw table never inflate it.
 * Every value reaches SQL through the audited helpers in libs/common.
 */
export function recomputeRollupsSql(tables: Tables, touched: TouchedMinutes, version: number): string {
  const ranges = [...touched].map(([tenant, { min, max }]) => {
    const from = Math.floor(min / MINUTE) * MINUTE;
    const to = Math.floor(max / MINUTE) * MINUTE + MINUTE;
    return `(customer_id = ${stringLiteral(tenant)} AND timestamp >= ${dateTimeLiteral(from)} AND timestamp < ${dateTimeLiteral(to)})`;
  });
  return `INSERT INTO ${tables.minuteRollups}
SELECT customer_id, toStartOfMinute(timestamp) AS minute, count() AS requests, sum(bytes_sent) AS bytes,
  countIf(status >= 200 AND status < 300) AS status_2xx, countIf(status >= 300 AND status < 400) AS status_3xx,
  countIf(status >= 400 AND status < 500) AS status_4xx, countIf(status >= 500) AS status_5xx,
  countIf(position(cache_status, 'HIT') > 0) AS cache_hits, countIf(position(cache_status, 'MISS') > 0) AS cache_misses,
  uniqState(client_ip) AS unique_ips, ${numberLiteral(version)} AS version
FROM ${tables.enrichedLogs} FINAL
WHERE ${ranges.join('\n   OR ')}
GROUP BY customer_id, minute`;
}
