import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { compressFrameSync, decompressFrameSync } from 'lz4-napi';
import { decodeLz4Frame, encodeLz4Frame } from './lz4-frame';

const text = (bytes: number) => {
  const line = Buffer.from('{"eventId":"x0123","path":"/assets/app.js?v=3","status":200,"country":"DE"}\n');
  return Buffer.concat(Array.from({ length: Math.ceil(bytes / line.length) }, () => line)).subarray(0, bytes);
};

describe('encodeLz4Frame', () => {
  it('writes the plain layout: 64 KB independent blocks, no checksums, no content size', () => {
    expect(encodeLz4Frame(text(10)).subarray(0, 7)).toEqual(Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82]));
  });

  it.each([0, 1, 65_535, 65_536, 65_537, 200_000, 1_000_000])('round-trips %i bytes of text, readable by lz4-napi too', (bytes) => {
    const input = text(bytes);
    const frame = encodeLz4Frame(input);
    expect(decodeLz4Frame(frame)).toEqual(input);
    expect(decompressFrameSync(frame)).toEqual(input);
    if (bytes > 1000) expect(frame.length).toBeLessThan(input.length / 4);
  });

  it('stores incompressible blocks as they are (the high bit of the size) and reads them back', () => {
    const input = randomBytes(150_000);
    const frame = encodeLz4Frame(input);
    expect(frame.readUInt32LE(7) >>> 31).toBe(1);
    expect(frame.readUInt32LE(7) & 0x7fffffff).toBe(65_536);
    expect(decodeLz4Frame(frame)).toEqual(input);
    expect(decompressFrameSync(frame)).toEqual(input);
  });

  it('round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 140_000 }), fc.integer({ min: 0, max: 3 }), (bytes, repeat) => {
        const input = Buffer.concat(Array.from({ length: repeat + 1 }, () => Buffer.from(bytes)));
        expect(decodeLz4Frame(encodeLz4Frame(input))).toEqual(input);
      }),
      { numRuns: 200 },
    );
  });
});

describe('decodeLz4Frame', () => {
  it("reads other producers' layouts through lz4-napi: 4 MB blocks, checksums", () => {
    const input = text(300_000);
    expect(decodeLz4Frame(compressFrameSync(input))).toEqual(input);
    expect(decodeLz4Frame(compressFrameSync(input, { contentChecksum: true, blockChecksums: true }))).toEqual(input);
  });

  it('refuses a corrupt block, a cut frame and bytes that are no frame', () => {
    const frame = encodeLz4Frame(text(100_000));
    const corrupt = Buffer.from(frame);
    corrupt.fill(0xff, 12, 40);
    expect(() => decodeLz4Frame(corrupt)).toThrow();
    expect(() => decodeLz4Frame(frame.subarray(0, frame.length - 10))).toThrow();
    expect(() => decodeLz4Frame(Buffer.from('not a frame at all'))).toThrow();
  });
});
