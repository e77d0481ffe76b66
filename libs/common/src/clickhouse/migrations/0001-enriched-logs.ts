import { type Migration, replacingTable } from './migration';

/**
 * One row per enriched CDN event. ReplacingMergeTree keyed by
 * (customer_id, timestamp, url, event_id): a retried insert of the same event
 * has the same key and collapses at merge time; queries that must be exact
 * read with FINAL (or GROUP BY event_id). Daily partitions make retention a
 * cheap `DROP PARTITION` (18.16 has no TTL).
 */
export const enrichedLogs: Migration = {
  version: 1,
  name: 'enriched_logs',
  statements: (ctx) =>
    replacingTable(
      ctx,
      ctx.tables.enrichedLogs,
      `customer_id String,
       timestamp DateTime,
       timestamp_ms UInt16,
       event_id String,
       client_ip String,
       country String,
       city String,
       region String,
       method String,
       url String,
       path String,
       route String,
       status UInt16,
       bytes_sent UInt64,
       user_agent String,
       ua_family String,
       device_class String,
       is_bot UInt8,
       host String,
       referer String,
       cache_status String,
       pop String,
       response_time_ms UInt32,
       request_id String,
       ingested_at DateTime`,
      `PARTITION BY toYYYYMMDD(timestamp) ORDER BY (customer_id, timestamp, url, event_id) SETTINGS index_granularity = 8192`,
      'cityHash64(customer_id)',
    ),
};
