/**
 * Acceptance: no accepted input may stall the pipeline. Tenant A sends a
 * battery of odd but valid entries (unpaired surrogates written as JSON
 * escapes, emoji and combining marks at every length boundary, RTL and
 * zero-width characters, boundary numbers, odd IP spellings, the oldest and
 * newest accepted times, 5,000 long distinct paths); then tenant B, whose key
 * lands on the same raw (and enriched) partition as A's, sends one canary.
 * The canary must be live and in history within 10 s of its 202, and for A
 * every accepted event must be accounted for exactly: rows in
 * `enriched_logs FINAL` + events in the DLQ = events answered 202; the live
 * totals equal the ClickHouse rows inside the live window (requests and bytes).
 * Both consumers stay ready and report no stalled partition.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Partitioners } from 'kafkajs';
import {
  type ClickHouseClient, createClickHouse, createKafka, dateTimeLiteral, readDeadLetter, sha256Hex, stringLiteral, tablesFor, toWellFormed,
} from '@cdnlog/common';
import { readTopic } from '@cdnlog/common/dead-letters/read-letters';
import { stackConfig, testLogger, uniquePrefix, waitFor } from '@cdnlog/common/testing';
import { configSchema as ingestConfigSchema } from '../../services/ingest-api/src/config';
import { type Pipeline, startPipeline } from './start-pipeline';

const prefix = uniquePrefix('poison');
const tenantA = `${prefix}-a`;
const RAW_PARTITIONS = 3; // start-pipeline.ts creates every topic with 3 partitions

/** kafkajs' default partitioner (what the ingest API and the enricher produce with) for a key. */
function partitionOf(key: string): number {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: RAW_PARTITIONS }, (_, partitionId) => ({ partitionErrorCode: 0, partitionId, leader: 0, replicas: [0], isr: [0], offlineReplicas: [] }));
  return partitioner({ topic: 'any', partitionMetadata, message: { key, value: null } });
}
/** Tenant B shares A's partition: a poison message of A that stalls its partition stalls B's canary too. */
const tenantB = (() => {
  for (let i = 0; ; i++) if (partitionOf(`${prefix}-b${i}`) === partitionOf(tenantA)) return `${prefix}-b${i}`;
})();

const registryPath = join(tmpdir(), `${prefix}-tenants.json`);
let pipeline: Pipeline | undefined;
let clickhouse: ClickHouseClient;
const kafka = createKafka({ brokers: stackConfig().KAFKA_BROKERS, clientId: `${prefix}-test`, logger: testLogger() });

const ingestDefaults = ingestConfigSchema.parse({});
const envNumber = (name: 'MAX_EVENT_AGE_HOURS' | 'MAX_BODY_BYTES' | 'MAX_ENTRIES_PER_BATCH') => Number(pipeline?.env[name] ?? ingestDefaults[name]);

beforeAll(async () => {
  writeFileSync(
    registryPath,
    JSON.stringify({
      tenants: [
        { id: tenantA, ingestKeySha256: [sha256Hex('a-ingest')], readKeySha256: [sha256Hex('a-read')] },
        { id: tenantB, ingestKeySha256: [sha256Hex('b-ingest')], readKeySha256: [sha256Hex('b-read')] },
      ],
    }),
  );
  // Readiness fails as soon as a partition waits 5 s without progress (the same bound as the stalled gauges below).
  pipeline = await startPipeline(prefix, 19_421, { TENANT_REGISTRY_PATH: registryPath, CONSUMER_STUCK_AFTER_MS: '5000' });
  clickhouse = createClickHouse(stackConfig());
}, 120_000);

afterAll(async () => {
  await clickhouse?.close();
  await pipeline?.stop();
});

// ---------------------------------------------------------------------------------------------------------------------
// The battery

type Entry = Record<string, unknown>;
interface Sent {
  name: string;
  entries: number;
  status: number;
  accepted: number | null;
  error?: string;
  /** The entries as the body holds them (JSON.parse: escapes decoded, the last of duplicate keys). */
  parsed: Entry[];
}
const sent: Sent[] = [];

