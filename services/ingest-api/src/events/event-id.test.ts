import { eventIdFor } from './event-id';

describe('eventIdFor', () => {
  it('is stable for a requestId, per tenant', () => {
    expect(eventIdFor('acme', 0, 'req-1', undefined)).toBe(eventIdFor('acme', 7, 'req-1', 'any-key'));
    expect(eventIdFor('acme', 0, 'req-1', undefined)).not.toBe(eventIdFor('other', 0, 'req-1', undefined));
    expect(eventIdFor('acme', 0, 'req-1', undefined)).toMatch(/^r[0-9a-f]{31}$/);
  });

  it('is stable for idempotency key + position, and differs by position', () => {
    expect(eventIdFor('acme', 3, undefined, 'k')).toBe(eventIdFor('acme', 3, undefined, 'k'));
    expect(eventIdFor('acme', 3, undefined, 'k')).not.toBe(eventIdFor('acme', 4, undefined, 'k'));
    expect(eventIdFor('acme', 3, undefined, 'k')).toMatch(/^k[0-9a-f]{31}$/);
  });

  it('does not let a crafted requestId collide with another tenant (separator is NUL)', () => {
    expect(eventIdFor('ab', 0, 'c', undefined)).not.toBe(eventIdFor('a', 0, 'bc', undefined));
  });

  it('is random without either', () => {
    const a = eventIdFor('acme', 0, undefined, undefined);
    expect(a).toMatch(/^x[0-9a-f]{31}$/);
    expect(a).not.toBe(eventIdFor('acme', 0, undefined, undefined));
  });
});
