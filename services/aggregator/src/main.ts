import express from 'express';
import {
  BatchConsumer, closeServer, createKafka, createLogger, createMetrics, createRedis, installShutdown, listen,
  loadConfigOrExit, opsRoutes, redisReachable, topicsFromConfig,
} from '@cdnlog/common';
import { configSchema } from './config';

async function main(): Promise<void> {
  const config = loadConfigOrExit('aggregator', configSchema);
  const logger = createLogger('aggregator', config.LOG_LEVEL);
  const metrics = createMetrics('aggregator');
  const redis = createRedis(config);
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: `${config.KAFKA_CLIENT_ID}-aggregator`, logger });
  const topics = topicsFromConfig(config);
  const consumer = new BatchConsumer({
    kafka, logger, metrics, groupId: config.AGGREGATOR_GROUP_ID, topics: [topics.enriched], sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
    // The live-window Lua aggregation arrives with issue #5; until then batches are only counted.
    handler: async (batch) => {
      logger.debug('enriched batch received', { partition: batch.partition, messages: batch.messages.length });
    },
  });

  const app = express();
  const lifecycle = installShutdown(logger, [
    { name: 'consumer', run: () => consumer.stop() },
    { name: 'redis', run: async () => void (await redis.quit()) },
    { name: 'ops-server', run: () => closeServer(server) },
  ]);
  app.use(opsRoutes({
    registry: metrics.registry,
    isShuttingDown: lifecycle.isShuttingDown,
    readiness: { kafka: () => consumer.isHealthy(), redis: () => redisReachable(redis) },
  }));
  const server = await listen(app, config.OPS_PORT);
  await consumer.start();
  logger.info('aggregator started', { opsPort: config.OPS_PORT, topic: topics.enriched, groupId: config.AGGREGATOR_GROUP_ID });
}

main().catch((err) => {
  process.stderr.write(`aggregator failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
