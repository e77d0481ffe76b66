/**
 * Real-stack helpers for the enricher's tests: unique topics, consumer group,
 * transactional id and ClickHouse database per test file; producing raw events;
 * counting what arrived in ClickHouse and on the output topics.
 */
import type { ChildProcess } from 'node:child_process';
import {
  BatchConsumer, chunkMessages, type ConsumedMessage, createClickHouse, createKafka, createProducer, enrichedBatchSchema, type EnrichedEvent, enrichedEventSchema,
  ensureTopics, parseEnv, RAW_BATCH_VERSION, RAW_EVENT_VERSION, type RawBatch, type RawEvent, stringList, tablesFor,
} from '@cdnlog/common';
import { deleteTopics, groupIntoParts, killAll, pipelineTestEnv, spawnService, stackConfig, testLogger, uniquePrefix, waitFor } from '@cdnlog/common/testing';
import { configSchema } from '../src/config';

/** `brokerDefaultLimits`: create the topics without our 8 MB max.message.bytes (the broker's 1 MB applies). */
export async function enricherTestbed(tag: string, extraEnv: Record<string, string> = {}, opts: { brokerDefaultLimits?: boolean } = {}) {
  const prefix = uniquePrefix(tag);
  const env: Record<string, string> = { ...pipelineTestEnv(prefix), FLUSH_MAX_ROWS: '500', ...extraEnv };
  const config = parseEnv(configSchema, { ...process.env, ...env });
  const logger = testLogger('enricher-test');
  const kafka = createKafka({ brokers: stackConfig().KAFKA_BROKERS, clientId: `${prefix}-test`, logger });
  const topics = [env.KAFKA_TOPIC_RAW!, env.KAFKA_TOPIC_ENRICHED!, env.KAFKA_TOPIC_DLQ!];
  if (opts.brokerDefaultLimits) {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: topics.map((topic) => ({ topic, numPartitions: 3, replicationFactor: 1 })) });
    await admin.disconnect();
  } else {
    await ensureTopics(kafka, topics, 3, 1);
  }
  const producer = createProducer(kafka);
  await producer.connect();
  const clickhouse = createClickHouse(config);
  const tables = tablesFor(config.CLICKHOUSE_DATABASE);
  const tenants = [`${prefix}-a`, `${prefix}-b`, `${prefix}-c`];
  // One base time per testbed: events(n) called twice yields identical events (a real re-delivery).
  const baseTime = Date.now();
  const children: ChildProcess[] = [];
  const readers: BatchConsumer[] = [];

  async function scalar(query: string): Promise<number> {
    const rs = await clickhouse.query({ query, format: 'JSONEachRow' });
    const rows = await rs.json<{ n: string | number }>();
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * Collect every message of a topic (read_committed) into the returned array,
   * live. The reader is at-least-once like any consumer: a batch it gets again
   * after its own group rebalanced (same partition and offset) is not added
   * twice, so the array shows what the topic holds, and a duplicate the
   * enricher published (same event, another offset) still shows.
   */
  async function collect(topic: string, onMessage?: (m: ConsumedMessage) => void): Promise<ConsumedMessage[]> {
    const seen: ConsumedMessage[] = [];
    const offsets = new Set<string>();
    const reader = new BatchConsumer({
      kafka, logger, groupId: `${prefix}-reader-${readers.length}`, topics: [topic],
      handler: async (batch) => {
        for (const m of batch.messages) {
          const at = `${m.partition}:${m.offset}`;
          if (offsets.has(at)) continue;
          offsets.add(at);
          seen.push(m);
          onMessage?.(m);
        }
      },
    });
    readers.push(reader);
    await reader.start();
    return seen;
  }

  /**
   * The enriched topic, live: its messages, and their events in the v1 shape
   * (a v2 message's request fields copied into each of its events).
   */
  async function collectEnriched(): Promise<{ messages: ConsumedMessage[]; events: EnrichedEvent[] }> {
    const events: EnrichedEvent[] = [];
    const messages = await collect(env.KAFKA_TOPIC_ENRICHED!, (m) => {
      const json: unknown = JSON.parse(m.value!.toString());
      const batch = enrichedBatchSchema.safeParse(json);
      if (batch.success) {
        const { v: _v, events: list, ...request } = batch.data;
        for (const e of list) events.push({ v: 1, ...request, ...e });
        return;
      }
      const single = enrichedEventSchema.safeParse(json);
      if (!single.success) throw new Error(`not an enriched message v1 or v2 at ${m.partition}:${m.offset}: ${batch.error.message}`);
      events.push(single.data);
    });
    return { messages, events };
  }

  return {
    prefix, env, config, kafka, clickhouse, tables, tenants,
    /** Events with distinct ids, spread over the tenants and the last few minutes. */
    events(n: number, from = 0, overrides: Partial<RawEvent> = {}): RawEvent[] {
      const now = baseTime;
      return Array.from({ length: n }, (_, k) => {
        const i = from + k;
        return {
          v: RAW_EVENT_VERSION, eventId: `${prefix}-e${i}`, customerId: tenants[i % 3]!, timestamp: now - (i % 240) * 1000, receivedAt: now,
          batchId: 'b', clientIp: `81.2.${i % 250}.${(i * 7) % 250}`, method: 'GET', path: `/p${i % 10}?q=${i}`, status: [200, 200, 304, 404, 500][i % 5]!,
          bytesSent: 100 + (i % 50), userAgent: 'curl/8.5.0', cacheStatus: i % 2 ? 'HIT' : 'MISS', pop: 'fra1', ...overrides,
        };
      });
    },
    /** As the ingest API writes them: raw v2 messages of up to `perMessage` events, each of one tenant (events keep their order per tenant). */
    async produce(events: RawEvent[], perMessage = 50): Promise<RawBatch[]> {
      const batches = rawBatches(events, perMessage);
      // Produce calls within the broker's 1 MB default limit (some testbeds create their topics with it).
      for (const chunk of chunkMessages(batches.map((b) => ({ key: b.customerId, value: JSON.stringify(b) })))) {
        await producer.send(env.KAFKA_TOPIC_RAW!, chunk);
      }
      return batches;
    },
    /** The older layout: one raw v1 message per event. */
    async produceV1(events: RawEvent[]) {
      for (let i = 0; i < events.length; i += 500) {
        await producer.send(env.KAFKA_TOPIC_RAW!, events.slice(i, i + 500).map((e) => ({ key: e.customerId, value: JSON.stringify(e) })));
      }
    },
    async produceRaw(values: string[]) {
      await producer.send(env.KAFKA_TOPIC_RAW!, values.map((value) => ({ key: tenants[0]!, value })));
    },
    /** Distinct rows after deduplication. */
    distinctRows: () => scalar(`SELECT count() AS n FROM ${tables.enrichedLogs} FINAL WHERE customer_id IN ${stringList(tenants)}`),
    rollupRequests: () => scalar(`SELECT sum(requests) AS n FROM ${tables.minuteRollups} FINAL WHERE customer_id IN ${stringList(tenants)}`),
    scalar,
    collect,
    collectEnriched,
    waitFor,
    /** Start the built service as its own process (crash and rebalance tests). */
    spawnEnricher(opsPort: number): ChildProcess {
      const child = spawnService('enricher', { ...env, OPS_PORT: String(opsPort) });
      children.push(child);
      return child;
    },
    async cleanup() {
      killAll(children);
      await Promise.all(readers.map((r) => r.stop()));
      await producer.disconnect();
      await clickhouse.command({ query: `DROP DATABASE IF EXISTS ${tables.database}` }).catch(() => undefined);
      await clickhouse.close();
      await deleteTopics(kafka, [env.KAFKA_TOPIC_RAW!, env.KAFKA_TOPIC_ENRICHED!, env.KAFKA_TOPIC_DLQ!]);
    },
  };
}

/** Raw v2 messages of up to `perMessage` events, grouped by tenant and batch (each message is one tenant's, one batch's). */
export function rawBatches(events: RawEvent[], perMessage: number): RawBatch[] {
  return groupIntoParts(events, (e) => `${e.customerId}\0${e.batchId}\0${e.receivedAt}`, perMessage).map((part) => {
    const { customerId, receivedAt, batchId } = part[0]!;
    return { v: RAW_BATCH_VERSION, customerId, receivedAt, batchId, events: part.map(({ v: _v, customerId: _c, receivedAt: _r, batchId: _b, ...event }) => event) };
  });
}
