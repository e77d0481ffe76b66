import { TenantInFlight } from './tenant-in-flight';

describe('TenantInFlight', () => {
  it('admits up to the limit per tenant, and one more after a release', () => {
    const inFlight = new TenantInFlight();
    const a1 = inFlight.tryAcquire('a', 2);
    const a2 = inFlight.tryAcquire('a', 2);
    expect([a1, a2].every((r) => typeof r === 'function')).toBe(true);
    expect(inFlight.tryAcquire('a', 2)).toBeUndefined();
    expect(inFlight.count('a')).toBe(2);
    a1!();
    expect(inFlight.count('a')).toBe(1);
    expect(inFlight.tryAcquire('a', 2)).toEqual(expect.any(Function));
    expect(inFlight.tryAcquire('a', 2)).toBeUndefined();
  });

  it('one tenant at its limit does not limit another', () => {
    const inFlight = new TenantInFlight();
    expect(inFlight.tryAcquire('b', 1)).toEqual(expect.any(Function));
    expect(inFlight.tryAcquire('b', 1)).toBeUndefined();
    expect(inFlight.tryAcquire('a', 1)).toEqual(expect.any(Function));
  });

  it('a release counts once however often it is called, and an idle tenant leaves no entry', () => {
    const inFlight = new TenantInFlight();
    const first = inFlight.tryAcquire('a', 2)!;
    const second = inFlight.tryAcquire('a', 2)!;
    first();
    first();
    expect(inFlight.count('a')).toBe(1);
    second();
    expect(inFlight.count('a')).toBe(0);
    expect((inFlight as unknown as { running: Map<string, number> }).running.size).toBe(0);
  });

  it('gives each tenant up to its own bound and frees slots on release', () => {
    const slots = new TenantInFlight();
    const b = [slots.tryAcquire('b', 2), slots.tryAcquire('b', 2), slots.tryAcquire('b', 2)];
    expect(b.map((r) => typeof r)).toEqual(['function', 'function', 'undefined']);
    expect(slots.tryAcquire('a', 2)).toEqual(expect.any(Function));
    b[0]!();
    expect(slots.count('b')).toBe(1);
    expect(slots.tryAcquire('b', 2)).toEqual(expect.any(Function));
  });
});
