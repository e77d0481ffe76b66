import type { IncomingMessage } from 'node:http';
import { TENANT_ID_PATTERN, type Tenant, type TenantRegistry } from '@cdnlog/common';
import { ingestErrors } from '../errors';

/**
 * The tenant of the request: `x-customer-id` must name a registered tenant, and
 * when the tenant has ingest keys, `authorization: Bearer <key>` must match one.
 */
export function authenticate(req: IncomingMessage, registry: TenantRegistry): Tenant {
  const id = req.headers['x-customer-id'];
  if (id === undefined || id === '') throw ingestErrors.missingCustomerId();
  if (typeof id !== 'string' || !TENANT_ID_PATTERN.test(id)) throw ingestErrors.invalidCustomerId();
  const tenant = registry.get(id);
  if (!tenant) throw ingestErrors.unknownTenant();
  if (!registry.requiresIngestKey(tenant)) return tenant;

  const auth = req.headers.authorization;
  if (!auth) throw ingestErrors.missingApiKey();
  const match = /^Bearer ([\x21-\x7e]{1,512})$/.exec(auth);
  if (!match || !registry.checkIngestKey(tenant, match[1]!)) throw ingestErrors.invalidApiKey();
  return tenant;
}
