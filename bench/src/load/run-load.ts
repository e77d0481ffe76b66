import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { WorkerInput, WorkerSecond } from './load-worker';

export interface LoadPlan {
  ingestUrl: string;
  ingestKey: string;
  runId: string;
  batchSize: number;
  /** Offered requests/s in total, per phase. */
  phases: Array<{ seconds: number; requestsPerSecond: number }>;
  workers: number;
  maxInFlight: number;
  /** One tenant for every request (default: the bench tenants in their Zipf shares). */
  tenant?: string;
}

export interface LoadResult {
  /** Per second of the run; `latencies` are that second's samples (ms), for percentiles over any span of seconds. */
  seconds: Array<{ second: number; offeredEvents: number; acceptedEvents: number; p99Ms: number; statuses: Record<string, number>; latencies: number[] }>;
  latencies: number[];
  statuses: Record<string, number>;
  offeredEvents: number;
  sentEvents: number;
  acceptedEvents: number;
  durationSeconds: number;
}

/** Run the plan over `workers` threads, splitting each phase's rate evenly; merge their reports. */
export async function runLoad(plan: LoadPlan, onSecond?: (second: number) => void): Promise<LoadResult> {
  const reports = await Promise.all(
    Array.from({ length: plan.workers }, (_, i) => {
      const input: WorkerInput = {
        ingestUrl: plan.ingestUrl, ingestKey: plan.ingestKey, runId: plan.runId, seed: 1000 + i, batchSize: plan.batchSize,
        maxInFlight: Math.max(1, Math.floor(plan.maxInFlight / plan.workers)), tenant: plan.tenant,
        phases: plan.phases.map((p) => ({ seconds: p.seconds, requestsPerSecond: Math.round(p.requestsPerSecond / plan.workers) })),
      };
      return new Promise<WorkerSecond[]>((resolve, reject) => {
        const worker = new Worker(join(__dirname, 'load-worker.js'), { workerData: input });
        worker.on('message', (m: { type: string; second?: number; seconds?: WorkerSecond[] }) => {
          if (m.type === 'second' && i === 0) onSecond?.(m.second!);
          if (m.type === 'done') resolve(m.seconds!);
        });
        worker.on('error', reject);
      });
    }),
  );
  const bySecond = new Map<number, { offered: number; accepted: number; latencies: number[]; statuses: Record<string, number> }>();
  const statuses: Record<string, number> = {};
  const latencies: number[] = [];
  let offered = 0;
  let sent = 0;
  let accepted = 0;
  for (const seconds of reports) {
    for (const s of seconds) {
      const agg = bySecond.get(s.second) ?? { offered: 0, accepted: 0, latencies: [], statuses: {} };
      agg.offered += s.offered * plan.batchSize;
      agg.accepted += s.accepted;
      for (const l of s.latencies) agg.latencies.push(l);
      for (const [k, v] of Object.entries(s.statuses)) {
        agg.statuses[k] = (agg.statuses[k] ?? 0) + v;
        statuses[k] = (statuses[k] ?? 0) + v;
      }
      bySecond.set(s.second, agg);
      offered += s.offered * plan.batchSize;
      sent += s.sent * plan.batchSize;
      accepted += s.accepted;
      for (const l of s.latencies) latencies.push(l);
    }
  }
  return {
    seconds: [...bySecond].sort((a, b) => a[0] - b[0]).map(([second, s]) => ({
      second, offeredEvents: s.offered, acceptedEvents: s.accepted, p99Ms: percentile(s.latencies, 0.99), statuses: s.statuses, latencies: s.latencies,
    })),
    latencies, statuses, offeredEvents: offered, sentEvents: sent, acceptedEvents: accepted,
    durationSeconds: plan.phases.reduce((a, p) => a + p.seconds, 0),
  };
}

export function percentile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! * 100) / 100;
}
