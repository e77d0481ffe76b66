import { groupIntoParts } from './group-into-parts';

describe('groupIntoParts', () => {
  it('parts of at most `size`, one key each, order kept within a key, keys in order of first appearance', () => {
    const items = ['a1', 'b1', 'a2', 'a3', 'b2', 'c1', 'a4'];
    expect(groupIntoParts(items, (s) => s[0]!, 2)).toEqual([['a1', 'a2'], ['a3', 'a4'], ['b1', 'b2'], ['c1']]);
  });

  it('nothing in, nothing out', () => {
    expect(groupIntoParts([], () => 'k', 3)).toEqual([]);
  });
});
