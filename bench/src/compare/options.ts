import { join } from 'node:path';
import { arg, integerArg, integerListArg } from '../cli-args';

export const SYSTEMS = ['project', 'peer'] as const;
export type System = (typeof SYSTEMS)[number];

/** One offered load: `rate` events/s in requests of `batch` events. */
export interface ComparePoint {
  rate: number;
  batch: number;
}

export interface CompareOptions {
  points: ComparePoint[];
  /** Load duration per point (the peer's load generator stops at 300 s). */
  seconds: number;
  systems: System[];
  /** Holds `go-seed/` (run-peer.sh, bin/peer). */
  peerDir: string;
  ingestUrl: string;
  peerIngestUrl: string;
  metricsUrl: string;
  /**
   * Per system, before its first point: that point's load for this long, drained and not
   * measured. Kafka's JVM compiles its hot code during its first minutes under load and the
   * services' JIT warms up; without it the system measured first pays for that.
   */
  warmupSeconds: number;
  /** Pause after a system's services start and between points. */
  settleSeconds: number;
  /** How long to wait for ClickHouse and the live view to hold every accepted event. */
  timeoutSeconds: number;
  out: string;
}

/**
 * The options of `--profile compare`. `--rate` and `--batch` take comma-separated
 * lists paired by position (one batch applies to every rate), so one invocation
 * can measure several points, e.g. `--rate 8000,40000,2000 --batch 100,500,1`.
 */
export function compareOptions(argv: readonly string[], root: string): CompareOptions {
  const rates = integerListArg('rate', '40000', { min: 1, max: 1_000_000 }, argv);
  const batches = integerListArg('batch', '500', { min: 1, max: 10_000 }, argv);
  if (batches.length !== 1 && batches.length !== rates.length) {
    throw new Error(`--batch: give one batch size or one per rate (${rates.length})`);
  }
  const points = rates.map((rate, i) => ({ rate, batch: batches.length === 1 ? batches[0]! : batches[i]! }));
  for (const p of points) if (p.batch > p.rate) throw new Error(`--rate ${p.rate} with --batch ${p.batch}: less than one request per second`);
  const systems = arg('systems', SYSTEMS.join(','), argv).split(',').map((s) => s.trim());
  for (const s of systems) if (!(SYSTEMS as readonly string[]).includes(s)) throw new Error(`--systems: ${s} is not one of ${SYSTEMS.join(', ')}`);
  return {
    points,
    seconds: integerArg('seconds', 30, { min: 1, max: 300 }, argv),
    systems: SYSTEMS.filter((s) => systems.includes(s)),
    peerDir: arg('peer-dir', join(root, '..', 'shared', 'peers'), argv),
    ingestUrl: arg('ingest', 'http://127.0.0.1:8080', argv),
    peerIngestUrl: arg('peer-ingest', 'http://127.0.0.1:18080', argv),
    metricsUrl: arg('metrics', 'http://127.0.0.1:8081', argv),
    warmupSeconds: integerArg('warmup-s', 20, { min: 0, max: 300 }, argv),
    settleSeconds: integerArg('settle-s', 10, { min: 0, max: 600 }, argv),
    timeoutSeconds: integerArg('timeout-s', 900, { min: 10, max: 7200 }, argv),
    out: arg('out', join(root, 'bench', 'results'), argv),
  };
}
