import { percentile } from '../load/run-load';

const PROBE_TENANT = 'bench-probe';

async function minuteCount(metricsUrl: string, readKey: string, minuteMs: number): Promise<number> {
  const res = await fetch(`${metricsUrl}/api/v1/metrics/${PROBE_TENANT}`, { headers: { authorization: `Bearer ${readKey}` } });
  const view = (await res.json()) as { minutes: Array<{ minute: string; requests: number }> };
  return view.minutes.find((m) => Date.parse(m.minute) === minuteMs)?.requests ?? 0;
}

/**
 * Freshness probes while the load runs: send one event for the probe tenant,
 * then poll the live API until it shows; the delay from 202 to visible is one
 * sample. Returns p50/p95 and the samples.
 */
export function startFreshnessProbes(opts: { ingestUrl: string; ingestKey: string; metricsUrl: string; readKey: string; everyMs: number }) {
  const samples: number[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const now = Date.now();
      const minuteMs = Math.floor(now / 60_000) * 60_000;
      try {
        const before = await minuteCount(opts.metricsUrl, opts.readKey, minuteMs);
        const res = await fetch(`${opts.ingestUrl}/v1/logs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-customer-id': PROBE_TENANT, authorization: `Bearer ${opts.ingestKey}` },
          body: JSON.stringify({ timestamp: now, clientIp: '81.2.69.142', method: 'GET', path: '/probe', status: 200, bytesSent: 1 }),
        });
        if (res.status === 202) {
          const accepted = Date.now();
          while (!stopped && Date.now() - accepted < 60_000) {
            if ((await minuteCount(opts.metricsUrl, opts.readKey, minuteMs)) > before) {
              samples.push(Date.now() - accepted);
              break;
            }
            await new Promise((r) => setTimeout(r, 50));
          }
        }
      } catch {
        /* a failed probe is simply not a sample */
      }
      await new Promise((r) => setTimeout(r, opts.everyMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return { samples: samples.length, p50Ms: percentile(samples, 0.5), p95Ms: percentile(samples, 0.95), maxMs: percentile(samples, 1) };
    },
  };
}
