import { createRedis, type RedisConfig } from '@cdnlog/common';

export interface RedisSample {
  /** Seconds since the sampler started. */
  second: number;
  usedMemoryMb: number;
  keys: number;
}

/**
 * Redis `used_memory` and key count every `everyMs` during a run: with the
 * live window's keys expiring by TTL, both must level off once the window is
 * full (issue #5, "Redis memory stays flat over a long run").
 */
export function startRedisSampler(config: RedisConfig, everyMs = 30_000) {
  const redis = createRedis(config);
  const started = Date.now();
  const samples: RedisSample[] = [];
  const tick = async () => {
    const info = await redis.info('memory');
    const used = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
    const keys = await redis.dbsize();
    samples.push({ second: Math.round((Date.now() - started) / 1000), usedMemoryMb: Math.round((used / 1024 / 1024) * 10) / 10, keys });
  };
  void tick().catch(() => undefined);
  const timer = setInterval(() => void tick().catch(() => undefined), everyMs);
  return {
    async stop(): Promise<RedisSample[]> {
      clearInterval(timer);
      await tick().catch(() => undefined);
      redis.disconnect();
      return samples;
    },
  };
}
