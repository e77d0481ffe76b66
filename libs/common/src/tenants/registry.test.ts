import { sha256Hex, TenantRegistry, TenantRegistryError } from './registry';

const registry = TenantRegistry.parse({
  tenants: [
    { id: 'acme', ingestKeySha256: [sha256Hex('acme-ingest-1'), sha256Hex('acme-ingest-2')], readKeySha256: [sha256Hex('acme-read')] },
    { id: 'open-cdn' },
  ],
});

describe('TenantRegistry', () => {
  it('finds tenants by id', () => {
    expect(registry.size).toBe(2);
    expect(registry.get('acme')?.id).toBe('acme');
    expect(registry.get('nobody')).toBeUndefined();
  });

  it('checks ingest keys against their digests, any of several', () => {
    const acme = registry.get('acme')!;
    expect(registry.requiresIngestKey(acme)).toBe(true);
    expect(registry.checkIngestKey(acme, 'acme-ingest-1')).toBe(true);
    expect(registry.checkIngestKey(acme, 'acme-ingest-2')).toBe(true);
    expect(registry.checkIngestKey(acme, 'acme-read')).toBe(false);
    expect(registry.checkIngestKey(acme, '')).toBe(false);
  });

  it('never accepts a read key for a tenant without read keys', () => {
    const open = registry.get('open-cdn')!;
    expect(registry.requiresIngestKey(open)).toBe(false);
    expect(registry.checkReadKey(open, '')).toBe(false);
    expect(registry.checkReadKey(registry.get('acme')!, 'acme-read')).toBe(true);
  });

  it('verifies an id and a key together, the same way for an unknown id as for a wrong key', () => {
    expect(registry.verify('acme', 'acme-ingest-2', 'ingest')?.id).toBe('acme');
    expect(registry.verify('acme', 'acme-read', 'read')?.id).toBe('acme');
    expect(registry.verify('acme', 'acme-read', 'ingest')).toBeUndefined();
    expect(registry.verify('acme', undefined, 'ingest')).toBeUndefined();
    expect(registry.verify('nobody', 'acme-ingest-1', 'ingest')).toBeUndefined();
    expect(registry.verify('open-cdn', undefined, 'ingest')?.id).toBe('open-cdn');
    expect(registry.verify('open-cdn', 'anything', 'read')).toBeUndefined();
  });

  it('rejects plain-text keys, bad ids and duplicates with the path of the problem', () => {
    expect(() => TenantRegistry.parse({ tenants: [{ id: 'x', ingestKeySha256: ['secret'] }] })).toThrow(
      new TenantRegistryError('tenant registry is invalid: tenants.0.ingestKeySha256.0: must be a lower-case hex SHA-256 digest (64 characters)'),
    );
    expect(() => TenantRegistry.parse({ tenants: [{ id: 'Bad Id' }] })).toThrow(
      new TenantRegistryError('tenant registry is invalid: tenants.0.id: must be 1-64 characters of a-z, 0-9, "-" or "_", starting with a letter or digit'),
    );
    expect(() => TenantRegistry.parse({ tenants: [{ id: 'a' }, { id: 'a' }] })).toThrow(
      new TenantRegistryError('tenant registry is invalid: tenants.1.id: duplicate tenant id a'),
    );
  });

  it('refuses the old rateLimit spelling by name instead of dropping the limit', () => {
    expect(() => TenantRegistry.parse({ tenants: [{ id: 'x', rateLimit: { eventsPerSecond: 5, burst: 10 } }] })).toThrow(
      new TenantRegistryError('tenant registry is invalid: tenants.0.rateLimit: was replaced by "limits": { "eventsPerSecond": …, "eventBurst": … } (config/README.md)'),
    );
    expect(() => TenantRegistry.parse({ tenants: [{ id: 'x', limits: { eventsPerSecond: -1 } }] })).toThrow(/tenants\.0\.limits\.eventsPerSecond/);
    expect(TenantRegistry.parse({ tenants: [{ id: 'x', limits: { concurrentRequests: 4 } }] }).get('x')?.limits).toEqual({ concurrentRequests: 4 });
  });

  it('in production refuses tenants without an ingest key', () => {
    const json = { tenants: [{ id: 'a', ingestKeySha256: [sha256Hex('k')] }, { id: 'b' }] };
    expect(TenantRegistry.parse(json).size).toBe(2);
    expect(() => TenantRegistry.parse(json, 'tenant registry', { requireIngestKeys: true })).toThrow(
      new TenantRegistryError('tenant registry is invalid: tenants.1 (b): no ingestKeySha256; in production every tenant needs an ingest key'),
    );
  });

  it('loads the shipped sample registry', () => {
    // docker-compose runs the image (NODE_ENV=production) on this file, so it passes the production rules.
    const sample = TenantRegistry.load(`${__dirname}/../../../../config/tenants.sample.json`, { requireIngestKeys: true });
    expect(sample.checkIngestKey(sample.get('demo')!, 'demo-ingest-key')).toBe(true);
    expect(sample.checkReadKey(sample.get('demo')!, 'demo-read-key')).toBe(true);
    expect(sample.checkIngestKey(sample.get('acme')!, 'acme-ingest-key')).toBe(true);
  });
});
