import type { EnrichedBatchEvent, EnrichedRequestFields, RawBatchEvent, RawRequestFields } from '@cdnlog/common';
import type { GeoIp } from '../geo/geoip';
import type { UserAgents } from '../ua/user-agent';
import { pathOnly, routeOf, statusClass } from './route';

/** A raw message's request fields → those of its enriched events (stated once per enriched v2 message). */
export function enrichRequest(request: RawRequestFields, enrichedAt: number): EnrichedRequestFields {
  return { customerId: request.customerId, receivedAt: request.receivedAt, enrichedAt, batchId: request.batchId, batchKey: request.batchKey ?? '' };
}

/** A raw event → its enriched fields: GeoIP, user agent, route and status class. Pure apart from the caches. */
export function enrichEvent(raw: RawBatchEvent, deps: { geo: GeoIp; userAgents: UserAgents }): EnrichedBatchEvent {
  const geo = deps.geo.lookup(raw.clientIp);
  const userAgent = raw.userAgent ?? '';
  const ua = deps.userAgents.parse(userAgent);
  return {
    eventId: raw.eventId,
    timestamp: raw.timestamp,
    clientIp: raw.clientIp,
    country: geo.country,
    city: geo.city,
    region: geo.region,
    method: raw.method,
    url: raw.path,
    path: pathOnly(raw.path),
    route: routeOf(raw.method, raw.path),
    status: raw.status,
    statusClass: statusClass(raw.status),
    bytesSent: raw.bytesSent,
    userAgent,
    uaFamily: ua.family,
    deviceClass: ua.deviceClass,
    isBot: ua.isBot,
    host: raw.host ?? '',
    referer: raw.referer ?? '',
    cacheStatus: (raw.cacheStatus ?? '').toUpperCase(),
    pop: raw.pop ?? '',
    responseTimeMs: raw.responseTimeMs ?? null,
    requestId: raw.requestId ?? '',
  };
}
