import type { IncomingMessage } from 'node:http';
import { TENANT_ID_PATTERN, type Tenant, type TenantRegistry } from '@cdnlog/common';
import { ingestErrors } from '../errors';

const BEARER = /^Bearer ([\x21-\x7e]{1,512})$/;

/**
 * The tenant of the request: `x-customer-id` must name a registered tenant and,
 * when the tenant has ingest keys, `authorization: Bearer <key>` must match one.
 * An unknown tenant, a missing key and a wrong key get one answer, so the API
 * does not tell which tenant ids exist.
 */
export function authenticate(req: IncomingMessage, registry: TenantRegistry): Tenant {
  const id = req.headers['x-customer-id'];
  if (id === undefined || id === '') throw ingestErrors.missingCustomerId();
  if (typeof id !== 'string' || !TENANT_ID_PATTERN.test(id)) throw ingestErrors.invalidCustomerId();
  const auth = req.headers.authorization;
  const key = auth === undefined ? undefined : (BEARER.exec(auth)?.[1] ?? '');
  const tenant = registry.verify(id, key, 'ingest');
  if (!tenant) throw ingestErrors.invalidApiKey();
  return tenant;
}
