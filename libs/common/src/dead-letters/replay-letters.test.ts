import type { DeadLetter } from './dead-letter';
import { replayBatchKey } from './dead-letter';
import { formatReplayResult, planReplay, replayLetters } from './replay-letters';

function letter(value: string | null, overrides: Partial<DeadLetter> = {}): DeadLetter {
  return {
    id: 'cdn-logs.raw/1/42',
    tenant: 'acme',
    source: { topic: 'cdn-logs.raw', partition: 1, offset: '42' },
    service: 'enricher',
    stage: 'clickhouse',
    code: 'clickhouse_25',
    reason: 'refused',
    events: 1,
    at: 0,
    dlq: { partition: 0, offset: '0' },
    key: 'acme',
    value: value === null ? null : Buffer.from(value),
    ...overrides,
  };
}

describe('planReplay', () => {
  it('a v2 message goes to its source topic keyed by tenant, with batchKey = replayBatchKey(id) replacing any other', () => {
    const plan = planReplay(letter(JSON.stringify({ v: 2, customerId: 'acme', batchKey: 'edge-key', events: [{ eventId: 'e1' }] })));
    expect(plan).toMatchObject({ ok: true, topic: 'cdn-logs.raw', batchKey: replayBatchKey('cdn-logs.raw/1/42'), message: { key: 'acme' } });
    if (!plan.ok) throw new Error('planned');
    expect(JSON.parse(plan.message.value.toString())).toEqual({
      v: 2, customerId: 'acme', batchId: expect.stringMatching(/^dlq-[0-9a-f-]{36}$/), batchKey: replayBatchKey('cdn-logs.raw/1/42'), events: [{ eventId: 'e1' }],
    });
  });

  it('two replays of one letter share the batchKey and differ in batchId (the live window counts the first, skips the second)', () => {
    const value = JSON.stringify({ v: 2, customerId: 'acme', batchId: 'original', events: [{ eventId: 'e1' }] });
    const [a, b] = [planReplay(letter(value)), planReplay(letter(value))];
    if (!a.ok || !b.ok) throw new Error('planned');
    const [ja, jb] = [a, b].map((p) => JSON.parse(p.message.value.toString()) as { batchId: string; batchKey: string });
    expect(ja!.batchKey).toBe(jb!.batchKey);
    expect(ja!.batchId).not.toBe(jb!.batchId);
    expect(ja!.batchId).not.toBe('original');
  });

  it('a v1 message goes as it is, with a note; without a tenant the letter key is used', () => {
    const value = JSON.stringify({ v: 1, eventId: 'e1' });
    const plan = planReplay(letter(value, { tenant: '', key: 'src-key' }));
    expect(plan).toMatchObject({ ok: true, message: { key: 'src-key', value: Buffer.from(value) }, note: expect.stringMatching(/^a v1 message .* without a batchKey/) });
    expect(plan.ok && plan.batchKey).toBeUndefined();
  });

  it.each([
    ['not JSON', letter('{"v":2,'), /^value is not JSON/],
    ['empty', letter(null), /^value is empty message/],
    ['no source topic', letter('{}', { source: { topic: '', partition: -1, offset: '' } }), /no source topic/],
  ])('%s: skipped with the reason', (_, l, reason) => {
    expect(planReplay(l)).toEqual({ ok: false, id: l.id, reason: expect.stringMatching(reason) });
  });
});

describe('replayLetters', () => {
  it('sends each replayable letter (none with dryRun) and reports each outcome', async () => {
    const sent: Array<[string, unknown]> = [];
    const producer = { connect: async () => undefined, disconnect: async () => undefined, isConnected: () => true, send: async (t: string, m: unknown[]) => void sent.push([t, m]) };
    const letters = [letter('{"v":2}'), letter('oops', { id: 'cdn-logs.raw/1/43' })];
    expect((await replayLetters(producer, letters, { dryRun: true })).map((r) => r.outcome)).toEqual(['would replay', 'skipped']);
    expect(sent).toEqual([]);
    const results = await replayLetters(producer, letters);
    expect(sent).toHaveLength(1);
    expect(results.map(formatReplayResult)).toEqual([
      `replayed      cdn-logs.raw/1/42 -> cdn-logs.raw key=acme batchKey=${replayBatchKey('cdn-logs.raw/1/42')}`,
      expect.stringMatching(/^skipped {7}cdn-logs.raw\/1\/43: value is not JSON/),
    ]);
  });
});
