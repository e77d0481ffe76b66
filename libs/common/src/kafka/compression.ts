import { CompressionTypes } from 'kafkajs';

/** Codecs a producer of ours can write (KAFKA_COMPRESSION). */
export const KAFKA_COMPRESSIONS = ['lz4', 'gzip', 'none'] as const;
export type KafkaCompression = (typeof KAFKA_COMPRESSIONS)[number];

/** KAFKA_COMPRESSION → kafkajs' codec id. */
export function compressionType(compression: KafkaCompression): CompressionTypes {
  return compression === 'lz4' ? CompressionTypes.LZ4 : compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
}
