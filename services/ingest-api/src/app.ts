import express, { type Express, type Request, type Response } from 'express';
import { AppError, errorHandler, type HealthCheck, notFound, opsRoutes, type Metrics } from '@cdnlog/common';
import { admissionError, ingestErrors } from './errors';
import { openApiDocument } from './openapi';
import { postLogs, type PostLogsDeps } from './routes/post-logs';

export interface AppDeps extends PostLogsDeps {
  registryMetrics: Metrics;
  /** Event-loop delay: CPU saturation sheds requests before their bodies are read. */
  shedder?: { overloaded(): boolean };
  readiness: Record<string, HealthCheck>;
}

/** The ingest API as an express app (main.ts wires it; tests start it on a free port). */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  const handle = postLogs(deps);
  let inflight = 0;
  app.post('/v1/logs', async (req: Request, res: Response) => {
    const stop = deps.metrics.requestSeconds.startTimer();
    let code = 'ok';
    inflight++;
    res.on('close', () => inflight--);
    res.on('finish', () => {
      stop();
      deps.metrics.requests.inc({ status: String(res.statusCode), code });
    });
    try {
      // Shed load before reading the body: a spike gets fast 429s instead of slow answers for everyone.
      if (inflight > deps.limits.maxInflightRequests) throw ingestErrors.tooManyInflight();
      const refused = admissionError(deps.publisher.pressure());
      if (refused) throw refused;
      if (deps.shedder?.overloaded()) throw ingestErrors.cpuSaturated();
      await handle(req, res);
    } catch (err) {
      code = err instanceof AppError ? err.code : 'internal_error';
      throw err;
    }
  });

  const document = openApiDocument({ maxBodyBytes: deps.limits.maxBodyBytes, maxEntries: deps.limits.maxEntries });
  app.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  app.use(opsRoutes({ registry: deps.registryMetrics.registry, readiness: deps.readiness, isShuttingDown: deps.isShuttingDown }));
  app.use(notFound());
  app.use(errorHandler(deps.logger));
  return app;
}
