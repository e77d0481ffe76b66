/**
 * Split `items` into parts of at most `size`, each part holding items of one
 * key only (item order kept within a key; keys in order of first appearance).
 * The test harnesses build v2 messages this way: one tenant's batch per message.
 */
export function groupIntoParts<T>(items: T[], keyOf: (item: T) => string, size: number): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  const parts: T[][] = [];
  for (const group of groups.values()) for (let i = 0; i < group.length; i += size) parts.push(group.slice(i, i + size));
  return parts;
}
