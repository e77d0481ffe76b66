/** Sums of Prometheus counters on a service's /metrics, by one label's value (`''` when the counter has none). */
export async function counterByLabel(port: number, name: string, label?: string): Promise<Record<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{([^}]*)\\})? (\\S+)$`, 'gm'))) {
    const key = label ? (new RegExp(`${label}="([^"]*)"`).exec(m[1] ?? '')?.[1] ?? '') : '';
    out[key] = (out[key] ?? 0) + Number(m[2]);
  }
  return out;
}

/** `after − before` per key, keys with no change left out. */
export function increase(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]).filter(([, d]) => d !== 0));
}
