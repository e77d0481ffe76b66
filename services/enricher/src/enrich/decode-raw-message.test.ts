import { decodeRawMessage } from './decode-raw-message';

const request = { customerId: 'acme', receivedAt: 2, batchId: 'b' };
const event = { eventId: 'e1', timestamp: 1, clientIp: '1.2.3.4', method: 'GET', path: '/', status: 200, bytesSent: 0 };
const v1 = { v: 1, ...event, ...request };
const v2 = { v: 2, ...request, events: [event, { ...event, eventId: 'e2', userAgent: 'curl/8.5.0', responseTimeMs: 1.5 }] };
const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('decodeRawMessage', () => {
  it('reads a v1 message as one event', () => {
    expect(decodeRawMessage(bytes(v1))).toEqual({ ok: true, request, events: [v1] });
  });

  it('reads a v2 message as its request fields and its events in order', () => {
    expect(decodeRawMessage(bytes(v2))).toEqual({
      ok: true,
      request,
      events: [event, { ...event, eventId: 'e2', userAgent: 'curl/8.5.0', responseTimeMs: 1.5 }],
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
    expect(decodeRawMessage(bytes({ ...v2, events: [event, { ...event, status: 9 }] }))).toEqual({
      ok: false,
      reason: 'not a raw batch v2: events.1.status: Too small: expected number to be >=100',
    });
    expect(decodeRawMessage(bytes({ ...v2, events: [] }))).toEqual({
      ok: false,
      reason: 'not a raw batch v2: events: Too small: expected array to have >=1 items',
    });
  });
});
