import type { ComparePoint, System } from './options';

/** The processes whose CPU a compare run charges to the events, in table order. */
export const CPU_COLUMNS = ['ingest', 'enricher', 'aggregator', 'kafka', 'clickhouse', 'redis'] as const;
export type CpuColumn = (typeof CPU_COLUMNS)[number];

/**
 * A system counts as keeping up when ClickHouse and the live view held every
 * accepted event at most this long after the load ended (a flush interval plus
 * a poll, not a backlog).
 */
export const KEEPS_UP_DRAIN_SECONDS = 5;

/** What a load generator reports for one point. */
export interface LoadSummary {
  accepted: number;
  statuses: Record<string, number>;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

/** One system at one point, as measured: seconds count from the load's start. */
export interface RawMeasurement {
  system: System;
  point: ComparePoint;
  seconds: number;
  loadGenerator: 'peer' | 'bench';
  load: LoadSummary;
  loadSeconds: number;
  /** null: not reached before the timeout. */
  clickhouseDoneSeconds: number | null;
  liveDoneSeconds: number | null;
  clickhouseEvents: number;
  liveEvents: number;
  /** utime + stime over the whole span (load start → both stores complete); null where the process was not found. */
  cpuSeconds: Record<CpuColumn, number | null>;
}

export interface CompareMeasurement extends RawMeasurement {
  acceptedEventsPerSecond: number;
  /** Accepted events over the time until both stores held them all; null if they never did. */
  endToEndEventsPerSecond: number | null;
  keepsUp: boolean;
  cpuMicrosPerEvent: Record<CpuColumn, number | null>;
  /** Sum over the processes that were found. */
  cpuMicrosPerEventTotal: number | null;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** CPU seconds per process → µs of CPU per event, and their sum. */
export function cpuMicrosPerEvent(cpuSeconds: Record<CpuColumn, number | null>, events: number): { perProcess: Record<CpuColumn, number | null>; total: number | null } {
  const perProcess = {} as Record<CpuColumn, number | null>;
  let total: number | null = null;
  for (const c of CPU_COLUMNS) {
    const s = cpuSeconds[c];
    perProcess[c] = s === null || events <= 0 ? null : round1((s / events) * 1e6);
    if (s !== null && events > 0) total = (total ?? 0) + (s / events) * 1e6;
  }
  return { perProcess, total: total === null ? null : round1(total) };
}

export function summarize(m: RawMeasurement): CompareMeasurement {
  const accepted = m.load.accepted;
  const done = m.clickhouseDoneSeconds === null || m.liveDoneSeconds === null ? null : Math.max(m.clickhouseDoneSeconds, m.liveDoneSeconds);
  const cpu = cpuMicrosPerEvent(m.cpuSeconds, accepted);
  return {
    ...m,
    acceptedEventsPerSecond: m.loadSeconds > 0 ? Math.round(accepted / m.loadSeconds) : 0,
    endToEndEventsPerSecond: done !== null && done > 0 ? Math.round(accepted / done) : null,
    keepsUp: done !== null && done - m.loadSeconds <= KEEPS_UP_DRAIN_SECONDS,
    cpuMicrosPerEvent: cpu.perProcess,
    cpuMicrosPerEventTotal: cpu.total,
  };
}

/** project ÷ peer of end-to-end events/s, for every point both systems completed. */
export function endToEndRatios(measurements: CompareMeasurement[]): Array<ComparePoint & { projectToPeer: number }> {
  const out: Array<ComparePoint & { projectToPeer: number }> = [];
  for (const project of measurements.filter((m) => m.system === 'project')) {
    const peer = measurements.find((m) => m.system === 'peer' && m.point.rate === project.point.rate && m.point.batch === project.point.batch);
    if (project.endToEndEventsPerSecond && peer?.endToEndEventsPerSecond) {
      out.push({ ...project.point, projectToPeer: Math.round((project.endToEndEventsPerSecond / peer.endToEndEventsPerSecond) * 100) / 100 });
    }
  }
  return out;
}

/** The summary line `bin/peer -role load` prints last: `json {"accepted":…,"statuses":…,"p50_ms":…}`. */
export function parsePeerLoad(stdout: string): LoadSummary | undefined {
  const line = stdout.split('\n').filter((l) => l.startsWith('json')).pop();
  if (!line) return undefined;
  const r = JSON.parse(line.slice(4).trim()) as { accepted?: number; statuses?: Record<string, number>; p50_ms?: number; p95_ms?: number; p99_ms?: number };
  return {
    accepted: r.accepted ?? 0, statuses: r.statuses ?? {},
    p50Ms: round2(r.p50_ms ?? 0), p95Ms: round2(r.p95_ms ?? 0), p99Ms: round2(r.p99_ms ?? 0),
  };
}

const round2 = (n: number) => Math.round(n * 100) / 100;
