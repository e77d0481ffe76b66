import express, { type Router } from 'express';
import type { Registry } from 'prom-client';
import { type HealthCheck, runChecks } from './health';

/**
 * `/healthz` (the process is alive and its event loop answers), `/readyz`
 * (every dependency check passes) and `/metrics` (Prometheus text format).
 * Mounted by every service, on its API port or on a dedicated ops port.
 */
export function opsRoutes(opts: { registry: Registry; readiness: Record<string, HealthCheck>; isShuttingDown?: () => boolean }): Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const report = await runChecks(opts.readiness);
    const ready = report.ready && !(opts.isShuttingDown?.() ?? false);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks: report.checks });
  });
  router.get('/metrics', async (_req, res) => {
    res.set('content-type', opts.registry.contentType);
    res.send(await opts.registry.metrics());
  });
  return router;
}
