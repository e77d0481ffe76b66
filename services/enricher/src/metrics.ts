import { deadLettersCounter, LATENCY_BUCKETS, type Metrics } from '@cdnlog/common';
import type { GeoIp } from './geo/geoip';
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
