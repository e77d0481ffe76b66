/**
 * Inspect and replay the dead-letter topic (docs/operations.md, "Dead letters"):
 *   npm run dlq -- list [--tenant T] [--code C] [--stage S] [--since ISO] [--json]
 *   npm run dlq -- show <id>
 *   npm run dlq -- replay <id...> | --tenant T [--code C] [--dry-run]
 * Reads the same Kafka environment variables as the services (KAFKA_BROKERS,
 * KAFKA_TOPIC_DLQ, ...). Reading commits nothing; the logic lives in dead-letters/.
 */
import winston from 'winston';
import { z } from 'zod';
import { parseEnv } from '../config/env';
import { kafkaEnv } from '../config/shared';
import { createKafka } from '../kafka/client';
import { createProducer } from '../kafka/producer';
import { topicsFromConfig } from '../kafka/topics';
import { DLQ_USAGE, parseDlqArgs, UsageError } from '../dead-letters/dlq-args';
import { filterLetters, readDeadLetters } from '../dead-letters/read-letters';
import { formatLetter, formatLetterList, letterListJson } from '../dead-letters/format-letters';
import { formatReplayResult, replayLetters, selectLetters } from '../dead-letters/replay-letters';

const out = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  const args = parseDlqArgs(process.argv.slice(2));
  const config = parseEnv(z.object(kafkaEnv));
  // Client logs go to stderr so that stdout holds only the answer (`list --json`).
  const logger = winston.createLogger({ level: 'error', format: winston.format.json(), transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'debug'] })] });
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: `${config.KAFKA_CLIENT_ID}-dlq-tool`, logger });
  const dlqTopic = topicsFromConfig(config).dlq;
  const letters = await readDeadLetters(kafka, dlqTopic, { timeoutMs: args.timeoutMs });

  if (args.command === 'list') {
    const chosen = filterLetters(letters, args.filter);
    if (args.json) out(JSON.stringify(letterListJson(chosen), null, 2));
    else formatLetterList(chosen).forEach((line) => out(line));
    return 0;
  }
  if (args.command === 'show') {
    const found = letters.filter((l) => l.id === args.id);
    if (found.length === 0) {
      process.stderr.write(`no letter with id ${args.id} on ${dlqTopic}\n`);
      return 1;
    }
    out(found.map(formatLetter).join('\n\n'));
    return 0;
  }
  const { chosen, missing } = selectLetters(letters, args.selection);
  for (const id of missing) process.stderr.write(`no letter with id ${id} on ${dlqTopic}\n`);
  const producer = args.dryRun ? undefined : createProducer(kafka);
  await producer?.connect();
  try {
    const results = await replayLetters(producer, chosen, { dryRun: args.dryRun });
    results.forEach((r) => out(formatReplayResult(r)));
    const count = (outcome: string) => results.filter((r) => r.outcome === outcome).length;
    out(`${count(args.dryRun ? 'would replay' : 'replayed')} ${args.dryRun ? 'would be replayed' : 'replayed'}, ${count('skipped')} skipped, ${missing.length} not found`);
  } finally {
    await producer?.disconnect();
  }
  return missing.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof UsageError) {
      process.stderr.write(`dlq: ${err.message}\n${DLQ_USAGE}\n`);
      process.exit(2);
    }
    process.stderr.write(`dlq failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
