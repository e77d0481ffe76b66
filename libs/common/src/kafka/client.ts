import { Kafka, logLevel as KafkaLogLevel, type LogEntry } from 'kafkajs';
import type { Logger } from '../logging/logger';
import { useGzipLevel } from './gzip-codec';
import { registerLz4Codec } from './lz4-codec';

const LEVELS: Record<number, string> = {
  [KafkaLogLevel.ERROR]: 'error',
  [KafkaLogLevel.WARN]: 'warn',
  [KafkaLogLevel.INFO]: 'info',
  [KafkaLogLevel.DEBUG]: 'debug',
};

/**
 * The only place that constructs a kafkajs client (but for ensureTopics' silent one-broker
 * clients, kafka/admin.ts). Its logs go through our
 * winston logger (JSON) at WARN and above unless LOG_LEVEL=debug.
 * Services never import kafkajs: they use MessageProducer / BatchConsumer.
 * `gzipLevel` (KAFKA_GZIP_LEVEL) sets the process's GZIP codec level (gzip-codec.ts);
 * a client created without it leaves the level as it is (no silent reset). The
 * LZ4 codec (lz4-codec.ts) is registered for every client, so any of them reads LZ4.
 */
export function createKafka(opts: { brokers: string[]; clientId: string; logger: Logger; gzipLevel?: number }): Kafka {
  const { logger } = opts;
  if (opts.gzipLevel !== undefined) useGzipLevel(opts.gzipLevel);
  registerLz4Codec();
  return new Kafka({
    clientId: opts.clientId,
    brokers: opts.brokers,
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    retry: { initialRetryTime: 200, retries: 5, maxRetryTime: 5000 },
    logLevel: logger.level === 'debug' ? KafkaLogLevel.DEBUG : KafkaLogLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log }: LogEntry) => {
        const { message, ...rest } = log;
        logger.log(LEVELS[level] ?? 'info', `kafkajs: ${message}`, { namespace, ...rest });
      },
  });
}
