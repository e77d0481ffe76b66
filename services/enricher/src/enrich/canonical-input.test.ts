/**
 * Property: whatever a client sends, what the ingest API accepts reaches the
 * stores canonical. Pure (no I/O): ingest validation → the ingest's raw-message
 * builder → the enricher's decoder → enrichment → the ClickHouse row, and on
 * through the enriched message → the aggregator's decoder → its pre-aggregation
 * → the live script's payload (counters as integer strings, no lone
 * surrogate for Redis' cjson). And the
 * enricher alone, fed raw messages no ingest API wrote, stores only canonical
 * rows and refuses (never throws on) the rest.
 */
import fc from 'fast-check';
import { isWellFormed, MAX_BYTES_SENT, MAX_RESPONSE_TIME_MS, RAW_BATCH_VERSION } from '@cdnlog/common';
import { decodeLiveMessage } from '../../../aggregator/src/aggregate/live-event';
import { preAggregate, type PositionedEvent } from '../../../aggregator/src/aggregate/pre-aggregate';
import { scriptArguments } from '../../../aggregator/src/apply/apply-live';
import { toRawMessages } from '../../../ingest-api/src/events/to-raw-messages';
import { validateBatch } from '../../../ingest-api/src/validation/validate-batch';
import { type GeoIp, NO_GEO } from '../geo/geoip';
import { ENRICHED_LOG_COLUMNS, toClickHouseRow } from '../sink/clickhouse-row';
import { enrichedMessages } from '../sink/enriched-messages';
import { UserAgents } from '../ua/user-agent';
import { decodeRawMessage } from './decode-raw-message';
import { enrichEvent, enrichRequest } from './enrich-event';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const WINDOW = { maxAgeMs: 7 * 24 * 3_600_000, maxFutureSkewMs: 300_000 };
const deps = { geo: { lookup: () => NO_GEO } as unknown as GeoIp, userAgents: new UserAgents() };

// eslint-disable-next-line no-control-regex -- control characters are what the validation refuses
const CONTROL = /[\u0000-\u001f\u007f]/;
/** One piece of text: any code point (rarely a control character), printable ASCII, a lone surrogate, a pair, a combining mark. */
const unit = fc.oneof(
  { weight: 400, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((c) => !CONTROL.test(c)) },
  { weight: 400, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 100, arbitrary: fc.constantFrom('\uD800', '\uDC00', '\uDBFF', '\uDFFF') },
  { weight: 100, arbitrary: fc.constantFrom('😀', 'e\u0301', '\u0301', '\uFFFD') },
  { weight: 1, arbitrary: fc.constantFrom('\u0000', '\n', '\u007f') },
);
const text = (maxLength: number, minLength = 0) => fc.string({ unit, minLength, maxLength });
const optionalText = (maxLength: number) => fc.option(text(maxLength, 1), { nil: undefined, freq: 3 });
/** A path whose route ("METHOD /...") reaches the 256-code-point cut with any text (pairs, lone surrogates) right there. */
const longPath = fc.tuple(fc.integer({ min: 230, max: 256 }), text(40)).map(([n, tail]) => `/${'a'.repeat(n)}${tail}`);
/** Integers from small to far beyond every bound, and the edges of the byte bound. */
const bigInteger = fc.oneof(
  { weight: 20, arbitrary: fc.integer({ min: 0, max: 100_000 }) },
  { weight: 1, arbitrary: fc.maxSafeNat() },
  { weight: 1, arbitrary: fc.maxSafeInteger() },
  { weight: 2, arbitrary: fc.constantFrom(MAX_BYTES_SENT - 1, MAX_BYTES_SENT, MAX_BYTES_SENT + 1, Number.MAX_SAFE_INTEGER, 2 ** 53, 1e21) },
);

