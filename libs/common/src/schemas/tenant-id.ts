import { z } from 'zod';

/**
 * Tenant (customer) ids: lower-case letters, digits, `-` and `_`, 1-64 chars,
 * starting with a letter or digit. The pattern is strict because ids end up in
 * Kafka keys, Redis keys and (escaped) SQL literals.
 */
export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export const tenantIdSchema = z
  .string()
  .regex(TENANT_ID_PATTERN, 'must be 1-64 characters of a-z, 0-9, "-" or "_", starting with a letter or digit');

export type TenantId = z.infer<typeof tenantIdSchema>;
