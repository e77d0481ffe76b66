import { gzipSync } from 'node:zlib';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { useGzipLevel } from './gzip-codec';

const json = Buffer.from(JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ eventId: `e${i}`, path: `/static/app.${i % 7}.js`, status: 200, bytesSent: i * 37 }))));

describe('useGzipLevel', () => {
  it('makes kafkajs compress GZIP batches at the given level, and read them back', async () => {
    for (const level of [1, 9]) {
      useGzipLevel(level);
      const codec = CompressionCodecs[CompressionTypes.GZIP]!();
      const compressed = (await codec.compress({ buffer: json } as never)) as Buffer;
      expect(compressed.equals(gzipSync(json, { level }))).toBe(true);
      expect(((await codec.decompress(compressed)) as Buffer).equals(json)).toBe(true);
    }
    expect(gzipSync(json, { level: 1 }).length).toBeGreaterThan(gzipSync(json, { level: 9 }).length);
  });
});