/** Entries as a client may send them: mostly valid shapes, any text, any numbers. */
const entryArb = fc.record(
  {
    timestamp: fc.oneof(
      { weight: 4, arbitrary: fc.integer({ min: NOW - WINDOW.maxAgeMs, max: NOW + WINDOW.maxFutureSkewMs }) },
      { weight: 4, arbitrary: fc.integer({ min: NOW - WINDOW.maxAgeMs, max: NOW }).map((ms) => new Date(ms).toISOString()) },
      { weight: 1, arbitrary: bigInteger },
    ),
    clientIp: fc.oneof({ weight: 20, arbitrary: fc.ipV4() }, { weight: 10, arbitrary: fc.ipV6() }, { weight: 1, arbitrary: text(45) }),
    method: fc.oneof({ weight: 30, arbitrary: fc.constantFrom('GET', 'post', 'PURGE') }, { weight: 1, arbitrary: text(16) }),
    path: fc.oneof({ weight: 20, arbitrary: text(400).map((s) => `/${s}`) }, { weight: 10, arbitrary: longPath }, { weight: 1, arbitrary: text(2100).map((s) => `/${s}`) }, { weight: 1, arbitrary: text(10) }),
    status: fc.oneof({ weight: 30, arbitrary: fc.integer({ min: 100, max: 599 }) }, { weight: 1, arbitrary: fc.integer() }),
    bytesSent: bigInteger,
    userAgent: optionalText(1024),
    host: optionalText(255),
    requestId: optionalText(128),
    referer: optionalText(2048),
    cacheStatus: optionalText(32),
    responseTimeMs: fc.option(
      fc.oneof({ weight: 30, arbitrary: fc.double({ min: 0, max: MAX_RESPONSE_TIME_MS, noNaN: true }) }, { weight: 1, arbitrary: fc.double() }),
      { nil: undefined },
    ),
    pop: optionalText(32),
  },
  { requiredKeys: ['timestamp', 'clientIp', 'method', 'path', 'status', 'bytesSent'] },
);

/** A lone surrogate as JSON.stringify writes it: `\ud800`..`\udfff` (a pair is written as itself). */
const ESCAPED_SURROGATE = /\\ud[89a-f][0-9a-f]{2}/i;
const inRange = (v: number, min: number, max: number) => Number.isSafeInteger(v) && v >= min && v <= max;
const TSV_UNESCAPE: Record<string, string> = { t: '\t', n: '\n', r: '\r', '\\': '\\' };

/** A TabSeparated line → its fields by column, unescaped as ClickHouse reads them; undefined when it is not one line of the table's columns. */
function readTsvRow(line: string): Record<string, string> | undefined {
  if (!line.endsWith('\n') || /[\n\r]/.test(line.slice(0, -1))) return undefined;
  const fields = line.slice(0, -1).split('\t');
  if (fields.length !== ENRICHED_LOG_COLUMNS.length) return undefined;
  const row: Record<string, string> = {};
  ENRICHED_LOG_COLUMNS.forEach((column, i) => (row[column] = fields[i]!.replace(/\\(.)/g, (_, c: string) => TSV_UNESCAPE[c] ?? `\\${c}`)));
  return row;
}

/** Everything a stored row must be: one line of all columns, well-formed text, integers in their ranges, times as 10 digits, a route of at most 256 code points. */
function expectStorable(line: string): void {
  const row = readTsvRow(line);
  if (!row) throw new Error(`not one TabSeparated row of enriched_logs: ${JSON.stringify(line)}`);
  const problems: string[] = [];
  for (const [column, value] of Object.entries(row)) if (!isWellFormed(value)) problems.push(`${column} is not well-formed`);
  const int = (column: string, min: number, max: number) => {
    if (!/^\d+$/.test(row[column]!) || !inRange(Number(row[column]), min, max)) problems.push(`${column} ${row[column]}`);
  };
  for (const column of ['timestamp', 'ingested_at']) if (!/^\d{10}$/.test(row[column]!)) problems.push(`${column} ${row[column]} is not 10 digits`);
  int('timestamp_ms', 0, 999);
  int('status', 100, 599);
  int('bytes_sent', 0, MAX_BYTES_SENT);
  int('response_time_ms', 0, MAX_RESPONSE_TIME_MS);
  int('is_bot', 0, 1);
  if ([...row.route!].length > 256) problems.push(`route of ${[...row.route!].length} code points`);
  expect(problems).toEqual([]);
}

const LIVE = { windowMinutes: 15, graceSeconds: 120, topN: 1000 };

/** The live script's payload for these enriched messages: what the aggregator would send to Redis. */
function expectScriptInput(messages: Array<{ value: string | Buffer }>): void {
  const positioned: PositionedEvent[] = [];
  messages.forEach((m, offset) => {
    const decoded = decodeLiveMessage(Buffer.from(m.value));
    if (!decoded.ok) throw new Error(`the aggregator refuses an enriched message: ${decoded.reason}`);
    for (const event of decoded.events) positioned.push({ offset, event });
  });
  const { tenants } = preAggregate(positioned, { nowMs: NOW, windowMinutes: LIVE.windowMinutes, appliedUpTo: () => -1 });
  for (const delta of tenants.values()) {
    const { payload } = scriptArguments(delta, 'enriched', 0, LIVE);
    expect(ESCAPED_SURROGATE.test(payload)).toBe(false);
    const parsed = JSON.parse(payload) as { minutes: Array<{ c: Record<string, unknown> }> };
    for (const minute of parsed.minutes) {
      for (const [field, n] of Object.entries(minute.c)) if (typeof n !== 'string' || !/^[0-9]{1,18}$/.test(n)) throw new Error(`counter ${field} = ${JSON.stringify(n)}`);
    }
  }
}