/** `s` holds no unpaired surrogate: a string body reaches the wire as UTF-8, where a lone surrogate would silently become U+FFFD. */
const wellFormed = (s: string) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

async function post(name: string, entries: number, body: string, tenant = tenantA, contentType = 'application/json'): Promise<Sent> {
  if (!wellFormed(body)) throw new Error(`${name}: the body itself holds an unpaired surrogate (must be a JSON escape)`);
  const key = tenant === tenantA ? 'a-ingest' : 'b-ingest';
  const res = await fetch(`${pipeline!.urls.ingest}/v1/logs`, {
    method: 'POST',
    headers: { 'content-type': contentType, 'x-customer-id': tenant, authorization: `Bearer ${key}` },
    body,
  });
  const json = (await res.json().catch(() => ({}))) as { accepted?: number; error?: string };
  const parsed = (contentType === 'application/x-ndjson' ? body.split('\n').map((line) => JSON.parse(line) as unknown) : [JSON.parse(body) as unknown].flat()) as Entry[];
  if (parsed.length !== entries) throw new Error(`${name}: the body holds ${parsed.length} entries, not ${entries}`);
  const result: Sent = { name, entries, status: res.status, accepted: res.status === 202 ? (json.accepted ?? null) : null, ...(json.error ? { error: json.error } : {}), parsed };
  if (tenant === tenantA) sent.push(result);
  return result;
}

/** JSON.stringify writes every unpaired surrogate as a `\udxxx` escape (well-formed JSON.stringify, ES2019). */
const postEntries = (name: string, entries: Entry[]) => post(name, entries.length, JSON.stringify(entries));

const E = '\u{1F600}'; // 😀, a surrogate pair
const FAMILY = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}'; // 👨‍👩‍👧‍👦, 7 code points, 11 UTF-16 units
const COMBINING_E = 'e\u0301';

