import { randomUUID } from 'node:crypto';
import type { MessageProducer, OutgoingMessage } from '../kafka/producer';
import { readVersioned } from '../schemas/versioned-message';
import { replayBatchKey, type DeadLetter } from './dead-letter';
import { filterLetters, uniqueById, type LetterFilter } from './read-letters';

/** Which letters to replay: these ids, or every letter of a tenant (optionally of one code). */
export type ReplaySelection = { ids: string[] } | { filter: LetterFilter & { tenant: string } };

export type ReplayPlan =
  | { ok: true; id: string; topic: string; message: OutgoingMessage; batchKey?: string; note?: string }
  | { ok: false; id: string; reason: string };

export interface ReplayResult {
  id: string;
  outcome: 'replayed' | 'would replay' | 'skipped';
  topic?: string;
  key?: string | null;
  batchKey?: string;
  note?: string;
  reason?: string;
}

/** The letters a selection names (one per id), and the ids it names that are not on the DLQ. */
export function selectLetters<T extends DeadLetter>(letters: T[], selection: ReplaySelection): { chosen: T[]; missing: string[] } {
  const unique = uniqueById(letters);
  if ('filter' in selection) return { chosen: filterLetters(unique, selection.filter), missing: [] };
  const byId = new Map(unique.map((l) => [l.id, l] as const));
  const ids = [...new Set(selection.ids)];
  return { chosen: ids.flatMap((id) => byId.get(id) ?? []), missing: ids.filter((id) => !byId.has(id)) };
}

/**
 * What replaying a letter re-produces: its value, to its source topic, keyed by
 * tenant. A v2 message (raw or enriched) gets `batchKey = replayBatchKey(id)` and a
 * fresh `batchId`, so replaying it twice counts once in the live window: the
 * aggregator counts the first copy of a batchKey it sees and skips copies of it
 * from another batch (a copy with the *same* batchId would be taken for a
 * redelivery of the first and counted again). Other JSON goes as it is.
 * A value that is not JSON cannot become valid by a replay: it is skipped.
 */
export function planReplay(letter: DeadLetter): ReplayPlan {
  const { id } = letter;
  if (!letter.source.topic) return { ok: false, id, reason: 'the letter names no source topic' };
  const parsed = readVersioned(letter.value);
  if (!parsed.ok) return { ok: false, id, reason: `value is ${parsed.reason}` };
  const key = letter.tenant || letter.key;
  const json = parsed.json;
  if (parsed.version === 2 && json !== null && typeof json === 'object' && !Array.isArray(json)) {
    const batchKey = replayBatchKey(id);
    const batchId = `dlq-${randomUUID()}`;
    return { ok: true, id, topic: letter.source.topic, batchKey, message: { key, value: JSON.stringify({ ...json, batchId, batchKey }) } };
  }
  const what = parsed.version === undefined ? 'a message without a version' : `a v${String(parsed.version)} message`;
  const note = `${what} is re-produced as it is, without a batchKey: replaying it again counts it again in the live view`;
  return { ok: true, id, topic: letter.source.topic, note, message: { key, value: letter.value! } };
}

/** Replay each letter in turn (acks=all through `producer`), or only say what would be sent with `dryRun`. */
export async function replayLetters(producer: MessageProducer | undefined, letters: DeadLetter[], opts: { dryRun?: boolean } = {}): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  for (const letter of letters) {
    const plan = planReplay(letter);
    if (!plan.ok) {
      results.push({ id: plan.id, outcome: 'skipped', reason: plan.reason });
      continue;
    }
    if (!opts.dryRun) {
      if (!producer) throw new Error('replayLetters needs a producer unless dryRun');
      await producer.send(plan.topic, [plan.message]);
    }
    results.push({ id: plan.id, outcome: opts.dryRun ? 'would replay' : 'replayed', topic: plan.topic, key: plan.message.key, batchKey: plan.batchKey, note: plan.note });
  }
  return results;
}

export function formatReplayResult(r: ReplayResult): string {
  if (r.outcome === 'skipped') return `skipped       ${r.id}: ${r.reason}`;
  const what = r.batchKey ? `batchKey=${r.batchKey}` : `(${r.note})`;
  return `${r.outcome.padEnd(13)} ${r.id} -> ${r.topic} key=${r.key ?? '(none)'} ${what}`;
}
