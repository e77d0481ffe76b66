import { type Logger, redisKeys, type RedisClient, scanKeys } from '@cdnlog/common';

type Replay = { from: bigint } | 'none';

/**
 * Detects that Redis lost the live window and rebuilds it from Kafka.
 *
 * Every applied batch records its last offset in a partition marker (no TTL),
 * but only re-creates it during a rebuild (`SET ... XX` otherwise), so a marker
 * can only be missing because Redis lost it (restart without persistence,
 * flush, failover to an empty replica) or on the very first run. Then:
 *  1. the live keys of every tenant that has a watermark for this partition are
 *     deleted (anything written since the loss started is partial);
 *  2. the partition is moved back to its first offset at (now − window);
 *  3. the replay re-applies the window; its first batch re-creates the marker.
 * Checked before every batch and, for idle partitions, periodically. A
 * per-partition lock keeps the check and the batch handler from interleaving.
 */
export class LiveRebuild {
  private readonly replays = new Map<string, Replay>();
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(
    private readonly deps: {
      redis: RedisClient;
      windowMinutes: number;
      /** First offset with a broker timestamp ≥ ts, or null if none. */
      offsetForTime: (topic: string, partition: number, ts: number) => Promise<string | null>;
      seek: (topic: string, partition: number, offset: string) => void;
      logger: Logger;
      onRebuild?: () => void;
      now?: () => number;
    },
  ) {}

  /** Run `fn` alone for this partition (batches and periodic checks never interleave). */
  async withLock<T>(topic: string, partition: number, fn: () => Promise<T>): Promise<T> {
    const key = `${topic}:${partition}`;
    const previous = this.locks.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(fn);
    this.locks.set(key, run);
    try {
      return await run;
    } finally {
      if (this.locks.get(key) === run) this.locks.delete(key);
    }
  }

  /**
   * Before a batch (call inside withLock): 'apply' normally, 'replay' (apply and
   * re-create the marker), or 'seeked' (the partition moved; drop this batch).
   */
  async beforeBatch(topic: string, partition: number, firstOffset: string): Promise<'apply' | 'replay' | 'seeked'> {
    const key = `${topic}:${partition}`;
    if ((await this.deps.redis.exists(redisKeys.live.partitionMarker(topic, partition))) === 1) {
      this.replays.delete(key);
      return 'apply';
    }
    const replay = this.replays.get(key);
    if (replay === 'none' || (replay && BigInt(firstOffset) >= replay.from)) return 'replay';
    const target = await this.startRebuild(topic, partition);
    if (target === null || target === firstOffset) {
      this.replays.set(key, { from: BigInt(firstOffset) });
      return 'replay';
    }
    this.deps.seek(topic, partition, target);
    return 'seeked';
  }

  /** Periodic check of an idle, assigned partition (call inside withLock). */
  async checkIdle(topic: string, partition: number): Promise<void> {
    const key = `${topic}:${partition}`;
    if (this.replays.has(key)) return;
    if ((await this.deps.redis.exists(redisKeys.live.partitionMarker(topic, partition))) === 1) return;
    const target = await this.startRebuild(topic, partition);
    if (target === null) this.replays.set(key, 'none');
    else this.deps.seek(topic, partition, target);
  }

  /** Wipe the partition's tenants and find the offset to replay from; records the replay. */
  private async startRebuild(topic: string, partition: number): Promise<string | null> {
    const key = `${topic}:${partition}`;
    const watermarks = await scanKeys(this.deps.redis, redisKeys.live.watermark('*', topic, partition));
    const tenants = watermarks.map((k) => /^live:\{(.+)\}:wm:/.exec(k)?.[1]).filter((t): t is string => t !== undefined);
    for (const tenant of tenants) {
      const keys = await scanKeys(this.deps.redis, `live:{${tenant}}:*`);
      for (const k of keys) await this.deps.redis.del(k);
    }
    const from = (this.deps.now ?? Date.now)() - this.deps.windowMinutes * 60_000;
    const target = await this.deps.offsetForTime(topic, partition, from);
    this.replays.set(key, target === null ? 'none' : { from: BigInt(target) });
    this.deps.onRebuild?.();
    this.deps.logger.warn('live window missing in Redis: rebuilding from Kafka', {
      topic, partition, fromOffset: target, fromTime: new Date(from).toISOString(), tenantsWiped: tenants.length,
    });
    return target;
  }
}
