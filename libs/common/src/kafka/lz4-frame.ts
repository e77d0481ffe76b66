import { compressSync, decompressFrameSync, uncompressSync } from 'lz4-napi';

/**
 * LZ4 frames (https://github.com/lz4/lz4/blob/dev/doc/lz4_Frame_format.md)
 * assembled from lz4-napi's block functions.
 *
 * Why by hand: lz4-napi's own frame functions cost several times its block
 * functions on record batches of a few hundred kilobytes (its encoder writes
 * 4 MB blocks, its decoder reads any frame through a growing stream), which
 * made LZ4 a visible share of each consumer's CPU. Frames written here are
 * the plainest the format has, the layout Kafka's Java client writes:
 * independent 64 KB blocks, no checksums, no content size. Reading takes that
 * layout block by block and hands any other (linked blocks, checksums, a
 * dictionary, other block sizes, more frames: other producers) to lz4-napi's
 * frame decoder, which checks what it declares; a corrupt block is refused by
 * the block decoder either way.
 */

const MAGIC = 0x184d2204;
const BLOCK_SIZE = 64 * 1024;
/** FLG: version 01, independent blocks, no block checksum, no content size, no content checksum, no dictionary. */
const FLG = 0x60;
/** BD: 64 KB maximum block size. */
const BD = 0x40;
/** HC: the second byte of xxHash32 (seed 0) of FLG and BD, as the format defines it for this descriptor. */
const HC = 0x82;
const HEADER = Buffer.from([0x04, 0x22, 0x4d, 0x18, FLG, BD, HC]);
const UNCOMPRESSED = 0x80000000;

export function encodeLz4Frame(data: Buffer): Buffer {
  const parts: Buffer[] = [HEADER];
  let length = HEADER.length + 4;
  for (let start = 0; start < data.length; start += BLOCK_SIZE) {
    const chunk = data.subarray(start, Math.min(start + BLOCK_SIZE, data.length));
    const compressed = compressSync(chunk); // 4 bytes of size, then the block
    const size = Buffer.allocUnsafe(4);
    // A block that does not shrink is stored as it is, as the format allows.
    if (compressed.length - 4 < chunk.length) {
      size.writeUInt32LE(compressed.length - 4, 0);
      parts.push(size, compressed.subarray(4));
      length += compressed.length;
    } else {
      size.writeUInt32LE((UNCOMPRESSED | chunk.length) >>> 0, 0);
      parts.push(size, chunk);
      length += 4 + chunk.length;
    }
  }
  parts.push(Buffer.alloc(4)); // end mark
  return Buffer.concat(parts, length);
}

export function decodeLz4Frame(frame: Buffer): Buffer {
  return decodePlainFrame(frame) ?? decompressFrameSync(frame);
}

/** The frame's content if it has exactly the layout `encodeLz4Frame` writes, whole; else undefined. */
function decodePlainFrame(frame: Buffer): Buffer | undefined {
  if (frame.length < 11 || frame.readUInt32LE(0) !== MAGIC || frame[4] !== FLG || frame[5] !== BD || frame[6] !== HC) return undefined;
  const parts: Buffer[] = [];
  let length = 0;
  let at = 7;
  for (;;) {
    if (at + 4 > frame.length) return undefined;
    const size = frame.readUInt32LE(at);
    at += 4;
    if (size === 0) break;
    const blockLength = (size & ~UNCOMPRESSED) >>> 0;
    if (blockLength > BLOCK_SIZE || at + blockLength > frame.length) return undefined;
    const block = frame.subarray(at, at + blockLength);
    at += blockLength;
    if ((size & UNCOMPRESSED) !== 0) {
      parts.push(block);
      length += blockLength;
      continue;
    }
    const sized = Buffer.allocUnsafe(4 + blockLength);
    sized.writeUInt32LE(BLOCK_SIZE, 0); // the most a block may decompress to
    block.copy(sized, 4);
    const decoded = uncompressSync(sized);
    parts.push(decoded);
    length += decoded.length;
  }
  // Anything after the end mark (another frame, say) is the library's to read.
  if (at !== frame.length) return undefined;
  return Buffer.concat(parts, length);
}
