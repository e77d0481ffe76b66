import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import express from 'express';
import { errorHandler, healthRoute, notFound } from '@cdnlog/common';
import { openApiDocument } from './openapi';
import { logsEndpoint, type LogsEndpointDeps } from './routes/logs-endpoint';

export type AppDeps = LogsEndpointDeps;

/**
 * The ingest API's HTTP handler (main.ts serves it; tests start it on a free port).
 *
 * Every route is an express route. `POST /v1/logs` at its exact path is also
 * dispatched here before express sees the request: express 5 re-prototypes
 * each request and response and walks its router, which costs more CPU per
 * request than everything else a single-event request needs
 * (docs/benchmarks.md). Variants express would
 * match too (`/v1/logs/`, other letter case) still reach the same endpoint
 * through express.
 */
export function createApp(deps: AppDeps): RequestListener {
  const postLogs = logsEndpoint(deps);
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.post('/v1/logs', (req, res) => postLogs(req, res));
  const document = openApiDocument({ maxBodyBytes: deps.limits.maxBodyBytes, maxEntries: deps.limits.maxEntries });
  app.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  // /readyz and /metrics are on the ops port only (main.ts); /healthz here too, for load balancers.
  app.use(healthRoute());
  app.use(notFound());
  app.use(errorHandler(deps.logger));

  return (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'POST' && isLogsPath(req.url)) void postLogs(req, res);
    else app(req, res);
  };
}

function isLogsPath(url: string | undefined): boolean {
  return url === '/v1/logs' || (url !== undefined && url.startsWith('/v1/logs?'));
}
