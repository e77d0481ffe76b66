import { ensureTopics } from '../kafka/admin';
import { createKafka } from '../kafka/client';
import { createProducer } from '../kafka/producer';
import { stackConfig, testLogger, uniquePrefix } from '../testing';
import { deadLetter, replayBatchKey, type DeadLetterInput } from './dead-letter';
import { formatLetter, summarizeLetters } from './format-letters';
import { filterLetters, readDeadLetters, readTopic, type StoredLetter } from './read-letters';
import { replayLetters, selectLetters } from './replay-letters';

const config = stackConfig();
const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'dlq-integration-test', logger: testLogger() });
const prefix = uniquePrefix('dlq');
const dlqTopic = `${prefix}.dlq`;
const sourceTopic = `${prefix}.raw`;
const tenantA = `${prefix}a`;
const tenantB = `${prefix}b`;
const producer = createProducer(kafka);

const rawV2 = (tenant: string, eventId: string) => JSON.stringify({ v: 2, customerId: tenant, receivedAt: '2026-12-01T10:00:00.000Z', batchId: `${eventId}-batch`, events: [{ eventId }] });
const source = (offset: number, tenant: string, value: string) => ({ topic: sourceTopic, partition: 0, offset: String(offset), key: tenant, value: Buffer.from(value) });
const letters: DeadLetterInput[] = [
  { source: source(10, tenantA, 'not json {'), tenant: tenantA, service: 'enricher', stage: 'decode', code: 'invalid_message', reason: 'not JSON', events: 0, at: 1_000 },
  { source: source(11, tenantA, rawV2(tenantA, 'a1')), tenant: tenantA, service: 'enricher', stage: 'clickhouse', code: 'clickhouse_25', reason: 'refused', events: 1, at: 2_000 },
  { source: source(12, tenantB, rawV2(tenantB, 'b1')), tenant: tenantB, service: 'enricher', stage: 'clickhouse', code: 'clickhouse_25', reason: 'refused', events: 1, at: 3_000 },
  { source: source(13, tenantB, rawV2(tenantB, 'b2')), value: rawV2(tenantB, 'b2-part'), eventIndex: 4, tenant: tenantB, service: 'aggregator', stage: 'redis', code: 'redis_number_refused', reason: 'refused', events: 1, at: 4_000 },
];
const ID = {
  a10: `${sourceTopic}/0/10`,
  a11: `${sourceTopic}/0/11`,
  b12: `${sourceTopic}/0/12`,
  b13: `${sourceTopic}/0/13#4`,
};
let read: StoredLetter[] = [];
const ids = (ls: StoredLetter[]) => ls.map((l) => l.id).sort();

beforeAll(async () => {
  await ensureTopics(kafka, [dlqTopic, sourceTopic], 3, 1);
  await producer.connect();
  for (const input of letters) await producer.send(dlqTopic, [deadLetter(input)]);
  read = await readDeadLetters(kafka, dlqTopic, { timeoutMs: 30_000, groupPrefix: prefix });
});

afterAll(async () => {
  await producer.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [dlqTopic, sourceTopic] });
  await admin.disconnect();
});

describe('the DLQ tool on a real broker', () => {
  it('list reads every letter up to the high watermarks, and filters by tenant, code, stage and time', async () => {
    expect(ids(read)).toEqual(Object.values(ID).sort());
    expect(ids(filterLetters(read, { tenant: tenantA }))).toEqual([ID.a10, ID.a11]);
    expect(ids(filterLetters(read, { code: 'clickhouse_25' }))).toEqual([ID.a11, ID.b12]);
    expect(ids(filterLetters(read, { tenant: tenantB, code: 'clickhouse_25' }))).toEqual([ID.b12]);
    expect(ids(filterLetters(read, { stage: 'redis' }))).toEqual([ID.b13]);
    expect(ids(filterLetters(read, { since: 2_500 }))).toEqual([ID.b12, ID.b13]);
    expect(summarizeLetters(read)).toEqual({ total: 4, byTenant: { [tenantA]: 2, [tenantB]: 2 }, byCode: { invalid_message: 1, clickhouse_25: 2, redis_number_refused: 1 } });
    // Reading does not join anything that stays: no consumer group is left behind.
    const admin = kafka.admin();
    await admin.connect();
    const { groups } = await admin.listGroups();
    await admin.disconnect();
    expect(groups.filter((g) => g.groupId.startsWith(prefix))).toEqual([]);
  });

  it('show gives the headers and the value, indented when it is JSON', () => {
    const [b13] = read.filter((l) => l.id === ID.b13);
    expect(b13!.value!.toString()).toBe(rawV2(tenantB, 'b2-part'));
    const shown = formatLetter(b13!);
    expect(shown).toContain(`x-dlq-id: ${ID.b13}`);
    expect(shown).toContain('x-dlq-stage: redis');
    expect(shown).toContain(JSON.stringify(JSON.parse(rawV2(tenantB, 'b2-part')), null, 2));
  });

  it('replaying one letter twice produces two messages keyed by tenant with the same batchKey and different batchIds; a non-JSON letter is skipped', async () => {
    const { chosen } = selectLetters(read, { ids: [ID.a11] });
    const first = await replayLetters(producer, chosen);
    const second = await replayLetters(producer, chosen);
    expect([...first, ...second].map((r) => r.outcome)).toEqual(['replayed', 'replayed']);

    const skipped = await replayLetters(producer, selectLetters(read, { ids: [ID.a10] }).chosen);
    expect(skipped).toEqual([{ id: ID.a10, outcome: 'skipped', reason: expect.stringMatching(/^value is not JSON/) }]);

    const replayed = await readTopic(kafka, sourceTopic, { timeoutMs: 30_000 });
    expect(replayed).toHaveLength(2);
    const expected = { ...JSON.parse(rawV2(tenantA, 'a1')), batchId: expect.stringMatching(/^dlq-/), batchKey: replayBatchKey(ID.a11) };
    for (const m of replayed) {
      expect(m.key).toBe(tenantA);
      expect(JSON.parse(m.value!.toString())).toEqual(expected);
    }
    const batchIds = replayed.map((m) => (JSON.parse(m.value!.toString()) as { batchId: string }).batchId);
    expect(new Set(batchIds).size).toBe(2);
  });
});