function battery(now: number, maxAgeMs: number): Array<{ name: string; entries: Entry[] }> {
  let n = 0;
  const e = (over: Entry): Entry => ({ timestamp: now - 1000, clientIp: '81.2.69.142', method: 'GET', path: '/', status: 200, bytesSent: 100 + n++, ...over });
  const rq = (tail: string) => `${prefix}-rq${n}-${tail}`; // requestIds stay distinct after U+FFFD repair (they make event ids)
  const groups: Array<{ name: string; entries: Entry[] }> = [];

  groups.push({
    name: 'lone-surrogates-path',
    entries: [
      e({ path: '/\ud800x' }), e({ path: '/x\udc00' }), e({ path: '/\udc00\ud800' }), e({ path: '/abc\ud800' }), e({ path: '/abc\udc00' }),
      e({ path: '/\ud800' }), e({ path: '/\udbff\udfff' }), e({ path: '/a?q=\ud800' }), e({ path: '/a#\udc00' }), e({ path: `/${E}\ud800${E}` }),
      e({ path: `/${'a'.repeat(2046)}\ud800` }), // 2048 code points, the last one unpaired
      ...[249, 250, 251, 252, 253].map((k) => e({ path: `/${'a'.repeat(k)}\ud83d` })), // a lone high surrogate at the 256-code-point route cut
      ...[249, 250, 251, 252, 253].map((k) => e({ path: `/${'a'.repeat(k)}\ude00b` })),
    ],
  });
  groups.push({
    name: 'lone-surrogates-fields',
    entries: [
      e({ userAgent: 'Mozilla/5.0 \ud800' }), e({ userAgent: '\udc00' }), e({ referer: 'https://ref.example/\udc00' }), e({ referer: '\ud800' }),
      e({ host: '\ud800.example' }), e({ host: 'h.example\udc00' }), e({ requestId: rq('\ud800') }), e({ requestId: rq('\udc00\ud800') }),
      e({ cacheStatus: 'HIT\ud800' }), e({ cacheStatus: '\udc00' }), e({ pop: 'fra\udc00' }), e({ pop: '\ud800' }),
      e({ path: '/all\ud800', userAgent: 'UA\udc00', referer: '\ud800r', host: 'h\udc00', requestId: rq('all\ud800'), cacheStatus: 'miss\ud800', pop: 'p\udc00' }),
      e({ requestId: `${rq('')}${'r'.repeat(128)}`.slice(0, 127) + '\ud800' }), // 128 code points, the last unpaired
    ],
  });
  const emojiBoundary: Entry[] = [];
  for (let k = 245; k <= 257; k++) for (let m = 1; m <= 3; m++) emojiBoundary.push(e({ path: `/${'a'.repeat(k)}${E.repeat(m)}` }));
  for (let k = 249; k <= 253; k++) emojiBoundary.push(e({ path: `/${'a'.repeat(k)}${E}?q=${E}` }), e({ path: `/${'a'.repeat(k)}${FAMILY}` }));
  groups.push({ name: 'emoji-at-route-cut', entries: emojiBoundary });
  const combining: Entry[] = [];
  for (let k = 247; k <= 254; k++) for (let m = 1; m <= 2; m++) combining.push(e({ path: `/${'a'.repeat(k)}${COMBINING_E.repeat(m)}` }));
  groups.push({ name: 'combining-at-route-cut', entries: combining });
  groups.push({
    name: 'maximum-lengths',
    entries: [
      e({ path: `/${'a'.repeat(2046)}${E}` }), // 2048 code points, 2049 UTF-16 units
      e({ path: `/${E.repeat(2047)}` }), // 2048 code points, 4095 UTF-16 units
      e({ path: `/?q=${E.repeat(2044)}` }),
      e({ path: `/${'a'.repeat(2045)}${COMBINING_E}` }), // 2048 code points ending in a combining mark
      e({ path: `/${FAMILY.repeat(292)}` }), // 2045 code points of ZWJ sequences
      e({ userAgent: E.repeat(1024) }), e({ userAgent: `${'a'.repeat(1023)}${E}` }), e({ userAgent: `${FAMILY} ${FAMILY}` }),
      e({ referer: E.repeat(2048) }), e({ host: E.repeat(255) }), e({ requestId: ((p) => `${p}${E.repeat(128 - p.length)}`)(rq('')) }), // 128 code points
      e({ cacheStatus: E.repeat(32) }), e({ pop: E.repeat(32) }), e({ pop: FAMILY }), e({ path: `/${FAMILY}`, userAgent: FAMILY, referer: FAMILY, host: FAMILY }),
    ],
  });
  groups.push({
    name: 'rtl-zero-width',
    entries: ['\u202e', '\u200f', '\u200b', '\ufeff'].flatMap((c) => [
      e({ path: `/${c}x${c}` }), e({ userAgent: `${c}Mozilla/5.0${c}` }), e({ referer: `${c}https://r.example/${c}` }), e({ host: `${c}h.example`, pop: c, cacheStatus: `${c}HIT` }),
    ]),
  });
  groups.push({
    name: 'boundary-numbers',
    entries: [
      e({ bytesSent: 0 }), e({ bytesSent: 1_000_000_000_000 }), e({ status: 100 }), e({ status: 599 }),
      e({ responseTimeMs: 0 }), e({ responseTimeMs: 3_600_000 }), e({ responseTimeMs: 0.5 }), e({ responseTimeMs: 3_599_999.5 }),
      e({ method: 'get' }), e({ method: 'ABCDEFGHIJKLMNOP' }),
    ],
  });
  groups.push({ name: 'twelve-terabytes', entries: Array.from({ length: 12 }, () => e({ bytesSent: 1_000_000_000_000 })) });
  groups.push({
    name: 'ip-spellings',
    entries: ['::ffff:81.2.69.142', '::1', '0.0.0.0', '2001:0db8:85a3:0000:0000:8a2e:0370:7334', '0000:0000:0000:0000:0000:ffff:255.255.255.255', '255.255.255.255', '::', 'fe80::1%eth0', '2a02:2770::21a:4aff:fe9b:0'].map(
      (clientIp) => e({ clientIp }),
    ),
  });
  groups.push({
    name: 'timestamps',
    entries: [
      e({ timestamp: now - maxAgeMs + 60_000 }), // a minute inside the oldest accepted time
      e({ timestamp: now }), e({ timestamp: now + 2000 }), e({ timestamp: new Date(now - 1000).toISOString() }),
      e({ timestamp: new Date(now - 1000).toISOString().replace('Z', '+00:00') }), e({ timestamp: `${new Date(now - 1000).toISOString().slice(0, 19)}.123456789Z` }),
    ],
  });
  const long: Entry[] = [];
  for (let i = 0; i < 5000; i++) {
    const tail = i % 7 === 0 ? E : i % 11 === 0 ? COMBINING_E : i % 13 === 0 ? '\ud800' : '';
    long.push(e({ path: `/long/${i}/${'p'.repeat(190 + (i % 97))}${tail}`, timestamp: now - 1000 - (i % 997) }));
  }
  groups.push({ name: 'long-paths', entries: long });
  return groups;
}

