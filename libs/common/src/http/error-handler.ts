import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from '../errors/app-error';
import { errorFields, type Logger } from '../logging/logger';

/** JSON 404 for every route nobody handles. */
export function notFound(): RequestHandler {
  return (req, res) => {
    res.status(404).json({ error: 'not_found', message: `No route for ${req.method} ${req.path.slice(0, 200)}.` });
  };
}

/**
 * The last middleware of every service: an AppError becomes its status, headers
 * and `{error, message, details?}` body; express's own body errors keep their
 * 4xx status; anything else is logged and answered with a generic 500 that
 * leaks no internals.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (res.headersSent) {
      res.end();
      return;
    }
    if (err instanceof AppError) {
      res.set(err.headers).status(err.status).json(err.toBody());
      return;
    }
    const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status < 500) {
      res.status(status).json({ error: 'bad_request', message: 'The request could not be read.' });
      return;
    }
    logger.error('unhandled error in request', { method: req.method, path: req.path, ...errorFields(err) });
    res.status(500).json({ error: 'internal_error', message: 'An unexpected error occurred; it was logged.' });
  };
}
