import type { Express } from 'express';
import { createServer, type Server } from 'node:http';

/**
 * Pending-connection queue of the listening socket (the kernel caps it at
 * net.core.somaxconn, 4096 on current kernels). Node's default of 511
 * overflowed when thousands of edge connections opened at once: the kernel
 * dropped their SYNs, the clients retransmitted after 1, 3, 7, 15 s, and the
 * ingest API answered a 2,000 req/s load at p99 13 s with a quarter of its
 * throughput (measured: 123,490 listen overflows in one profile (b) run).
 */
export const LISTEN_BACKLOG = 4096;

const MALFORMED =
  'HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n' +
  JSON.stringify({ error: 'malformed_request', message: 'The HTTP request could not be parsed (bad header, line or framing).' });

/**
 * Start an express app and resolve once it is listening (rejects on EADDRINUSE
 * etc.), with a pending-connection queue of LISTEN_BACKLOG. Requests Node's
 * HTTP parser rejects (CR/LF in a header value, bad framing) get a JSON 400
 * instead of a bare socket close.
 */
export function listen(app: Express, port: number, host = '0.0.0.0'): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer(app);
    server.listen({ port, host, backlog: LISTEN_BACKLOG });
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
