import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMetrics } from '../metrics/registry';
import { testLogger } from '../testing/logger';
import { sha256Hex, TenantRegistry } from './registry';
import { reloadRegistryOnSignal } from './reload-on-signal';

const dir = mkdtempSync(join(tmpdir(), 'registry-reload-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tenantsFile = (tenants: unknown[]) => JSON.stringify({ tenants });
const acme = (key: string) => ({ id: 'acme', ingestKeySha256: [sha256Hex(key)], readKeySha256: [sha256Hex(`${key}-read`)] });

function setup(name: string) {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, tenantsFile([acme('old-key')]));
  const registry = TenantRegistry.load(path);
  const signals = new EventEmitter();
  const metrics = createMetrics('test');
  const stop = reloadRegistryOnSignal({ registry, path, logger: testLogger('reload'), metrics, emitter: signals });
  const reloads = async () => Object.fromEntries(
    (await metrics.registry.getSingleMetric('cdnlog_tenant_registry_reloads_total')!.get()).values.map((v) => [v.labels.outcome, v.value]),
  );
  const keyWorks = (key: string) => registry.checkIngestKey(registry.get('acme')!, key);
  return { path, registry, signals, stop, reloads, keyWorks };
}

describe('reloadRegistryOnSignal', () => {
  it('on SIGHUP takes the new file: added tenants exist, a rotated key works and the old one no longer does', async () => {
    const t = setup('rotate');
    writeFileSync(t.path, tenantsFile([acme('new-key'), { id: 'newcomer' }]));
    expect(t.keyWorks('old-key')).toBe(true); // nothing changes before the signal
    t.signals.emit('SIGHUP');
    expect(t.registry.size).toBe(2);
    expect(t.registry.get('newcomer')?.id).toBe('newcomer');
    expect(t.keyWorks('new-key')).toBe(true);
    expect(t.keyWorks('old-key')).toBe(false);
    expect(t.registry.checkReadKey(t.registry.get('acme')!, 'new-key-read')).toBe(true);
    expect(await t.reloads()).toEqual({ ok: 1 });
    t.stop();
  });

  it.each([
    ['not JSON', '{"tenants": ['],
    ['a plain-text key', tenantsFile([{ id: 'acme', ingestKeySha256: ['new-key'] }])],
    ['no tenants (a half-written file)', tenantsFile([])],
  ])('refuses a file with %s and keeps the previous registry', async (what, text) => {
    const t = setup(`bad-${what.replace(/\W+/g, '-')}`);
    writeFileSync(t.path, text);
    t.signals.emit('SIGHUP');
    expect(t.registry.size).toBe(1);
    expect(t.keyWorks('old-key')).toBe(true);
    expect(await t.reloads()).toEqual({ refused: 1 });
    t.stop();
  });

  it('refuses a missing file, and stops listening when told to', async () => {
    const t = setup('missing');
    rmSync(t.path);
    t.signals.emit('SIGHUP');
    expect(t.keyWorks('old-key')).toBe(true);
    t.stop();
    t.signals.emit('SIGHUP');
    expect(await t.reloads()).toEqual({ refused: 1 });
    expect(t.signals.listenerCount('SIGHUP')).toBe(0);
  });
});
