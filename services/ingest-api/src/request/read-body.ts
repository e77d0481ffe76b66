import type { IncomingMessage } from 'node:http';
import { createGunzip } from 'node:zlib';
import { ingestErrors } from '../errors';

/**
 * How much of a too-large body is read and thrown away, beyond the limit, before
 * the 413 is sent. An answer sent while the client is still sending is often
 * lost: the connection closes, the client's next bytes meet a reset, and its
 * HTTP library reports a failed request instead of the 413. Past this bound
 * (a client sending far more than any allowed body) the connection is closed
 * at once.
 */
const DISCARD_FACTOR = 4;

/**
 * Read the request body, inflating gzip, without ever holding more than
 * `maxBytes` (+ one chunk): the compressed stream and the inflated output are
 * both counted and the read is abandoned as soon as either passes the limit,
 * so a gzip bomb is cut off early instead of being inflated into memory. A
 * body over the limit is refused once the client has sent it (read and
 * discarded, up to DISCARD_FACTOR × `maxBytes`), so the client sees its 413.
 */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const encoding = String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip' && encoding !== 'x-gzip') throw ingestErrors.unsupportedEncoding(encoding);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    if (declared <= DISCARD_FACTOR * maxBytes) await discardRest(req, DISCARD_FACTOR * maxBytes);
    throw ingestErrors.payloadTooLarge(maxBytes);
  }

  const gzip = encoding !== 'identity';
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let compressed = 0;
    let inflated = 0;
    let settled = false;
    const inflater = gzip ? createGunzip() : undefined;

    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      req.unpipe();
      inflater?.destroy();
      req.resume(); // drain what the client still sends; the response closes the connection
      reject(err);
    };
    const tooLarge = () => {
      if (settled) return;
      settled = true;
      req.unpipe();
      inflater?.destroy();
      chunks.length = 0;
      void discardRest(req, DISCARD_FACTOR * maxBytes - compressed).then(() => reject(ingestErrors.payloadTooLarge(maxBytes)));
    };
    const collect = (chunk: Buffer) => {
      if (settled) return;
      inflated += chunk.length;
      if (inflated > maxBytes) return tooLarge();
      chunks.push(chunk);
    };
    const finish = () => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks, inflated));
    };

    req.on('data', (chunk: Buffer) => {
      compressed += chunk.length;
      if (compressed > maxBytes) tooLarge();
    });
    req.on('error', (err) => fail(err));
    req.on('aborted', () => fail(ingestErrors.clientClosedRequest()));

    if (inflater) {
      inflater.on('data', collect);
      inflater.on('end', finish);
      inflater.on('error', () => fail(ingestErrors.invalidGzip()));
      req.pipe(inflater);
    } else {
      req.on('data', collect);
      req.on('end', finish);
    }
  });
}

/** Read and drop the rest of the request until it ends, fails, or `bound` more bytes came (then the answer closes the connection). */
function discardRest(req: IncomingMessage, bound: number): Promise<void> {
  return new Promise((resolve) => {
    let discarded = 0;
    const done = () => {
      req.off('data', count);
      resolve();
    };
    const count = (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > bound) done();
    };
    if (req.readableEnded) return resolve();
    req.on('data', count);
    req.once('end', done);
    req.once('error', done);
    req.once('aborted', done);
    req.resume();
  });
}
