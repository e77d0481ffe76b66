import { parseArgs } from 'node:util';
import type { LetterFilter } from './read-letters';
import type { ReplaySelection } from './replay-letters';

export type DlqCommand = { timeoutMs: number } & (
  | { command: 'list'; filter: LetterFilter; json: boolean }
  | { command: 'show'; id: string }
  | { command: 'replay'; selection: ReplaySelection; dryRun: boolean }
);

export class UsageError extends Error {}

export const DLQ_USAGE = `usage:
  npm run dlq -- list [--tenant T] [--code C] [--stage S] [--since ISO-TIME] [--json]
  npm run dlq -- show <id>
  npm run dlq -- replay <id...> | --tenant T [--code C]  [--dry-run]
every command: --timeout SECONDS  longest time reading the DLQ topic may take (default 60)`;

const OPTIONS = {
  list: ['tenant', 'code', 'stage', 'since', 'json'],
  show: [],
  replay: ['tenant', 'code', 'dry-run'],
} as const;
const FLAGS = new Set(['json', 'dry-run']);

/** `argv` after the script name → the command, or a UsageError saying what is wrong. */
export function parseDlqArgs(argv: string[]): DlqCommand {
  const [command, ...rest] = argv;
  if (command !== 'list' && command !== 'show' && command !== 'replay') throw new UsageError(command ? `unknown command "${command}"` : 'no command');
  const names = [...OPTIONS[command], 'timeout'];
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      strict: true,
      options: Object.fromEntries(names.map((n) => [n, { type: FLAGS.has(n) ? 'boolean' : 'string' } as const])),
    });
  } catch (err) {
    throw new UsageError(`${command}: ${(err as Error).message}`);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const text = (name: string) => values[name] as string | undefined;
  const positionals = parsed.positionals;
  const seconds = text('timeout') === undefined ? 60 : Number(text('timeout'));
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--timeout must be a positive number of seconds (got "${text('timeout')}")`);
  const timeoutMs = seconds * 1000;

  if (command === 'show') {
    if (positionals.length !== 1) throw new UsageError('show takes exactly one letter id');
    return { command, id: positionals[0]!, timeoutMs };
  }
  if (command === 'list') {
    if (positionals.length > 0) throw new UsageError(`list takes no arguments (got "${positionals.join(' ')}")`);
    const sinceText = text('since');
    const since = sinceText === undefined ? undefined : Date.parse(sinceText);
    if (since !== undefined && Number.isNaN(since)) throw new UsageError(`--since must be an ISO time such as 2026-12-01T10:00:00Z (got "${sinceText}")`);
    const filter: LetterFilter = { tenant: text('tenant'), code: text('code'), stage: text('stage'), since };
    return { command, filter: withoutUndefined(filter), json: values.json === true, timeoutMs };
  }
  const tenant = text('tenant');
  const dryRun = values['dry-run'] === true;
  if (positionals.length > 0 && (tenant !== undefined || text('code') !== undefined)) throw new UsageError('replay takes letter ids or --tenant [--code], not both');
  if (positionals.length > 0) return { command, selection: { ids: positionals }, dryRun, timeoutMs };
  if (tenant === undefined) throw new UsageError('replay needs letter ids or --tenant T');
  return { command, selection: { filter: withoutUndefined({ tenant, code: text('code') }) }, dryRun, timeoutMs };
}

function withoutUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
