import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { decodeLz4Frame, encodeLz4Frame } from './lz4-frame';

/**
 * kafkajs ships no LZ4 codec; this registers one (native LZ4 blocks from
 * lz4-napi in the frame format Kafka, Redpanda and the Java client use:
 * `lz4-frame.ts`). LZ4 costs a fraction
 * of gzip's CPU to compress and to read, for somewhat larger batches
 * (docs/benchmarks.md), which is the right trade for a CPU-bound pipeline; it
 * is the default of KAFKA_COMPRESSION. Every process registers it, whatever it
 * writes, so that it can read LZ4 batches. Frames are built on the calling
 * thread: LZ4 is fast enough that the thread pool's hand-off would cost more
 * than it saves, even for the enricher's largest batches.
 */
export function registerLz4Codec(): void {
  CompressionCodecs[CompressionTypes.LZ4] = () => ({
    compress: async (encoder: { buffer: Buffer }) => encodeLz4Frame(encoder.buffer),
    decompress: async (buffer: Buffer) => decodeLz4Frame(buffer),
  });
}
