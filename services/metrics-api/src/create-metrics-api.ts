import express from 'express';
import {
  clickhouseReachable, createClickHouse, createMetrics, createRedis, errorHandler, LATENCY_BUCKETS, type Logger, migrate, notFound, opsRoutes,
  redisReachable, tablesFor, type TenantRegistry,
} from '@cdnlog/common';
import type { MetricsApiConfig } from './config';
import { HistoryCache } from './history/history-cache';
import { openApiDocument } from './openapi';
import { metricsRoutes } from './routes/metrics-routes';

/** Wire the metrics API from its config (used by main.ts and the tests). */
export async function createMetricsApi(config: MetricsApiConfig, deps: { logger: Logger; registry: TenantRegistry; isShuttingDown: () => boolean }) {
  const metrics = createMetrics('metrics-api');
  const requests = metrics.counter('metrics_api_requests_total', 'API requests by route and status', ['route', 'status']);
  const seconds = metrics.histogram('metrics_api_request_duration_seconds', 'API latency by route', LATENCY_BUCKETS, ['route']);
  const clickhouse = createClickHouse(config);
  const tables = tablesFor(config.CLICKHOUSE_DATABASE);
  await migrate(clickhouse, { tables, mode: config.CLICKHOUSE_SCHEMA_MODE, cluster: config.CLICKHOUSE_CLUSTER, logger: deps.logger });
  const redis = createRedis(config);
  redis.on('error', (err) => deps.logger.warn('redis error', { error: err.message }));

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use('/api', (req, res, next) => {
    const route = req.path.endsWith('/history') ? 'history' : 'live';
    const stop = seconds.startTimer({ route });
    res.on('finish', () => {
      stop();
      requests.inc({ route, status: String(res.statusCode) });
    });
    next();
  });
  app.use(
    metricsRoutes({
      registry: deps.registry, redis, clickhouse, tables, logger: deps.logger,
      cache: new HistoryCache(config.HISTORY_CACHE_TTL_MS, config.HISTORY_CACHE_ENTRIES),
      windowMinutes: config.LIVE_WINDOW_MINUTES, topN: config.LIVE_TOP_N,
    }),
  );
  const document = openApiDocument();
  app.get('/openapi.json', (_req, res) => void res.json(document));
  app.use(
    opsRoutes({
      registry: metrics.registry, isShuttingDown: deps.isShuttingDown,
      readiness: { redis: () => redisReachable(redis), clickhouse: () => clickhouseReachable(clickhouse), tenantRegistry: () => deps.registry.size > 0 },
    }),
  );
  app.use(notFound());
  app.use(errorHandler(deps.logger));

  return {
    app, redis, clickhouse, tables, metrics,
    async close() {
      await redis.quit();
      await clickhouse.close();
    },
  };
}
