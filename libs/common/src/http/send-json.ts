import type { ServerResponse } from 'node:http';
import { AppError } from '../errors/app-error';
import { errorFields, type Logger } from '../logging/logger';

/**
 * Answer with a JSON body on a plain Node response: what express's
 * `res.status(s).set(h).json(b)` does, for routes served outside express's
 * router (the ingest API's hot path), with the same headers.
 */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  if (headers) for (const name in headers) res.setHeader(name, headers[name]!);
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(text);
}

/**
 * The answer for an error a route threw: an AppError becomes its status,
 * headers and `{error, message, details?}` body; a body error from a parser
 * keeps its 4xx status; anything else is logged and answered with a generic
 * 500 that leaks no internals. Once headers are out, the response is just ended.
 */
export function sendError(res: ServerResponse, err: unknown, logger: Logger, where: { method?: string; path?: string }): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  if (err instanceof AppError) {
    sendJson(res, err.status, err.toBody(), err.headers);
    return;
  }
  const declared = (err as { status?: unknown } | undefined)?.status;
  if (typeof declared === 'number' && declared >= 400 && declared < 500) {
    sendJson(res, declared, { error: 'bad_request', message: 'The request could not be read.' });
    return;
  }
  logger.error('unhandled error in request', { method: where.method, path: where.path, ...errorFields(err) });
  sendJson(res, 500, { error: 'internal_error', message: 'An unexpected error occurred; it was logged.' });
}
