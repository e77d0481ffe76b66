import {
  ENRICHED_BATCH_VERSION, ENRICHED_EVENT_VERSION, enrichedBatchEventSchema, enrichedBatchSchema, enrichedEventSchema, issueSummary, readVersioned,
  repairTextFields, UA_FAMILIES,
} from '@cdnlog/common';
import { z } from 'zod';

/**
 * The parts of an enriched message the live window reads, in both contract
 * versions (libs/common/src/schemas/enriched-event.ts). The aggregator
 * validates these fields only: the other ~20 are not its business, and
 * checking and copying them would cost CPU on every event at no gain.
 */
const eventFields = { timestamp: true, clientIp: true, country: true, route: true, status: true, bytesSent: true, uaFamily: true, cacheStatus: true } as const;
const requestFields = {
  customerId: true,
  /** A re-sent copy of a batch already counted is skipped (resend/claim-batches.ts). */
  batchId: true,
  batchKey: true,
  /** For the freshness metric only (ingest acceptance → visible in the live window). */
  receivedAt: true,
} as const;

const liveEventV1Schema = enrichedEventSchema.pick({ v: true, ...requestFields, ...eventFields });
/** No upper bound on events here: a later enricher may write larger messages, and dropping them would lose counts. */
export const liveBatchV2Schema = enrichedBatchSchema.pick({ v: true, ...requestFields }).extend({
  events: z.array(enrichedBatchEventSchema.pick(eventFields)).min(1),
});
/** The request fields of a v2 message; its events are checked by `isLiveEvent` (the schema only when that fails). */
const liveEnvelopeV2Schema = liveBatchV2Schema.extend({ events: z.array(z.unknown()).min(1) });
const UA_FAMILY_SET: ReadonlySet<unknown> = new Set(UA_FAMILIES);

/**
 * The conditions of `liveBatchV2Schema` on one event, in plain code: zod's
 * parse copies every event before the decoder builds its own. At least as
 * strict as the schema (live-event.test.ts), so an event that passes is one
 * the schema accepts; a message with an event that fails goes through the
 * schema, which accepts it or says why not.
 */
function isLiveEvent(value: unknown): value is z.infer<typeof liveBatchV2Schema>['events'][number] {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Record<string, unknown>;
  return (
    Number.isSafeInteger(e.timestamp)
    && typeof e.clientIp === 'string'
    && typeof e.country === 'string' && e.country.length <= 2
    && typeof e.route === 'string'
    && Number.isSafeInteger(e.status) && (e.status as number) >= 100 && (e.status as number) <= 599
    && Number.isSafeInteger(e.bytesSent) && (e.bytesSent as number) >= 0
    && UA_FAMILY_SET.has(e.uaFamily)
    && typeof e.cacheStatus === 'string'
  );
}

/** One event as the live window sees it, whichever message version it came in. */
export type LiveEvent = Omit<z.infer<typeof liveEventV1Schema>, 'v'>;

export type DecodedLive = { ok: true; events: LiveEvent[] } | { ok: false; reason: string };

/**
 * The event's free-text strings made well-formed, in place (an unpaired surrogate becomes U+FFFD): JSON carries
 * a lone surrogate, but Redis' cjson refuses a lone low one, and the live script would refuse the whole delta.
 * The tenant id and the UA family are checked against a pattern and a list, so they cannot hold one.
 */
const TEXT_FIELDS = ['batchId', 'batchKey', 'clientIp', 'country', 'route', 'cacheStatus'] as const;
const wellFormed = <E extends LiveEvent>(e: E): E => repairTextFields(e, TEXT_FIELDS);

/** An enriched-topic message → its events (v1: one, v2: those of one raw message), or why it cannot be counted. */
export function decodeLiveMessage(value: Buffer | null): DecodedLive {
  const read = readVersioned(value);
  if (!read.ok) return read;
  const { json, version } = read;
  if (version === ENRICHED_BATCH_VERSION) {
    const envelope = liveEnvelopeV2Schema.safeParse(json);
    const parsed = envelope.success && envelope.data.events.every(isLiveEvent) ? envelope : liveBatchV2Schema.safeParse(json);
    if (!parsed.success) return { ok: false, reason: `not an enriched batch v2: ${issueSummary(parsed.error)}` };
    const { customerId, batchId, batchKey, receivedAt } = parsed.data;
    const events = parsed.data.events as Array<z.infer<typeof liveBatchV2Schema>['events'][number]>;
    return {
      ok: true,
      events: events.map((e) => wellFormed({
        customerId, batchId, batchKey, receivedAt, timestamp: e.timestamp, clientIp: e.clientIp, country: e.country, route: e.route,
        status: e.status, bytesSent: e.bytesSent, uaFamily: e.uaFamily, cacheStatus: e.cacheStatus,
      })),
    };
  }
  if (version === ENRICHED_EVENT_VERSION) {
    const parsed = liveEventV1Schema.safeParse(json);
    if (!parsed.success) return { ok: false, reason: `not an enriched event v1: ${issueSummary(parsed.error)}` };
    return { ok: true, events: [wellFormed(parsed.data)] };
  }
  return { ok: false, reason: `unknown enriched message version ${JSON.stringify(version) ?? 'undefined'} (this aggregator reads v1 and v2)` };
}
