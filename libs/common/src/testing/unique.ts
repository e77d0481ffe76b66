import { randomBytes } from 'node:crypto';

/**
 * A short unique prefix for one test file: tenant ids, topic names and
 * consumer groups built from it never collide with another file or run.
 * Lower-case so it is also a valid tenant id.
 */
export function uniquePrefix(tag: string): string {
  const clean = tag.toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 12);
  return `${clean}${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}
