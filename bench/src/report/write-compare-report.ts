import { CPU_COLUMNS, type CompareMeasurement, endToEndRatios, KEEPS_UP_DRAIN_SECONDS } from '../compare/compute';
import type { ComparePoint } from '../compare/options';
import { json, machine as thisMachine, writeResultFiles } from './results';

export interface CompareReport {
  startedAt: string;
  machine: ReturnType<typeof thisMachine>;
  seconds: number;
  /** Load per system before its first point, not measured (0: none). */
  warmupSeconds: number;
  peer: { dir: string; measured: boolean; skipped?: string };
  measurements: CompareMeasurement[];
  ratios: Array<ComparePoint & { projectToPeer: number }>;
}

const n = (v: number) => v.toLocaleString('en-US');
const us = (v: number | null) => (v === null ? '–' : n(Math.round(v)));
const SYSTEM_LABEL = { project: 'project', peer: 'Go peer' } as const;

export function pointLabel(p: ComparePoint): string {
  return p.batch === 1 ? `${n(p.rate)} single-event req/s` : `${n(p.rate)}, ${n(p.batch)}`;
}

/** The issue's side-by-side table, one row per system and point, plus the ingest latency percentiles. */
export function compareTable(measurements: CompareMeasurement[]): string {
  const rows = measurements.map((m) => {
    const e2e = m.endToEndEventsPerSecond === null
      ? `incomplete (ClickHouse ${n(m.clickhouseEvents)}, live ${n(m.liveEvents)} of ${n(m.load.accepted)})`
      : `${n(m.endToEndEventsPerSecond)}${m.keepsUp ? ' (keeps up)' : ''}`;
    const cpu = CPU_COLUMNS.map((c) => us(m.cpuMicrosPerEvent[c])).join(' / ');
    return `| ${pointLabel(m.point)} | ${SYSTEM_LABEL[m.system]} | ${n(m.acceptedEventsPerSecond)} | ${e2e} | ${cpu} | ${us(m.cpuMicrosPerEventTotal)} | ${m.load.p50Ms} / ${m.load.p95Ms} / ${m.load.p99Ms} |`;
  });
  return [
    '| offered, batch | system | accepted ev/s | end to end ev/s | CPU µs/event: ingest / enricher / aggregator / Kafka / ClickHouse / Redis | total | latency p50 / p95 / p99 ms |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

export function compareMarkdown(r: CompareReport): string {
  const ratios = r.ratios.map((x) => `- ${pointLabel(x)}: project / Go peer, end-to-end events/s = **${x.projectToPeer}**`).join('\n');
  const generators = [...new Set(r.measurements.map((m) => m.loadGenerator))].map((g) => (g === 'peer' ? "the peer's `bin/peer -role load` (64 connections)" : "the bench's own load generator")).join(' and ');
  return `# Side by side with the Go peer — ${r.startedAt}

Machine: ${r.machine.cpus} CPUs, ${r.machine.memoryGb} GB, Node ${r.machine.node}; one system's services at a time on the same
Kafka / ClickHouse / Redis, the other's stopped. ${r.seconds} s of load per point from ${generators || 'no load generator'}${r.warmupSeconds > 0 ? `, after ${r.warmupSeconds} s of the first point's load per system, drained and not measured` : ', without a warm-up'}.
${r.peer.measured ? `Peer: \`${r.peer.dir}\`.` : `Peer not measured: ${r.peer.skipped ?? 'not asked for'}.`}

${compareTable(r.measurements)}

End to end: accepted events over the time from the load's start until ClickHouse (\`FINAL\`) and the live view held
them all; "keeps up": that happened within ${KEEPS_UP_DRAIN_SECONDS} s of the load's end. CPU: utime + stime from \`/proc\` over
the same span, per accepted event.
${ratios ? `\n${ratios}\n` : ''}`;
}

/** `runs/<time>-compare.{json,md}` and `latest-compare.*` in `dir`; returns the dated Markdown path. */
export function writeCompareReport(dir: string, report: Omit<CompareReport, 'machine' | 'ratios'>): string {
  const full: CompareReport = { ...report, machine: thisMachine(), ratios: endToEndRatios(report.measurements) };
  return writeResultFiles(dir, 'compare', report.startedAt, { json: json(full), md: compareMarkdown(full) });
}
