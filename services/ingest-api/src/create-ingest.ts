import {
  brokerReachable, createKafka, createMetrics, createProducer, createRedis, type HttpRejection, type Logger, type TenantRegistry, topicsFromConfig,
} from '@cdnlog/common';
import { createApp } from './app';
import type { IngestConfig } from './config';
import { IdempotencyStore } from './idempotency/idempotency-store';
import { LoadShedder } from './limits/load-shedder';
import { ingestMetrics } from './metrics';
import { Publisher } from './publish/publisher';

/**
 * Wire the ingest API from its config: Kafka producer + coalescing publisher,
 * Redis idempotency store, tenant quotas, metrics, the API's HTTP handler and
 * what its ops port serves. Used by main.ts
 * and by the integration tests, so tests run exactly this wiring.
 */
export function createIngest(config: IngestConfig, deps: { logger: Logger; registry: TenantRegistry; isShuttingDown: () => boolean }) {
  const { logger, registry } = deps;
  const metrics = createMetrics('ingest-api');
  const m = ingestMetrics(metrics);
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: `${config.KAFKA_CLIENT_ID}-ingest`, logger, gzipLevel: config.KAFKA_GZIP_LEVEL });
  const producer = createProducer(kafka, { idempotent: true, compression: config.KAFKA_COMPRESSION });
  const topic = topicsFromConfig(config).raw;
  const publisher = new Publisher(producer, {
    topic,
    lingerMs: config.PUBLISH_LINGER_MS,
    minSendIntervalMs: config.PUBLISH_MIN_SEND_INTERVAL_MS,
    maxBatchEvents: config.PUBLISH_MAX_BATCH_EVENTS,
    maxBatchBytes: config.PUBLISH_MAX_BATCH_BYTES,
    capacity: config.PUBLISH_BUFFER_EVENTS,
    timeoutMs: config.PUBLISH_TIMEOUT_MS,
    maxQueueDelayMs: config.PUBLISH_MAX_QUEUE_DELAY_MS,
    onSend: (events, seconds, ok) => {
      m.publishSeconds.observe({ outcome: ok ? 'ok' : 'error' }, seconds);
      m.publishEvents.observe(events);
    },
  });
  const redis = createRedis(config);
  redis.on('error', (err) => logger.warn('redis error', { error: err.message }));
  const shedder = new LoadShedder({ maxDelayMs: config.MAX_EVENT_LOOP_DELAY_MS });
  const sampler = setInterval(() => {
    m.bufferEvents.set(publisher.inflight);
    m.bufferFill.set(publisher.fill);
    m.queueDelay.set(publisher.queueDelayMs() / 1000);
    m.eventLoopDelay.set(shedder.delayMs / 1000);
  }, 1000);
  sampler.unref();

  const readiness = { kafka: async () => publisher.healthy && (await brokerReachable(kafka)), tenantRegistry: () => registry.size > 0 };
  const app = createApp({
    registry, publisher, shedder, logger, metrics: m,
    idempotency: new IdempotencyStore(redis, {
      ttlMs: config.IDEMPOTENCY_TTL_HOURS * 3_600_000,
      claimTtlMs: Math.max(30_000, config.PUBLISH_TIMEOUT_MS * 6),
    }),
    isShuttingDown: deps.isShuttingDown,
    limits: {
      maxBodyBytes: config.MAX_BODY_BYTES,
      maxEntries: config.MAX_ENTRIES_PER_BATCH,
      maxAgeMs: config.MAX_EVENT_AGE_HOURS * 3_600_000,
      maxFutureSkewMs: config.MAX_FUTURE_SKEW_SECONDS * 1000,
      publishTimeoutMs: config.PUBLISH_TIMEOUT_MS,
      maxInflightRequests: config.MAX_INFLIGHT_REQUESTS,
      tenantDefaults: {
        eventsPerSecond: config.DEFAULT_TENANT_EVENTS_PER_SECOND,
        eventBurst: config.DEFAULT_TENANT_BURST,
        bytesPerSecond: config.DEFAULT_TENANT_BYTES_PER_SECOND,
        byteBurst: config.DEFAULT_TENANT_BYTE_BURST,
        concurrentRequests: config.DEFAULT_TENANT_CONCURRENT_REQUESTS,
        idempotencyKeys: config.DEFAULT_TENANT_IDEMPOTENCY_KEYS,
      },
    },
  });

  return {
    app, kafka, producer, publisher, shedder, redis, topic, metrics,
    /** What the ops port serves (`startOpsServer`): /readyz checks and /metrics. */
    ops: { registry: metrics.registry, readiness },
    /** For `listen`: requests the HTTP layer answered itself (400 malformed_request, 408 request_timeout) count like the others. */
    countRejected: (r: HttpRejection) => m.requests.inc({ status: String(r.status), code: r.code }),
    /** Connect to Kafka; a broker that is down at start is retried by the first publishes (the API answers 503 meanwhile). */
    async connect() {
      await producer.connect().catch((err: Error) => logger.warn('kafka not reachable at start; publishes will retry', { error: err.message }));
    },
    /** After the HTTP server stopped accepting: finish in-flight publishes, then close clients. */
    async close() {
      clearInterval(sampler);
      shedder.stop();
      await publisher.drain();
      await producer.disconnect();
      await redis.quit();
    },
  };
}
