import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../logging/logger';
import { sendError } from './send-json';

/** JSON 404 for every route nobody handles. */
export function notFound(): RequestHandler {
  return (req, res) => {
    res.status(404).json({ error: 'not_found', message: `No route for ${req.method} ${req.path.slice(0, 200)}.` });
  };
}

/** The last middleware of every service: answers what a route threw with `sendError` (send-json.ts). */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => sendError(res, err, logger, { method: req.method, path: req.path });
}
