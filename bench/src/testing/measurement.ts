import type { CpuColumn, RawMeasurement } from '../compare/compute';

/** CPU seconds per process; the rest not found. */
export const cpu = (v: Partial<Record<CpuColumn, number | null>>): Record<CpuColumn, number | null> => ({
  ingest: null, enricher: null, aggregator: null, kafka: null, clickhouse: null, redis: null, ...v,
});

/** One measurement as the compare run records it: the 40,000/500 project row. */
export function raw(over: Partial<RawMeasurement> = {}): RawMeasurement {
  return {
    system: 'project', point: { rate: 40_000, batch: 500 }, seconds: 30, loadGenerator: 'peer',
    load: { accepted: 1_200_000, statuses: { '202': 2400 }, p50Ms: 4.1, p95Ms: 9.8, p99Ms: 21 },
    loadSeconds: 30, clickhouseDoneSeconds: 88, liveDoneSeconds: 90, clickhouseEvents: 1_200_000, liveEvents: 1_200_000,
    cpuSeconds: cpu({ ingest: 20.4, enricher: 64.8, aggregator: 19.2, kafka: 12, clickhouse: 33.6, redis: 2.4 }),
    ...over,
  };
}
