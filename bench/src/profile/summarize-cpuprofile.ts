/**
 * Where the time goes: top functions by self time in a V8 .cpuprofile
 * (node --cpu-prof). Usage: node bench/dist/profile/summarize-cpuprofile.js FILE [N]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export function summarize(profile: CpuProfile, top = 15): Array<{ fn: string; where: string; selfMs: number; share: number }> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(id)!;
    const url = node.callFrame.url.replace(/^.*node_modules\//, '').replace(/^.*\/(services|libs)\//, '$1/');
    const key = `${node.callFrame.functionName || '(anonymous)'}\u0000${url || '(native)'}`;
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  });
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, ms]) => {
      const [fn, where] = key.split('\u0000') as [string, string];
      return { fn, where, selfMs: Math.round(ms), share: Math.round((ms / total) * 1000) / 10 };
    });
}

if (require.main === module) {
  const [file, n] = process.argv.slice(2);
  if (!file) throw new Error('usage: summarize-cpuprofile FILE [N]');
  for (const row of summarize(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, Number(n ?? 15))) {
    process.stdout.write(`${String(row.share).padStart(5)} %  ${String(row.selfMs).padStart(6)} ms  ${row.fn}  ${row.where}\n`);
  }
}
