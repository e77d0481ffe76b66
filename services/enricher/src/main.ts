import express from 'express';
import {
  BatchConsumer, clickhouseReachable, closeServer, createClickHouse, createKafka, createLogger, createMetrics,
  installShutdown, listen, loadConfigOrExit, migrate, opsRoutes, tablesFor, topicsFromConfig,
} from '@cdnlog/common';
import { configSchema } from './config';

async function main(): Promise<void> {
  const config = loadConfigOrExit('enricher', configSchema);
  const logger = createLogger('enricher', config.LOG_LEVEL);
  const metrics = createMetrics('enricher');
  const clickhouse = createClickHouse(config);
  await migrate(clickhouse, { tables: tablesFor(config.CLICKHOUSE_DATABASE), mode: config.CLICKHOUSE_SCHEMA_MODE, cluster: config.CLICKHOUSE_CLUSTER, logger });

  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: `${config.KAFKA_CLIENT_ID}-enricher`, logger });
  const topics = topicsFromConfig(config);
  const consumer = new BatchConsumer({
    kafka, logger, metrics, groupId: config.ENRICHER_GROUP_ID, topics: [topics.raw],
    // Enrichment and the ClickHouse writer arrive with issue #4; until then batches are only counted.
    handler: async (batch) => {
      logger.debug('raw batch received', { partition: batch.partition, messages: batch.messages.length });
    },
  });

  const app = express();
  const lifecycle = installShutdown(logger, [
    { name: 'consumer', run: () => consumer.stop() },
    { name: 'clickhouse', run: () => clickhouse.close() },
    { name: 'ops-server', run: () => closeServer(server) },
  ]);
  app.use(opsRoutes({
    registry: metrics.registry,
    isShuttingDown: lifecycle.isShuttingDown,
    readiness: { kafka: () => consumer.isHealthy(), clickhouse: () => clickhouseReachable(clickhouse) },
  }));
  const server = await listen(app, config.OPS_PORT);
  await consumer.start();
  logger.info('enricher started', { opsPort: config.OPS_PORT, topic: topics.raw, groupId: config.ENRICHER_GROUP_ID });
}

main().catch((err) => {
  process.stderr.write(`enricher failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
