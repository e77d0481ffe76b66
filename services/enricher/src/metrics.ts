import { deadLettersCounter, LATENCY_BUCKETS, type Metrics } from '@cdnlog/common';
import type { GeoIp } from './geo/geoip';
import type { RetentionCounters } from './retention/retention-pass';
import type { WriterMetrics } from './sink/batch-writer';

/** The enricher's own Prometheus metrics (consumer lag and batch sizes come from BatchConsumer). */
export function enricherMetrics(metrics: Metrics, geo: GeoIp) {
  const events = metrics.counter('enricher_events_total', 'Consumed raw events by outcome', ['outcome']);
  const flushRows = metrics.histogram('enricher_flush_rows', 'Rows per ClickHouse flush', [10, 100, 500, 1000, 2500, 5000, 10000]);
  const insertSeconds = metrics.histogram('enricher_insert_duration_seconds', 'ClickHouse insert per flush', LATENCY_BUCKETS);
  const rollupSeconds = metrics.histogram('enricher_rollup_recompute_duration_seconds', 'One rollup recompute pass', LATENCY_BUCKETS, ['outcome']);
  const flushErrors = metrics.counter('enricher_flush_errors_total', 'Failed flush attempts by stage (they are retried)', ['stage']);
  const dropped = metrics.counter('enricher_revoked_items_dropped_total', 'Buffered items dropped after their partition was revoked (replayed by the new owner)');
  const redelivered = metrics.counter(
    'enricher_redelivered_items_skipped_total',
    'Items read a second time after the consumer re-joined its group, skipped because already published or buffered',
  );
  const dlq = metrics.counter('enricher_dlq_messages_total', 'Messages sent to the dead-letter topic');
  const deadLetters = deadLettersCounter(metrics);
  metrics.gauge('enricher_geoip_cache_hit_ratio', 'share of GeoIP lookups since start served by the cache of decoded records', [], function () {
    this.set(geo.hits + geo.misses === 0 ? 0 : geo.hits / (geo.hits + geo.misses));
  });

  const writer: WriterMetrics = {
    flushed: (rows, dead, seconds) => {
      flushRows.observe(rows);
      insertSeconds.observe(seconds);
      dlq.inc(dead);
    },
    deadLettered: (stage, code) => deadLetters.inc({ stage, code }),
    failed: (stage) => flushErrors.inc({ stage }),
    dropped: (n) => dropped.inc(n),
    redelivered: (n) => redelivered.inc(n),
  };
  return {
    writer,
    rollup: (seconds: number, ok: boolean) => rollupSeconds.observe({ outcome: ok ? 'ok' : 'error' }, seconds),
    consumed: (enriched: number, dead: number) => {
      events.inc({ outcome: 'enriched' }, enriched);
      events.inc({ outcome: 'dead_letter' }, dead);
    },
  };
}

export interface RetentionMetrics extends RetentionCounters {
  /** After each retention run: `ok` when none of its statements failed. */
  ran(ok: boolean): void;
}

/** The retention job's metrics (retention/); the alert RetentionNotSucceeding reads the last two. */
export function retentionMetrics(metrics: Metrics, intervalMs: number): RetentionMetrics {
  const dropped = metrics.counter('enricher_retention_partitions_dropped_total', 'Daily partitions dropped by the retention job', ['table']);
  const deleted = metrics.counter(
    'enricher_retention_tenant_deletes_total',
    'Tenants whose rows past their own retentionDays a retention mutation was created to delete',
    ['table'],
  );
  const runs = metrics.counter('enricher_retention_runs_total', 'Retention runs by outcome: ok, or error (a statement failed; retried at the next interval)', ['outcome']);
  const lastSuccess = metrics.gauge(
    'enricher_retention_last_success_timestamp_seconds',
    'Unix time of the last retention run without a failed statement; the process start until one succeeded',
  );
  metrics.gauge('enricher_retention_interval_seconds', 'RETENTION_INTERVAL_MINUTES in seconds: how often the retention job runs').set(intervalMs / 1000);
  lastSuccess.set(Date.now() / 1000);
  return {
    dropped: (table, n) => dropped.inc({ table }, n),
    deleted: (table, n) => deleted.inc({ table }, n),
    ran: (ok) => {
      runs.inc({ outcome: ok ? 'ok' : 'error' });
      if (ok) lastSuccess.set(Date.now() / 1000);
    },
  };
}
