import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Peak RSS (MB, sampled) and CPU seconds of the pipeline's processes, from /proc. */
export const COMPONENTS = ['ingest-api', 'enricher', 'aggregator', 'metrics-api', 'kafka', 'clickhouse', 'redis'] as const;

/** The pid `scripts/pipeline` or `scripts/stack` recorded for a component. */
export function pidOf(stackDir: string, component: string): number | undefined {
  return readPidFile(join(stackDir, 'run', `${component}.pid`));
}

/** The number in a pid file, if there is one. */
export function readPidFile(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Current and peak (VmHWM) RSS in MB and CPU seconds of a process, from /proc; undefined once it is gone. */
export function sampleProcess(pid: number): { rssMb: number; hwmMb: number; cpuSeconds: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
    return { rssMb: Math.round(kb('VmRSS') / 1024), hwmMb: Math.round(kb('VmHWM') / 1024), cpuSeconds: ticks / 100 };
  } catch {
    return undefined;
  }
}

export interface ProcReport {
  [component: string]: { peakRssMb: number; cpuSeconds: number } | null;
}

export function startProcSampler(stackDir: string) {
  const pids = Object.fromEntries(COMPONENTS.map((c) => [c, pidOf(stackDir, c)]));
  const start = Object.fromEntries(COMPONENTS.map((c) => [c, pids[c] ? sampleProcess(pids[c]!) : undefined]));
  const peak: Record<string, number> = {};
  const tick = () => {
    for (const c of COMPONENTS) {
      const s = pids[c] ? sampleProcess(pids[c]!) : undefined;
      if (s) peak[c] = Math.max(peak[c] ?? 0, s.rssMb);
    }
  };
  tick();
  const timer = setInterval(tick, 1000);
  return {
    stop(): ProcReport {
      clearInterval(timer);
      tick();
      const out: ProcReport = {};
      for (const c of COMPONENTS) {
        const end = pids[c] ? sampleProcess(pids[c]!) : undefined;
        const begin = start[c];
        out[c] = end && begin ? { peakRssMb: peak[c] ?? end.rssMb, cpuSeconds: Math.round((end.cpuSeconds - begin.cpuSeconds) * 10) / 10 } : null;
      }
      return out;
    },
  };
}
