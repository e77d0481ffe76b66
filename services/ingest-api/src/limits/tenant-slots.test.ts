import { TenantSlots } from './tenant-slots';

describe('TenantSlots', () => {
  it('gives each tenant up to its own bound and frees slots on release', () => {
    const slots = new TenantSlots();
    expect([slots.acquire('b', 2), slots.acquire('b', 2), slots.acquire('b', 2)]).toEqual([true, true, false]);
    expect(slots.acquire('a', 2)).toBe(true);
    slots.release('b');
    expect(slots.inFlight('b')).toBe(1);
    expect(slots.acquire('b', 2)).toBe(true);
    slots.release('b');
    slots.release('b');
    expect(slots.inFlight('b')).toBe(0);
  });
});
