import { redisKeys, type RedisClient } from '@cdnlog/common';
import type { MinuteCounters, TenantDelta } from '../aggregate/pre-aggregate';
import { expireAt } from '../window/window';
import { LIVE_SCRIPT } from './live-script';

export type ApplyResult = { outcome: 'applied' | 'duplicate' | 'overlap'; watermark: number };

export interface LiveWindowSettings {
  windowMinutes: number;
  graceSeconds: number;
  /** Members kept per top list (countries, routes, UA families) per minute. */
  topN: number;
}

export type ScriptClient = RedisClient & { cdnlogApplyLive(numKeys: number, ...args: string[]): Promise<[string, string]> };

/** Register the script once per client (EVALSHA with EVAL fallback, handled by ioredis). */
export function withLiveScript(redis: RedisClient): ScriptClient {
  if (!('cdnlogApplyLive' in redis)) redis.defineCommand('cdnlogApplyLive', { lua: LIVE_SCRIPT });
  return redis as ScriptClient;
}

/**
 * A counter increment as the script takes it: a decimal integer string. A JSON number would
 * reach Lua as a double, inexact above 2^53 and printed as `1.08e+17`, which HINCRBY refuses.
 */
export function counterText(n: number | bigint): string {
  if (typeof n === 'number' && !Number.isSafeInteger(n)) throw new RangeError(`counter increment ${n} is not a safe integer`);
  return n.toString();
}

export function counterTexts(counters: MinuteCounters): Record<keyof MinuteCounters, string> {
  return Object.fromEntries(Object.entries(counters).map(([field, n]) => [field, counterText(n)])) as Record<keyof MinuteCounters, string>;
}

/** Keys and payload of one script call for one tenant's delta. */
export function scriptArguments(delta: TenantDelta, topic: string, partition: number, settings: LiveWindowSettings) {
  const k = redisKeys.live;
  const keys = [k.watermark(delta.tenant, topic, partition)];
  const minutes = [...delta.minutes].map(([minute, m]) => {
    keys.push(
      k.counters(delta.tenant, minute),
      k.uniqueIps(delta.tenant, minute),
      k.countries(delta.tenant, minute),
      k.routes(delta.tenant, minute),
      k.uaFamilies(delta.tenant, minute),
    );
    return {
      expireAt: expireAt(minute, settings.windowMinutes, settings.graceSeconds),
      c: counterTexts(m.counters),
      ips: [...m.ips],
      geo: Object.fromEntries(m.countries),
      rt: Object.fromEntries(m.routes),
      ua: Object.fromEntries(m.uaFamilies),
    };
  });
  const payload = {
    first: delta.firstOffset,
    last: delta.lastOffset,
    // The watermark outlives every minute it guards.
    wmTtl: settings.windowMinutes * 60 + settings.graceSeconds + 3600,
    topN: settings.topN,
    minutes,
  };
  return { keys, payload: JSON.stringify(payload) };
}

export async function applyTenantDelta(
  redis: ScriptClient,
  delta: TenantDelta,
  topic: string,
  partition: number,
  settings: LiveWindowSettings,
): Promise<ApplyResult> {
  const { keys, payload } = scriptArguments(delta, topic, partition, settings);
  const [outcome, watermark] = await redis.cdnlogApplyLive(keys.length, ...keys, payload);
  return { outcome: outcome as ApplyResult['outcome'], watermark: Number(watermark) };
}
