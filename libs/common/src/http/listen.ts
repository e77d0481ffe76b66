import type { Express } from 'express';
import type { Server } from 'node:http';

const MALFORMED =
  'HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n' +
  JSON.stringify({ error: 'malformed_request', message: 'The HTTP request could not be parsed (bad header, line or framing).' });

/**
 * Start an express app and resolve once it is listening (rejects on EADDRINUSE
 * etc.). Requests Node's HTTP parser rejects (CR/LF in a header value, bad
 * framing) get a JSON 400 instead of a bare socket close.
 */
export function listen(app: Express, port: number, host = '0.0.0.0'): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.on('clientError', (_err, socket) => {
      if (socket.writable) socket.end(MALFORMED);
      else socket.destroy();
    });
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });
}

/** Stop accepting connections and wait for in-flight requests to finish. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
