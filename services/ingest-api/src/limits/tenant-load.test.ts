import { TenantLoad } from './tenant-load';

describe('TenantLoad', () => {
  it('marks the tenants above an equal share of the last one to two seconds, weighted by body size', () => {
    let now = 0;
    const load = new TenantLoad(() => now);
    load.record('a', 0);
    expect(load.overShare('a')).toBe(true); // alone: shed as before
    for (let i = 0; i < 10; i++) load.record('b', 1024);
    load.record('c', 0);
    expect([load.overShare('a'), load.overShare('b'), load.overShare('c')]).toEqual([false, true, false]);
    now += 1500; // b's requests now fall in the previous second and still count
    load.record('a', 0);
    expect([load.overShare('a'), load.overShare('b')]).toEqual([false, true]);
    now += 2500; // all of that is older than two seconds
    load.record('a', 0);
    expect(load.overShare('a')).toBe(true);
    expect(load.overShare('b')).toBe(false);
  });
});
