import {
  ENRICHED_BATCH_VERSION, ENRICHED_EVENT_VERSION, enrichedBatchEventSchema, enrichedBatchSchema, enrichedEventSchema, issueSummary, readVersioned,
  repairTextFields,
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
const liveBatchV2Schema = enrichedBatchSchema.pick({ v: true, ...requestFields }).extend({
  events: z.array(enrichedBatchEventSchema.pick(eventFields)).min(1),
});

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
    const parsed = liveBatchV2Schema.safeParse(json);
    if (!parsed.success) return { ok: false, reason: `not an enriched batch v2: ${issueSummary(parsed.error)}` };
    const { customerId, batchId, batchKey, receivedAt, events } = parsed.data;
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
