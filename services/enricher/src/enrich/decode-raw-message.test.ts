import { decodeRawEvent } from './decode';

const good = { v: 1, eventId: 'e1', customerId: 'acme', timestamp: 1, receivedAt: 2, batchId: 'b', clientIp: '1.2.3.4', method: 'GET', path: '/', status: 200, bytesSent: 0 };

describe('decodeRawEvent', () => {
  it('accepts a raw event v1', () => {
    expect(decodeRawEvent(Buffer.from(JSON.stringify(good)))).toEqual({ ok: true, event: good });
  });
  it('names why a message is poison', () => {
    expect(decodeRawEvent(null)).toEqual({ ok: false, reason: 'empty message' });
    expect(decodeRawEvent(Buffer.from('{nope'))).toMatchObject({ ok: false, reason: expect.stringMatching(/^not JSON: /) });
    expect(decodeRawEvent(Buffer.from(JSON.stringify({ ...good, v: 2 })))).toEqual({
      ok: false,
      reason: 'not a raw event v1: v: Invalid input: expected 1',
    });
    expect(decodeRawEvent(Buffer.from(JSON.stringify({ ...good, customerId: 'Bad Id', status: 9 })))).toEqual({
      ok: false,
      reason:
        'not a raw event v1: customerId: must be 1-64 characters of a-z, 0-9, "-" or "_", starting with a letter or digit; status: Too small: expected number to be >=100',
    });
  });
});
