import { RecentCache } from './recent-cache';

describe('RecentCache', () => {
  it('returns what was set, holds at most the capacity, and drops the older generation whole', () => {
    const c = new RecentCache<string, number>(4);
    c.set('a', 1);
    c.set('b', 2); // the young generation is full (half the capacity): {a, b} becomes the old one
    c.set('c', 3);
    expect(c.get('c')).toBe(3);
    expect(c.get('b')).toBe(2); // moved to the young generation, full again: {c, b} becomes the old one, {a, b} is dropped
    expect(c.get('a')).toBeUndefined();
    expect([c.get('b'), c.get('c')]).toEqual([2, 3]);
    expect(c.size).toBeLessThanOrEqual(4);
  });

  it('keeps an entry that is used alive across generations', () => {
    const c = new RecentCache<number, string>(100);
    c.set(-1, 'hot');
    for (let i = 0; i < 10_000; i++) {
      c.set(i, String(i));
      expect(c.get(-1)).toBe('hot');
      expect(c.size).toBeLessThanOrEqual(101);
    }
    expect(c.get(0)).toBeUndefined();
    expect(c.get(9_999)).toBe('9999');
  });
});
