import { LATENCY_BUCKETS, type Metrics } from '@cdnlog/common';

/** The ingest API's own Prometheus metrics (plus the process defaults). */
export function ingestMetrics(metrics: Metrics) {
  return {
    requests: metrics.counter('ingest_requests_total', 'POST /v1/logs requests by HTTP status and error code (and any request the HTTP layer answered 400 malformed_request or 408 request_timeout)', ['status', 'code']),
    eventsAccepted: metrics.counter('ingest_events_accepted_total', 'Events acknowledged by Kafka and answered with 202'),
    quotaRefusals: metrics.counter('ingest_quota_refusals_total', 'Requests refused with 429 because their tenant was over a quota (concurrency, bytes, events, idempotency_keys), by tenant', ['tenant', 'quota']),
    repairedStrings: metrics.counter('ingest_repaired_strings_total', 'Text fields of valid entries whose unpaired UTF-16 surrogates were replaced with U+FFFD, by field', ['field']),
    requestSeconds: metrics.histogram('ingest_request_duration_seconds', 'POST /v1/logs latency', LATENCY_BUCKETS),
    publishSeconds: metrics.histogram('ingest_publish_duration_seconds', 'Produce-call latency (acks=all)', LATENCY_BUCKETS, ['outcome']),
    publishEvents: metrics.histogram('ingest_publish_batch_events', 'Events per produce call', [1, 10, 100, 1000, 5000, 20000]),
    bufferEvents: metrics.gauge('ingest_buffer_events', 'Events accepted for publishing and not yet settled by Kafka'),
    bufferFill: metrics.gauge('ingest_buffer_fill_ratio', 'Publish buffer fill (0..1); 429 above 0.9'),
    queueDelay: metrics.gauge('ingest_publish_queue_delay_seconds', 'How long the oldest request waiting for a produce call has waited'),
    eventLoopDelay: metrics.gauge('ingest_event_loop_delay_p99_seconds', 'Event-loop delay p99 over the last second (load shedding above MAX_EVENT_LOOP_DELAY_MS)'),
  };
}

export type IngestMetrics = ReturnType<typeof ingestMetrics>;
