import { Router } from 'express';
import { type AppError, type Logger, type RateLimiter, type RedisClient, resolveLimits, type TenantInFlight, type TenantRegistry } from '@cdnlog/common';
import { authorizeReader } from '../auth/authorize-reader';
import { readErrors } from '../errors';
import type { HistoryCache } from '../history/history-cache';
import { historyFailure } from '../history/history-failure';
import { historyQuerySchema } from '../history/history-query';
import { type HistoryReader, readHistory } from '../history/read-history';
import { historyToCsv } from '../history/to-csv';
import { readLive } from '../live/read-live';
import type { MetricsApiMetrics } from '../metrics';

export interface MetricsRoutesDeps {
  registry: TenantRegistry;
  redis: RedisClient;
  history: HistoryReader;
  cache: HistoryCache;
  /** History queries running per tenant; each may run limits.historyQueriesInFlight, else defaultHistoryQueries. */
  inFlight: TenantInFlight;
  defaultHistoryQueries: number;
  /** Seconds of history-query time per tenant; each may use limits.historySecondsPerMinute, else defaultHistorySecondsPerMinute. */
  historyTime: RateLimiter;
  defaultHistorySecondsPerMinute: number;
  metrics: Pick<MetricsApiMetrics, 'quotaRefusals' | 'historySeconds'>;
  /** HISTORY_MAX_EXECUTION_SECONDS, for the query_timeout message. */
  maxExecutionSeconds: number;
  logger: Logger;
  windowMinutes: number;
  topN: number;
}

/** GET /api/v1/metrics/:customerId (live) and /history (ClickHouse). */
export function metricsRoutes(deps: MetricsRoutesDeps): Router {
  const router = Router();
  const threadsPerQuery = Number(deps.history.settings.max_threads ?? 1);
  /** A quota's 429, counted by tenant and quota. */
  const refused = (tenant: string, quota: 'history_seconds' | 'history_in_flight', error: AppError): AppError => {
    deps.metrics.quotaRefusals.inc({ tenant, quota });
    return error;
  };

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
    // Aborted when the reader hangs up before the answer: its query is then killed (cancel-query.ts).
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) gone.abort();
    });
    const load = async (signal: AbortSignal) => {
      const limits = resolveLimits(tenant.limits, {
        historyQueriesInFlight: deps.defaultHistoryQueries,
        historySecondsPerMinute: deps.defaultHistorySecondsPerMinute,
      });
      // A query's cost is known only once it has run: the budget admits while it is not in debt and is
      // charged afterwards, whether the query answered, failed or was cancelled: its wall time times the
      // threads it may use, so the budget is in ClickHouse core-seconds at most.
      const budget = { ratePerSecond: limits.historySecondsPerMinute / 60, burst: limits.historySecondsPerMinute };
      const admitted = deps.historyTime.admits(tenant.id, budget);
      if (!admitted.ok) throw refused(tenant.id, 'history_seconds', readErrors.tenantHistoryTimeSpent(limits.historySecondsPerMinute, admitted.retryAfterSeconds));
      const release = deps.inFlight.tryAcquire(tenant.id, limits.historyQueriesInFlight);
      if (!release) throw refused(tenant.id, 'history_in_flight', readErrors.tenantHistoryLimited(limits.historyQueriesInFlight));
      const started = performance.now();
      try {
        return await readHistory(deps.history, tenant.id, q, signal);
      } finally {
        release();
        const spent = ((performance.now() - started) / 1000) * threadsPerQuery;
        deps.historyTime.charge(tenant.id, spent, budget);
        deps.metrics.historySeconds.inc({ tenant: tenant.id }, spent);
      }
    };
    let view;
    try {
      view = await deps.cache.get(tenant.id, q, load, gone.signal);
    } catch (err) {
      throw historyFailure(err, { tenant: tenant.id, logger: deps.logger, maxExecutionSeconds: deps.maxExecutionSeconds, deadlineMs: deps.history.timeoutMs });
    }
    if (q.format === 'csv') {
      res.type('text/csv').set('content-disposition', `attachment; filename="${tenant.id}-history.csv"`).send(historyToCsv(view));
      return;
    }
    res.json(view);
  });

  return router;
}
