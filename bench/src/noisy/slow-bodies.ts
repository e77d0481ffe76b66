import { connect } from 'node:net';
import type { Tally } from './tally';

/**
 * `connections` requests that declare a 1 MB body and send 1 KB of it every
 * half second (slowloris within the body limit); each answered or closed one is
 * replaced until `signal` aborts. The tenant's concurrency quota should turn
 * all but its share away at once; the held ones end with 408 at the request timeout.
 */
export function slowBodies(opts: { url: string; tenant: string; key: string; connections: number; signal: AbortSignal; tally: Tally }): Promise<void> {
  const { hostname, port } = new URL(opts.url);
  const open = (): Promise<void> =>
    new Promise<void>((resolve) => {
      if (opts.signal.aborted) return resolve();
      const socket = connect({ host: hostname, port: Number(port) });
      let reply = '';
      const chunk = Buffer.alloc(1024, 0x20);
      const timer = setInterval(() => socket.write(chunk), 500);
      socket.on('connect', () => {
        socket.write(`POST /v1/logs HTTP/1.1\r\nhost: x\r\nx-customer-id: ${opts.tenant}\r\nauthorization: Bearer ${opts.key}\r\ncontent-type: application/json\r\ncontent-length: 1000000\r\n\r\n[`);
      });
      socket.on('data', (d) => (reply += d.toString()));
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearInterval(timer);
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1]);
        // The JSON body, whether sent with content-length or in chunks.
        if (Number.isFinite(status)) opts.tally.add(status, reply.slice(reply.indexOf('{'), reply.lastIndexOf('}') + 1));
        else opts.tally.add(opts.signal.aborted ? 'held' : 'error'); // held: still sending when the run ended
        resolve();
      });
      opts.signal.addEventListener('abort', () => socket.destroy(), { once: true });
    }).then(() => (opts.signal.aborted ? undefined : open()));
  return Promise.all(Array.from({ length: opts.connections }, open)).then(() => undefined);
}
