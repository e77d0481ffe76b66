import { deadLettersCounter, LATENCY_BUCKETS, type Metrics } from '@cdnlog/common';

/** Seconds; the live-view target is p95 < 2 s. */
const FRESHNESS_BUCKETS = [0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10, 30, 60];

/** The aggregator's own Prometheus metrics (consumer lag and batch sizes come from BatchConsumer). */
export function aggregatorMetrics(metrics: Metrics) {
  return {
    batches: metrics.counter('aggregator_batches_applied_total', 'Partition batches applied to Redis'),
    tenantApplies: metrics.counter(
      'aggregator_tenant_applies_total',
      "Per-tenant applies of a batch by outcome (duplicate = redelivery ignored, isolated = applied but for messages Redis refused, dead-lettered)",
      ['outcome'],
    ),
    resentSkipped: metrics.counter(
      'aggregator_resent_events_skipped_total',
      'Events of a re-sent copy of a batch whose first copy was counted (same batchKey, another batchId), skipped; ClickHouse collapses them by event id',
    ),
    late: metrics.counter('aggregator_late_events_total', 'Events older than the live window, skipped (they still reach ClickHouse)'),
    invalid: metrics.counter('aggregator_invalid_events_total', 'Messages on the enriched topic that are neither enriched events v1 nor batches v2, dead-lettered'),
    deadLetters: deadLettersCounter(metrics),
    rebuilds: metrics.counter('aggregator_rebuilds_total', 'Partitions moved back to (now - window) because Redis lost the live window'),
    applySeconds: metrics.histogram('aggregator_apply_duration_seconds', 'One tenant script call', LATENCY_BUCKETS),
    freshness: metrics.histogram(
      'aggregator_event_freshness_seconds',
      'Per event made visible in the live window: seconds from the ingest API accepting it (receivedAt) to its batch applied in Redis (an event read again or left out as late is not observed; a rebuild replays events with their original age)',
      FRESHNESS_BUCKETS,
    ),
  };
}

export type AggregatorMetrics = ReturnType<typeof aggregatorMetrics>;
