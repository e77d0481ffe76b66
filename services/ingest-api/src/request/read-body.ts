import type { IncomingMessage } from 'node:http';
import { createGunzip } from 'node:zlib';
import { ingestErrors } from '../errors';

/**
 * Read the request body, inflating gzip, without ever holding more than
 * `maxBytes` (+ one chunk): the compressed stream and the inflated output are
 * both counted and the read is abandoned as soon as either passes the limit,
 * so a gzip bomb is cut off early instead of being inflated into memory.
 */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const encoding = String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip' && encoding !== 'x-gzip') throw ingestErrors.unsupportedEncoding(encoding);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw ingestErrors.payloadTooLarge(maxBytes);

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
    const collect = (chunk: Buffer) => {
      if (settled) return;
      inflated += chunk.length;
      if (inflated > maxBytes) return fail(ingestErrors.payloadTooLarge(maxBytes));
      chunks.push(chunk);
    };
    const finish = () => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks, inflated));
    };

    req.on('data', (chunk: Buffer) => {
      compressed += chunk.length;
      if (compressed > maxBytes) fail(ingestErrors.payloadTooLarge(maxBytes));
    });
    req.on('error', (err) => fail(err));
    req.on('aborted', () => fail(new Error('request aborted by the client')));

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