/**
 * Hand-written bodies: spellings JSON.stringify never produces (upper-case and
 * split escapes, an escaped pair, `\/`, duplicate keys, exponents, -0, escaped
 * letters in the method). Each string is one entry.
 */
function handWritten(now: number): string[] {
  const f = (fields: string) => `{"timestamp":${now - 1000},"clientIp":"81.2.69.142","method":"GET","status":200,"bytesSent":7,${fields}}`;
  return [
    f(String.raw`"path":"\/\uD800x"`),
    f(String.raw`"path":"\/pair\ud83d\ude00"`), // an escaped surrogate pair: one emoji
    f(String.raw`"path":"\/rev\ude00\ud83d"`), // reversed: two lone surrogates
    f(String.raw`"path":"/end\uDBFF"`),
    f(String.raw`"path":"/a","path":"/dup\udc00"`), // duplicate key: the last wins
    f(String.raw`"path":"/\u202E\u200F\u200B\uFEFF","userAgent":"\ud800\u0041\udc00","referer":"\uDC00\uD800"`),
    String.raw`{"timestamp":${now - 1000},"clientIp":"81.2.69.142","method":"G\u0045T","path":"/exp","status":2.0e2,"bytesSent":1e12}`,
    String.raw`{"timestamp":${now - 1000},"clientIp":"81.2.69.142","method":"GET","path":"/neg-zero","status":599.0,"bytesSent":-0,"responseTimeMs":36e5}`,
    String.raw`  {  "timestamp" : ${now - 1000} , "clientIp" : "::ffff:81.2.69.142" , "method" : "GET" , "path" : "/ws\ud800" , "status" : 100 , "bytesSent" : 0 , "host" : null , "pop" : null }  `,
  ];
}

// ---------------------------------------------------------------------------------------------------------------------
// Reading what the pipeline did

const read = async <T>(path: string, key: string): Promise<{ status: number; body: T }> => {
  const r = await fetch(`${pipeline!.urls.metrics}${path}`, { headers: { authorization: `Bearer ${key}` } });
  return { status: r.status, body: (await r.json()) as T };
};
interface Live { totals: { requests: number; bytes: number } }
interface History { buckets: Array<{ requests: number; bytes: number }> }
const live = (tenant: string, key: string) => read<Live>(`/api/v1/metrics/${tenant}`, key).then((r) => ({ requests: r.body.totals?.requests ?? -1, bytes: r.body.totals?.bytes ?? -1 }));
const history = (tenant: string, key: string, from: number, to: number, interval: 'minute' | 'hour') =>
  read<History>(`/api/v1/metrics/${tenant}/history?from=${from}&to=${to}&interval=${interval}`, key).then((r) => ({
    requests: (r.body.buckets ?? []).reduce((s, b) => s + b.requests, 0),
    bytes: (r.body.buckets ?? []).reduce((s, b) => s + b.bytes, 0),
  }));

