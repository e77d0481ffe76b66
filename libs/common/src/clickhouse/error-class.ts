import { type ClassifiedError, messageOf, networkError } from '../errors/error-class';

/**
 * ClickHouse's answer to an insert, classified. The server's numeric code is
 * read from the message ("Code: 25, ..." on 18.16, "Code: 25. DB::Exception" on
 * current versions), so this works with or without the client's parsed type.
 */

/** The data itself was refused: parsing, types, ranges, encodings. */
const DATA_CODES = new Set([
  6, // CANNOT_PARSE_TEXT
  25, // CANNOT_PARSE_ESCAPE_SEQUENCE (e.g. an unpaired UTF-16 surrogate in JSON)
  26, // CANNOT_PARSE_QUOTED_STRING
  27, // CANNOT_PARSE_INPUT_ASSERTION_FAILED
  32, // ATTEMPT_TO_READ_AFTER_EOF
  33, // CANNOT_READ_ALL_DATA
  38, // CANNOT_PARSE_DATE
  41, // CANNOT_PARSE_DATETIME
  53, // TYPE_MISMATCH
  69, // ARGUMENT_OUT_OF_BOUND
  70, // CANNOT_CONVERT_TYPE
  72, // CANNOT_PARSE_NUMBER
  117, // INCORRECT_DATA
  131, // TOO_LARGE_STRING_SIZE
  321, // VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
  349, // CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN
  395, // FUNCTION_THROW_IF_VALUE_IS_NON_ZERO (a CHECK-like guard on the data)
  469, // VIOLATED_CONSTRAINT
]);

/**
 * The server is busy, read-only, out of memory or between replicas; also the
 * schema is missing or behind (UNKNOWN_TABLE, NO_SUCH_COLUMN...): that is an
 * operator's problem for every row alike, so it waits (and the stuck-partition
 * alert fires) instead of dead-lettering the whole topic.
 */
const TRANSIENT_CODES = new Set([
  3, // UNEXPECTED_END_OF_FILE (connection cut)
  16, // NO_SUCH_COLUMN_IN_TABLE
  60, // UNKNOWN_TABLE
  81, // UNKNOWN_DATABASE
  159, // TIMEOUT_EXCEEDED
  164, // READONLY
  173, // CANNOT_ALLOCATE_MEMORY
  202, // TOO_MANY_SIMULTANEOUS_QUERIES
  203, // NO_FREE_CONNECTION
  209, // SOCKET_TIMEOUT
  210, // NETWORK_ERROR
  225, // NO_ZOOKEEPER
  236, // ABORTED
  241, // MEMORY_LIMIT_EXCEEDED
  242, // TABLE_IS_READ_ONLY
  243, // NOT_ENOUGH_SPACE (disk full)
  252, // TOO_MANY_PARTS
  285, // TOO_FEW_LIVE_REPLICAS
  286, // UNSATISFIED_QUORUM_FOR_PREVIOUS_WRITE
  289, // REPLICA_IS_NOT_IN_QUORUM
  319, // UNKNOWN_STATUS_OF_INSERT
  394, // QUERY_WAS_CANCELLED
  425, // SYSTEM_ERROR
  439, // CANNOT_SCHEDULE_TASK
  497, // ACCESS_DENIED (permissions: an operator's fix)
  516, // AUTHENTICATION_FAILED
  999, // KEEPER_EXCEPTION
]);

export function clickhouseErrorCode(err: unknown): number | undefined {
  const match = /\bCode: (\d+)/.exec(messageOf(err));
  if (match) return Number(match[1]);
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^\d+$/.test(code) ? Number(code) : undefined;
}

export function classifyClickHouseError(err: unknown): ClassifiedError {
  const message = messageOf(err);
  const code = clickhouseErrorCode(err);
  if (code !== undefined) {
    // TOO_MANY_PARTS also says "too many partitions for a single INSERT block": that one is the rows'
    // doing (their days span more partitions than allowed), and splitting the insert cures it.
    if (code === 252 && /too many partitions for single insert block/i.test(message)) return { class: 'deterministic', code: 'clickhouse_252', message };
    if (DATA_CODES.has(code)) return { class: 'deterministic', code: `clickhouse_${code}`, message };
    if (TRANSIENT_CODES.has(code)) return { class: 'transient', code: `clickhouse_${code}`, message };
    return { class: 'unknown', code: `clickhouse_${code}`, message };
  }
  return networkError(err) ?? { class: 'unknown', code: 'clickhouse_unknown', message };
}
