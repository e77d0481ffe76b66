import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError, sendError } from '@cdnlog/common';
import { admissionError, ingestErrors } from '../errors';
import { postLogs, type PostLogsDeps } from './post-logs';

export interface LogsEndpointDeps extends PostLogsDeps {
  /** Event-loop delay: CPU saturation sheds requests before their bodies are read (only a tenant sending most of the load, if one is, see post-logs.ts). */
  shedder?: { saturation(): 'ok' | 'overloaded' | 'critical' };
}

/**
 * POST /v1/logs as served: load shedding before the body is read, the handler
 * (post-logs.ts), its error as a JSON answer, and the request metrics. Written
 * against Node's own request and response so that app.ts can serve it without
 * express's per-request work (see app.ts); it never rejects.
 */
export function logsEndpoint(deps: LogsEndpointDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const handle = postLogs(deps);
  const { metrics, limits } = deps;
  let inflight = 0;
  return async (req, res) => {
    const started = performance.now();
    let code = 'ok';
    inflight++;
    try {
      // Shed load before reading the body: a spike gets fast 429s instead of slow answers for everyone.
      if (inflight > limits.maxInflightRequests) throw ingestErrors.tooManyInflight();
      const refused = admissionError(deps.publisher.pressure());
      if (refused) throw refused;
      const saturation = deps.shedder?.saturation() ?? 'ok';
      if (saturation === 'critical') throw ingestErrors.cpuSaturated();
      await handle(req, res, { cpuSaturated: saturation === 'overloaded' });
    } catch (err) {
      code = err instanceof AppError ? err.code : 'internal_error';
      sendError(res, err, deps.logger, { method: req.method, path: '/v1/logs' });
    } finally {
      inflight--;
      metrics.requestSeconds.observe((performance.now() - started) / 1000);
      metrics.requests.inc({ status: String(res.statusCode), code });
    }
  };
}
