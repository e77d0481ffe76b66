import { z } from 'zod';
import { consumerEnv, fields, kafkaEnv, loggingEnv, redisEnv, opsEnv } from '@cdnlog/common';

/** Every environment variable the aggregator reads (documented in its README). */
export const configSchema = z.object({
  ...loggingEnv,
  ...kafkaEnv,
  ...redisEnv,
  ...consumerEnv,
  ...opsEnv(9102),
  AGGREGATOR_GROUP_ID: fields.kafkaName('cdnlog-aggregator'),
  LIVE_WINDOW_MINUTES: fields.positiveInt(15),
  /** Seconds a minute's keys outlive the window (readers at the window's edge still find them). */
  LIVE_KEY_GRACE_SECONDS: fields.positiveInt(120),
  /** Members kept per minute in each top list (countries, routes, UA families). */
  LIVE_TOP_N: fields.positiveInt(1000),
  /** How often idle partitions are checked for a lost live window (Redis restarted empty). */
  LIVE_CHECK_INTERVAL_MS: fields.positiveInt(5000),
  /**
   * Replicas that must hold a batch's live-window writes before its offsets are committed (Redis
   * WAIT on every master): 1 on a Redis Cluster or any Redis with a replica that takes over, so a
   * failover loses nothing already counted; 0 (no wait) for a single Redis.
   */
  REDIS_MIN_REPLICA_ACKS: fields.nonNegativeInt(0),
  REDIS_REPLICA_ACK_TIMEOUT_MS: fields.positiveInt(1000),
});

export type AggregatorConfig = z.infer<typeof configSchema>;
