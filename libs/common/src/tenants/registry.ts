import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { issueSummary } from '../schemas/issue-summary';
import { tenantIdSchema } from '../schemas/tenant-id';
import { tenantLimitsSchema } from './tenant-limits';

/**
 * The tenant registry: which tenants exist and their keys, stored only as
 * SHA-256 digests (hex). A key is checked by hashing what the caller presents
 * and comparing digests in constant time. Loaded at start from a JSON file
 * (TENANT_REGISTRY_PATH) and again on SIGHUP; see config/README.md for the format.
 */
const digest = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lower-case hex SHA-256 digest (64 characters)');

const tenantSchema = z.object({
  id: tenantIdSchema,
  name: z.string().max(200).optional(),
  /** Digests of the keys edges use on the ingest API. Empty or absent: no key required. */
  ingestKeySha256: z.array(digest).default([]),
  /** Digests of the keys readers use on the metrics API. */
  readKeySha256: z.array(digest).default([]),
  /** Days this tenant's history is kept, if fewer than the global RETENTION_DAYS (the enricher's retention job); absent: the global. */
  retentionDays: z.number().int().positive().optional(),
  /** This tenant's quotas (tenant-limits.ts); each one absent takes the service's default. */
  limits: tenantLimitsSchema.optional(),
  /** The old spelling of limits.eventsPerSecond / limits.eventBurst: refused by name rather than ignored, so no tenant silently loses its limit. */
  rateLimit: z.never({ message: 'was replaced by "limits": { "eventsPerSecond": …, "eventBurst": … } (config/README.md)' }).optional(),
});

const registrySchema = z.object({ tenants: z.array(tenantSchema) }).superRefine((value, ctx) => {
  const seen = new Set<string>();
  value.tenants.forEach((t, i) => {
    if (seen.has(t.id)) ctx.addIssue({ code: 'custom', path: ['tenants', i, 'id'], message: `duplicate tenant id ${t.id}` });
    seen.add(t.id);
  });
});

export type Tenant = z.infer<typeof tenantSchema>;

/** Rules beyond the format, set by where the registry is used. */
export interface RegistryRules {
  /** Refuse tenants without ingest keys (production: nobody may post as a tenant without its key). */
  requireIngestKeys?: boolean;
}

export class TenantRegistryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TenantRegistryError';
  }
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Each tenant's digests as bytes, decoded once per registry load (keyed by the tenant's digest list). */
const decoded = new WeakMap<string[], Buffer[]>();

function matchesAny(presented: string, digests: string[]): boolean {
  const candidate = createHash('sha256').update(presented, 'utf8').digest();
  let bytes = decoded.get(digests);
  if (!bytes) decoded.set(digests, (bytes = digests.map((d) => Buffer.from(d, 'hex'))));
  let match = false;
  for (const d of bytes) {
    // No early exit: the time taken does not depend on which digest matched.
    if (timingSafeEqual(candidate, d)) match = true;
  }
  return match;
}

/** Compared against when there is nothing to compare with, so that path does the same work; no key hashes to it. */
const NO_DIGESTS = ['0'.repeat(64)];

export class TenantRegistry {
  private byId: Map<string, Tenant>;

  constructor(tenants: Tenant[]) {
    this.byId = new Map(tenants.map((t) => [t.id, t]));
  }

  static parse(json: unknown, source = 'tenant registry', rules: RegistryRules = {}): TenantRegistry {
    const result = registrySchema.safeParse(json);
    if (!result.success) {
      const problems = issueSummary(result.error, Infinity);
      throw new TenantRegistryError(`${source} is invalid: ${problems}`);
    }
    if (rules.requireIngestKeys) {
      const open = result.data.tenants.flatMap((t, i) => (t.ingestKeySha256.length === 0 ? [`tenants.${i} (${t.id})`] : []));
      if (open.length > 0) throw new TenantRegistryError(`${source} is invalid: ${open.join(', ')}: no ingestKeySha256; in production every tenant needs an ingest key`);
    }
    return new TenantRegistry(result.data.tenants);
  }

  static load(path: string, rules: RegistryRules = {}): TenantRegistry {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new TenantRegistryError(`cannot read tenant registry ${path}: ${(err as Error).message}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new TenantRegistryError(`tenant registry ${path} is not valid JSON: ${(err as Error).message}`);
    }
    return TenantRegistry.parse(json, `tenant registry ${path}`, rules);
  }

  /**
   * Take over another registry's tenants and keys, at once: a request checked
   * after this call sees only the new ones (a reload, see reload-on-signal.ts).
   */
  replaceWith(next: TenantRegistry): void {
    this.byId = next.byId;
  }

  get size(): number {
    return this.byId.size;
  }

  /** Every tenant, in registry order. */
  list(): Tenant[] {
    return [...this.byId.values()];
  }

  get(id: string): Tenant | undefined {
    return this.byId.get(id);
  }

  /**
   * The tenant `id` if `presented` is one of its keys of this kind (an ingest
   * tenant without ingest keys needs none), else undefined. An unknown id costs
   * the same digest work as a known one with a wrong key, and callers answer
   * both the same, so the answer does not tell which tenants exist.
   */
  verify(id: string, presented: string | undefined, kind: 'ingest' | 'read'): Tenant | undefined {
    const tenant = this.byId.get(id);
    const digests = tenant ? (kind === 'ingest' ? tenant.ingestKeySha256 : tenant.readKeySha256) : undefined;
    if (tenant && kind === 'ingest' && digests!.length === 0) return tenant;
    const ok = matchesAny(presented ?? '', digests && digests.length > 0 ? digests : NO_DIGESTS);
    return tenant && digests!.length > 0 && presented !== undefined && ok ? tenant : undefined;
  }

  requiresIngestKey(tenant: Tenant): boolean {
    return tenant.ingestKeySha256.length > 0;
  }

  checkIngestKey(tenant: Tenant, presented: string): boolean {
    return matchesAny(presented, tenant.ingestKeySha256);
  }

  checkReadKey(tenant: Tenant, presented: string): boolean {
    return tenant.readKeySha256.length > 0 && matchesAny(presented, tenant.readKeySha256);
  }
}
