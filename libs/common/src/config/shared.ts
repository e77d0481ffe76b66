import { z } from 'zod';
import * as fields from './fields';
import { brokerList, httpUrl, identifier, kafkaName, logLevel, optionalHostPortList, positiveInt, redisUrl } from './fields';
import { KAFKA_COMPRESSIONS } from '../kafka/compression';

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
  /**
   * The enricher's and aggregator's fetches wait on the broker until this many
   * bytes are ready or KAFKA_FETCH_MAX_WAIT_MS passed. kafkajs' default (1 byte)
   * answers a fetch as soon as anything arrived: under a steady stream of small
   * messages that was a stream of tiny fetches, each costing the broker CPU.
   * 16 KB saves most of that; a larger minimum saved no more and made each
   * consumer wait the full KAFKA_FETCH_MAX_WAIT_MS at moderate traffic
   * (numbers in docs/benchmarks.md, decision record).
   */
  KAFKA_FETCH_MIN_BYTES: z.coerce.number({ message: 'must be a number' }).int('must be an integer').min(1, 'must be at least 1').max(10_485_760, 'must be at most 10485760').default(16_384),
  /** Longest a fetch waits for KAFKA_FETCH_MIN_BYTES: at low traffic, the delay each consumer adds. */
  KAFKA_FETCH_MAX_WAIT_MS: z.coerce.number({ message: 'must be a number' }).int('must be an integer').min(1, 'must be at least 1').max(5000, 'must be at most 5000').default(100),
  /**
   * Codec of the record batches this process writes: lz4 (the default) costs a fraction of gzip's CPU
   * to write and to read for somewhat larger batches; gzip for the smallest; none for the least CPU
   * where bytes do not matter (docs/benchmarks.md). Readers read every codec whatever this says.
   */
  KAFKA_COMPRESSION: z.enum(KAFKA_COMPRESSIONS, { message: `must be one of ${KAFKA_COMPRESSIONS.join(', ')}` }).default('lz4'),
  /** zlib level of GZIP-compressed record batches this process produces (1 fastest .. 9 smallest). Default 1: far cheaper in CPU than kafkajs' fixed level 6 on our JSON for somewhat larger batches; see kafka/gzip-codec.ts and docs/benchmarks.md. */
  KAFKA_GZIP_LEVEL: z.coerce.number({ message: 'must be a number' }).int('must be an integer').min(1, 'must be 1..9').max(9, 'must be 1..9').default(1),
};

/** What the two consumers (enricher, aggregator) share about failing data and health (docs/architecture.md, "Error classes"). */
export const consumerEnv = {
  /** A partition whose fetched messages made no progress for this long counts as stuck: readiness fails and the gauge shows it. */
  CONSUMER_STUCK_AFTER_MS: z.coerce.number({ message: 'must be a number' }).int('must be an integer').min(1000, 'must be at least 1000').default(120_000),
  /** How long an unclassified store error is retried as transient before the data it concerns is isolated and dead-lettered. */
  UNKNOWN_ERROR_GRACE_MS: z.coerce.number({ message: 'must be a number' }).int('must be an integer').min(0, 'must not be negative').default(120_000),
};

/**
 * Where a service answers /readyz and /metrics (and /healthz): a port of its
 * own, so that the public API port serves neither (a readiness call opens
 * broker and store connections; metrics name tenants). Bind OPS_HOST to the
 * pod or private network where the API port is public.
 */
export const opsEnv = (port: number) => ({
  OPS_PORT: fields.port(port),
  OPS_HOST: z.string().min(1, 'must not be empty').default('0.0.0.0'),
});

/**
 * Outside the local stack (`NODE_ENV=production`, which the image sets) the
 * services fail closed: a registry path must be given, never the sample's.
 */
export const tenantRegistryEnv = {
  NODE_ENV: z.string().default('development'),
  TENANT_REGISTRY_PATH: z.string().min(1, 'must not be empty').optional(),
};

export const SAMPLE_TENANT_REGISTRY = 'config/tenants.sample.json';

export class MissingRegistryError extends Error {}

/** For a service's config schema (`.superRefine`): the production rule as a configuration error naming the variable. */
export function requireRegistryInProduction(config: { NODE_ENV: string; TENANT_REGISTRY_PATH?: string | undefined }, ctx: z.RefinementCtx): void {
  if (isProduction(config) && !config.TENANT_REGISTRY_PATH) {
    ctx.addIssue({ code: 'custom', path: ['TENANT_REGISTRY_PATH'], message: 'is required when NODE_ENV=production (the sample registry holds public demo keys)' });
  }
}

/** The registry file to load: TENANT_REGISTRY_PATH, or the sample outside production; a start-up error in production without it. */
export function tenantRegistryPath(config: { NODE_ENV: string; TENANT_REGISTRY_PATH?: string | undefined }): string {
  if (config.TENANT_REGISTRY_PATH) return config.TENANT_REGISTRY_PATH;
  if (isProduction(config)) {
    throw new MissingRegistryError('TENANT_REGISTRY_PATH is required when NODE_ENV=production (the sample registry holds public demo keys)');
  }
  return SAMPLE_TENANT_REGISTRY;
}

export function isProduction(config: { NODE_ENV: string }): boolean {
  return config.NODE_ENV === 'production';
}

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
