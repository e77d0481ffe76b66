/** Real-stack helpers for the aggregator's tests: unique topic, group and tenants per test file. */
import type { ChildProcess } from 'node:child_process';
import {
  BatchConsumer, chunkMessages, type ConsumedMessage, createKafka, createProducer, createRedis, ENRICHED_BATCH_VERSION, type EnrichedBatch, type EnrichedEvent,
  ensureTopics, LIVE_COUNTER_FIELDS, type OutgoingMessage, parseEnv, type RedisClient, redisKeys, scanKeys,
} from '@cdnlog/common';
import { deleteTopics, groupIntoParts, killAll, spawnService, stackConfig, testLogger, uniquePrefix, waitFor } from '@cdnlog/common/testing';
import { configSchema } from '../src/config';

export type Counters = Record<(typeof LIVE_COUNTER_FIELDS)[number], number>;

const COUNTRIES = ['GB', 'US', 'DE', 'FR', 'US', 'US'];
const ROUTES = ['GET /', 'GET /a.js', 'GET /b.css', 'POST /api', 'GET /a.js'];
const UAS: EnrichedEvent['uaFamily'][] = ['Chrome', 'Chrome', 'Safari', 'Firefox', 'curl'];

export async function aggregatorTestbed(tag: string, extraEnv: Record<string, string> = {}, partitions = 3) {
  const prefix = uniquePrefix(tag);
  const env: Record<string, string> = {
    KAFKA_TOPIC_ENRICHED: `${prefix}.enriched`,
    KAFKA_TOPIC_DLQ: `${prefix}.dlq`,
    AGGREGATOR_GROUP_ID: `${prefix}-aggregator`,
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    LIVE_CHECK_INTERVAL_MS: '1000',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    ...extraEnv,
  };
  const config = parseEnv(configSchema, { ...process.env, ...env });
  const logger = testLogger('aggregator-test');
  const kafka = createKafka({ brokers: stackConfig().KAFKA_BROKERS, clientId: `${prefix}-test`, logger });
  await ensureTopics(kafka, [env.KAFKA_TOPIC_ENRICHED!, env.KAFKA_TOPIC_DLQ!], partitions, 1);
  const producer = createProducer(kafka);
  await producer.connect();
  const redis = createRedis(config);
  const tenants = [`${prefix}-a`, `${prefix}-b`, `${prefix}-c`];
  const baseTime = Date.now();
  const children: ChildProcess[] = [];
  const readers: BatchConsumer[] = [];

  /** Deterministic events over the current minute and the 3 before it. */
  function events(n: number, from = 0, uniqueIpsPerTenant = 200): EnrichedEvent[] {
    return Array.from({ length: n }, (_, k) => {
      const i = from + k;
      const status = [200, 200, 304, 404, 503][i % 5]!;
      return {
        v: 1, eventId: `${prefix}-e${i}`, customerId: tenants[i % 3]!, timestamp: baseTime - (i % 4) * 60_000, receivedAt: baseTime,
        enrichedAt: baseTime, batchId: 'b', batchKey: '', clientIp: `10.${(i >> 16) & 255}.${(i % uniqueIpsPerTenant) >> 8}.${(i % uniqueIpsPerTenant) & 255}`,
        country: COUNTRIES[i % COUNTRIES.length]!, city: '', region: '', method: 'GET', url: '/', path: '/', route: ROUTES[i % ROUTES.length]!,
        status, statusClass: `${Math.floor(status / 100)}xx` as EnrichedEvent['statusClass'], bytesSent: 100 + (i % 7), userAgent: '',
        uaFamily: UAS[i % UAS.length]!, deviceClass: 'desktop', isBot: false, host: '', referer: '', cacheStatus: ['HIT', 'MISS', ''][i % 3]!,
        pop: '', responseTimeMs: null, requestId: '',
      };
    });
  }

  /** What the live window must hold, computed independently of the service's code. */
  function expected(list: EnrichedEvent[]) {
    const out = new Map<string, Counters>();
    for (const e of list) {
      const key = `${e.customerId}|${Math.floor(e.timestamp / 60_000) * 60}`;
      const c = out.get(key) ?? { requests: 0, bytes: 0, status2xx: 0, status3xx: 0, status4xx: 0, status5xx: 0, cacheHits: 0, cacheMisses: 0 };
      c.requests++;
      c.bytes += e.bytesSent;
      const cls = Math.floor(e.status / 100);
      if (cls === 2) c.status2xx++;
      if (cls === 3) c.status3xx++;
      if (cls === 4) c.status4xx++;
      if (cls === 5) c.status5xx++;
      if (e.cacheStatus === 'HIT') c.cacheHits++;
      if (e.cacheStatus === 'MISS') c.cacheMisses++;
      out.set(key, c);
    }
    return out;
  }

  async function counters(tenant: string, minute: number): Promise<Counters> {
    const raw = await redis.hgetall(redisKeys.live.counters(tenant, minute));
    return Object.fromEntries(LIVE_COUNTER_FIELDS.map((f) => [f, Number(raw[f] ?? 0)])) as Counters;
  }

  async function actual(keys: Iterable<string>) {
    const out = new Map<string, Counters>();
    for (const key of keys) {
      const [tenant, minute] = key.split('|');
      out.set(key, await counters(tenant!, Number(minute)));
    }
    return out;
  }

  return {
    prefix, env, config, kafka, redis, tenants, events, expected, counters, actual,
    /** As the enricher writes them: v2 messages of up to `perMessage` events, each of one tenant and batch (order kept per batch; see enrichedBatches). */
    async produce(list: EnrichedEvent[], perMessage = 50) {
      const batches = enrichedBatches(list, perMessage);
      for (const chunk of chunkMessages(batches.map((b) => ({ key: b.customerId, value: JSON.stringify(b) })))) {
        await producer.send(env.KAFKA_TOPIC_ENRICHED!, chunk);
      }
    },
    /** Messages as they are, whatever they hold. */
    produceRaw: (messages: OutgoingMessage[]) => producer.send(env.KAFKA_TOPIC_ENRICHED!, messages),
    /** The older layout: one v1 message per event. */
    async produceV1(list: EnrichedEvent[]) {
      for (let i = 0; i < list.length; i += 500) {
        await producer.send(env.KAFKA_TOPIC_ENRICHED!, list.slice(i, i + 500).map((e) => ({ key: e.customerId, value: JSON.stringify(e) })));
      }
    },
    /** Wait until every tenant-minute of `list` holds exactly the expected counters. */
    async waitExact(list: EnrichedEvent[], timeoutMs = 60_000) {
      const want = expected(list);
      const wanted = JSON.stringify([...want]);
      // An array (a Map prints as {}), so a timeout shows what the live window held.
      await waitFor(async () => [...(await actual(want.keys()))], (got) => JSON.stringify(got) === wanted, {
        what: `exact live counters (want ${wanted.slice(0, 2000)})`, timeoutMs,
      });
    },
    tenantKeys: (tenant: string) => scanKeys(redis, `live:{${tenant}}:*`),
    /** Move the aggregator group back to the first offset (with no member running): everything is delivered again. */
    async rewindGroup() {
      const admin = kafka.admin();
      await admin.connect();
      try {
        await admin.resetOffsets({ groupId: env.AGGREGATOR_GROUP_ID!, topic: env.KAFKA_TOPIC_ENRICHED!, earliest: true });
      } finally {
        await admin.disconnect();
      }
    },
    /** Until the aggregator group committed every message of the (single-partition) enriched topic. */
    async waitCommittedToEnd() {
      const admin = kafka.admin();
      await admin.connect();
      try {
        const topic = env.KAFKA_TOPIC_ENRICHED!;
        const [end] = await admin.fetchTopicOffsets(topic);
        await waitFor(
          async () => (await admin.fetchOffsets({ groupId: env.AGGREGATOR_GROUP_ID!, topics: [topic] }))[0]!.partitions[0]!.offset,
          (committed) => committed === end!.offset,
          { what: `offsets committed up to ${end!.offset}` },
        );
      } finally {
        await admin.disconnect();
      }
    },
    /** Start reading the test's DLQ topic; the function returns every letter read so far (each message once). */
    async readLetters(): Promise<() => ConsumedMessage[]> {
      const seen = new Map<string, ConsumedMessage>();
      const reader = new BatchConsumer({
        kafka, logger, groupId: `${prefix}-dlq-reader-${readers.length}`, topics: [env.KAFKA_TOPIC_DLQ!],
        handler: async (batch) => {
          for (const m of batch.messages) seen.set(`${m.partition}:${m.offset}`, m);
        },
      });
      readers.push(reader);
      await reader.start();
      return () => [...seen.values()];
    },
    /** Start the built service as its own process (crash and rebalance tests). */
    spawnAggregator(opsPort: number): ChildProcess {
      const child = spawnService('aggregator', { ...env, OPS_PORT: String(opsPort) });
      children.push(child);
      return child;
    },
    async cleanup() {
      killAll(children);
      for (const reader of readers) await reader.stop();
      await producer.disconnect();
      for (const t of tenants) for (const k of await scanKeys(redis, `live:{${t}}:*`)) await redis.del(k);
      await redis.quit();
      await deleteTopics(kafka, [env.KAFKA_TOPIC_ENRICHED!, env.KAFKA_TOPIC_DLQ!]);
    },
  };
}

