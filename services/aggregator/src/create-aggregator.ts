import { BatchConsumer, createKafka, createMetrics, createProducer, createRedis, type Logger, redisReachable, topicsFromConfig } from '@cdnlog/common';
import type { AggregatorConfig } from './config';
import { deadLetterSink } from './dead-letters/dead-letter-sink';
import { handleEnrichedBatch } from './handle-enriched-batch';
import { aggregatorMetrics } from './metrics';
import { LiveRebuild } from './rebuild/live-rebuild';
import { readRedisInfoMemory, RedisMemorySampler, registerRedisMemoryGauges } from './redis-memory/redis-memory';

/** Redis memory gauges: a scrape reads INFO memory at most this often, and gives up on it after the timeout. */
const REDIS_MEMORY_MAX_AGE_MS = 5000;
const REDIS_MEMORY_TIMEOUT_MS = 1000;

/**
 * Enriched-topic bytes fetched at once, per partition and in all (kafkajs' defaults: 1 MB and 10 MB).
 * A rebuild after Redis lost the window replays it as fast as it can read: with the defaults a
 * rebuild's fetched data took the aggregator above a 256 MiB container limit; these bounds keep it
 * well inside for a somewhat slower rebuild (`npm run bench:rebuild`; numbers in docs/benchmarks.md).
 * The total bound holds per broker (kafkajs fetches from each broker separately), whatever the
 * partition count.
 */
const ENRICHED_FETCH_BYTES_PER_PARTITION = 256 * 1024;
const ENRICHED_FETCH_MAX_BYTES = 2 * 1024 * 1024;

/** Wire the aggregator from its config (used by main.ts and the tests). */
export function createAggregator(config: AggregatorConfig, logger: Logger) {
  const metrics = createMetrics('aggregator');
  const m = aggregatorMetrics(metrics);
  const redis = createRedis(config);
  redis.on('error', (err) => logger.warn('redis error', { error: err.message }));
  registerRedisMemoryGauges(metrics, new RedisMemorySampler({
    readInfo: () => readRedisInfoMemory(redis), maxAgeMs: REDIS_MEMORY_MAX_AGE_MS, timeoutMs: REDIS_MEMORY_TIMEOUT_MS,
    onError: (err) => logger.debug('redis memory gauges: INFO memory failed', { error: err.message }),
  }));
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: `${config.KAFKA_CLIENT_ID}-aggregator`, logger, gzipLevel: config.KAFKA_GZIP_LEVEL });
  const admin = kafka.admin();
  const topics = topicsFromConfig(config);
  // Dead letters are sent (acks=all) before a batch's offsets are committed.
  const dlq = createProducer(kafka, { idempotent: true, compression: config.KAFKA_COMPRESSION });

  const rebuild: LiveRebuild = new LiveRebuild({
    redis, logger, windowMinutes: config.LIVE_WINDOW_MINUTES, onRebuild: () => m.rebuilds.inc(),
    seek: (topic, partition, offset) => consumer.seek(topic, partition, offset),
    offsetForTime: async (topic, partition, ts) => {
      const offsets = await admin.fetchTopicOffsetsByTimestamp(topic, ts);
      const found = offsets.find((o) => o.partition === partition)?.offset;
      return found === undefined || Number(found) < 0 ? null : found;
    },
  });
  let idleCheck: NodeJS.Timeout | undefined;
  const consumer: BatchConsumer = new BatchConsumer({
    kafka, logger, metrics, groupId: config.AGGREGATOR_GROUP_ID, topics: [topics.enriched],
    maxBytesPerPartition: ENRICHED_FETCH_BYTES_PER_PARTITION, maxBytes: ENRICHED_FETCH_MAX_BYTES, sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
    stuckAfterMs: config.CONSUMER_STUCK_AFTER_MS,
    minBytes: config.KAFKA_FETCH_MIN_BYTES, maxWaitTimeMs: config.KAFKA_FETCH_MAX_WAIT_MS,
    handler: handleEnrichedBatch({
      redis, rebuild, logger, metrics: m, deadLetters: deadLetterSink(dlq, topics.dlq, m.deadLetters), unknownErrorGraceMs: config.UNKNOWN_ERROR_GRACE_MS,
      settings: { windowMinutes: config.LIVE_WINDOW_MINUTES, graceSeconds: config.LIVE_KEY_GRACE_SECONDS, topN: config.LIVE_TOP_N },
      replicaAcks: { min: config.REDIS_MIN_REPLICA_ACKS, timeoutMs: config.REDIS_REPLICA_ACK_TIMEOUT_MS },
    }),
  });

  return {
    metrics, redis, consumer, topics,
    readiness: {
      kafka: () => consumer.isHealthy(),
      redis: () => redisReachable(redis),
      // Fails while an enriched partition's messages have waited CONSUMER_STUCK_AFTER_MS without being applied and committed.
      partitions: () => consumer.stuckPartitions().length === 0,
    },
    async start() {
      await admin.connect();
      await dlq.connect();
      await consumer.start();
      idleCheck = setInterval(() => {
        for (const { topic, partition } of consumer.assignedPartitions()) {
          rebuild
            .withLock(topic, partition, () => rebuild.checkIdle(topic, partition))
            .catch((err: Error) => logger.warn('live window check failed', { topic, partition, error: err.message }));
        }
      }, config.LIVE_CHECK_INTERVAL_MS);
      idleCheck.unref();
    },
    async stop() {
      clearInterval(idleCheck);
      await consumer.stop();
      await dlq.disconnect();
      await admin.disconnect();
      await redis.quit();
    },
  };
}
