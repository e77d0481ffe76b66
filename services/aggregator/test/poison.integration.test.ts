/**
 * No message stalls the aggregator. On one partition, among good messages of
 * three tenants: a message of tenant A that Redis refuses (its minute's byte
 * counter would pass the script's bound), a message that does not decode, and
 * events of tenant B with lone surrogates (which Redis' cjson would refuse
 * without the aggregator's cleaning). Every good event counts exactly once,
 * both bad messages are on the DLQ, and a redelivery changes nothing. Then
 * the operator fixes the cause and replays the refused letter twice (what
 * `npm run dlq -- replay` does): its events count once.
 */
import { DEAD_LETTER_HEADER as H, type ConsumedMessage, createProducer, type EnrichedEvent, readDeadLetter, redisKeys } from '@cdnlog/common';
import { replayLetters } from '@cdnlog/common/dead-letters/replay-letters';
import { testLogger, waitFor } from '@cdnlog/common/testing';
import { createAggregator } from '../src/create-aggregator';
import { aggregatorTestbed, dumpTenant, enrichedBatches } from './harness';

let bed: Awaited<ReturnType<typeof aggregatorTestbed>>;
let aggregator: ReturnType<typeof createAggregator> | undefined;
/** What the first test leaves for the replay test. */
const state: { good: EnrichedEvent[]; poisonEvents: EnrichedEvent[]; poisonMinute: number; refused?: ConsumedMessage } = { good: [], poisonEvents: [], poisonMinute: 0 };

beforeAll(async () => {
  bed = await aggregatorTestbed('poison', {}, 1); // one partition: every tenant's messages in one offset sequence
});
afterAll(async () => {
  await aggregator?.stop();
  await bed.cleanup();
});

/** Sum of `cdnlog_dead_letters_total` over the lines with these labels. */
const deadLetters = async (stage: string, code: string) => {
  const lines = (await aggregator!.metrics.registry.metrics()).split('\n').filter((l) => l.startsWith('cdnlog_dead_letters_total{'));
  return lines.filter((l) => l.includes(`stage="${stage}"`) && l.includes(`code="${code}"`)).reduce((n, l) => n + Number(l.split(' ').pop()), 0);
};

const byOffset = (a: ConsumedMessage, b: ConsumedMessage) => Number(a.headers[H.sourceOffset]) - Number(b.headers[H.sourceOffset]);