/**
 * v2 messages of up to `perMessage` events; events of one message share tenant and request fields.
 * Messages come in the order each group first appears, so a tenant's interleaved batches are not interleaved any more.
 */
export function enrichedBatches(list: EnrichedEvent[], perMessage: number): EnrichedBatch[] {
  const parts = groupIntoParts(list, (e) => [e.customerId, e.batchId, e.batchKey, e.receivedAt, e.enrichedAt].join('\0'), perMessage);
  return parts.map((part) => {
    const { customerId, receivedAt, enrichedAt, batchId, batchKey } = part[0]!;
    return {
      v: ENRICHED_BATCH_VERSION, customerId, receivedAt, enrichedAt, batchId, batchKey: batchKey ?? '',
      events: part.map(({ v: _v, customerId: _c, receivedAt: _r, enrichedAt: _e, batchId: _b, batchKey: _k, ...event }) => event),
    };
  });
}

/** Everything Redis holds under a tenant's keys (type, value, absolute expiry), sorted: equal dumps mean nothing changed. */
export async function dumpTenant(redis: RedisClient, tenant: string) {
  const keys = (await scanKeys(redis, `live:{${tenant}}:*`)).sort();
  return Promise.all(
    keys.map(async (key) => {
      const type = await redis.type(key);
      const value =
        type === 'hash' ? Object.entries(await redis.hgetall(key)).sort()
        : type === 'zset' ? await redis.zrange(key, 0, -1, 'WITHSCORES')
        : type === 'string' ? (await redis.getBuffer(key))!.toString('base64')
        : type;
      return { key, type, value, expireAt: Number(await redis.call('EXPIRETIME', key)) };
    }),
  );
}
