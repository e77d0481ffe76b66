import { repairTextFields } from '@cdnlog/common';
import type { Entry } from './entry-schema';

/**
 * The entry fields that hold free text. The other string fields (timestamp,
 * clientIp, method) are ASCII once valid, so they cannot hold a surrogate.
 */
export const TEXT_FIELDS = ['path', 'userAgent', 'host', 'requestId', 'referer', 'cacheStatus', 'pop'] as const;
export type TextField = (typeof TEXT_FIELDS)[number];

/** How many values of each text field were repaired. */
export type RepairCounts = Partial<Record<TextField, number>>;

/**
 * Replace every unpaired surrogate of a valid entry's text with U+FFFD, in
 * place, and count the repaired fields in `counts`. JSON may carry a lone
 * surrogate (`"\ud800"`), UTF-8 cannot: ClickHouse and Redis' cjson refuse it.
 * Lengths in code points do not change (one surrogate → one U+FFFD), so the
 * entry stays valid.
 */
export function repairStrings(entry: Entry, counts: RepairCounts): void {
  repairTextFields(entry, TEXT_FIELDS, (field) => (counts[field] = (counts[field] ?? 0) + 1));
}
