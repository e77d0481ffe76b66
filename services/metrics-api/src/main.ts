import express from 'express';
import {
  clickhouseReachable, closeServer, createClickHouse, createLogger, createMetrics, createRedis, installShutdown, listen,
  loadConfigOrExit, migrate, opsRoutes, redisReachable, tablesFor,
} from '@cdnlog/common';
import { configSchema } from './config';

async function main(): Promise<void> {
  const config = loadConfigOrExit('metrics-api', configSchema);
  const logger = createLogger('metrics-api', config.LOG_LEVEL);
  const metrics = createMetrics('metrics-api');
  const clickhouse = createClickHouse(config);
  await migrate(clickhouse, { tables: tablesFor(config.CLICKHOUSE_DATABASE), mode: config.CLICKHOUSE_SCHEMA_MODE, cluster: config.CLICKHOUSE_CLUSTER, logger });
  const redis = createRedis(config);

  const app = express();
  const lifecycle = installShutdown(logger, [
    { name: 'http-server', run: () => closeServer(server) },
    { name: 'redis', run: async () => void (await redis.quit()) },
    { name: 'clickhouse', run: () => clickhouse.close() },
  ]);
  app.use(opsRoutes({
    registry: metrics.registry,
    isShuttingDown: lifecycle.isShuttingDown,
    readiness: { redis: () => redisReachable(redis), clickhouse: () => clickhouseReachable(clickhouse) },
  }));
  // The /api/v1/metrics routes arrive with issue #6.
  const server = await listen(app, config.PORT);
  logger.info('metrics-api started', { port: config.PORT });
}

main().catch((err) => {
  process.stderr.write(`metrics-api failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
