import { decodeRawMessage } from './decode-raw-message';

const request = { customerId: 'acme', receivedAt: 2, batchId: 'b' };
const event = { eventId: 'e1', timestamp: 1, clientIp: '1.2.3.4', method: 'GET', path: '/', status: 200, bytesSent: 0 };
const v1 = { v: 1, ...event, ...request };
const v2 = { v: 2, ...request, events: [event, { ...event, eventId: 'e2', userAgent: 'curl/8.5.0', responseTimeMs: 1.5 }] };
const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('decodeRawMessage', () => {
  it('reads a v1 message as one event', () => {
    expect(decodeRawMessage(bytes(v1))).toEqual({ ok: true, request, events: [v1], refused: [] });
  });

  it('reads a v2 message as its request fields and its events in order', () => {
    expect(decodeRawMessage(bytes(v2))).toEqual({
      ok: true,
      request,
      events: [event, { ...event, eventId: 'e2', userAgent: 'curl/8.5.0', responseTimeMs: 1.5 }],
      refused: [],
    });
  });

  it('names why a message is poison', () => {
    expect(decodeRawMessage(null)).toEqual({ ok: false, reason: 'empty message' });
    expect(decodeRawMessage(bytes('x').subarray(0, 2))).toMatchObject({ ok: false, reason: expect.stringMatching(/^not JSON: /) });
    expect(decodeRawMessage(bytes({ ...v1, v: 3 }))).toEqual({ ok: false, reason: 'unknown raw message version 3 (this enricher reads v1 and v2)' });
    expect(decodeRawMessage(bytes([v1]))).toEqual({ ok: false, reason: 'unknown raw message version undefined (this enricher reads v1 and v2)' });
    expect(decodeRawMessage(bytes({ ...v1, customerId: 'Bad Id', status: 9 }))).toEqual({
      ok: false,
      reason:
        'not a raw event v1: customerId: must be 1-64 characters of a-z, 0-9, "-" or "_", starting with a letter or digit; status: Too small: expected number to be >=100',
    });
    expect(decodeRawMessage(bytes({ ...v2, batchId: '', events: [event, { ...event, status: 9 }] }))).toEqual({
      ok: false,
      reason: 'not a raw batch v2: batchId: Too small: expected string to have >=1 characters',
    });
    expect(decodeRawMessage(bytes({ ...v2, events: 'x' }))).toEqual({ ok: false, reason: 'not a raw batch v2: events: Invalid input: expected array, received string' });
    expect(decodeRawMessage(bytes({ ...v2, events: [] }))).toEqual({
      ok: false,
      reason: 'not a raw batch v2: events: Too small: expected array to have >=1 items',
    });
  });

  it('refuses only the events of a v2 message that fail the schema, with their index and the event as sent', () => {
    const bad = { ...event, eventId: 'e2', status: 9 };
    const { path: _path, ...noPath } = { ...event, eventId: 'e4' };
    const message = { ...v2, events: [event, bad, { ...event, eventId: 'e3' }, noPath, 'not an event'] };
    expect(decodeRawMessage(bytes(message))).toEqual({
      ok: true,
      request,
      events: [event, { ...event, eventId: 'e3' }],
      refused: [
        { index: 1, event: bad, reason: 'not a raw event: status: Too small: expected number to be >=100' },
        { index: 3, event: noPath, reason: 'not a raw event: path: Invalid input: expected string, received undefined' },
        { index: 4, event: 'not an event', reason: 'not a raw event: (root): Invalid input: expected object, received string' },
      ],
    });
  });

  it('refuses the events no store can hold, in v2 and v1, and keeps the rest', () => {
    const huge = { ...event, eventId: 'huge', bytesSent: 1e12 + 1 };
    const ok = { ...event, eventId: 'max', bytesSent: 1e12, responseTimeMs: 3_600_000 };
    const old = { ...event, eventId: 'old', timestamp: -1 };
    const slow = { ...event, eventId: 'slow', responseTimeMs: 3_600_001 };
    const last = { ...event, eventId: 'last', timestamp: 4_294_967_295_999 };
    const late = { ...event, eventId: 'late', timestamp: 4_294_967_296_000 };
    expect(decodeRawMessage(bytes({ ...v2, events: [huge, ok, old, slow, { ...event, bytesSent: 9007199254740991 }, last, late] }))).toEqual({
      ok: true,
      request,
      events: [ok, last],
      refused: [
        { index: 0, event: huge, reason: 'bytesSent: must be at most 1000000000000' },
        { index: 2, event: old, reason: 'timestamp: must be between 0 and 4294967295999 (epoch ms)' },
        { index: 3, event: slow, reason: 'responseTimeMs: must be at most 3600000' },
        { index: 4, event: { ...event, bytesSent: 9007199254740991 }, reason: 'bytesSent: must be at most 1000000000000' },
        { index: 6, event: late, reason: 'timestamp: must be between 0 and 4294967295999 (epoch ms)' },
      ],
    });
    expect(decodeRawMessage(bytes({ ...v2, receivedAt: -1 }))).toEqual({ ok: false, reason: 'receivedAt: must be between 0 and 4294967295999' });
    const hugeV1 = { ...v1, bytesSent: 2e12 };
    expect(decodeRawMessage(bytes(hugeV1))).toEqual({ ok: true, request, events: [], refused: [{ index: 0, event: hugeV1, reason: 'bytesSent: must be at most 1000000000000' }] });
  });

  it('makes every string of the request and of each event well-formed: unpaired surrogates become U+FFFD, pairs stay', () => {
    const lone = (s: string) => `${s}\ud800x\udc00`;
    const fixed = (s: string) => `${s}\ufffdx\ufffd`;
    const texts = ['eventId', 'clientIp', 'method', 'path', 'userAgent', 'host', 'requestId', 'referer', 'cacheStatus', 'pop'] as const;
    const dirty = Object.fromEntries(texts.map((f) => [f, lone(f)]));
    const clean = Object.fromEntries(texts.map((f) => [f, fixed(f)]));
    const paired = { ...event, eventId: 'e2', path: '/😀', userAgent: 'a😀b' };
    const decodedV2 = decodeRawMessage(bytes({ ...v2, batchId: lone('b'), batchKey: lone('k'), events: [{ ...event, ...dirty }, paired] }));
    expect(decodedV2).toEqual({
      ok: true,
      request: { ...request, batchId: fixed('b'), batchKey: fixed('k') },
      events: [{ ...event, ...clean }, paired],
      refused: [],
    });
    const decodedV1 = decodeRawMessage(bytes({ ...v1, batchId: lone('b'), ...dirty }));
    expect(decodedV1).toEqual({
      ok: true,
      request: { ...request, batchId: fixed('b') },
      events: [{ ...v1, batchId: fixed('b'), ...clean }],
      refused: [],
    });
    // Also on the per-event path (another event of the message failed the schema).
    const mixed = decodeRawMessage(bytes({ ...v2, events: [{ ...event, status: 9 }, { ...event, ...dirty }] }));
    expect(mixed).toMatchObject({ ok: true, events: [{ ...event, ...clean }], refused: [{ index: 0 }] });
  });
});
