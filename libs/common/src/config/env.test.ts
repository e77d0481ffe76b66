import { z } from 'zod';
import { ConfigError, parseEnv } from './env';
import { clickhouseEnv, kafkaEnv, redisEnv } from './shared';
import { bool, port } from './fields';

const schema = z.object({ ...kafkaEnv, ...clickhouseEnv, ...redisEnv, PORT: port(8080), DEBUG: bool(false) });

function problems(env: Record<string, string>): string[] {
  try {
    parseEnv(schema, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('parseEnv', () => {
  it('gives local-stack defaults when nothing is set', () => {
    const config = parseEnv(schema, {});
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:19092']);
    expect(config.PORT).toBe(8080);
    expect(config.CLICKHOUSE_DATABASE).toBe('cdnlog');
    expect(config.REDIS_CLUSTER_NODES).toBeUndefined();
    expect(config.DEBUG).toBe(false);
    expect([config.KAFKA_FETCH_MIN_BYTES, config.KAFKA_FETCH_MAX_WAIT_MS]).toEqual([16_384, 100]);
  });

  it('parses a broker list and trims entries', () => {
    const config = parseEnv(schema, { KAFKA_BROKERS: 'kafka-1:9092, kafka-2:9093,[::1]:9094', DEBUG: 'yes' });
    expect(config.KAFKA_BROKERS).toEqual(['kafka-1:9092', 'kafka-2:9093', '[::1]:9094']);
    expect(config.DEBUG).toBe(true);
  });

  it('treats an empty value as unset', () => {
    expect(parseEnv(schema, { PORT: '' }).PORT).toBe(8080);
  });

  it.each([
    ['kafka', 'KAFKA_BROKERS: must be a comma-separated list of host:port (bad entry "kafka") (got "kafka")'],
    ['kafka:abc', 'KAFKA_BROKERS: must be a comma-separated list of host:port (bad entry "kafka:abc") (got "kafka:abc")'],
    ['kafka:9092,:9093', 'KAFKA_BROKERS: must be a comma-separated list of host:port (bad entry ":9093") (got "kafka:9092,:9093")'],
    ['kafka:70000', 'KAFKA_BROKERS: must be a comma-separated list of host:port (bad entry "kafka:70000") (got "kafka:70000")'],
  ])('rejects the broker list %j naming the variable', (value, message) => {
    expect(problems({ KAFKA_BROKERS: value })).toEqual([message]);
  });

  it('reports every bad variable at once', () => {
    expect(problems({ PORT: 'eighty', CLICKHOUSE_URL: 'ftp://x', CLICKHOUSE_DATABASE: 'db; DROP TABLE x', DEBUG: 'maybe' })).toEqual([
      'CLICKHOUSE_URL: must be an http(s) URL such as http://127.0.0.1:8123 (got "ftp://x")',
      'CLICKHOUSE_DATABASE: must be an identifier: letters, digits and _, not starting with a digit (got "db; DROP TABLE x")',
      'PORT: must be a TCP port number (got "eighty")',
      'DEBUG: must be true or false (got "maybe")',
    ]);
  });

  it('bounds the consumer fetch settings', () => {
    expect(parseEnv(schema, { KAFKA_FETCH_MIN_BYTES: '1', KAFKA_FETCH_MAX_WAIT_MS: '5000' })).toMatchObject({ KAFKA_FETCH_MIN_BYTES: 1, KAFKA_FETCH_MAX_WAIT_MS: 5000 });
    expect(problems({ KAFKA_FETCH_MIN_BYTES: '0', KAFKA_FETCH_MAX_WAIT_MS: '5001' })).toEqual([
      'KAFKA_FETCH_MIN_BYTES: must be at least 1 (got "0")',
      'KAFKA_FETCH_MAX_WAIT_MS: must be at most 5000 (got "5001")',
    ]);
  });

  it('rejects ports out of range', () => {
    expect(problems({ PORT: '0' })).toEqual(['PORT: must be a port between 1 and 65535 (got "0")']);
    expect(problems({ PORT: '65536' })).toEqual(['PORT: must be a port between 1 and 65535 (got "65536")']);
    expect(problems({ PORT: '80.5' })).toEqual(['PORT: must be an integer port (got "80.5")']);
  });
});
