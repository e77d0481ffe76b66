import type { HistoryView } from '../api-schemas';
import { answerBytes, HistoryCache } from './history-cache';
import type { HistoryQuery } from './history-query';

const query = (from: number): HistoryQuery => ({ from, to: from + 3_600_000, interval: 'hour', limit: 1000, top: 10, format: 'json' });
const view = (buckets: number): HistoryView => ({
  customerId: 'acme', source: 'history', from: '2026-01-01T00:00:00.000Z', to: '2026-01-01T01:00:00.000Z', interval: 'hour', groupBy: null,
  buckets: Array.from({ length: buckets }, (_, i) => ({
    bucket: new Date(i * 3_600_000).toISOString(), group: null, requests: i, bytes: i, status2xx: i, status3xx: 0, status4xx: 0, status5xx: 0, uniqueIps: 1,
  })),
});
const never = new AbortController().signal;

function counting(answer: HistoryView) {
  const load = jest.fn(async (_signal: AbortSignal) => answer);
  return load;
}

describe('HistoryCache', () => {
  it('answers an identical query from memory, per tenant', async () => {
    const cache = new HistoryCache({ ttlMs: 60_000, entries: 10, maxBytes: 1_000_000 });
    const load = counting(view(2));
    expect(await cache.get('acme', query(0), load, never)).toEqual(view(2));
    expect(await cache.get('acme', query(0), load, never)).toEqual(view(2));
    expect(load).toHaveBeenCalledTimes(1);
    await cache.get('other', query(0), load, never);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('counts the answers’ JSON bytes and evicts the least recently used past maxBytes', async () => {
    const size = answerBytes(view(3));
    expect(size).toBe(Buffer.byteLength(JSON.stringify(view(3))));
    const cache = new HistoryCache({ ttlMs: 60_000, entries: 100, maxBytes: 2 * size });
    const load = counting(view(3));
    await cache.get('acme', query(0), load, never);
    await cache.get('acme', query(1), load, never);
    expect(cache.bytes).toBe(2 * size);
    await cache.get('acme', query(2), load, never); // evicts query(0)
    expect(cache.bytes).toBe(2 * size);
    expect(load).toHaveBeenCalledTimes(3);
    await cache.get('acme', query(2), load, never);
    await cache.get('acme', query(1), load, never);
    expect(load).toHaveBeenCalledTimes(3);
    await cache.get('acme', query(0), load, never);
    expect(load).toHaveBeenCalledTimes(4);
  });

  it('does not cache an answer larger than maxBytes, and keeps the others', async () => {
    const small = view(1);
    const cache = new HistoryCache({ ttlMs: 60_000, entries: 100, maxBytes: answerBytes(small) * 3 });
    await cache.get('acme', query(0), counting(small), never);
    const large = counting(view(50));
    expect((await cache.get('acme', query(1), large, never)).buckets).toHaveLength(50);
    await cache.get('acme', query(1), large, never);
    expect(large).toHaveBeenCalledTimes(2);
    expect(cache.bytes).toBe(answerBytes(small));
  });

  it('identical queries at once share one load; failures are not stored', async () => {
    const cache = new HistoryCache({ ttlMs: 60_000, entries: 10, maxBytes: 1_000_000 });
    let fail = true;
    const load = jest.fn(async () => {
      await new Promise((r) => setTimeout(r, 10));
      if (fail) throw new Error('boom');
      return view(1);
    });
    const both = [cache.get('acme', query(0), load, never), cache.get('acme', query(0), load, never)];
    await expect(Promise.all(both)).rejects.toThrow('boom');
    expect(load).toHaveBeenCalledTimes(1);
    fail = false;
    expect(await cache.get('acme', query(0), load, never)).toEqual(view(1));
    expect(load).toHaveBeenCalledTimes(2);
    expect(cache.bytes).toBe(answerBytes(view(1)));
  });

  it('with ttlMs 0 every query loads, with the caller’s own signal', async () => {
    const cache = new HistoryCache({ ttlMs: 0, entries: 10, maxBytes: 1_000_000 });
    const load = counting(view(1));
    const caller = new AbortController().signal;
    await cache.get('acme', query(0), load, caller);
    await cache.get('acme', query(0), load, caller);
    expect(load).toHaveBeenCalledTimes(2);
    expect(load.mock.calls[0]![0]).toBe(caller);
    expect(cache.bytes).toBe(0);
  });
});
