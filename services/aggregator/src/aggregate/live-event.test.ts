import { toWellFormed } from '@cdnlog/common';
import { decodeLiveMessage, liveBatchV2Schema } from './live-event';

const request = { customerId: 'acme', receivedAt: 1_700_000_000_000, enrichedAt: 1_700_000_000_500, batchId: 'b1', batchKey: 'k1' };
const fields = (i: number) => ({
  eventId: `e${i}`, timestamp: 1_700_000_000_000 + i, clientIp: `10.0.0.${i}`, country: 'GB', city: '', region: '', method: 'GET', url: '/', path: '/',
  route: 'GET /', status: 200 + i, statusClass: '2xx', bytesSent: i, userAgent: '', uaFamily: 'Chrome', deviceClass: 'desktop', isBot: false,
  host: '', referer: '', cacheStatus: 'HIT', pop: '', responseTimeMs: null, requestId: '',
});
const live = (i: number) => ({
  customerId: 'acme', batchId: 'b1', batchKey: 'k1', receivedAt: request.receivedAt, timestamp: 1_700_000_000_000 + i, clientIp: `10.0.0.${i}`,
  country: 'GB', route: 'GET /', status: 200 + i, bytesSent: i, uaFamily: 'Chrome', cacheStatus: 'HIT',
});
const buf = (x: unknown) => Buffer.from(typeof x === 'string' ? x : JSON.stringify(x));

describe('decodeLiveMessage', () => {
  it('v2: every event of the message, with its request fields, only what the live window reads', () => {
    expect(decodeLiveMessage(buf({ v: 2, ...request, events: [fields(1), fields(2), fields(3)] }))).toEqual({ ok: true, events: [live(1), live(2), live(3)] });
  });

  it('v1: the one event', () => {
    expect(decodeLiveMessage(buf({ v: 1, ...request, ...fields(7) }))).toEqual({ ok: true, events: [{ ...live(7), v: 1 }] });
  });

  it('rejects, with the reason: empty, not JSON, an unknown version, a v2 without events, with a bad event or a batchKey over 64 characters', () => {
    expect(decodeLiveMessage(null)).toEqual({ ok: false, reason: 'empty message' });
    expect(decodeLiveMessage(buf('{"v":2,'))).toEqual({ ok: false, reason: expect.stringMatching(/^not JSON: /) });
    expect(decodeLiveMessage(buf({ v: 3 }))).toEqual({ ok: false, reason: 'unknown enriched message version 3 (this aggregator reads v1 and v2)' });
    expect(decodeLiveMessage(buf({ v: 2, ...request, events: [] }))).toEqual({ ok: false, reason: expect.stringMatching(/^not an enriched batch v2: events: /) });
    expect(decodeLiveMessage(buf({ v: 2, ...request, events: [fields(1), { ...fields(2), status: 'x' }] }))).toEqual({
      ok: false, reason: expect.stringMatching(/^not an enriched batch v2: events\.1\.status: /),
    });
    expect(decodeLiveMessage(buf({ v: 2, ...request, batchKey: 'k'.repeat(65), events: [fields(1)] }))).toEqual({
      ok: false, reason: expect.stringMatching(/^not an enriched batch v2: batchKey: /),
    });
    expect(decodeLiveMessage(buf({ v: 1, ...request, ...fields(1), customerId: 'bad id!' }))).toEqual({
      ok: false, reason: expect.stringMatching(/^not an enriched event v1: customerId: /),
    });
  });

  it('decodes an event as the schema would, whichever way it checks it: odd values of every field the live window reads', () => {
    const odd: unknown[] = [undefined, null, true, 0, -1, 1.5, -0, Number.NaN, 2 ** 53, 2 ** 53 - 1, '', 'G', 'GB', 'GBR', '😀', '\ud800', 99, 100, 599, 600,
      'Chrome', 'chrome', 'Other', {}, []];
    let accepted = 0;
    for (const field of ['timestamp', 'clientIp', 'country', 'route', 'status', 'bytesSent', 'uaFamily', 'cacheStatus']) {
      for (const value of odd) {
        const message = { v: 2, ...request, events: [fields(1), { ...fields(2), [field]: value }] };
        const json = JSON.parse(JSON.stringify(message)) as unknown;
        const decoded = decodeLiveMessage(buf(message));
        expect({ field, value, ok: decoded.ok }).toEqual({ field, value, ok: liveBatchV2Schema.safeParse(json).success });
        if (decoded.ok) {
          accepted++;
          const read = (json as { events: Array<Record<string, unknown>> }).events[1]![field];
          expect(decoded.events[1]).toEqual({ ...live(2), [field]: typeof read === 'string' ? toWellFormed(read) : read });
        }
      }
    }
    expect(accepted).toBeGreaterThan(20);
  });

  it('makes free-text strings well-formed: a lone surrogate (which Redis cjson refuses) becomes U+FFFD, a pair stays', () => {
    const odd = { ...fields(1), clientIp: '10.0.0.1\udc00', route: 'GET /\ud83d\ude00\udc00', cacheStatus: '\ud800HIT', country: '' };
    const [v2] = (decodeLiveMessage(buf({ v: 2, ...request, batchId: 'b\udfff', events: [odd] })) as { events: unknown[] }).events;
    expect(v2).toEqual({ ...live(1), batchId: 'b\ufffd', clientIp: '10.0.0.1\ufffd', route: 'GET /\ud83d\ude00\ufffd', cacheStatus: '\ufffdHIT', country: '' });
    const [v1] = (decodeLiveMessage(buf({ v: 1, ...request, ...odd })) as { events: unknown[] }).events;
    expect(v1).toEqual({ ...live(1), v: 1, clientIp: '10.0.0.1\ufffd', route: 'GET /\ud83d\ude00\ufffd', cacheStatus: '\ufffdHIT', country: '' });
  });
});