describe('canonical input, end to end through ingest and enricher (property)', () => {
  it('everything ingest validation accepts decodes with nothing refused and becomes a storable row', () => {
    let accepted = 0;
    let repaired = 0;
    fc.assert(
      fc.property(fc.array(entryArb, { minLength: 1, maxLength: 4 }), fc.option(fc.string({ unit: 'grapheme-ascii', minLength: 1 }), { nil: undefined }), (raw, idempotencyKey) => {
        const validation = validateBatch(raw, WINDOW, NOW);
        if (!validation.ok) return;
        accepted++;
        if (Object.keys(validation.repaired).length > 0) repaired++;
        const { entries } = validation;
        // Two events per message: chunking is exercised too.
        const messages = toRawMessages(entries, { tenant: 'acme', batchId: 'batch-1', receivedAt: NOW, idempotencyKey }, 2);
        let events = 0;
        const enriched: Array<{ value: string | Buffer }> = [];
        for (const message of messages) {
          const decoded = decodeRawMessage(Buffer.from(message.value));
          if (!decoded.ok) throw new Error(`poison: ${decoded.reason}`);
          expect(decoded.refused).toEqual([]);
          const request = enrichRequest(decoded.request, NOW);
          const enrichedEvents = decoded.events.map((event) => enrichEvent(event, deps));
          for (const event of enrichedEvents) {
            events++;
            expectStorable(toClickHouseRow(request, event));
          }
          enriched.push(...enrichedMessages(request, enrichedEvents, 2));
        }
        expect(events).toBe(entries.length);
        expectScriptInput(enriched);
      }),
      { numRuns: 1500, seed: 20261122 },
    );
    // The property means something only if both verdicts and the repair occur often.
    expect(accepted).toBeGreaterThan(200);
    expect(accepted).toBeLessThan(1400);
    expect(repaired).toBeGreaterThan(50);
  });

  it('raw messages no ingest API wrote: the enricher stores only storable rows and refuses the rest, one by one', () => {
    const rawEvent = fc.record(
      {
        eventId: text(128, 1),
        timestamp: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: NOW - 1000, max: NOW }) }, fc.maxSafeInteger(), fc.constant(1e21)),
        clientIp: text(45, 2),
        method: text(16, 1),
        path: fc.oneof(text(400, 1), longPath),
        status: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 100, max: 599 }) }, fc.integer()),
        bytesSent: bigInteger,
        userAgent: optionalText(1024),
        cacheStatus: optionalText(32),
        responseTimeMs: fc.option(fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }), { nil: undefined }),
      },
      { requiredKeys: ['eventId', 'timestamp', 'clientIp', 'method', 'path', 'status', 'bytesSent'] },
    );
    let stored = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.array(rawEvent, { minLength: 1, maxLength: 6 }), text(64, 1), (events, batchId) => {
        const value = Buffer.from(JSON.stringify({ v: RAW_BATCH_VERSION, customerId: 'acme', receivedAt: NOW, batchId, events }));
        const decoded = decodeRawMessage(value);
        if (!decoded.ok) throw new Error(`poison: ${decoded.reason}`);
        expect(decoded.events.length + decoded.refused.length).toBe(events.length);
        expect(decoded.refused.map((r) => r.index)).toEqual([...new Set(decoded.refused.map((r) => r.index))].sort((a, b) => a - b));
        expect(isWellFormed(decoded.request.batchId)).toBe(true);
        const request = enrichRequest(decoded.request, NOW);
        const enrichedEvents = decoded.events.map((event) => enrichEvent(event, deps));
        for (const event of enrichedEvents) expectStorable(toClickHouseRow(request, event));
        expectScriptInput(enrichedMessages(request, enrichedEvents, 2));
        stored += decoded.events.length;
        refused += decoded.refused.length;
      }),
      { numRuns: 1000, seed: 20261123 },
    );
    expect(stored).toBeGreaterThan(200);
    expect(refused).toBeGreaterThan(200);
  });
});
