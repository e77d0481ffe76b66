import { rawBatchSchema } from '@cdnlog/common';
import type { ValidEntry } from '../validation/validate-batch';
import { batchKeyFor, eventIdFor } from './event-id';
import { toRawMessages } from './to-raw-messages';

const entry = (i: number, extra: Partial<ValidEntry> = {}): ValidEntry => ({
  timestamp: '2026-11-22T11:59:00Z',
  timestampMs: 1795348740000 + i,
  clientIp: '81.2.69.142',
  method: 'GET',
  path: `/p/${i}`,
  status: 200,
  bytesSent: i,
  userAgent: undefined,
  host: undefined,
  requestId: undefined,
  referer: undefined,
  cacheStatus: undefined,
  responseTimeMs: undefined,
  pop: undefined,
  ...extra,
});
const ctx = { tenant: 'acme', batchId: 'b-1', receivedAt: 1795348800000, idempotencyKey: 'k' };

describe('toRawMessages', () => {
  it('writes one v2 message: request fields once, events with only the fields they have, epoch-ms time', () => {
    const messages = toRawMessages([entry(0), entry(1, { userAgent: 'curl/8.5.0', responseTimeMs: 1.5, requestId: 'r-1' })], ctx);
    expect(messages).toEqual([
      {
        key: 'acme',
        value:
          `{"v":2,"customerId":"acme","batchId":"b-1","receivedAt":1795348800000,"events":[` +
          `{"eventId":"${eventIdFor('acme', 0, undefined, 'k', '')}","timestamp":1795348740000,"clientIp":"81.2.69.142","method":"GET","path":"/p/0","status":200,"bytesSent":0},` +
          `{"eventId":"${eventIdFor('acme', 1, 'r-1', 'k', '')}","timestamp":1795348740001,"clientIp":"81.2.69.142","method":"GET","path":"/p/1","status":200,"bytesSent":1,` +
          `"userAgent":"curl/8.5.0","requestId":"r-1","responseTimeMs":1.5}],"batchKey":"${batchKeyFor('acme', 'k', 0)}"}`,
      },
    ]);
    expect(rawBatchSchema.safeParse(JSON.parse(messages[0]!.value as string)).success).toBe(true);
  });

  it('splits into chunks of at most the bound, in order, ids by position in the whole request', () => {
    const entries = Array.from({ length: 7 }, (_, i) => entry(i));
    const batches = toRawMessages(entries, ctx, 3).map((m) => JSON.parse(m.value as string) as { batchId: string; events: Array<{ eventId: string; path: string }> });
    expect(batches.map((b) => b.events.map((e) => e.path))).toEqual([['/p/0', '/p/1', '/p/2'], ['/p/3', '/p/4', '/p/5'], ['/p/6']]);
    expect(batches.map((b) => b.batchId)).toEqual(['b-1', 'b-1', 'b-1']);
    expect(batches[2]!.events[0]!.eventId).toBe(eventIdFor('acme', 6, undefined, 'k', ''));
  });

  it('with an idempotency key, every message gets a batchKey from its first position: equal for a resend, whatever the event ids', () => {
    const keys = (c: typeof ctx | Omit<typeof ctx, 'idempotencyKey'>, withRequestIds = false) =>
      toRawMessages(Array.from({ length: 5 }, (_, i) => entry(i, withRequestIds ? { requestId: `r-${i}` } : {})), c, 3).map(
        (m) => (JSON.parse(m.value as string) as { batchKey?: string }).batchKey,
      );
    const first = keys(ctx);
    expect(first).toEqual([batchKeyFor('acme', 'k', 0), batchKeyFor('acme', 'k', 3)]);
    expect(new Set(first).size).toBe(2);
    expect(keys({ ...ctx, batchId: 'b-2' }, true)).toEqual(first); // the resend: another batch id, events with request ids
    expect(keys({ ...ctx, idempotencyKey: 'other' })).not.toContain(first[0]);
    const { idempotencyKey: _none, ...withoutKey } = ctx;
    expect(keys(withoutKey)).toEqual([undefined, undefined]);
  });
});
