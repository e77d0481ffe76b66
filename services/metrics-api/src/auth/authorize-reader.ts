import type { Request } from 'express';
import { TENANT_ID_PATTERN, type Tenant, type TenantRegistry } from '@cdnlog/common';
import { readErrors } from '../errors';

/**
 * The tenant a request may read: the path's customerId must be a registered
 * tenant and the bearer key must be one of *that* tenant's read keys (compared
 * as SHA-256 digests). Order: malformed id 400 → no key 401 → malformed key
 * 401 → 403 for an unknown tenant and a wrong key alike (a valid key of tenant
 * A on tenant B's path included), so the answer does not tell which tenants exist.
 */
export function authorizeReader(req: Request, registry: TenantRegistry): Tenant {
  const customerId = req.params.customerId;
  if (typeof customerId !== 'string' || !TENANT_ID_PATTERN.test(customerId)) throw readErrors.invalidCustomerId();
  const auth = req.headers.authorization;
  if (auth === undefined || auth === '') throw readErrors.missingApiKey();
  const match = /^Bearer ([\x21-\x7e]{1,512})$/.exec(auth);
  if (!match) throw readErrors.malformedApiKey();
  const tenant = registry.verify(customerId, match[1]!, 'read');
  if (!tenant) throw readErrors.forbidden();
  return tenant;
}
