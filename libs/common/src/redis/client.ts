import { Cluster, Redis } from 'ioredis';
import type { RedisConfig } from '../config/shared';

export type RedisClient = Redis | Cluster;

/**
 * The only place that constructs an ioredis client: a Redis Cluster client when
 * REDIS_CLUSTER_NODES is set, a single-node client otherwise. Commands fail fast
 * (bounded retries, no unbounded offline queue) so callers can answer 503 or pause.
 */
export function createRedis(config: RedisConfig, opts: { lazyConnect?: boolean } = {}): RedisClient {
  // commandTimeout: a hung server (not just a refused connection) must not hang callers.
  const common = { maxRetriesPerRequest: 2, enableOfflineQueue: true, commandTimeout: 2000, lazyConnect: opts.lazyConnect ?? false };
  if (config.REDIS_CLUSTER_NODES && config.REDIS_CLUSTER_NODES.length > 0) {
    const nodes = config.REDIS_CLUSTER_NODES.map((entry) => {
      const at = entry.lastIndexOf(':');
      return { host: entry.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(entry.slice(at + 1)) };
    });
    return new Cluster(nodes, { redisOptions: common, enableOfflineQueue: true });
  }
  return new Redis(config.REDIS_URL, { ...common, retryStrategy: (times) => Math.min(times * 200, 2000) });
}

/** A real round trip (PING), for readiness checks. */
export async function redisReachable(client: RedisClient): Promise<boolean> {
  try {
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  }
}

/** The nodes holding the data: the client itself, or every master of a cluster (for per-node commands: SCAN, INFO). */
export function masterNodes(client: RedisClient): Redis[] {
  return client instanceof Cluster ? client.nodes('master') : [client];
}

/** Every key matching `pattern`, on a single node or on every master of a cluster (SCAN, never KEYS). */
export async function scanKeys(client: RedisClient, pattern: string): Promise<string[]> {
  const keys: string[] = [];
  for (const node of masterNodes(client)) {
    let cursor = '0';
    do {
      const [next, batch] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      keys.push(...batch);
      cursor = next;
    } while (cursor !== '0');
  }
  return keys;
}
