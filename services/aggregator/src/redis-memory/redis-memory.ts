import { masterNodes, type Metrics, type RedisClient } from '@cdnlog/common';

/** One node's memory as `INFO memory` reports it; `maxBytes` 0 means no `maxmemory` limit. */
export interface RedisMemory {
  node: string;
  usedBytes: number;
  maxBytes: number;
}

/** `used_memory` and `maxmemory` of an `INFO memory` reply; null when it has no numeric `used_memory`. */
export function parseInfoMemory(info: string): { usedBytes: number; maxBytes: number } | null {
  const fields = new Map<string, string>();
  for (const line of info.split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at > 0 && !line.startsWith('#')) fields.set(line.slice(0, at), line.slice(at + 1).trim());
  }
  const number = (key: string) => (/^\d+$/.test(fields.get(key) ?? '') ? Number(fields.get(key)) : null);
  const usedBytes = number('used_memory');
  return usedBytes === null ? null : { usedBytes, maxBytes: number('maxmemory') ?? 0 };
}

export interface RedisMemorySamplerOptions {
  /** `INFO memory` of every node, with the node's address. */
  readInfo: () => Promise<Array<{ node: string; info: string }>>;
  /** A sample younger than this is served from the cache (scrapes of several gauges, or several Prometheus). */
  maxAgeMs: number;
  /** A read slower than this counts as failed, so a hung Redis never holds a scrape. */
  timeoutMs: number;
  now?: () => number;
  onError?: (err: Error) => void;
}

/**
 * Redis memory sampled at scrape time, cached for `maxAgeMs`, one read in flight at most.
 * `current()` never rejects: after a failed or timed-out read it serves no nodes (the series
 * disappear rather than show a stale value) until the next read, `maxAgeMs` later.
 */
export class RedisMemorySampler {
  private sample: RedisMemory[] = [];
  private takenAt = -Infinity;
  private reading: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(private readonly opts: RedisMemorySamplerOptions) {
    this.now = opts.now ?? Date.now;
  }

  async current(): Promise<RedisMemory[]> {
    if (this.now() - this.takenAt >= this.opts.maxAgeMs) {
      this.reading ??= this.read().finally(() => (this.reading = undefined));
      await this.reading;
    }
    return this.sample;
  }

  private async read(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`INFO memory took more than ${this.opts.timeoutMs} ms`)), this.opts.timeoutMs);
    });
    try {
      const infos = await Promise.race([this.opts.readInfo(), timeout]);
      this.sample = infos.flatMap(({ node, info }) => {
        const memory = parseInfoMemory(info);
        return memory ? [{ node, ...memory }] : [];
      });
    } catch (err) {
      this.sample = [];
      this.opts.onError?.(err as Error);
    } finally {
      clearTimeout(timer);
      this.takenAt = this.now();
    }
  }
}

/** `INFO memory` of every node of the client (every master of a cluster), labelled `host:port`. */
export function readRedisInfoMemory(redis: RedisClient): Promise<Array<{ node: string; info: string }>> {
  return Promise.all(masterNodes(redis).map(async (node) => ({ node: `${node.options.host}:${node.options.port}`, info: await node.info('memory') })));
}

/** Gauges `cdnlog_redis_used_memory_bytes{node}` and `cdnlog_redis_maxmemory_bytes{node}`, read at scrape time. */
export function registerRedisMemoryGauges(metrics: Metrics, sampler: RedisMemorySampler): void {
  metrics.gauge('redis_used_memory_bytes', 'Redis used_memory (INFO memory) per node, sampled at scrape time (cached a few seconds); absent while Redis does not answer', ['node'], async function () {
    setPerNode(this, await sampler.current(), (m) => m.usedBytes);
  });
  metrics.gauge('redis_maxmemory_bytes', 'Redis maxmemory per node (0 = no limit), sampled with redis_used_memory_bytes', ['node'], async function () {
    setPerNode(this, await sampler.current(), (m) => m.maxBytes);
  });
}

function setPerNode(gauge: { reset(): void; set(labels: { node: string }, value: number): void }, sample: RedisMemory[], value: (m: RedisMemory) => number): void {
  gauge.reset();
  for (const m of sample) gauge.set({ node: m.node }, value(m));
}
