import type { z } from 'zod';

/** The first `max` problems of a failed parse as one line ("path: message; …"), for logs and dead-letter reasons. */
export function issueSummary(error: z.ZodError, max = 3): string {
  return error.issues
    .slice(0, max)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}
