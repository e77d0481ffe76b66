import { createMetrics } from '../metrics/registry';
import { stackConfig, testLogger, uniquePrefix, waitFor } from '../testing';
import { ensureTopics, brokerReachable } from './admin';
import { BatchConsumer, type ConsumedMessage } from './batch-consumer';
import { createKafka } from './client';
import { createProducer } from './producer';

const config = stackConfig();
const logger = testLogger();
const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'kafka-integration-test', logger });
const prefix = uniquePrefix('kafka');
const topic = `${prefix}.events`;
const producer = createProducer(kafka);
const consumers: BatchConsumer[] = [];

beforeAll(async () => {
  expect(await ensureTopics(kafka, [topic], 3, 1)).toEqual([topic]);
  await producer.connect();
});

afterAll(async () => {
  await Promise.all(consumers.map((c) => c.stop()));
  await producer.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic] });
  await admin.disconnect();
});

async function committedTotal(groupId: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return offsets!.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  } finally {
    await admin.disconnect();
  }
}

function startConsumer(groupId: string, handler: (messages: ConsumedMessage[]) => Promise<void>, metrics?: ReturnType<typeof createMetrics>): BatchConsumer {
  const consumer = new BatchConsumer({ kafka, logger, groupId, topics: [topic], handler: (batch) => handler(batch.messages), retryInitialMs: 50, metrics, lagSampleMs: 300 });
  consumers.push(consumer);
  return consumer;
}

describe('Kafka through our producer and BatchConsumer (real broker)', () => {
  it('the broker answers a metadata request and an existing topic is not re-created', async () => {
    expect(await brokerReachable(kafka)).toBe(true);
    expect(await ensureTopics(kafka, [topic], 3, 1)).toEqual([]);
  });

  it('delivers every produced message once to a consumer group and commits the offsets', async () => {
    const sent = Array.from({ length: 30 }, (_, i) => `m${i}`);
    await producer.send(topic, sent.map((value, i) => ({ key: `tenant-${i % 5}`, value, headers: { 'x-test': 'yes' } })));

    const groupId = `${prefix}.g1`;
    const received: ConsumedMessage[] = [];
    const consumer = startConsumer(groupId, async (messages) => void received.push(...messages));
    await consumer.start();
    await waitFor(async () => received.length, (n) => n >= 30, { what: '30 messages' });
    await waitFor(() => committedTotal(groupId), (n) => n === 30, { what: 'committed offsets to reach 30' });

    expect(received.map((m) => m.value!.toString()).sort()).toEqual([...sent].sort());
    expect(received.every((m) => m.headers['x-test'] === 'yes')).toBe(true);
    // Same key, same partition: all of tenant-0's messages share one partition.
    expect(new Set(received.filter((m) => m.key === 'tenant-0').map((m) => m.partition)).size).toBe(1);
    await consumer.stop();

    // A new member of the same group starts from the committed offsets: it sees only what is new.
    const later: string[] = [];
    const again = startConsumer(groupId, async (messages) => void later.push(...messages.map((m) => m.value!.toString())));
    await again.start();
    await producer.send(topic, [{ key: 'tenant-9', value: 'after-restart' }]);
    await waitFor(async () => later, (l) => l.length >= 1, { what: 'the message produced after the restart' });
    await waitFor(() => committedTotal(groupId), (n) => n === 31, { what: 'committed offsets to reach 31' });
    expect(later).toEqual(['after-restart']);
    await again.stop();
  });

  it('retries a failing handler instead of skipping its batch, and commits only after success', async () => {
    const groupId = `${prefix}.g2`;
    let failuresLeft = 3;
    const seen: string[] = [];
    const metrics = createMetrics('test');
    const consumer = startConsumer(
      groupId,
      async (messages) => {
        if (failuresLeft > 0) {
          failuresLeft--;
          throw new Error('downstream store unavailable');
        }
        seen.push(...messages.map((m) => m.value!.toString()));
      },
      metrics,
    );
    await consumer.start();
    await waitFor(async () => seen.length, (n) => n >= 31, { what: 'all 31 messages after retries' });
    await waitFor(() => committedTotal(groupId), (n) => n === 31, { what: 'committed offsets to reach 31' });
    expect(failuresLeft).toBe(0);
    expect(new Set(seen).size).toBe(31);
    expect(seen.length).toBe(31);
    expect(consumer.isHealthy()).toBe(true);
    // Lag comes from committed offsets: zero on every owned partition once all is committed.
    const lagLines = async () => (await metrics.registry.metrics()).split('\n').filter((l) => l.startsWith('cdnlog_consumer_lag{'));
    const lines = await waitFor(lagLines, (l) => l.length === 3 && l.every((x) => x.endsWith(' 0')), { what: 'lag 0 on 3 partitions' });
    expect(lines).toHaveLength(3);
    expect((await metrics.registry.metrics())).toMatch(/^cdnlog_consumer_handler_errors_total\{topic="[^"]+",service="test"\} 3$/m);
  });
});
