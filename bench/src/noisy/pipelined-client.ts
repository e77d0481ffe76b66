import { connect, type Socket } from 'node:net';

/**
 * HTTP/1.1 requests written ready-made onto a few persistent connections, many
 * in flight on each (pipelining), answers read by content-length. It costs a
 * fraction of the CPU of node:http per request: for B's request floods, whose
 * generator shares the box with A and the services it measures.
 */
export class PipelinedClient {
  private readonly connections: Connection[] = [];
  private next = 0;

  constructor(host: string, port: number, connections: number) {
    for (let i = 0; i < connections; i++) {
      const socket = connect({ host, port });
      const conn: Connection = { socket, waiting: [], buffer: Buffer.alloc(0) };
      socket.on('data', (chunk: Buffer) => {
        conn.buffer = conn.buffer.length === 0 ? chunk : Buffer.concat([conn.buffer, chunk]);
        for (let answer = takeAnswer(conn.buffer); answer; answer = takeAnswer(conn.buffer)) {
          conn.buffer = conn.buffer.subarray(answer.length);
          conn.waiting.shift()?.(answer.status, answer.body);
        }
      });
      const fail = () => {
        for (const done of conn.waiting.splice(0)) done('error', '');
      };
      socket.on('error', fail);
      socket.on('close', fail);
      this.connections.push(conn);
    }
  }

  /** Write one whole request (head and body); `done` gets its answer's status and body. */
  send(request: string, done: Answered): void {
    const conn = this.connections[this.next++ % this.connections.length]!;
    if (conn.socket.destroyed) return done('error', '');
    conn.waiting.push(done);
    conn.socket.write(request);
  }

  close(): void {
    for (const { socket } of this.connections) socket.destroy();
  }
}

type Answered = (status: number | 'error', body: string) => void;

interface Connection {
  socket: Socket;
  /** Callbacks of the requests written and not yet answered, in order. */
  waiting: Answered[];
  /** Bytes received and not yet part of a whole answer. */
  buffer: Buffer;
}

/** The first complete answer in `buffer` (head with content-length, then body), if one has arrived. */
function takeAnswer(buffer: Buffer): { status: number; body: string; length: number } | undefined {
  const headEnd = buffer.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  const head = buffer.toString('latin1', 0, headEnd);
  const status = Number(head.slice(9, 12));
  const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
  if (buffer.length < headEnd + 4 + length) return undefined;
  return { status, body: buffer.toString('utf8', headEnd + 4, headEnd + 4 + length), length: headEnd + 4 + length };
}
