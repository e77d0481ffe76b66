import { createHash } from 'node:crypto';
import { batchKeyFor, eventIdFor, newRequestNonce } from './event-id';

const N = newRequestNonce();
const N2 = newRequestNonce();

describe('eventIdFor', () => {
  it('is stable for a requestId, per tenant', () => {
    expect(eventIdFor('acme', 0, 'req-1', undefined, N)).toBe(eventIdFor('acme', 7, 'req-1', 'any-key', N2));
    expect(eventIdFor('acme', 0, 'req-1', undefined, N)).not.toBe(eventIdFor('other', 0, 'req-1', undefined, N));
    expect(eventIdFor('acme', 0, 'req-1', undefined, N)).toMatch(/^r[0-9a-f]{31}$/);
  });

  it('is stable for idempotency key + position, and differs by position', () => {
    expect(eventIdFor('acme', 3, undefined, 'k', N)).toBe(eventIdFor('acme', 3, undefined, 'k', N));
    expect(eventIdFor('acme', 3, undefined, 'k', N)).not.toBe(eventIdFor('acme', 4, undefined, 'k', N2));
    expect(eventIdFor('acme', 3, undefined, 'k', N)).toMatch(/^k[0-9a-f]{31}$/);
  });

  it('does not let a crafted requestId collide with another tenant (separator is NUL)', () => {
    expect(eventIdFor('ab', 0, 'c', undefined, N)).not.toBe(eventIdFor('a', 0, 'bc', undefined, N));
  });

  it('is the request nonce and the position without either: unique per position and per request', () => {
    const nonce = newRequestNonce();
    expect(nonce).toMatch(/^[0-9a-f]{24}$/);
    expect(newRequestNonce()).not.toBe(nonce);
    // Across refills of the pool the nonces are still distinct and well-formed.
    const many = Array.from({ length: 2_000 }, newRequestNonce);
    expect(new Set(many).size).toBe(2_000);
    for (const n of many) expect(n).toMatch(/^[0-9a-f]{24}$/);
    expect(eventIdFor('acme', 0, undefined, undefined, nonce)).toBe(`x${nonce}0000000`);
    expect(eventIdFor('acme', 9_999, undefined, undefined, nonce)).toBe(`x${nonce}000270f`);
    expect(eventIdFor('acme', 0xfffffff, undefined, undefined, nonce)).toBe(`x${nonce}fffffff`);
    const ids = new Set(Array.from({ length: 10_000 }, (_, i) => eventIdFor('acme', i, undefined, undefined, nonce)));
    expect(ids.size).toBe(10_000);
    for (const id of ids) expect(id).toMatch(/^x[0-9a-f]{31}$/);
  });

  it('keeps the digests it had (sha256, first 31 hex characters)', () => {
    expect(eventIdFor('acme', 0, 'req-1', undefined, N)).toBe(`r${createHash('sha256').update('acme\u0000req-1').digest('hex').slice(0, 31)}`);
    expect(batchKeyFor('acme', 'k', 3)).toBe(`b${createHash('sha256').update('acme\u0000k\u00003').digest('hex').slice(0, 31)}`);
  });
});
