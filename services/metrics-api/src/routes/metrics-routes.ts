import { Router } from 'express';
import type { ClickHouseClient, Logger, RedisClient, Tables, TenantRegistry } from '@cdnlog/common';
import { authorizeReader } from '../auth/authorize-reader';
import { readErrors } from '../errors';
import type { HistoryCache } from '../history/history-cache';
import { historyQuerySchema } from '../history/history-query';
import { readHistory } from '../history/read-history';
import { historyToCsv } from '../history/to-csv';
import { readLive } from '../live/read-live';

export interface MetricsRoutesDeps {
  registry: TenantRegistry;
  redis: RedisClient;
  clickhouse: ClickHouseClient;
  tables: Tables;
  cache: HistoryCache;
  logger: Logger;
  windowMinutes: number;
  topN: number;
}

/** GET /api/v1/metrics/:customerId (live) and /history (ClickHouse). */
export function metricsRoutes(deps: MetricsRoutesDeps): Router {
  const router = Router();

  router.get('/api/v1/metrics/:customerId', async (req, res) => {
    const tenant = authorizeReader(req, deps.registry);
    const unknown = Object.keys(req.query);
    if (unknown.length > 0) throw readErrors.invalidQuery(unknown.map((parameter) => ({ parameter, message: 'is not a parameter of this endpoint' })));
    let view;
    try {
      view = await readLive(deps.redis, tenant.id, { windowMinutes: deps.windowMinutes, topN: deps.topN, nowMs: Date.now() });
    } catch (err) {
      deps.logger.error('live read failed', { tenant: tenant.id, error: (err as Error).message });
      throw readErrors.storeUnavailable('redis');
    }
    res.json(view);
  });

  router.get('/api/v1/metrics/:customerId/history', async (req, res) => {
    const tenant = authorizeReader(req, deps.registry);
    const parsed = historyQuerySchema.safeParse(req.query, { error: (i) => (i.input === undefined ? 'is required' : undefined) });
    if (!parsed.success) {
      throw readErrors.invalidQuery(
        parsed.error.issues.map((i) =>
          i.code === 'unrecognized_keys'
            ? { parameter: i.keys.join(', '), message: 'is not a parameter of this endpoint' }
            : { parameter: String(i.path[0] ?? '(query)'), message: i.message },
        ),
      );
    }
    const q = parsed.data;
    let view;
    try {
      view = await deps.cache.get(tenant.id, q, () => readHistory(deps.clickhouse, deps.tables, tenant.id, q));
    } catch (err) {
      if ((err as { status?: number }).status !== undefined) throw err;
      deps.logger.error('history query failed', { tenant: tenant.id, error: (err as Error).message });
      throw readErrors.storeUnavailable('clickhouse');
    }
    if (q.format === 'csv') {
      res.type('text/csv').set('content-disposition', `attachment; filename="${tenant.id}-history.csv"`).send(historyToCsv(view));
      return;
    }
    res.json(view);
  });

  return router;
}
