import { createMetrics } from '@cdnlog/common';
import { parseInfoMemory, RedisMemorySampler, registerRedisMemoryGauges } from './redis-memory';

const INFO = [
  '# Memory',
  'used_memory:1048576',
  'used_memory_human:1.00M',
  'used_memory_rss:9437184',
  'maxmemory:268435456',
  'maxmemory_human:256.00M',
  'maxmemory_policy:noeviction',
  '',
].join('\r\n');

describe('parseInfoMemory', () => {
  it('reads used_memory and maxmemory of an INFO memory reply (CRLF or LF)', () => {
    expect(parseInfoMemory(INFO)).toEqual({ usedBytes: 1048576, maxBytes: 268435456 });
    expect(parseInfoMemory(INFO.replace(/\r\n/g, '\n'))).toEqual({ usedBytes: 1048576, maxBytes: 268435456 });
  });

  it('takes a missing maxmemory as no limit, and refuses a reply without a numeric used_memory', () => {
    expect(parseInfoMemory('# Memory\r\nused_memory:42\r\n')).toEqual({ usedBytes: 42, maxBytes: 0 });
    expect(parseInfoMemory('# Memory\r\nused_memory_rss:42\r\n')).toBeNull();
    expect(parseInfoMemory('used_memory:\r\n')).toBeNull();
    expect(parseInfoMemory('used_memory:12abc\r\n')).toBeNull();
    expect(parseInfoMemory('')).toBeNull();
  });
});

describe('RedisMemorySampler', () => {
  function sampler(readInfo: () => Promise<Array<{ node: string; info: string }>>, extra: { timeoutMs?: number } = {}) {
    let now = 0;
    const errors: string[] = [];
    const s = new RedisMemorySampler({ readInfo, maxAgeMs: 5000, timeoutMs: extra.timeoutMs ?? 1000, now: () => now, onError: (e) => errors.push(e.message) });
    return { s, errors, advance: (ms: number) => (now += ms) };
  }

  it('reads every node once per maxAgeMs, concurrent callers sharing the read', async () => {
    const readInfo = jest.fn(async () => [{ node: 'a:6379', info: INFO }, { node: 'b:6379', info: 'used_memory:7\r\n' }]);
    const { s, advance } = sampler(readInfo);
    const [first, second] = await Promise.all([s.current(), s.current()]);
    expect(first).toEqual([{ node: 'a:6379', usedBytes: 1048576, maxBytes: 268435456 }, { node: 'b:6379', usedBytes: 7, maxBytes: 0 }]);
    expect(second).toBe(first);
    advance(4999);
    await s.current();
    expect(readInfo).toHaveBeenCalledTimes(1);
    advance(1);
    await s.current();
    expect(readInfo).toHaveBeenCalledTimes(2);
  });

  it('never rejects: a failed read serves no nodes until the next read, then recovers', async () => {
    let fail = true;
    const { s, errors, advance } = sampler(async () => {
      if (fail) throw new Error('connection refused');
      return [{ node: 'a:6379', info: INFO }];
    });
    await expect(s.current()).resolves.toEqual([]);
    expect(errors).toEqual(['connection refused']);
    fail = false;
    await expect(s.current()).resolves.toEqual([]); // cached failure: Redis is not asked at every scrape
    advance(5000);
    await expect(s.current()).resolves.toEqual([{ node: 'a:6379', usedBytes: 1048576, maxBytes: 268435456 }]);
  });

  it('gives up on a read slower than timeoutMs', async () => {
    const { s, errors } = sampler(() => new Promise(() => {}), { timeoutMs: 10 });
    await expect(s.current()).resolves.toEqual([]);
    expect(errors).toEqual(['INFO memory took more than 10 ms']);
  });
});

describe('registerRedisMemoryGauges', () => {
  it('exposes used and max memory per node at scrape time, and no series while Redis does not answer', async () => {
    let reply: Array<{ node: string; info: string }> | Error = [{ node: 'redis:6379', info: INFO }];
    let now = 0;
    const metrics = createMetrics('aggregator');
    registerRedisMemoryGauges(metrics, new RedisMemorySampler({
      readInfo: async () => { if (reply instanceof Error) throw reply; return reply; }, maxAgeMs: 5000, timeoutMs: 1000, now: () => now,
    }));
    const text = await metrics.registry.metrics();
    expect(text).toContain('cdnlog_redis_used_memory_bytes{node="redis:6379",service="aggregator"} 1048576');
    expect(text).toContain('cdnlog_redis_maxmemory_bytes{node="redis:6379",service="aggregator"} 268435456');
    reply = new Error('down');
    now += 5000;
    const down = await metrics.registry.metrics();
    expect(down).not.toMatch(/^cdnlog_redis_used_memory_bytes\{/m);
    expect(down).not.toMatch(/^cdnlog_redis_maxmemory_bytes\{/m);
  });
});
