/**
 * The benchmark's smoke profile (d) in CI: real load through the four services,
 * then the bench's own exactness check (ClickHouse distinct = live total =
 * accepted). Timing is reported, never asserted.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uniquePrefix } from '@cdnlog/common/testing';
import { type Pipeline, startPipeline } from './start-pipeline';

let pipeline: Pipeline;
const out = join(tmpdir(), uniquePrefix('benchout'));

beforeAll(async () => {
  pipeline = await startPipeline(uniquePrefix('bench'), 19_411, { TENANT_REGISTRY_PATH: join(__dirname, '..', '..', 'config', 'tenants.sample.json') });
}, 120_000);
afterAll(() => pipeline.stop());

it('bench smoke profile: every accepted event is counted exactly once in ClickHouse and live', () => {
  const run = spawnSync(
    process.execPath,
    [join(__dirname, '..', '..', 'bench', 'dist', 'main.js'), '--profile', 'smoke', '--ingest', pipeline.urls.ingest, '--metrics', pipeline.urls.metrics, '--out', out, '--align-minute', 'no'],
    { env: { ...process.env, ...pipeline.env }, encoding: 'utf8', timeout: 240_000 },
  );
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  const md = readFileSync(join(out, 'latest-smoke.md'), 'utf8');
  expect(md).toContain('| accepted events | 7500 |');
  expect(md).toContain('| exact (ClickHouse distinct = live total = accepted) | yes (7500 / 7500 / 7500) |');
}, 300_000);
