import { cutCodePoints, isWellFormed, toWellFormed } from './unicode';

const HIGH = '\uD800';
const LOW = '\uDC00';
const PAIR = '😀'; // \uD83D\uDE00
const FFFD = '\uFFFD';

describe('isWellFormed / toWellFormed', () => {
  it.each([
    ['lone high at the start', `${HIGH}ab`, `${FFFD}ab`],
    ['lone high in the middle', `a${HIGH}b`, `a${FFFD}b`],
    ['lone high at the end', `ab${HIGH}`, `ab${FFFD}`],
    ['lone low at the start', `${LOW}ab`, `${FFFD}ab`],
    ['lone low in the middle', `a${LOW}b`, `a${FFFD}b`],
    ['lone low at the end', `ab${LOW}`, `ab${FFFD}`],
    ['low before high (not a pair)', `${LOW}${HIGH}`, `${FFFD}${FFFD}`],
    ['two highs then a low: the second high pairs', `${HIGH}${HIGH}${LOW}`, `${FFFD}${HIGH}${LOW}`],
    ['a pair followed by a lone low', `${PAIR}${LOW}`, `${PAIR}${FFFD}`],
    ['a lone high followed by a pair', `${HIGH}${PAIR}`, `${FFFD}${PAIR}`],
  ])('%s: replaced with U+FFFD, one for one', (_, input, expected) => {
    expect(isWellFormed(input)).toBe(false);
    expect(toWellFormed(input)).toBe(expected);
    expect(toWellFormed(input)).toHaveLength(input.length);
    expect(isWellFormed(toWellFormed(input))).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['ASCII', '/index.html?x=1'],
    ['a pair alone', PAIR],
    ['pairs among text', `a${PAIR}b${PAIR}${PAIR}`],
    ['BMP text and U+FFFD itself', `é ü 中文 ${FFFD}`],
  ])('%s: well-formed, returned unchanged', (_, input) => {
    expect(isWellFormed(input)).toBe(true);
    expect(toWellFormed(input)).toBe(input);
  });

  it('agrees with String.prototype.isWellFormed / toWellFormed where the runtime has them', () => {
    const proto = String.prototype as { isWellFormed?: () => boolean; toWellFormed?: () => string };
    if (!proto.isWellFormed || !proto.toWellFormed) return;
    const units = ['a', HIGH, LOW, '\uDBFF', '\uDFFF', 'é'];
    // Every string of up to 3 of these units.
    const all = [''];
    for (let len = 1; len <= 3; len++) for (const prefix of all.filter((s) => s.length === len - 1)) for (const u of units) all.push(prefix + u);
    for (const s of all) {
      expect([s, isWellFormed(s)]).toEqual([s, proto.isWellFormed.call(s)]);
      expect(toWellFormed(s)).toBe(proto.toWellFormed.call(s));
    }
  });
});

describe('cutCodePoints', () => {
  it('keeps strings that fit, and the empty string', () => {
    expect(cutCodePoints('', 0)).toBe('');
    expect(cutCodePoints('', 5)).toBe('');
    expect(cutCodePoints('abc', 3)).toBe('abc');
    expect(cutCodePoints(`${PAIR}${PAIR}`, 2)).toBe(`${PAIR}${PAIR}`);
  });

  it('counts a surrogate pair as one code point and never splits it', () => {
    const s = `a${PAIR}${PAIR}b`;
    expect(cutCodePoints(s, 0)).toBe('');
    expect(cutCodePoints(s, 1)).toBe('a');
    expect(cutCodePoints(s, 2)).toBe(`a${PAIR}`);
    expect(cutCodePoints(s, 3)).toBe(`a${PAIR}${PAIR}`);
    const emoji = `${'a'.repeat(250)}${PAIR.repeat(20)}`;
    const cut = cutCodePoints(emoji, 256);
    expect(cut).toBe(`${'a'.repeat(250)}${PAIR.repeat(6)}`);
    expect(isWellFormed(cut)).toBe(true);
  });

  it('counts a combining mark as its own code point', () => {
    const decomposed = 'e\u0301'.repeat(3); // "é" as e + COMBINING ACUTE ACCENT
    expect(cutCodePoints(decomposed, 3)).toBe('e\u0301e');
    expect(cutCodePoints(decomposed, 4)).toBe('e\u0301e\u0301');
  });

  it('counts a lone surrogate as one code point', () => {
    expect(cutCodePoints(`${HIGH}${HIGH}ab`, 2)).toBe(`${HIGH}${HIGH}`);
    expect(cutCodePoints(`${LOW}a${HIGH}`, 2)).toBe(`${LOW}a`);
    expect(cutCodePoints(`ab${HIGH}`, 2)).toBe('ab');
  });

  it('never ends in half a pair, whatever the cut', () => {
    const s = `x${PAIR}y${PAIR}${PAIR}é${PAIR}`;
    for (let max = 0; max <= [...s].length + 1; max++) {
      const cut = cutCodePoints(s, max);
      expect([...cut]).toEqual([...s].slice(0, max));
      expect(isWellFormed(cut)).toBe(true);
    }
  });
});
