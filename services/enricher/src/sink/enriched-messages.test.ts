import { type EnrichedBatch, type EnrichedBatchEvent, enrichedBatchSchema, type EnrichedEvent, enrichedEventSchema } from '@cdnlog/common';
import { enrichedMessages } from './enriched-messages';

const request = { customerId: 'acme', receivedAt: 1_700_000_000_000, enrichedAt: 1_700_000_000_500, batchId: 'b1', batchKey: 'k1' };
const event = (i: number, userAgent = ''): EnrichedBatchEvent => ({
  eventId: `e${i}`, timestamp: 1_700_000_000_000 + i, clientIp: '81.2.69.142', country: 'GB', city: 'Bracknell', region: 'England', method: 'GET',
  url: '/a?b', path: '/a', route: 'GET /a', status: 200, statusClass: '2xx', bytesSent: i, userAgent, uaFamily: 'Other', deviceClass: 'other',
  isBot: false, host: '', referer: '', cacheStatus: 'HIT', pop: 'fra1', responseTimeMs: null, requestId: '',
});
const decode = (value: string | Buffer) => JSON.parse(value.toString()) as EnrichedBatch;

describe('enrichedMessages', () => {
  it('v2: one message holding every event in order, with the request fields once; valid against the contract', () => {
    const events = Array.from({ length: 100 }, (_, i) => event(i));
    const out = enrichedMessages(request, events, 2);
    expect(out).toHaveLength(1);
    expect(out[0]!.key).toBe('acme');
    const body = decode(out[0]!.value);
    expect(enrichedBatchSchema.safeParse(body).success).toBe(true);
    expect(body).toEqual({ v: 2, ...request, events });
  });

  it('v2: over maxBytes the events are split in halves until each part fits; a lone event may exceed it', () => {
    const events = Array.from({ length: 10 }, (_, i) => event(i, 'x'.repeat(1000)));
    const out = enrichedMessages(request, events, 2, 3000);
    expect(out.map((m) => decode(m.value).events.length)).toEqual([2, 1, 2, 2, 1, 2]);
    expect(out.flatMap((m) => decode(m.value).events.map((e) => e.eventId))).toEqual(events.map((e) => e.eventId));
    for (const m of out) expect(m.value.length).toBeLessThanOrEqual(3000);
    expect(enrichedMessages(request, [event(0, 'x'.repeat(5000))], 2, 3000)).toHaveLength(1);
  });

  it('v2: more than ENRICHED_BATCH_MAX_EVENTS (500) events are split at 500', () => {
    const out = enrichedMessages(request, Array.from({ length: 1201 }, (_, i) => event(i)), 2, Infinity);
    expect(out.map((m) => decode(m.value).events.length)).toEqual([500, 500, 201]);
  });

  it('v1: one message per event, each a complete v1 event', () => {
    const out = enrichedMessages(request, [event(0), event(1)], 1);
    expect(out).toHaveLength(2);
    const first = JSON.parse(out[0]!.value.toString()) as EnrichedEvent;
    expect(enrichedEventSchema.safeParse(first).success).toBe(true);
    expect(first).toEqual({ v: 1, ...request, ...event(0) });
    expect(out[1]!.key).toBe('acme');
  });

  it('no events, no message', () => {
    expect(enrichedMessages(request, [], 2)).toEqual([]);
  });
});
