/**
 * The environment that isolates one test's pipeline on the shared test stack:
 * its own topics, ClickHouse database, consumer groups and transactional id,
 * plus settings that make a test run fast (short session timeout, quick flushes,
 * rollups of open minutes). Callers add what is specific to them.
 */
export function pipelineTestEnv(prefix: string): Record<string, string> {
  return {
    KAFKA_TOPIC_RAW: `${prefix}.raw`,
    KAFKA_TOPIC_ENRICHED: `${prefix}.enriched`,
    KAFKA_TOPIC_DLQ: `${prefix}.dlq`,
    CLICKHOUSE_DATABASE: `t_${prefix}`,
    ENRICHER_GROUP_ID: `${prefix}-enricher`,
    ENRICHER_TRANSACTIONAL_ID_PREFIX: `${prefix}-enricher-tx`,
    AGGREGATOR_GROUP_ID: `${prefix}-aggregator`,
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    FLUSH_MAX_WAIT_MS: '500',
    ROLLUP_DELAY_SECONDS: '-60',
    ROLLUP_INTERVAL_MS: '300',
    ROLLUP_SETTLE_MS: '300',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
  };
}
