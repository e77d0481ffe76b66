import { createServer, type RequestListener, type Server } from 'node:http';

/**
 * Pending-connection queue of the listening socket (the kernel caps it at
 * net.core.somaxconn, 4096 on current kernels). Node's default of 511
 * overflowed when thousands of edge connections opened at once: the kernel
 * dropped their SYNs, the clients retransmitted after 1, 3, 7, 15 s, and the
 * ingest API answered a burst of new connections seconds late with a fraction
 * of its throughput (listen overflows in profile (b): docs/benchmarks.md).
 */
export const LISTEN_BACKLOG = 4096;

/**
 * How long a client may take to send a whole request (headers and body).
 * Node's default is 5 minutes: a client trickling its body (slowloris) held
 * one of the ingest API's in-flight slots that long, and a few hundred such
 * connections turned every other client away with 429. A 2 MB body (the
 * ingest cap) takes 16 s at 1 Mbit/s.
 */
export const REQUEST_TIMEOUT_MS = 30_000;

const MALFORMED =
  'HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n' +
  JSON.stringify({ error: 'malformed_request', message: 'The HTTP request could not be parsed (bad header, line or framing).' });

/** The JSON 408 for a request not received completely in time. */
function timedOut(requestTimeoutMs: number): string {
  const message = `The request was not received completely within ${requestTimeoutMs / 1000} s.`;
  return `HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n${JSON.stringify({ error: 'request_timeout', message })}`;
}

/** A request answered by the HTTP layer itself, before any route saw it. */
export interface HttpRejection {
  status: 400 | 408;
  code: 'malformed_request' | 'request_timeout';
}

export interface ListenOptions {
  /** Default 0.0.0.0. */
  host?: string;
  /** Default REQUEST_TIMEOUT_MS. */
  requestTimeoutMs?: number;
  /** Told of every request the HTTP layer answered itself (e.g. to count it in a metric). */
  onRejected?: (rejection: HttpRejection) => void;
}

/**
 * Start an HTTP handler (an express app, or a listener in front of one) and resolve once it is listening (rejects on EADDRINUSE
 * etc.), with a pending-connection queue of LISTEN_BACKLOG. Requests Node's
 * HTTP parser rejects (CR/LF in a header value, bad framing) get a JSON 400
 * instead of a bare socket close; a request whose headers and body have not
 * all arrived within `requestTimeoutMs` gets a JSON 408 and its connection is
 * closed (the time a handler then takes to answer is not limited by this).
 */
export function listen(app: RequestListener, port: number, opts: ListenOptions = {}): Promise<Server> {
  const { host = '0.0.0.0', requestTimeoutMs = REQUEST_TIMEOUT_MS, onRejected } = opts;
  return new Promise((resolve, reject) => {
    const server = createServer({
      requestTimeout: requestTimeoutMs,
      headersTimeout: Math.min(60_000, requestTimeoutMs),
      // How often Node looks for expired requests (its default, 30 s, would stretch a short timeout).
      connectionsCheckingInterval: Math.min(1000, Math.ceil(requestTimeoutMs / 4)),
    }, app);
    server.listen({ port, host, backlog: LISTEN_BACKLOG });
    // The answer ends the connection for good: Node's server sockets are half-open, so after a
    // plain end() a client could go on sending and the request it was told had failed would
    // still be handled (and published) while holding its slot.
    server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      if (!socket.writable) return socket.destroy();
      const timeout = err.code === 'ERR_HTTP_REQUEST_TIMEOUT';
      onRejected?.(timeout ? { status: 408, code: 'request_timeout' } : { status: 400, code: 'malformed_request' });
      socket.end(timeout ? timedOut(requestTimeoutMs) : MALFORMED, () => socket.destroy());
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
