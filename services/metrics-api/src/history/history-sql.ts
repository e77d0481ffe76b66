import { dateTimeLiteral, numberLiteral, stringLiteral, type Tables } from '@cdnlog/common';
import type { HistoryQuery } from './history-query';

const BUCKET: Record<HistoryQuery['interval'], (column: string) => string> = {
  minute: (c) => `toStartOfMinute(${c})`,
  hour: (c) => `toStartOfHour(${c})`,
  day: (c) => `toStartOfDay(${c})`,
};

/** groupBy value → SQL over enriched_logs. A fixed map: the request chooses a key, never text. */
const GROUP: Record<NonNullable<HistoryQuery['groupBy']>, string> = {
  country: 'country',
  status: 'toString(status)',
  statusClass: "concat(toString(intDiv(status, 100)), 'xx')",
  path: 'path',
  uaFamily: 'ua_family',
  cacheStatus: 'cache_status',
  pop: 'pop',
  city: 'city',
};

function rangeCondition(tenant: string, q: HistoryQuery, column: string): string {
  return `customer_id = ${stringLiteral(tenant)} AND ${column} >= ${dateTimeLiteral(q.from)} AND ${column} < ${dateTimeLiteral(q.to)}`;
}

/**
 * History SQL in the portable subset (18.16 … current). Without groupBy it
 * reads the deduplicated minute rollups; with groupBy it reads the raw rows
 * with FINAL and keeps the top N groups per bucket (LIMIT n BY). Values reach
 * the text only through the audited literal helpers.
 */
export function historySql(tables: Tables, tenant: string, q: HistoryQuery): string {
  const range = (column: string) => rangeCondition(tenant, q, column);
  if (!q.groupBy) {
    return `SELECT toUnixTimestamp(bucket) AS ts, '' AS grp, requests, bytes, status2xx, status3xx, status4xx, status5xx, uniqueIps FROM (
  SELECT ${BUCKET[q.interval]('minute')} AS bucket, sum(requests) AS requests, sum(bytes) AS bytes,
    sum(status_2xx) AS status2xx, sum(status_3xx) AS status3xx, sum(status_4xx) AS status4xx, sum(status_5xx) AS status5xx,
    uniqMerge(unique_ips) AS uniqueIps
  FROM ${tables.minuteRollups} FINAL
  WHERE ${range('minute')}
  GROUP BY bucket ORDER BY bucket LIMIT ${numberLiteral(q.limit)})`;
  }
  return `SELECT toUnixTimestamp(bucket) AS ts, grp, requests, bytes, status2xx, status3xx, status4xx, status5xx, uniqueIps FROM (
  SELECT ${BUCKET[q.interval]('timestamp')} AS bucket, ${GROUP[q.groupBy]} AS grp, count() AS requests, sum(bytes_sent) AS bytes,
    countIf(status >= 200 AND status < 300) AS status2xx, countIf(status >= 300 AND status < 400) AS status3xx,
    countIf(status >= 400 AND status < 500) AS status4xx, countIf(status >= 500) AS status5xx, uniq(client_ip) AS uniqueIps
  FROM ${tables.enrichedLogs} FINAL
  WHERE ${range('timestamp')}
  GROUP BY bucket, grp ORDER BY bucket, requests DESC, grp LIMIT ${numberLiteral(q.top)} BY bucket LIMIT ${numberLiteral(q.limit)})`;
}

/**
 * The read bound's probe: the rows historySql would read, without FINAL. ClickHouse 18.16
 * applies `max_rows_to_read` to this, comparing the primary index's estimate with the bound
 * before reading, but not to a FINAL read; current versions apply it to both. Under the bound
 * the probe stops after its first row.
 */
export function historyProbeSql(tables: Tables, tenant: string, q: HistoryQuery): string {
  return q.groupBy
    ? `SELECT 1 FROM ${tables.enrichedLogs} WHERE ${rangeCondition(tenant, q, 'timestamp')} LIMIT 1`
    : `SELECT 1 FROM ${tables.minuteRollups} WHERE ${rangeCondition(tenant, q, 'minute')} LIMIT 1`;
}