it('a message Redis refuses and one that does not decode are dead-lettered; every other offset counts exactly once; a redelivery changes nothing', async () => {
  const [a, b] = bed.tenants as [string, string, string];
  const good = bed.events(300).map((e, i) => (e.customerId === b && i % 2 === 0 ? { ...e, clientIp: `${e.clientIp}\udc00`, route: 'GET /\udc00' } : e));
  const [first, second] = [good.slice(0, 150), good.slice(150)];

  // A's poison: three events in a minute of the window whose byte counter is already at the script's bound.
  const poisonMinute = Math.floor(Date.now() / 60_000) * 60 - 8 * 60;
  const nearBound = { bytes: '8999999999999999999' };
  await bed.redis.hset(redisKeys.live.counters(a, poisonMinute), nearBound);
  const poisonEvents = bed.events(3, 10_000).map((e) => ({ ...e, customerId: a, timestamp: poisonMinute * 1000 + 5_000 }));
  Object.assign(state, { good, poisonEvents, poisonMinute });
  const poison = enrichedBatches(poisonEvents, 50);
  expect(poison).toHaveLength(1);
  const poisonValue = JSON.stringify(poison[0]);
  const undecodable = '{"v":2,"customerId":';

  const poisonOffset = enrichedBatches(first, 50).length;
  await bed.produce(first);
  await bed.produceRaw([{ key: a, value: poisonValue }]);
  await bed.produceRaw([{ key: a, value: undecodable }]);
  await bed.produce(second);

  const letters = await bed.readLetters();
  aggregator = createAggregator(bed.config, testLogger('aggregator'));
  await aggregator.start();
  await bed.waitExact(good);
  await waitFor(async () => letters().length, (n) => n >= 2, { what: 'two dead letters' });
  await bed.waitCommittedToEnd();

  const [refused, unreadable] = letters().sort(byOffset);
  state.refused = refused;
  expect(letters()).toHaveLength(2);
  expect(refused!.headers).toMatchObject({
    [H.stage]: 'redis', [H.code]: 'redis_script_refused', [H.tenant]: a, [H.sourceOffset]: String(poisonOffset), [H.events]: '3', [H.service]: 'aggregator',
    [H.id]: `${bed.env.KAFKA_TOPIC_ENRICHED}/0/${poisonOffset}`,
  });
  expect(refused!.headers[H.reason]).toMatch(/^ERR live: .*:c bytes would reach 9000000000000000000/);
  expect(refused!.key).toBe(a);
  expect(refused!.value!.toString()).toBe(poisonValue);
  expect(unreadable!.headers).toMatchObject({
    [H.stage]: 'decode', [H.code]: 'invalid_message', [H.tenant]: a, [H.sourceOffset]: String(poisonOffset + 1), [H.events]: '0',
  });
  expect(unreadable!.headers[H.reason]).toMatch(/^not JSON: /);
  expect(unreadable!.value!.toString()).toBe(undecodable);
  expect(await deadLetters('redis', 'redis_script_refused')).toBe(1);
  expect(await deadLetters('decode', 'invalid_message')).toBe(1);
  expect(await aggregator.metrics.registry.metrics()).toMatch(/^cdnlog_aggregator_tenant_applies_total\{outcome="isolated"[^}]*\} 1$/m);
  // Nothing of the poison was written; A's watermark passed it.
  expect(await bed.redis.hgetall(redisKeys.live.counters(a, poisonMinute))).toEqual(nearBound);
  expect(await bed.redis.exists(redisKeys.live.uniqueIps(a, poisonMinute), redisKeys.live.routes(a, poisonMinute))).toBe(0);
  expect(Number(await bed.redis.get(redisKeys.live.watermark(a, bed.env.KAFKA_TOPIC_ENRICHED!, 0)))).toBeGreaterThan(poisonOffset);

  // Redelivery: the aggregator restarts at the first offset.
  const before = await Promise.all(bed.tenants.map((t) => dumpTenant(bed.redis, t)));
  await aggregator.stop();
  await bed.rewindGroup();
  aggregator = createAggregator(bed.config, testLogger('aggregator'));
  await aggregator.start();
  await bed.waitCommittedToEnd();
  // The undecodable message has no watermark: its letter comes again, with the same id. The refused one does not.
  await waitFor(async () => letters().length, (n) => n >= 3, { what: 'the decode letter again' });
  await new Promise((r) => setTimeout(r, 2_000));
  const again = letters().sort(byOffset);
  expect(again.map((l) => [l.headers[H.stage], l.headers[H.id]])).toEqual([
    ['redis', refused!.headers[H.id]],
    ['decode', unreadable!.headers[H.id]],
    ['decode', unreadable!.headers[H.id]],
  ]);
  expect(await Promise.all(bed.tenants.map((t) => dumpTenant(bed.redis, t)))).toEqual(before);
  expect(await deadLetters('redis', 'redis_script_refused')).toBe(0);
  await bed.waitExact(good);
}, 120_000);

it('after the fix, replaying the refused letter twice (npm run dlq -- replay) counts its events once', async () => {
  const [a] = bed.tenants as [string];
  expect(state.refused).toBeDefined();
  await bed.redis.del(redisKeys.live.counters(a, state.poisonMinute)); // the operator's fix
  const producer = createProducer(bed.kafka);
  await producer.connect();
  try {
    const letter = readDeadLetter(state.refused!);
    for (let i = 0; i < 2; i++) expect((await replayLetters(producer, [letter])).map((r) => [r.outcome, r.topic])).toEqual([['replayed', bed.env.KAFKA_TOPIC_ENRICHED]]);
  } finally {
    await producer.disconnect();
  }
  const all = [...state.good, ...state.poisonEvents];
  await bed.waitExact(all);
  await bed.waitCommittedToEnd(); // both copies read
  await bed.waitExact(all, 5_000);
  expect(await deadLetters('redis', 'redis_script_refused')).toBe(0);
}, 90_000);