/** Rows of `tenant` in `enriched_logs FINAL` (optionally only those at or after `sinceMs`), and their bytes. */
async function clickhouseRows(tenant: string, sinceMs?: number): Promise<{ requests: number; bytes: number }> {
  const t = tablesFor(pipeline!.env.CLICKHOUSE_DATABASE!);
  const since = sinceMs === undefined ? '' : ` AND timestamp >= ${dateTimeLiteral(sinceMs)}`;
  const rs = await clickhouse.query({
    query: `SELECT count() AS n, sum(bytes_sent) AS b FROM ${t.enrichedLogs} FINAL WHERE customer_id = ${stringLiteral(tenant)}${since}`,
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ n: string | number; b: string | number }>();
  return { requests: Number(row?.n ?? 0), bytes: Number(row?.b ?? 0) };
}

/** How often each `url` occurs among `tenant`'s rows in `enriched_logs FINAL`. */
async function clickhouseUrls(tenant: string): Promise<Map<string, number>> {
  const t = tablesFor(pipeline!.env.CLICKHOUSE_DATABASE!);
  const rs = await clickhouse.query({
    query: `SELECT url, count() AS n FROM ${t.enrichedLogs} FINAL WHERE customer_id = ${stringLiteral(tenant)} GROUP BY url`,
    format: 'JSONEachRow',
  });
  return new Map((await rs.json<{ url: string; n: string | number }>()).map((r) => [r.url, Number(r.n)]));
}

/** Where two multisets differ: value → [expected, actual], at most `max` of them (values shortened for printing). */
function multisetDiff(expected: Map<string, number>, actual: Map<string, number>, max = 8): Array<[string, number, number]> {
  const out: Array<[string, number, number]> = [];
  for (const k of new Set([...expected.keys(), ...actual.keys()])) {
    const [e, a] = [expected.get(k) ?? 0, actual.get(k) ?? 0];
    if (e !== a && out.length < max) out.push([JSON.stringify(k.length > 80 ? `${k.slice(0, 40)}…${k.slice(-40)} (${k.length} units)` : k), e, a]);
  }
  return out;
}

/** The enricher committed every raw message (its transactions, dead letters included, are done). */
async function enricherCaughtUp(): Promise<{ done: boolean; lag: Record<number, string> }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topic = pipeline!.env.KAFKA_TOPIC_RAW!;
    const highs = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId: pipeline!.env.ENRICHER_GROUP_ID!, topics: [topic] });
    const lag: Record<number, string> = {};
    for (const p of highs) {
      const c = committed?.partitions.find((x) => x.partition === p.partition)?.offset ?? '-1';
      const from = BigInt(c) < 0n ? BigInt(p.low) : BigInt(c);
      if (BigInt(p.high) > from) lag[p.partition] = String(BigInt(p.high) - from);
    }
    return { done: Object.keys(lag).length === 0, lag };
  } finally {
    await admin.disconnect();
  }
}

/** Partitions of the raw topic that hold messages. */
async function rawPartitionsUsed(): Promise<number[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(pipeline!.env.KAFKA_TOPIC_RAW!)).filter((p) => BigInt(p.high) > BigInt(p.low)).map((p) => p.partition);
  } finally {
    await admin.disconnect();
  }
}

const metricsText = (port: number) => fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text());
/** `cdnlog_consumer_stalled_seconds` samples, or undefined when the gauge is not exported at all. */
function stalledSamples(text: string): Array<{ labels: string; value: number }> | undefined {
  if (!/^# (HELP|TYPE) cdnlog_consumer_stalled_seconds /m.test(text)) return undefined;
  return [...text.matchAll(/^cdnlog_consumer_stalled_seconds(\{[^}]*\})? (\S+)$/gm)].map((m) => ({ labels: m[1] ?? '', value: Number(m[2]) }));
}

