import type { Server } from 'node:http';
import express from 'express';
import type { Registry } from 'prom-client';
import type { Logger } from '../logging/logger';
import { errorHandler, notFound } from './error-handler';
import type { HealthCheck } from './health';
import { listen } from './listen';
import { opsRoutes } from './ops-routes';

export interface OpsServerOptions {
  port: number;
  host: string;
  registry: Registry;
  readiness: Record<string, HealthCheck>;
  isShuttingDown: () => boolean;
  logger: Logger;
}

/** Serve /healthz, /readyz and /metrics on a port of their own (every service has one: `opsEnv`). */
export function startOpsServer(opts: OpsServerOptions): Promise<Server> {
  const app = express();
  app.disable('x-powered-by');
  app.use(opsRoutes({ registry: opts.registry, readiness: opts.readiness, isShuttingDown: opts.isShuttingDown }));
  app.use(notFound());
  app.use(errorHandler(opts.logger));
  return listen(app, opts.port, { host: opts.host });
}
