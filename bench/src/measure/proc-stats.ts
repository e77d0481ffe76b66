import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Peak RSS (MB, sampled) and CPU seconds of the pipeline's processes, from /proc. */
export const COMPONENTS = ['ingest-api', 'enricher', 'aggregator', 'metrics-api', 'kafka', 'clickhouse', 'redis', 'zookeeper'] as const;

/** The pid `scripts/pipeline` or `scripts/stack` recorded for a component. */
export function pidOf(stackDir: string, component: string): number | undefined {
  return readPidFile(join(stackDir, 'run', `${component}.pid`));
}

/** Every process of a component: `<component>.pid`, or on the cluster topology each `<component>-<N>.pid`. */
export function pidsOf(stackDir: string, component: string): number[] {
  const single = pidOf(stackDir, component);
  if (single !== undefined) return [single];
  let files: string[];
  try {
    files = readdirSync(join(stackDir, 'run'));
  } catch {
    return [];
  }
  const instance = new RegExp(`^${component}-\\d+\\.pid$`);
  return files.filter((f) => instance.test(f)).map((f) => readPidFile(join(stackDir, 'run', f))).filter((p): p is number => p !== undefined);
}

/** A component's processes together: RSS and CPU seconds summed; undefined when none runs. */
export function sampleProcesses(pids: number[]): { rssMb: number; hwmMb: number; cpuSeconds: number } | undefined {
  const samples = pids.map(sampleProcess).filter((s) => s !== undefined);
  if (samples.length === 0) return undefined;
  return samples.reduce((a, b) => ({ rssMb: a.rssMb + b.rssMb, hwmMb: a.hwmMb + b.hwmMb, cpuSeconds: a.cpuSeconds + b.cpuSeconds }));
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
  const pids = Object.fromEntries(COMPONENTS.map((c) => [c, pidsOf(stackDir, c)]));
  const start = Object.fromEntries(COMPONENTS.map((c) => [c, sampleProcesses(pids[c]!)]));
  const peak: Record<string, number> = {};
  const tick = () => {
    for (const c of COMPONENTS) {
      const s = sampleProcesses(pids[c]!);
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
        if (pids[c]!.length === 0) continue; // not part of this topology (ZooKeeper runs only in the cluster)
        const end = sampleProcesses(pids[c]!);
        const begin = start[c];
        out[c] = end && begin ? { peakRssMb: peak[c] ?? end.rssMb, cpuSeconds: Math.round((end.cpuSeconds - begin.cpuSeconds) * 10) / 10 } : null;
      }
      return out;
    },
  };
}
