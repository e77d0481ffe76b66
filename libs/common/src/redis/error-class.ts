import { type ClassifiedError, messageOf, networkError } from '../errors/error-class';

/**
 * A Redis reply error (or a client error) classified by its prefix, as Redis
 * documents them: the first word of an error reply is its kind.
 */
const TRANSIENT_PREFIXES = ['LOADING', 'OOM', 'BUSY', 'MASTERDOWN', 'READONLY', 'CLUSTERDOWN', 'TRYAGAIN', 'NOREPLICAS', 'MISCONF', 'NOSCRIPT', 'MOVED', 'ASK'];

/**
 * The data itself was refused: our own scripts' validation (`ERR live:`,
 * `ERR claim:`), a key of the wrong type, a number Redis cannot take, and a
 * script's runtime error (raised by data it was given).
 */
const DATA_PATTERNS: Array<[RegExp, string]> = [
  [/^ERR (live|claim):/, 'redis_script_refused'],
  [/^WRONGTYPE/, 'redis_wrongtype'],
  [/not an integer or out of range|would overflow|not a valid float|increment would produce NaN or Infinity/i, 'redis_number_refused'],
  [/user_script|Error running script|ERR Error compiling script/i, 'redis_script_error'],
];

export function classifyRedisError(err: unknown): ClassifiedError {
  const message = messageOf(err);
  const prefix = /^[A-Z]+/.exec(message)?.[0];
  if (prefix && TRANSIENT_PREFIXES.includes(prefix)) return { class: 'transient', code: `redis_${prefix.toLowerCase()}`, message };
  for (const [pattern, code] of DATA_PATTERNS) if (pattern.test(message)) return { class: 'deterministic', code, message };
  return networkError(err) ?? { class: 'unknown', code: 'redis_unknown', message };
}
