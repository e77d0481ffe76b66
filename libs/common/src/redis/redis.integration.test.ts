import { createRedis, redisReachable } from './client';
import { stackConfig, uniquePrefix } from '../testing';

const redis = createRedis(stackConfig());
const prefix = uniquePrefix('redis');

afterAll(async () => {
  await redis.del(`${prefix}:k`, `${prefix}:h`);
  await redis.quit();
});

describe('Redis client (real server)', () => {
  it('answers PING', async () => {
    expect(await redisReachable(redis)).toBe(true);
  });

  it('round-trips a value with an expiry and a hash increment', async () => {
    await redis.set(`${prefix}:k`, 'hello', 'EX', 60);
    expect(await redis.get(`${prefix}:k`)).toBe('hello');
    const ttl = await redis.ttl(`${prefix}:k`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
    await redis.hincrby(`${prefix}:h`, 'requests', 3);
    await redis.hincrby(`${prefix}:h`, 'requests', 4);
    expect(await redis.hget(`${prefix}:h`, 'requests')).toBe('7');
  });

  it('reports an unreachable server as not reachable instead of throwing', async () => {
    const dead = createRedis({ REDIS_URL: 'redis://127.0.0.1:1', REDIS_CLUSTER_NODES: undefined }, { lazyConnect: true });
    dead.on('error', () => undefined);
    expect(await redisReachable(dead)).toBe(false);
    dead.disconnect();
  });
});
