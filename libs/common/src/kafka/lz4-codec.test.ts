import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { registerLz4Codec } from './lz4-codec';

describe('registerLz4Codec', () => {
  it('gives kafkajs an LZ4 codec writing LZ4 frames (magic 04 22 4D 18) that it reads back', async () => {
    registerLz4Codec();
    const codec = CompressionCodecs[CompressionTypes.LZ4]!() as { compress(e: { buffer: Buffer }): Promise<Buffer>; decompress(b: Buffer): Promise<Buffer> };
    const input = Buffer.from(JSON.stringify(Array.from({ length: 500 }, (_, i) => ({ eventId: `e${i}`, path: `/assets/app.js?v=${i % 9}`, status: 200 }))));
    const frame = await codec.compress({ buffer: input });
    expect(frame.subarray(0, 4)).toEqual(Buffer.from([0x04, 0x22, 0x4d, 0x18]));
    expect(frame.length).toBeLessThan(input.length / 4);
    expect(await codec.decompress(frame)).toEqual(input);
    expect(await codec.decompress(await codec.compress({ buffer: Buffer.alloc(0) }))).toEqual(Buffer.alloc(0));
  });
});
