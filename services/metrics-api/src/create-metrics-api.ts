import express from 'express';
import {
  clickhouseReachable, createClickHouse, createMetrics, createRedis, errorHandler, guardSettings, healthRoute, type Logger, migrate,
  notFound, RateLimiter, redisReachable, tablesFor, TenantInFlight, type TenantRegistry,
} from '@cdnlog/common';
import type { MetricsApiConfig } from './config';
import { HistoryCache } from './history/history-cache';
import { metricsApiMetrics } from './metrics';
import { openApiDocument } from './openapi';
import { dashboardRoutes } from './routes/dashboard-routes';
import { metricsRoutes } from './routes/metrics-routes';

/** Wire the metrics API from its config (used by main.ts and the tests). */
export async function createMetricsApi(config: MetricsApiConfig, deps: { logger: Logger; registry: TenantRegistry; isShuttingDown: () => boolean }) {
  const metrics = createMetrics('metrics-api');
  const own = metricsApiMetrics(metrics);
  const clickhouse = createClickHouse(config);
  // KILL QUERY goes through connections of its own, never queued behind the queries it stops.
  const control = createClickHouse(config);
  const tables = tablesFor(config.CLICKHOUSE_DATABASE);
  await migrate(clickhouse, { tables, mode: config.CLICKHOUSE_SCHEMA_MODE, cluster: config.CLICKHOUSE_CLUSTER, logger: deps.logger });
  const redis = createRedis(config);
  redis.on('error', (err) => deps.logger.warn('redis error', { error: err.message }));

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use('/api', (req, res, next) => {
    const route = req.path.endsWith('/history') ? 'history' : 'live';
    const stop = own.seconds.startTimer({ route });
    res.on('finish', () => {
      stop();
      own.requests.inc({ route, status: String(res.statusCode) });
    });
    next();
  });
  app.use(
    metricsRoutes({
      registry: deps.registry, redis, logger: deps.logger,
      history: {
        clickhouse, control, tables, timeoutMs: config.HISTORY_QUERY_TIMEOUT_MS,
        settings: guardSettings({
          maxExecutionSeconds: config.HISTORY_MAX_EXECUTION_SECONDS, maxMemoryBytes: config.HISTORY_MAX_MEMORY_BYTES,
          maxRowsToRead: config.HISTORY_MAX_ROWS_TO_READ, readOnly: true, maxThreads: config.HISTORY_MAX_THREADS,
        }),
      },
      cache: new HistoryCache({ ttlMs: config.HISTORY_CACHE_TTL_MS, entries: config.HISTORY_CACHE_ENTRIES, maxBytes: config.HISTORY_CACHE_MAX_BYTES }),
      inFlight: new TenantInFlight(), defaultHistoryQueries: config.DEFAULT_TENANT_HISTORY_QUERIES,
      historyTime: new RateLimiter(), defaultHistorySecondsPerMinute: config.DEFAULT_TENANT_HISTORY_SECONDS_PER_MINUTE,
      metrics: own,
      maxExecutionSeconds: config.HISTORY_MAX_EXECUTION_SECONDS,
      windowMinutes: config.LIVE_WINDOW_MINUTES, topN: config.LIVE_TOP_N,
    }),
  );
  const document = openApiDocument();
  app.get('/openapi.json', (_req, res) => void res.json(document));
  app.use(dashboardRoutes());
  // /readyz and /metrics are on the ops port only (main.ts); /healthz here too, for load balancers.
  app.use(healthRoute());
  app.use(notFound());
  app.use(errorHandler(deps.logger));

  return {
    app, redis, clickhouse, tables, metrics,
    /** What the ops port serves (`startOpsServer`): /readyz checks and /metrics. */
    ops: {
      registry: metrics.registry,
      readiness: { redis: () => redisReachable(redis), clickhouse: () => clickhouseReachable(clickhouse), tenantRegistry: () => deps.registry.size > 0 },
    },
    async close() {
      await redis.quit();
      await clickhouse.close();
      await control.close();
    },
  };
}
