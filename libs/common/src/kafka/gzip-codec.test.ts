import { gzipSync } from 'node:zlib';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { GUNZIP_INLINE_MAX_BYTES, GZIP_INLINE_MAX_BYTES, useGzipLevel } from './gzip-codec';

const events = (n: number) => Buffer.from(JSON.stringify(Array.from({ length: n }, (_, i) => ({ eventId: `e${i}`, path: `/static/app.${i % 7}.js`, status: 200, bytesSent: i * 37 }))));
const small = events(200);
/** Past both inline limits even once compressed (random paths keep gzip from shrinking it much). */
const large = Buffer.from(JSON.stringify(Array.from({ length: 4000 }, (_, i) => ({ eventId: `e${i}`, path: `/${Math.random().toString(36).repeat(3)}` }))));

describe('useGzipLevel', () => {
  it('makes kafkajs compress GZIP batches at the given level, and read them back', async () => {
    for (const level of [1, 9]) {
      useGzipLevel(level);
      const codec = CompressionCodecs[CompressionTypes.GZIP]!();
      const compressed = (await codec.compress({ buffer: small } as never)) as Buffer;
      expect(compressed.equals(gzipSync(small, { level }))).toBe(true);
      expect(((await codec.decompress(compressed)) as Buffer).equals(small)).toBe(true);
    }
    expect(gzipSync(small, { level: 1 }).length).toBeGreaterThan(gzipSync(small, { level: 9 }).length);
  });

  it('gives the same bytes on the inline path (small batches) and the thread-pool path (large ones)', async () => {
    useGzipLevel(1);
    const codec = CompressionCodecs[CompressionTypes.GZIP]!();
    expect(small.length).toBeLessThanOrEqual(GZIP_INLINE_MAX_BYTES);
    expect(large.length).toBeGreaterThan(GZIP_INLINE_MAX_BYTES);
    for (const input of [small, large]) {
      const compressed = (await codec.compress({ buffer: input } as never)) as Buffer;
      expect(compressed.equals(gzipSync(input, { level: 1 }))).toBe(true);
      expect(((await codec.decompress(compressed)) as Buffer).equals(input)).toBe(true);
    }
    expect(gzipSync(large, { level: 1 }).length).toBeGreaterThan(GUNZIP_INLINE_MAX_BYTES);
  });

  it('rejects a corrupt batch on both paths instead of throwing synchronously', async () => {
    useGzipLevel(1);
    const codec = CompressionCodecs[CompressionTypes.GZIP]!();
    const corrupt = (input: Buffer) => {
      const gz = gzipSync(input, { level: 1 });
      gz.fill(0x41, 10, gz.length - 8);
      return gz;
    };
    await expect(codec.decompress(corrupt(small))).rejects.toThrow(/invalid|incorrect|unknown/i);
    await expect(codec.decompress(corrupt(large))).rejects.toThrow(/invalid|incorrect|unknown/i);
  });
});
