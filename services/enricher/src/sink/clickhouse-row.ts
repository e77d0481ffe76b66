import type { EnrichedBatchEvent, EnrichedRequestFields } from '@cdnlog/common';

/** An enriched event and its request fields → a row of `enriched_logs` (JSONEachRow; DateTime as epoch seconds, portable to 18.16). */
export function toClickHouseRow(request: EnrichedRequestFields, e: EnrichedBatchEvent) {
  return {
    customer_id: request.customerId,
    timestamp: Math.floor(e.timestamp / 1000),
    timestamp_ms: e.timestamp % 1000,
    event_id: e.eventId,
    client_ip: e.clientIp,
    country: e.country,
    city: e.city,
    region: e.region,
    method: e.method,
    url: e.url,
    path: e.path,
    route: e.route,
    status: e.status,
    bytes_sent: e.bytesSent,
    user_agent: e.userAgent,
    ua_family: e.uaFamily,
    device_class: e.deviceClass,
    is_bot: e.isBot ? 1 : 0,
    host: e.host,
    referer: e.referer,
    cache_status: e.cacheStatus,
    pop: e.pop,
    response_time_ms: e.responseTimeMs === null ? 0 : Math.round(e.responseTimeMs),
    request_id: e.requestId,
    ingested_at: Math.floor(request.receivedAt / 1000),
  };
}
