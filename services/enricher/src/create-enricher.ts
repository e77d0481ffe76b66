import {
  BatchConsumer, PartitionTransactions, clickhouseReachable, createClickHouse, createKafka, createMetrics, guardSettings, type Logger,
  migrate, tablesFor, type TenantRegistry, topicsFromConfig,
} from '@cdnlog/common';
import type { EnricherConfig } from './config';
import { enrichWithoutRows } from './enrich/enrich-message';
import { GeoIp } from './geo/geoip';
import { handleRawBatch } from './handle-raw-batch';
import { enricherMetrics, retentionMetrics } from './metrics';
import { createRetention } from './retention/create-retention';
import { BatchWriter } from './sink/batch-writer';
import { RollupScheduler } from './sink/rollup-scheduler';
import { UserAgents } from './ua/user-agent';

/** Raw-topic bytes fetched per partition at once (kafkajs' default is 1 MB). */
const RAW_FETCH_BYTES_PER_PARTITION = 256 * 1024;

/**
 * Wire the enricher from its config (used by main.ts and the tests): migrations,
 * GeoIP, UA cache, per-partition transactional producers, batch writer, consumer group, retention job.
 * `registry` (TENANT_REGISTRY_PATH) supplies per-tenant retention only.
 */
export async function createEnricher(config: EnricherConfig, logger: Logger, opts: { registry?: TenantRegistry } = {}) {
  const metrics = createMetrics('enricher');
  const clickhouse = createClickHouse(config);
  const tables = tablesFor(config.CLICKHOUSE_DATABASE);
  await migrate(clickhouse, { tables, mode: config.CLICKHOUSE_SCHEMA_MODE, cluster: config.CLICKHOUSE_CLUSTER, logger });

  const geo = await GeoIp.open(config.GEOIP_MMDB_PATHS, config.GEOIP_CACHE_SIZE);
  const userAgents = new UserAgents(config.UA_CACHE_SIZE);
  const m = enricherMetrics(metrics, geo);
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: `${config.KAFKA_CLIENT_ID}-enricher`, logger, gzipLevel: config.KAFKA_GZIP_LEVEL });
  const topics = topicsFromConfig(config);
  const transactions = new PartitionTransactions({
    kafka, groupId: config.ENRICHER_GROUP_ID, idPrefix: config.ENRICHER_TRANSACTIONAL_ID_PREFIX ?? config.ENRICHER_GROUP_ID, compression: config.KAFKA_COMPRESSION,
  });

  const rollups = new RollupScheduler({
    clickhouse, tables, logger, onRecompute: m.rollup,
    timing: { delayMs: config.ROLLUP_DELAY_SECONDS * 1000, settleMs: config.ROLLUP_SETTLE_MS, maxDeferMs: config.ROLLUP_MAX_DEFER_SECONDS * 1000 },
    intervalMs: config.ROLLUP_INTERVAL_MS, startupLookbackMinutes: config.ROLLUP_STARTUP_LOOKBACK_MINUTES,
    statementSettings: guardSettings({ maxExecutionSeconds: config.ROLLUP_MAX_EXECUTION_SECONDS, maxMemoryBytes: config.ROLLUP_MAX_MEMORY_BYTES }),
  });
  const retention = createRetention(config, {
    clickhouse, tables, logger, registry: opts.registry, metrics: retentionMetrics(metrics, config.RETENTION_INTERVAL_MINUTES * 60_000),
  });
  const enrichDeps = { geo, userAgents, messageVersion: config.ENRICHED_MESSAGE_VERSION };
  const writer: BatchWriter = new BatchWriter({
    clickhouse, tables, transactions, logger, metrics: m.writer,
    topics: { enriched: topics.enriched, dlq: topics.dlq },
    withoutRows: (item, refusals) => enrichWithoutRows(item, refusals, enrichDeps),
    maxRows: config.FLUSH_MAX_ROWS,
    maxWaitMs: config.FLUSH_MAX_WAIT_MS,
    isAssigned: (topic, partition): boolean => consumer.isAssigned(topic, partition),
    onRowsWritten: (touched) => rollups.markDirty(touched),
    onCommitted: (offsets) => consumer.finished(offsets),
    unknownErrorGraceMs: config.UNKNOWN_ERROR_GRACE_MS,
  });
  const consumer: BatchConsumer = new BatchConsumer({
    kafka, logger, metrics, groupId: config.ENRICHER_GROUP_ID, topics: [topics.raw], commitMode: 'manual',
    // A v2 raw message holds a whole request, compressed: a fetch of this size already holds thousands of events. Smaller and
    // larger fetches both cost more CPU per event (docs/benchmarks.md, decision record).
    maxBytesPerPartition: RAW_FETCH_BYTES_PER_PARTITION,
    sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
    stuckAfterMs: config.CONSUMER_STUCK_AFTER_MS,
    minBytes: config.KAFKA_FETCH_MIN_BYTES, maxWaitTimeMs: config.KAFKA_FETCH_MAX_WAIT_MS,
    handler: handleRawBatch({ ...enrichDeps, writer, maxRows: config.FLUSH_MAX_ROWS, onItems: m.consumed }),
  });

  return {
    metrics, clickhouse, consumer, writer, geo, topics,
    readiness: {
      kafka: () => consumer.isHealthy(),
      clickhouse: () => clickhouseReachable(clickhouse),
      // Fails while a raw partition's messages have waited CONSUMER_STUCK_AFTER_MS without being committed.
      partitions: () => consumer.stuckPartitions().length === 0,
    },
    async start() {
      await rollups.start();
      // In the background: its first run starts now, and consumption does not wait for it.
      retention.start();
      writer.startTimer();
      await consumer.start();
    },
    /**
     * Stop fetching, flush what is buffered (and commit it) while still a group
     * member, then leave and close clients. Leaving first would hand the
     * partitions to another instance, which would re-read and publish again what
     * this last flush is still committing. Items a batch in progress buffers after
     * the flush are dropped, uncommitted: the next owner reads them.
     */
    async stop() {
      await retention.close();
      consumer.pauseAll();
      await writer.close();
      await consumer.stop();
      await rollups.close();
      await transactions.close();
      await clickhouse.close();
    },
  };
}
