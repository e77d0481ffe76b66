import { chunkMessages } from './chunk-messages';

const msg = (bytes: number) => ({ key: 'k', value: Buffer.alloc(bytes) });
const shape = (chunks: Array<Array<{ value: Buffer | string }>>) => chunks.map((c) => c.map((m) => m.value.length));

describe('chunkMessages (produce calls inside a transaction)', () => {
  it('cuts at maxMessages', () => {
    expect(shape(chunkMessages(Array.from({ length: 7 }, () => msg(1)), 3, 1000))).toEqual([[1, 1, 1], [1, 1, 1], [1]]);
  });

  it('cuts before the message that would pass maxBytes; a larger message goes alone', () => {
    expect(shape(chunkMessages([msg(400), msg(500), msg(200), msg(1500), msg(100)], 100, 1000))).toEqual([[400, 500], [200], [1500], [100]]);
  });

  it('counts string values in UTF-8 bytes, not characters', () => {
    const chunks = chunkMessages([{ key: 'k', value: 'é'.repeat(300) }, { key: 'k', value: 'é'.repeat(300) }], 100, 1000);
    expect(chunks.map((c) => c.length)).toEqual([1, 1]); // 600 bytes each
  });

  it('nothing in, nothing out', () => {
    expect(chunkMessages([], 3, 1000)).toEqual([]);
  });
});
