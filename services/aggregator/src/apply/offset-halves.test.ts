import { halvesByOffset } from './offset-halves';

const at = (...offsets: number[]) => offsets.map((offset, i) => ({ offset, i }));
const offsetsOf = (halves: ReturnType<typeof halvesByOffset<{ offset: number }>>) => halves?.map((h) => h.map((e) => e.offset));

describe('halvesByOffset', () => {
  it('splits by distinct offsets, keeping the events of one offset together and in order', () => {
    expect(offsetsOf(halvesByOffset(at(10, 10, 10, 11, 12, 12, 15)))).toEqual([[10, 10, 10, 11], [12, 12, 15]]);
    expect(halvesByOffset(at(10, 10, 11))).toEqual([[{ offset: 10, i: 0 }, { offset: 10, i: 1 }], [{ offset: 11, i: 2 }]]);
  });

  it('one offset (however many events) cannot be split', () => {
    expect(halvesByOffset(at(7, 7, 7))).toBeNull();
    expect(halvesByOffset([])).toBeNull();
  });

  it('repeated halving isolates every offset in ascending order, in about log2(n) steps per culprit', () => {
    const ranges: number[][] = [];
    const isolate = (events: ReturnType<typeof at>, depth: number): number => {
      const halves = halvesByOffset(events);
      if (!halves) {
        ranges.push(events.map((e) => e.offset));
        return depth;
      }
      return Math.max(isolate(halves[0], depth + 1), isolate(halves[1], depth + 1));
    };
    const events = at(...Array.from({ length: 100 }, (_, i) => 1000 + i));
    expect(isolate(events, 0)).toBe(7);
    expect(ranges.flat()).toEqual(events.map((e) => e.offset));
  });
});
