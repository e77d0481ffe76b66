import { promisify } from 'node:util';
import { gzip, gzipSync, unzip, unzipSync } from 'node:zlib';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';

const gzipAsync = promisify(gzip);
const unzipAsync = promisify(unzip);

/**
 * Record batches up to this size are compressed on the calling thread. zlib's
 * async path hands each call to the thread pool, which costs several times
 * the CPU of compressing a small batch in place (docs/benchmarks.md), and a
 * produce call carries one record batch per partition, so single-event
 * requests for many tenants paid it several times per call. Larger batches
 * (the enricher's, up to 512 KB) still go to the pool, so that the event loop
 * is never held for long.
 */
export const GZIP_INLINE_MAX_BYTES = 64 * 1024;

/** Compressed batches up to this size are inflated on the calling thread (inflating is several times cheaper than deflating). */
export const GUNZIP_INLINE_MAX_BYTES = 16 * 1024;

/**
 * kafkajs compresses GZIP record batches at zlib's default level (6) and has
 * no option for it. On our messages level 1 costs a fraction of level 6's CPU
 * for batches about a quarter larger (docs/benchmarks.md); on a CPU-bound box
 * that trade is right.
 * This replaces kafkajs' GZIP codec with one at `level`. kafkajs keeps its
 * codecs in one process-wide table, so the last call wins; every service sets
 * the level once from KAFKA_GZIP_LEVEL. Decompression reads any level.
 */
export function useGzipLevel(level: number): void {
  CompressionCodecs[CompressionTypes.GZIP] = () => ({
    compress: (encoder: { buffer: Buffer }) =>
      encoder.buffer.length <= GZIP_INLINE_MAX_BYTES ? inline(() => gzipSync(encoder.buffer, { level })) : gzipAsync(encoder.buffer, { level }),
    decompress: (buffer: Buffer) => (buffer.length <= GUNZIP_INLINE_MAX_BYTES ? inline(() => unzipSync(buffer)) : unzipAsync(buffer)),
  });
}

/** A zlib error on the inline path rejects, as it does on the thread-pool path. */
async function inline(run: () => Buffer): Promise<Buffer> {
  return run();
}
