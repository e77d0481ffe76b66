import express, { type Router } from 'express';
import type { Registry } from 'prom-client';
import { type HealthCheck, runChecks } from './health';

/** `/healthz` alone: the process is alive and its event loop answers. Public API ports serve it too (load balancers probe it there). */
export function healthRoute(): Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  return router;
}

/**
 * `/healthz` (the process is alive and its event loop answers), `/readyz`
 * (every dependency check passes) and `/metrics` (Prometheus text format).
 * Served by every service on its ops port (ops-server.ts).
 */
export function opsRoutes(opts: { registry: Registry; readiness: Record<string, HealthCheck>; isShuttingDown?: () => boolean }): Router {
  const router = express.Router();
  router.use(healthRoute());
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
