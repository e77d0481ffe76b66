/**
 * A topic that accepts smaller messages than the ingest API sends (max.message.bytes
 * below a request, or below several coalesced): the real broker refuses the produce
 * call as too large. That is the data's size, not the broker's health: a request too
 * large on its own gets 413, requests that were only too large together are each
 * published, and nobody else is turned away with 503 afterwards.
 */
import { randomBytes } from 'node:crypto';
import { ConfigResourceTypes } from 'kafkajs';
import { entry, startIngest } from './harness';

let ingest: Awaited<ReturnType<typeof startIngest>>;
beforeAll(async () => {
  // No compression: the sizes the broker checks are the sizes sent. A long linger: concurrent requests share a call.
  ingest = await startIngest('size-limits', { env: { KAFKA_COMPRESSION: 'none', PUBLISH_LINGER_MS: '300' } });
  const admin = ingest.kafka.admin();
  await admin.connect();
  try {
    await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: ingest.topic, configEntries: [{ name: 'max.message.bytes', value: '20000' }] }],
    });
  } finally {
    await admin.disconnect();
  }
});
afterAll(() => ingest.stop());

/** Produce calls that failed (`cdnlog_ingest_publish_duration_seconds_count{outcome="error"}`). */
async function failedCalls(): Promise<number> {
  const text = await (await fetch(`${ingest.opsUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('cdnlog_ingest_publish_duration_seconds_count{') && l.includes('outcome="error"'));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}
const open = () => ({ 'x-customer-id': ingest.tenants.open });
/** Entries whose paths do not compress, about `bytes` of JSON in all. */
const entries = (bytes: number) => Array.from({ length: Math.ceil(bytes / 500) }, () => entry({ path: `/${randomBytes(150).toString('hex')}` }));

describe('Kafka refusing messages as too large', () => {
  it('a request too large for the topic on its own → 413 too_large_for_kafka; the next request is published at once', async () => {
    const before = await ingest.messageCount();
    const refused = await ingest.post(entries(40_000), open());
    expect(refused.status).toBe(413);
    expect(refused.body).toEqual({
      error: 'too_large_for_kafka',
      message: 'Kafka refused this batch as larger than a topic message may be; nothing was accepted. Send it in smaller batches.',
    });
    expect(ingest.publisher.healthy).toBe(true);
    expect((await ingest.post([entry()], open())).status).toBe(202);
    expect(await ingest.messageCount()).toBe(before + 1);
  });

  it('requests only too large together are sent again one per call, and each is accepted', async () => {
    const before = await ingest.messageCount();
    const failedBefore = await failedCalls();
    const answers = await Promise.all([ingest.post(entries(12_000), open()), ingest.post(entries(12_000), open())]);
    expect(answers.map((a) => a.status)).toEqual([202, 202]);
    expect(await ingest.messageCount()).toBe(before + 2);
    expect(await failedCalls()).toBe(failedBefore + 1); // the coalesced call, refused
    expect(ingest.publisher.healthy).toBe(true);
  });
});
