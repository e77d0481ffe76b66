import type { LiveCounterField } from '@cdnlog/common';
import { isLate, minuteOf } from '../window/window';
import type { LiveEvent } from './live-event';

/**
 * A minute's counter increments. Bytes are summed exactly as a bigint: one event may send up to
 * 2^53 − 1 bytes (the schema's bound), and a double sum of a dozen such events is no longer exact.
 */
export type MinuteCounters = Record<Exclude<LiveCounterField, 'bytes'>, number> & { bytes: bigint };

export interface MinuteDelta {
  counters: MinuteCounters;
  ips: Set<string>;
  countries: Map<string, number>;
  routes: Map<string, number>;
  uaFamilies: Map<string, number>;
}

export interface TenantDelta {
  tenant: string;
  /** First and last offset this delta covers (all of the tenant's events in that range). */
  firstOffset: number;
  lastOffset: number;
  minutes: Map<number, MinuteDelta>;
}

export interface PositionedEvent {
  offset: number;
  event: LiveEvent;
}

export interface PreAggregation {
  tenants: Map<string, TenantDelta>;
  late: number;
}

function emptyMinute(): MinuteDelta {
  return {
    counters: { requests: 0, bytes: 0n, status2xx: 0, status3xx: 0, status4xx: 0, status5xx: 0, cacheHits: 0, cacheMisses: 0 },
    ips: new Set(),
    countries: new Map(),
    routes: new Map(),
    uaFamilies: new Map(),
  };
}

const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

/**
 * Fold a partition batch into per-tenant, per-minute deltas, in memory, so one
 * Redis script per tenant applies the whole batch. Events at or below the
 * tenant's watermark (`appliedUpTo`) were applied before and are left out;
 * events older than the window are counted as late and left out. A tenant's
 * offset range still covers its late events, so the watermark moves past them.
 */
export function preAggregate(
  events: PositionedEvent[],
  opts: { nowMs: number; windowMinutes: number; appliedUpTo: (tenant: string) => number },
): PreAggregation {
  const tenants = new Map<string, TenantDelta>();
  let late = 0;
  for (const { offset, event } of events) {
    const tenant = event.customerId;
    if (offset <= opts.appliedUpTo(tenant)) continue;
    let delta = tenants.get(tenant);
    if (!delta) {
      delta = { tenant, firstOffset: offset, lastOffset: offset, minutes: new Map() };
      tenants.set(tenant, delta);
    }
    delta.lastOffset = offset;
    const minute = minuteOf(event.timestamp);
    if (isLate(minute, opts.nowMs, opts.windowMinutes)) {
      late++;
      continue;
    }
    let m = delta.minutes.get(minute);
    if (!m) {
      m = emptyMinute();
      delta.minutes.set(minute, m);
    }
    const c = m.counters;
    c.requests++;
    c.bytes += BigInt(event.bytesSent);
    if (event.status >= 200 && event.status < 300) c.status2xx++;
    else if (event.status >= 300 && event.status < 400) c.status3xx++;
    else if (event.status >= 400 && event.status < 500) c.status4xx++;
    else if (event.status >= 500) c.status5xx++;
    if (event.cacheStatus.includes('HIT')) c.cacheHits++;
    else if (event.cacheStatus.includes('MISS')) c.cacheMisses++;
    m.ips.add(event.clientIp);
    if (event.country !== '') bump(m.countries, event.country);
    bump(m.routes, event.route);
    bump(m.uaFamilies, event.uaFamily);
  }
  return { tenants, late };
}
