/**
 * Every service refuses to start on a bad configuration, before touching the
 * network, with exit status 78 and a message that names the variable.
 * Runs the built services (scripts/test builds before jest).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const services = ['ingest-api', 'enricher', 'aggregator', 'metrics-api'];

function start(service: string, env: Record<string, string>) {
  return spawnSync(process.execPath, [join(__dirname, '..', 'services', service, 'dist', 'main.js')], {
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
}

describe.each(services)('%s with a bad configuration', (service) => {
  it('exits 78 naming a malformed connection setting', () => {
    // The metrics API does not talk to Kafka; a bad Redis URL is its equivalent.
    const [variable, value, message] =
      service === 'metrics-api'
        ? ['REDIS_URL', 'localhost:6379', 'must be a redis:// or rediss:// URL']
        : ['KAFKA_BROKERS', 'localhost;9092', 'must be a comma-separated list of host:port (bad entry "localhost;9092")'];
    const run = start(service, { [variable]: value });
    expect(run.status).toBe(78);
    expect(run.stderr).toBe(`${service}: invalid configuration:\n  - ${variable}: ${message} (got ${JSON.stringify(value)})\n`);
  });

  it('exits 78 naming a malformed port', () => {
    const variable = service === 'enricher' || service === 'aggregator' ? 'OPS_PORT' : 'PORT';
    const run = start(service, { [variable]: '99999' });
    expect(run.status).toBe(78);
    expect(run.stderr).toBe(`${service}: invalid configuration:\n  - ${variable}: must be a port between 1 and 65535 (got "99999")\n`);
  });
});

describe('enricher transactional ids', () => {
  it('refuses the former per-instance ENRICHER_TRANSACTIONAL_ID: ids are per raw partition now, from a shared prefix', () => {
    const run = start('enricher', { ENRICHER_TRANSACTIONAL_ID: 'enricher-0' });
    expect(run.status).toBe(78);
    expect(run.stderr).toBe(
      'enricher: invalid configuration:\n  - ENRICHER_TRANSACTIONAL_ID: is no longer read: transactional ids are now per raw partition, from ENRICHER_TRANSACTIONAL_ID_PREFIX (default: ENRICHER_GROUP_ID), shared by all instances; remove it (got "enricher-0")\n',
    );
  });
});

describe('aggregator replica acknowledgements', () => {
  it('refuses a negative REDIS_MIN_REPLICA_ACKS', () => {
    const run = start('aggregator', { REDIS_MIN_REPLICA_ACKS: '-1' });
    expect(run.status).toBe(78);
    expect(run.stderr).toBe('aggregator: invalid configuration:\n  - REDIS_MIN_REPLICA_ACKS: must be >= 0 (got "-1")\n');
  });
});