/** waitFor that reports instead of throwing, so the summary is printed whatever happened. */
async function settle<T>(probe: () => Promise<T>, done: (v: T) => boolean, timeoutMs: number, what: string) {
  const start = Date.now();
  try {
    const value = await waitFor(probe, done, { timeoutMs: Math.max(1, timeoutMs), intervalMs: 100, what });
    return { ok: true, value, ms: Date.now() - start, error: undefined as string | undefined };
  } catch (err) {
    const value = await probe().catch(() => undefined);
    return { ok: false, value, ms: Date.now() - start, error: (err as Error).message };
  }
}

// ---------------------------------------------------------------------------------------------------------------------

describe('poison input', () => {
  it('no accepted input stalls the pipeline or is lost: the canary is live and in history within 10 s, and every accepted event is stored or dead-lettered', async () => {
    expect(partitionOf(tenantB)).toBe(partitionOf(tenantA));
    const maxAgeMs = envNumber('MAX_EVENT_AGE_HOURS') * 3_600_000;
    const maxBody = envNumber('MAX_BODY_BYTES');
    const maxEntries = envNumber('MAX_ENTRIES_PER_BATCH');

    // While the battery is worked off, sample the stalled gauges of both consumers.
    const maxStalled = { enricher: 0, aggregator: 0 };
    let sampling = true;
    const samplerUntil = Date.now() + 150_000; // ends by itself too, should a step below throw
    const sampler = (async () => {
      while (sampling && Date.now() < samplerUntil) {
        for (const service of ['enricher', 'aggregator'] as const) {
          const samples = stalledSamples(await metricsText(pipeline!.ports[service]).catch(() => '')) ?? [];
          for (const s of samples) maxStalled[service] = Math.max(maxStalled[service], s.value);
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    })();

    // 1. The battery, as tenant A.
    const now = Date.now();
    for (const { name, entries } of battery(now, maxAgeMs)) {
      // Split only where one request would pass the ingest API's limits (entries per request, body bytes).
      const parts: Entry[][] = [[]];
      let size = 2;
      for (const entry of entries) {
        const bytes = Buffer.byteLength(JSON.stringify(entry)) + 1;
        if (parts.at(-1)!.length > 0 && (parts.at(-1)!.length >= maxEntries || size + bytes > maxBody)) {
          parts.push([]);
          size = 2;
        }
        parts.at(-1)!.push(entry);
        size += bytes;
      }
      for (const [i, part] of parts.entries()) await postEntries(parts.length === 1 ? name : `${name}#${i + 1}/${parts.length}`, part);
    }
    const hand = handWritten(now);
    await post('hand-written-escapes', hand.length, `[${hand.join(',')}]`);
    await post('hand-written-ndjson', hand.length, hand.join('\n'), tenantA, 'application/x-ndjson');
    await post('single-object-body', 1, String.raw`{"timestamp":${now - 1000},"clientIp":"::1","method":"GET","path":"\/single\ud800","status":200,"bytesSent":3}`);
    const tooMany = await post('bytesSent-over-max', 1, JSON.stringify([{ timestamp: now - 1000, clientIp: '81.2.69.142', method: 'GET', path: '/over', status: 200, bytesSent: 1_000_000_000_001 }]));
    const accepted = sent.filter((s) => s.status === 202).reduce((sum, s) => sum + s.entries, 0);
    // Self-check: unpaired surrogates did reach the API, as JSON escapes (`post` refuses bodies holding them raw).
    const withLoneSurrogates = sent.filter((s) => s.status === 202).flatMap((s) => s.parsed).filter((e) => Object.values(e).some((v) => typeof v === 'string' && !wellFormed(v))).length;

    // 2. The canary, as tenant B, behind A's battery on the same partition.
    const canaryAt = Date.now();
    const canary = await post('canary', 1, JSON.stringify([{ timestamp: canaryAt, clientIp: '81.2.69.142', method: 'GET', path: '/canary', status: 200, bytesSent: 4242 }]), tenantB);
    const acceptedAt = Date.now();
    const left = () => 10_000 - (Date.now() - acceptedAt);
    const [canaryLive, canaryStored, canaryHistory] = await Promise.all([
      settle(() => live(tenantB, 'b-read'), (v) => v.requests >= 1, left(), 'canary live'),
      settle(() => clickhouseRows(tenantB), (v) => v.requests >= 1, left(), 'canary in ClickHouse'),
      settle(() => history(tenantB, 'b-read', canaryAt - 5 * 60_000, canaryAt + 5 * 60_000, 'minute'), (v) => v.requests >= 1, left(), 'canary in history API'),
    ]);

    // 3. Tenant A: every accepted event is a row or a dead letter, exactly.
    const caughtUp = await settle(enricherCaughtUp, (v) => v.done, 60_000, 'enricher committed the raw topic');
    const letters = (await readTopic(kafka, pipeline!.env.KAFKA_TOPIC_DLQ!, { timeoutMs: 30_000, groupPrefix: `${prefix}-dlq-reader` })).map(readDeadLetter);
    const lettersA = letters.filter((l) => l.tenant === tenantA);
    const dlqEventsA = lettersA.reduce((s, l) => s + l.events, 0);
    const dlqBy = new Map<string, { letters: number; events: number; reason: string }>();
    for (const l of letters) {
      const k = `${l.tenant === tenantA ? 'A' : l.tenant === tenantB ? 'B' : JSON.stringify(l.tenant)} ${l.service}/${l.stage}/${l.code}`;
      const v = dlqBy.get(k) ?? { letters: 0, events: 0, reason: l.reason.slice(0, 160) };
      dlqBy.set(k, { ...v, letters: v.letters + 1, events: v.events + l.events });
    }
    const storedA = await clickhouseRows(tenantA);
    // The live window holds the last 15 minutes of event time; the one entry a week old is history only.
    const windowStart = now - 10 * 60_000;
    const storedRecentA = await clickhouseRows(tenantA, windowStart);
    const liveA = await settle(() => live(tenantA, 'a-read'), (v) => v.requests >= storedRecentA.requests, 30_000, 'A live = ClickHouse');
    const historyA = await settle(
      () => history(tenantA, 'a-read', now - maxAgeMs - 3_600_000, now + 3_600_000, 'hour'),
      (v) => v.requests >= storedA.requests,
      30_000,
      'A history = ClickHouse',
    );
    // What is stored is what was accepted, with each unpaired surrogate repaired to U+FFFD and nothing else changed.
    const expectedUrls = new Map<string, number>();
    for (const s of sent) if (s.status === 202) for (const entry of s.parsed) expectedUrls.set(toWellFormed(String(entry.path)), (expectedUrls.get(toWellFormed(String(entry.path))) ?? 0) + 1);
    const urlDiff = multisetDiff(expectedUrls, await clickhouseUrls(tenantA));
    const storedB = await clickhouseRows(tenantB);
    const liveB = await live(tenantB, 'b-read');
    const partitionsUsed = await rawPartitionsUsed();

    // 4. Both consumers: ready, no partition stalled.
    sampling = false;
    await sampler;
    const ops = {} as Record<'enricher' | 'aggregator', { readyz: number; readyBody: string; stalled: Array<{ labels: string; value: number }> | undefined }>;
    for (const service of ['enricher', 'aggregator'] as const) {
      const r = await fetch(`http://127.0.0.1:${pipeline!.ports[service]}/readyz`);
      ops[service] = { readyz: r.status, readyBody: (await r.text()).slice(0, 300), stalled: stalledSamples(await metricsText(pipeline!.ports[service])) };
    }
    const ingestAccepted = Number(/^cdnlog_ingest_events_accepted_total(?:\{[^}]*\})? (\S+)$/m.exec(await metricsText(pipeline!.ports.ingest))?.[1] ?? NaN);

    const ms = (r: { ok: boolean; ms: number }) => (r.ok ? `${r.ms} ms` : `NOT within ${r.ms} ms`);
    console.log(
      [
        `poison battery (tenant A ${tenantA}, canary tenant B ${tenantB}, both on raw partition ${partitionOf(tenantA)}; raw partitions used: ${partitionsUsed.join(',')})`,
        ...sent.map((s) => `  ${s.name.padEnd(26)} entries=${String(s.entries).padStart(4)} -> ${s.status}${s.accepted === null ? '' : ` accepted=${s.accepted}`}${s.error ? ` (${s.error})` : ''}`),
        `  accepted (sum over 202s): ${accepted}, ${withLoneSurrogates} of them with unpaired surrogates; ingest events_accepted_total: ${ingestAccepted} (incl. the canary)`,
        `  canary ${canary.status}: live ${ms(canaryLive)}, ClickHouse ${ms(canaryStored)}, history API ${ms(canaryHistory)} after its 202`,
        `  enricher caught up: ${caughtUp.ok ? `yes (${caughtUp.ms} ms)` : `NO, lag ${JSON.stringify(caughtUp.value?.lag)}`}`,
        `  A: ClickHouse rows ${storedA.requests} (bytes ${storedA.bytes}) + DLQ events ${dlqEventsA} (${lettersA.length} letters) = ${storedA.requests + dlqEventsA} vs accepted ${accepted}`,
        ...[...dlqBy].map(([k, v]) => `    DLQ ${k}: ${v.letters} letters, ${v.events} events; e.g. ${v.reason}`),
        `  A live: ${JSON.stringify(liveA.value)} vs ClickHouse in window ${JSON.stringify(storedRecentA)}; A history API: ${JSON.stringify(historyA.value)}`,
        `  A urls in ClickHouse vs accepted paths (U+FFFD-repaired): ${urlDiff.length === 0 ? 'identical' : `differ, [value, expected, stored]: ${JSON.stringify(urlDiff)}`}`,
        `  B: ClickHouse ${storedB.requests}, live ${liveB.requests}`,
        ...(['enricher', 'aggregator'] as const).map(
          (s) => `  ${s}: readyz ${ops[s].readyz}; stalled now ${ops[s].stalled === undefined ? 'GAUGE MISSING' : JSON.stringify(ops[s].stalled.map((x) => x.value))}; max seen while working ${maxStalled[s]} s`,
        ),
      ].join('\n'),
    );

    // Every request of the battery is valid: 202 with all its entries; the one over the byte bound is refused and not counted.
    expect(tooMany.status).toBe(400);
    expect(withLoneSurrogates).toBeGreaterThan(300);
    expect(sent.filter((s) => s !== tooMany && (s.status !== 202 || s.accepted !== s.entries))).toEqual([]);
    expect(accepted).toBe(sent.filter((s) => s !== tooMany).reduce((sum, s) => sum + s.entries, 0));
    expect(ingestAccepted).toBe(accepted + 1);
    expect(canary.status).toBe(202);
    expect(partitionsUsed).toEqual([partitionOf(tenantA)]);

    // The canary, within 10 s of its 202.
    expect({ live: canaryLive.ok, clickhouse: canaryStored.ok, historyApi: canaryHistory.ok }).toEqual({ live: true, clickhouse: true, historyApi: true });
    expect(storedB).toEqual({ requests: 1, bytes: 4242 });
    expect(liveB).toEqual({ requests: 1, bytes: 4242 });

    // Tenant A, exactly.
    expect(caughtUp.ok).toBe(true);
    expect(letters.filter((l) => l.tenant !== tenantA)).toEqual([]); // no letter of B, none unreadable (tenant '')
    expect(storedA.requests + dlqEventsA).toBe(accepted);
    expect(liveA.value).toEqual(storedRecentA);
    expect(historyA.value).toEqual(storedA);
    expect(urlDiff).toEqual([]);

    // No consumer partition is stuck.
    for (const service of ['enricher', 'aggregator'] as const) {
      expect({ service, readyz: ops[service].readyz }).toEqual({ service, readyz: 200 });
      expect(ops[service].stalled).toBeDefined();
      expect(ops[service].stalled!.length).toBeGreaterThan(0);
      expect(ops[service].stalled!.filter((s) => !(s.value < 5))).toEqual([]);
    }
  }, 180_000);
});
