import type { Metrics } from '../metrics/registry';

/** `cdnlog_dead_letters_total{stage,code}`: one name for every service that dead-letters (the alert rules watch its rate). */
export function deadLettersCounter(metrics: Metrics) {
  return metrics.counter('dead_letters_total', 'Messages or events sent to the DLQ, by stage (decode, clickhouse, redis) and error code', ['stage', 'code']);
}
