import type { DrainResult } from '../measure/drain';
import type { RedisSample } from '../measure/redis-memory';
import { json, writeResultFiles } from './results';

export interface BenchReport {
  profile: string;
  description: string;
  runId: string;
  startedAt: string;
  machine: { cpus: number; memoryGb: number; node: string };
  offeredEventsPerSecond: number;
  acceptedEventsPerSecond: number;
  acceptedEvents: number;
  statuses: Record<string, number>;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /** Per phase; latency percentiles over every request of the phase. */
  phases: Array<{ label: string; offeredEventsPerSecond: number; acceptedEventsPerSecond: number; p50Ms: number; p95Ms: number; p99Ms: number; statuses: Record<string, number> }>;
  sustainedEventsPerSecond?: number;
  drain: DrainResult;
  /** Redis used memory and key count over the run (issue #5). */
  redis?: RedisSample[];
  freshness: { samples: number; p50Ms: number; p95Ms: number; maxMs: number };
  processes: Record<string, { peakRssMb: number; cpuSeconds: number } | null>;
  ceiling: { recordsPerSecond: number; mbPerSecond: number; p99Ms: number; line: string } | null;
  pipelineToCeiling: number | null;
  recordSizeBytes: number;
  seconds: Array<{ second: number; offeredEvents: number; acceptedEvents: number; p99Ms: number }>;
}

function chart(report: BenchReport): string {
  const w = 800;
  const h = 300;
  const pad = 40;
  const maxEvents = Math.max(1, ...report.seconds.map((s) => Math.max(s.offeredEvents, s.acceptedEvents)));
  const maxP99 = Math.max(1, ...report.seconds.map((s) => s.p99Ms));
  const x = (i: number) => pad + (i / Math.max(1, report.seconds.length - 1)) * (w - 2 * pad);
  const line = (values: number[], max: number) => values.map((v, i) => `${x(i).toFixed(1)},${(h - pad - (v / max) * (h - 2 * pad)).toFixed(1)}`).join(' ');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="11">
<rect width="${w}" height="${h}" fill="white"/>
<text x="${pad}" y="16">profile ${report.profile}: events/s offered (grey), accepted (blue, left axis max ${maxEvents}); ingest p99 ms (red, right axis max ${maxP99})</text>
<line x1="${pad}" y1="${h - pad}" x2="${w - pad}" y2="${h - pad}" stroke="black"/><line x1="${pad}" y1="${pad}" x2="${pad}" y2="${h - pad}" stroke="black"/>
<polyline fill="none" stroke="#999" stroke-width="1.5" points="${line(report.seconds.map((s) => s.offeredEvents), maxEvents)}"/>
<polyline fill="none" stroke="#1f6feb" stroke-width="1.5" points="${line(report.seconds.map((s) => s.acceptedEvents), maxEvents)}"/>
<polyline fill="none" stroke="#d1242f" stroke-width="1" points="${line(report.seconds.map((s) => s.p99Ms), maxP99)}"/>
<text x="${w / 2}" y="${h - 10}">seconds (0 … ${report.seconds.length})</text>
</svg>
`;
}

function markdown(r: BenchReport): string {
  const rows = Object.entries(r.processes)
    .map(([c, p]) => `| ${c} | ${p ? p.peakRssMb : '–'} | ${p ? p.cpuSeconds : '–'} |`)
    .join('\n');
  const phases = r.phases
    .map((p) => `| ${p.label} | ${p.offeredEventsPerSecond} | ${p.acceptedEventsPerSecond} | ${p.p50Ms} | ${p.p95Ms} | ${p.p99Ms} | ${JSON.stringify(p.statuses)} |`)
    .join('\n');
  return `# Benchmark ${r.profile} — ${r.startedAt}

${r.description}. Machine: ${r.machine.cpus} CPUs, ${r.machine.memoryGb} GB, Node ${r.machine.node}; everything co-located (Kafka, ClickHouse, Redis, four services, load generator).

| measure | value |
|---|---|
| offered / accepted events/s | ${r.offeredEventsPerSecond} / ${r.acceptedEventsPerSecond} |
| accepted events | ${r.acceptedEvents} |
| HTTP statuses | ${JSON.stringify(r.statuses)} |
| ingest latency p50 / p95 / p99 / max (ms) | ${r.latencyMs.p50} / ${r.latencyMs.p95} / ${r.latencyMs.p99} / ${r.latencyMs.max} |
${r.sustainedEventsPerSecond !== undefined ? `| highest step kept up with (ramp) | ${r.sustainedEventsPerSecond} events/s |\n` : ''}| exact (ClickHouse distinct = live total = accepted) | ${r.drain.exact ? 'yes' : r.drain.ok ? `no: consistent, ${r.drain.clickhouseDistinct - r.drain.expected} of ${r.drain.ambiguous} events answered 5xx/unanswered were written (documented 503 semantics)` : '**NO: lost or double-counted**'} (${r.drain.clickhouseDistinct} / ${r.drain.liveTotal} / ${r.drain.expected})${r.drain.clickhouseInLiveWindow !== r.drain.clickhouseDistinct ? `; the run outlasted the live window: live total compared with the ${r.drain.clickhouseInLiveWindow} ClickHouse rows of the minutes it still covers` : ''} |
| drain time after the load stopped | ${r.drain.seconds} s |
| live freshness p50 / p95 (202 → visible) | ${r.freshness.p50Ms} / ${r.freshness.p95Ms} ms (${r.freshness.samples} probes) |
| broker ceiling (ProducerPerformance, ${r.recordSizeBytes} B records = one raw message per request, acks=all) | ${r.ceiling ? `${r.ceiling.recordsPerSecond} records/s, p99 ${r.ceiling.p99Ms} ms` : 'not measured'} |
| pipeline / ceiling (raw messages/s : records/s) | ${r.pipelineToCeiling ?? '–'} |

| phase | offered ev/s | accepted ev/s | p50 ms | p95 ms | p99 ms | statuses |
|---|---|---|---|---|---|---|
${phases}

| process | peak RSS MB | CPU seconds |
|---|---|---|
${rows}
${r.redis && r.redis.length > 0 ? redisTable(r.redis) : ''}`;
}

/** Redis memory and keys, one row per ~2 minutes of the run. */
function redisTable(samples: RedisSample[]): string {
  const every = Math.max(1, Math.round(samples.length / 15));
  const rows = samples.filter((_, i) => i % every === 0 || i === samples.length - 1).map((s) => `| ${s.second} | ${s.usedMemoryMb} | ${s.keys} |`);
  return `
| second | Redis used_memory MB | keys |
|---|---|---|
${rows.join('\n')}
`;
}

/** `runs/<time>-<profile>.{json,md,svg}` and `latest-<profile>.*` in `dir`; returns the dated Markdown path. */
export function writeReport(dir: string, report: BenchReport): string {
  return writeResultFiles(dir, report.profile, report.startedAt, { json: json(report), md: markdown(report), svg: chart(report) });
}
