import { ENRICHED_EVENT_VERSION, type EnrichedEvent, type RawBatchEvent, type RawRequestFields } from '@cdnlog/common';
import type { GeoIp } from '../geo/geoip';
import type { UserAgents } from '../ua/user-agent';
import { pathOnly, routeOf, statusClass } from './route';

/** A raw event and its message's fields → EnrichedEvent: GeoIP, user agent, route and status class. Pure apart from the caches. */
export function enrichEvent(raw: RawBatchEvent, request: RawRequestFields, deps: { geo: GeoIp; userAgents: UserAgents; now: number }): EnrichedEvent {
  const geo = deps.geo.lookup(raw.clientIp);
  const userAgent = raw.userAgent ?? '';
  const ua = deps.userAgents.parse(userAgent);
  return {
    v: ENRICHED_EVENT_VERSION,
    eventId: raw.eventId,
    customerId: request.customerId,
    timestamp: raw.timestamp,
    receivedAt: request.receivedAt,
    enrichedAt: deps.now,
    batchId: request.batchId,
    batchKey: request.batchKey ?? '',
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
