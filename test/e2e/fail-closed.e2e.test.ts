/**
 * Production fails closed (NODE_ENV=production, as the image sets it): each API
 * refuses to start without a tenant registry of its own or with a tenant that
 * anyone could post as, and serves readiness and metrics only on its ops port.
 * The built services run as their own processes, like in a deployment.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256Hex } from '@cdnlog/common';
import { pipelineTestEnv, uniquePrefix, waitFor } from '@cdnlog/common/testing';

const prefix = uniquePrefix('fail-closed');
const dir = mkdtempSync(join(tmpdir(), 'fail-closed-'));
const registry = (tenants: unknown[]) => {
  const path = join(dir, `registry-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify({ tenants }));
  return path;
};
const keyed = { id: `${prefix}-a`, ingestKeySha256: [sha256Hex('a-ingest')], readKeySha256: [sha256Hex('a-read')] };

/** Run a built service until it exits or `untilMs` passes; its exit status and standard error. */
function run(service: 'ingest-api' | 'metrics-api', env: Record<string, string>) {
  const child = spawn(process.execPath, [join(__dirname, '..', '..', 'services', service, 'dist', 'main.js')], {
    env: { ...process.env, ...pipelineTestEnv(prefix), NODE_ENV: 'production', TENANT_REGISTRY_PATH: '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

const SERVICES = [
  { service: 'ingest-api' as const, port: 19_431, opsPort: 19_432 },
  { service: 'metrics-api' as const, port: 19_433, opsPort: 19_434 },
] as const;

describe.each(SERVICES)('$service in production', ({ service, port, opsPort }) => {
  it('refuses to start without TENANT_REGISTRY_PATH (exit 78, the variable named)', async () => {
    const r = run(service, { PORT: String(port), OPS_PORT: String(opsPort) });
    expect(await r.exited).toBe(78);
    expect(r.stderr()).toContain(`${service}: invalid configuration:\n  - TENANT_REGISTRY_PATH: is required when NODE_ENV=production (the sample registry holds public demo keys)`);
  });

  it('refuses a registry with a tenant that needs no ingest key', async () => {
    const r = run(service, { PORT: String(port), OPS_PORT: String(opsPort), TENANT_REGISTRY_PATH: registry([keyed, { id: `${prefix}-open` }]) });
    expect(await r.exited).toBe(1);
    expect(r.stderr()).toContain(`tenants.1 (${prefix}-open): no ingestKeySha256; in production every tenant needs an ingest key`);
  });

  it('starts with its own registry: /healthz on both ports, /readyz and /metrics on the ops port only', async () => {
    const r = run(service, { PORT: String(port), OPS_PORT: String(opsPort), OPS_HOST: '127.0.0.1', TENANT_REGISTRY_PATH: registry([keyed]) });
    try {
      await waitFor(() => fetch(`http://127.0.0.1:${opsPort}/readyz`).then((res) => res.status, () => 0), (s) => s === 200, { what: `${service} ready`, timeoutMs: 30_000 });
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${opsPort}/healthz`)).status).toBe(200);
      expect(await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text()).toContain('cdnlog_process_resident_memory_bytes');
      for (const path of ['/readyz', '/metrics']) expect({ path, status: (await fetch(`http://127.0.0.1:${port}${path}`)).status }).toEqual({ path, status: 404 });
    } finally {
      r.child.kill('SIGTERM');
      await r.exited;
    }
  });
});
