import { TenantLoad } from './tenant-load';

describe('TenantLoad', () => {
  it('finds the tenant that sent more than half of the last one to two seconds, weighted by body size', () => {
    let now = 0;
    const load = new TenantLoad(() => now);
    load.record('a', 0);
    expect(load.dominates('a')).toBe(true); // alone
    for (let i = 0; i < 10; i++) load.record('b', 1024); // 10 requests of 1 KiB: 20 of 22
    load.record('c', 0);
    now += 100; // the answer is worked out at most every 100 ms
    expect([load.dominates('a'), load.dominates('b'), load.dominates('c'), load.anyDominates()]).toEqual([false, true, false, true]);
    now += 1400; // b's requests now fall in the previous second and still count
    load.record('a', 0);
    now += 100;
    expect([load.dominates('a'), load.dominates('b')]).toEqual([false, true]);
    now += 2500; // all of that is older than two seconds
    load.record('a', 0);
    expect([load.dominates('a'), load.dominates('b')]).toEqual([true, false]);
  });

  it('finds nobody when the load is spread, however uneven: then everyone is shed', () => {
    const load = new TenantLoad(() => 0);
    for (const [tenant, n] of [['a', 45], ['b', 30], ['c', 25]] as const) for (let i = 0; i < n; i++) load.record(tenant, 0);
    expect(['a', 'b', 'c'].map((t) => load.dominates(t))).toEqual([false, false, false]);
    expect(load.anyDominates()).toBe(false);
  });
});
