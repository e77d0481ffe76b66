import { type ClassifiedError, messageOf, networkError } from '../errors/error-class';

/**
 * A Redis reply error (or a client error) classified by its prefix, as Redis
 * documents them: the first word of an error reply is its kind.
 */
const TRANSIENT_PREFIXES = [
  'LOADING', 'OOM', 'BUSY', 'MASTERDOWN', 'READONLY', 'CLUSTERDOWN', 'TRYAGAIN', 'NOREPLICAS', 'MISCONF', 'NOSCRIPT', 'MOVED', 'ASK',
  // Credentials and permissions: an operator's fix, the same for every message.
  'NOAUTH', 'WRONGPASS', 'NOPERM',
];
/** Not the data's fault either: too many clients, a script that does not compile (a bad deploy) or was killed by an operator. */
const TRANSIENT_MESSAGES: Array<[RegExp, string]> = [
  [/max number of clients reached/i, 'redis_max_clients'],
  [/Error compiling script/i, 'redis_script_compile'],
  [/Script killed by user/i, 'redis_script_killed'],
];

/**
 * The data itself was refused: our own scripts' validation (`ERR live:`,
 * `ERR claim:`), a key of the wrong type, a number Redis cannot take. Any other
 * runtime error of a script may be the data's or a bug's: it is `unknown`.
 */
const DATA_PATTERNS: Array<[RegExp, string]> = [
  [/^ERR (live|claim):/, 'redis_script_refused'],
  [/^WRONGTYPE/, 'redis_wrongtype'],
  [/not an integer or out of range|would overflow|not a valid float|increment would produce NaN or Infinity/i, 'redis_number_refused'],
];

export function classifyRedisError(err: unknown): ClassifiedError {
  const message = messageOf(err);
  const prefix = /^[A-Z]+/.exec(message)?.[0];
  if (prefix && TRANSIENT_PREFIXES.includes(prefix)) return { class: 'transient', code: `redis_${prefix.toLowerCase()}`, message };
  for (const [pattern, code] of TRANSIENT_MESSAGES) if (pattern.test(message)) return { class: 'transient', code, message };
  for (const [pattern, code] of DATA_PATTERNS) if (pattern.test(message)) return { class: 'deterministic', code, message };
  if (/user_script|Error running script/i.test(message)) return { class: 'unknown', code: 'redis_script_error', message };
  return networkError(err) ?? { class: 'unknown', code: 'redis_unknown', message };
}
