import { type Migration, replacingTable } from './migration';

/**
 * Per-tenant, per-minute totals for fast history queries. Not fed by a
 * materialized view: a view fires on every insert, duplicates included, and
 * 18.16 has no insert deduplication token. Instead the enricher recomputes each
 * touched minute from the deduplicated raw rows (`enriched_logs FINAL`) after
 * every flush and inserts the result with a higher `version`:
 * ReplacingMergeTree(version) keeps only the newest row per (customer_id,
 * minute), so a recomputation replaces, never adds. Read with FINAL.
 * `unique_ips` is a uniq state, so hours and days merge with uniqMerge.
 */
export const minuteRollups: Migration = {
  version: 2,
  name: 'minute_rollups',
  statements: (ctx) =>
    replacingTable(
      ctx,
      ctx.tables.minuteRollups,
      `customer_id String,
       minute DateTime,
       requests UInt64,
       bytes UInt64,
       status_2xx UInt64,
       status_3xx UInt64,
       status_4xx UInt64,
       status_5xx UInt64,
       cache_hits UInt64,
       cache_misses UInt64,
       unique_ips AggregateFunction(uniq, String),
       version UInt64`,
      `PARTITION BY toYYYYMMDD(minute) ORDER BY (customer_id, minute) SETTINGS index_granularity = 8192`,
      'cityHash64(customer_id)',
      'version',
    ),
};
