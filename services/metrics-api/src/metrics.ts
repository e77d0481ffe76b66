import { LATENCY_BUCKETS, type Metrics } from '@cdnlog/common';

/** The metrics API's own metrics (names get the `cdnlog_` prefix). */
export function metricsApiMetrics(metrics: Metrics) {
  return {
    requests: metrics.counter('metrics_api_requests_total', 'API requests by route and status', ['route', 'status']),
    seconds: metrics.histogram('metrics_api_request_duration_seconds', 'API latency by route', LATENCY_BUCKETS, ['route']),
    quotaRefusals: metrics.counter('metrics_api_quota_refusals_total', 'History requests refused with 429 because their tenant was over a quota (history_in_flight, history_seconds), by tenant', ['tenant', 'quota']),
    historySeconds: metrics.counter('metrics_api_history_query_seconds_total', 'Thread-seconds of history queries sent to ClickHouse (cache misses): wall time times the threads each may use, by tenant', ['tenant']),
  };
}

export type MetricsApiMetrics = ReturnType<typeof metricsApiMetrics>;
