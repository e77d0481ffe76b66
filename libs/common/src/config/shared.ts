import { z } from 'zod';
import { brokerList, httpUrl, identifier, kafkaName, logLevel, optionalHostPortList, positiveInt, redisUrl } from './fields';

/**
 * Config blocks that several services read. The defaults point at the local
 * stack started by `scripts/stack up` (see README), so a service started on a
 * developer machine needs no environment at all.
 */
export const loggingEnv = {
  LOG_LEVEL: logLevel(),
};

export const kafkaEnv = {
  KAFKA_BROKERS: brokerList('127.0.0.1:19092'),
  KAFKA_CLIENT_ID: kafkaName('cdnlog'),
  KAFKA_TOPIC_RAW: kafkaName('cdn-logs.raw'),
  KAFKA_TOPIC_ENRICHED: kafkaName('cdn-logs.enriched'),
  KAFKA_TOPIC_DLQ: kafkaName('cdn-logs.dlq'),
  KAFKA_TOPIC_PARTITIONS: positiveInt(6),
  KAFKA_REPLICATION_FACTOR: positiveInt(1),
  /** Consumer group session timeout: how long a silent (crashed) member keeps its partitions. */
  KAFKA_SESSION_TIMEOUT_MS: positiveInt(30_000),
  /** zlib level of GZIP-compressed record batches this process produces (1 fastest .. 9 smallest). Default 1: a third of the CPU of kafkajs' fixed level 6 on our JSON for ~10-30 % larger batches; see kafka/gzip-codec.ts. */
  KAFKA_GZIP_LEVEL: z.coerce.number({ message: 'must be a number' }).int('must be an integer').min(1, 'must be 1..9').max(9, 'must be 1..9').default(1),
};

export const clickhouseEnv = {
  CLICKHOUSE_URL: httpUrl('http://127.0.0.1:18123'),
  CLICKHOUSE_USER: z.string().default('default'),
  CLICKHOUSE_PASSWORD: z.string().default(''),
  CLICKHOUSE_DATABASE: identifier('cdnlog'),
  /** `replicated` creates ReplicatedReplacingMergeTree tables + Distributed tables on CLICKHOUSE_CLUSTER. */
  CLICKHOUSE_SCHEMA_MODE: z.enum(['single', 'replicated'], { message: 'must be single or replicated' }).default('single'),
  CLICKHOUSE_CLUSTER: identifier('cdnlog_cluster'),
};

export const redisEnv = {
  REDIS_URL: redisUrl('redis://127.0.0.1:16379'),
  /** Comma-separated host:port seed nodes; when set, a Redis Cluster client is used instead of REDIS_URL. */
  REDIS_CLUSTER_NODES: optionalHostPortList(),
};

export const kafkaConfigSchema = z.object(kafkaEnv);
export type KafkaConfig = z.infer<typeof kafkaConfigSchema>;
export const clickhouseConfigSchema = z.object(clickhouseEnv);
export type ClickHouseConfig = z.infer<typeof clickhouseConfigSchema>;
export const redisConfigSchema = z.object(redisEnv);
export type RedisConfig = z.infer<typeof redisConfigSchema>;
