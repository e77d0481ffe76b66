import { Readable } from 'node:stream';
/**
 * Runs the real ingest API in-process on a free port, against the real Kafka
 * and Redis of the test stack, with a topic and tenants unique to the test file.
 */
import type { AddressInfo } from 'node:net';
import { BatchConsumer, type RawBatch, closeServer, ensureTopics, listen, parseEnv, startOpsServer, sha256Hex, type TenantLimits, TenantRegistry } from '@cdnlog/common';
import { deleteTopics, testLogger, uniquePrefix, waitFor } from '@cdnlog/common/testing';
import { configSchema } from '../src/config';
import { createIngest } from '../src/create-ingest';

export interface HarnessOptions {
  /** Extra environment for the ingest config (e.g. PUBLISH_TIMEOUT_MS). */
  env?: Record<string, string>;
  /** Registry limits per test tenant (by its role: keyed, open, slow, other). */
  limits?: Partial<Record<'keyed' | 'open' | 'slow' | 'other', Partial<TenantLimits>>>;
}

export async function startIngest(tag: string, opts: HarnessOptions = {}) {
  const prefix = uniquePrefix(tag);
  const topic = `${prefix}.raw`;
  const config = parseEnv(configSchema, {
    ...process.env,
    KAFKA_TOPIC_RAW: topic,
    DEFAULT_TENANT_EVENTS_PER_SECOND: '1000000',
    DEFAULT_TENANT_BURST: '1000000',
    DEFAULT_TENANT_CONCURRENT_REQUESTS: '1000',
    // The API runs inside the jest process, whose event loop also builds the tests' hostile bodies
    // and collects their garbage: a GC pause there is not the API being CPU-saturated. Shedding on
    // event-loop delay stays off unless a test sets it (load-shedding.integration.test.ts).
    MAX_EVENT_LOOP_DELAY_MS: '60000',
    ...opts.env,
  });
  const logger = testLogger('ingest-api');
  const tenants = {
    keyed: `${prefix}-keyed`,
    open: `${prefix}-open`,
    slow: `${prefix}-slow`,
    other: `${prefix}-other`,
  };
  const registry = new TenantRegistry([
    { id: tenants.keyed, ingestKeySha256: [sha256Hex('keyed-secret')], readKeySha256: [], limits: opts.limits?.keyed },
    { id: tenants.open, ingestKeySha256: [], readKeySha256: [], limits: opts.limits?.open },
    { id: tenants.slow, ingestKeySha256: [], readKeySha256: [], limits: { eventsPerSecond: 5, eventBurst: 10, ...opts.limits?.slow } },
    { id: tenants.other, ingestKeySha256: [sha256Hex('other-secret')], readKeySha256: [], limits: opts.limits?.other },
  ]);
  let shuttingDown = false;
  const ingest = createIngest(config, { logger, registry, isShuttingDown: () => shuttingDown });
  const { kafka, publisher, redis } = ingest;
  await ensureTopics(kafka, [topic], 3, 1);
  await ingest.connect();
  const server = await listen(ingest.app, 0, { host: '127.0.0.1', requestTimeoutMs: config.REQUEST_TIMEOUT_MS, onRejected: ingest.countRejected });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const ops = await startOpsServer({ ...ingest.ops, port: 0, host: '127.0.0.1', isShuttingDown: () => shuttingDown, logger });
  /** The ops port: /readyz, /metrics. */
  const opsUrl = `http://127.0.0.1:${(ops.address() as AddressInfo).port}`;

  /** Messages ever written to the test topic (sum of partition high watermarks); one per accepted request of up to 500 events. */
  async function messageCount(): Promise<number> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.reduce((sum, p) => sum + Number(p.high), 0);
    } finally {
      await admin.disconnect();
    }
  }

  /** Every message on the test topic (v2 batches), read by a fresh consumer group (waits until `expected` messages arrived). */
  async function readTopic(expected: number): Promise<RawBatch[]> {
    const messages: RawBatch[] = [];
    const consumer = new BatchConsumer({
      kafka, logger, groupId: `${prefix}-reader-${Date.now()}`, topics: [topic],
      handler: async (batch) => void messages.push(...batch.messages.map((msg) => JSON.parse(msg.value!.toString()) as RawBatch)),
    });
    await consumer.start();
    try {
      await waitFor(async () => messages.length, (n) => n >= expected, { what: `${expected} messages on ${topic}` });
    } finally {
      await consumer.stop();
    }
    return messages;
  }

  async function post(body: unknown, headers: Record<string, string> = {}, raw?: Buffer | string | Readable) {
    const res = await fetch(`${url}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: (raw ?? JSON.stringify(body)) as RequestInit['body'],
      // A stream is sent chunked (no content-length).
      ...(raw instanceof Readable ? { duplex: 'half' } : {}),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: res.status, body: json as Record<string, unknown>, headers: res.headers };
  }

  async function stop() {
    shuttingDown = true;
    await closeServer(server);
    await ingest.close();
    await closeServer(ops);
    await deleteTopics(kafka, [topic]);
  }

  return { url, opsUrl, topic, kafka, tenants, prefix, post, messageCount, readTopic, stop, publisher, redis, shedder: ingest.shedder };
}

/** A valid entry; override any field. */
export function entry(overrides: Record<string, unknown> = {}) {
  return {
    timestamp: new Date().toISOString(),
    clientIp: '81.2.69.142',
    method: 'GET',
    path: '/index.html?x=1',
    status: 200,
    bytesSent: 1024,
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
    cacheStatus: 'HIT',
    pop: 'fra1',
    ...overrides,
  };
}
