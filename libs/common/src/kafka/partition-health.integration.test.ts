/**
 * Health tells the truth: a handler that keeps failing (a store down) makes its
 * partition show as stalled and then stuck, with the oldest waiting message's
 * age, on /metrics and in stuckPartitions(); once it succeeds, both go back to 0.
 */
import { createMetrics } from '../metrics/registry';
import { stackConfig, testLogger, uniquePrefix, waitFor } from '../testing';
import { ensureTopics } from './admin';
import { BatchConsumer } from './batch-consumer';
import { createKafka } from './client';
import { createProducer } from './producer';

const logger = testLogger();
const kafka = createKafka({ brokers: stackConfig().KAFKA_BROKERS, clientId: 'partition-health-test', logger });
const topic = `${uniquePrefix('health')}.events`;

async function gauge(metrics: ReturnType<typeof createMetrics>, name: string): Promise<Map<string, number>> {
  const text = await metrics.registry.metrics();
  const values = new Map<string, number>();
  for (const m of text.matchAll(new RegExp(`^cdnlog_${name}\\{[^}]*partition="(\\d+)"[^}]*\\} (\\S+)$`, 'gm'))) values.set(m[1]!, Number(m[2]));
  return values;
}

it('a failing handler shows as a stalled, then stuck partition; recovery brings it back to 0', async () => {
  await ensureTopics(kafka, [topic], 1, 1);
  const producer = createProducer(kafka);
  await producer.connect();
  const metrics = createMetrics('test');
  let storeUp = false;
  const consumer = new BatchConsumer({
    kafka, logger, metrics, groupId: `${topic}.g`, topics: [topic], retryInitialMs: 100, retryMaxMs: 200, stuckAfterMs: 2000,
    handler: async () => {
      if (!storeUp) throw new Error('connect ECONNREFUSED 127.0.0.1:1');
    },
  });
  try {
    await consumer.start();
    await producer.send(topic, [{ key: 't', value: 'x' }]);
    const sentAt = Date.now();
    await waitFor(() => Promise.resolve(consumer.stuckPartitions().length), (n) => n === 1, { what: 'the partition stuck', timeoutMs: 30_000 });
    const [stuck] = consumer.stuckPartitions();
    expect(stuck).toMatchObject({ topic, partition: 0 });
    expect(stuck!.stalledSeconds).toBeGreaterThan(2);
    const stalled = await gauge(metrics, 'consumer_stalled_seconds');
    const oldest = await gauge(metrics, 'consumer_oldest_unprocessed_age_seconds');
    expect(stalled.get('0')).toBeGreaterThan(2);
    expect(oldest.get('0')).toBeGreaterThan(2);
    expect(oldest.get('0')).toBeLessThanOrEqual((Date.now() - sentAt) / 1000 + 1);

    storeUp = true;
    await waitFor(() => Promise.resolve(consumer.stuckPartitions().length), (n) => n === 0, { what: 'the partition unstuck', timeoutMs: 30_000 });
    expect((await gauge(metrics, 'consumer_stalled_seconds')).get('0')).toBe(0);
    expect((await gauge(metrics, 'consumer_oldest_unprocessed_age_seconds')).get('0')).toBe(0);
  } finally {
    await consumer.stop();
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
  }
}, 90_000);
