/**
 * deploy/prometheus/alerts.yml against the code: a well-formed rule file whose
 * every rule has a severity, a summary and a description, and whose expressions
 * name only metrics some service really registers (a renamed metric would leave
 * an alert that can never fire).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { isRegistered, metricNames, registeredMetrics } from './registered-metrics';

const ROOT = join(__dirname, '..');

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
const file = parse(readFileSync(join(ROOT, 'deploy', 'prometheus', 'alerts.yml'), 'utf8')) as { groups: Array<{ name: string; rules: Rule[] }> };
const rules = file.groups.flatMap((g) => g.rules);

describe('Prometheus alert rules (deploy/prometheus/alerts.yml)', () => {
  const registered = registeredMetrics();

  it('is one group "cdnlog" of alerting rules with unique names, each with an expression and a duration when it has one', () => {
    expect(file.groups.map((g) => g.name)).toEqual(['cdnlog']);
    expect(rules.map((r) => r.alert)).toEqual(['ConsumerPartitionStuck', 'ConsumerOldestMessageOld', 'DeadLettersRate', 'ConsumerLagHigh', 'RetentionNotSucceeding', 'RedisMemoryHigh']);
    for (const rule of rules) {
      expect(rule.expr).toEqual(expect.any(String));
      if (rule.for !== undefined) expect(rule.for).toMatch(/^\d+[smh]$/);
    }
  });

  it('the scan finds the metrics the code registers (sanity check of the scan itself)', () => {
    expect(registered.get('cdnlog_consumer_lag')).toBe('gauge');
    expect(registered.get('cdnlog_ingest_requests_total')).toBe('counter');
  });

  it.each(rules.map((r) => [r.alert ?? r.record!, r] as const))('%s: severity, summary and description', (_, rule) => {
    expect(['critical', 'warning', 'info']).toContain(rule.labels?.severity);
    expect(rule.annotations?.summary).toEqual(expect.stringMatching(/\S/));
    expect(rule.annotations?.description).toEqual(expect.stringMatching(/\S/));
  });

  it.each(rules.map((r) => [r.alert ?? r.record!, r] as const))('%s: every cdnlog_ metric of its expression is registered in the code', (_, rule) => {
    const referenced = metricNames(rule.expr);
    expect(referenced.length).toBeGreaterThan(0);
    // A histogram is queried through its _bucket, _sum and _count series.
    expect(referenced.filter((name) => !isRegistered(registered, name))).toEqual([]);
  });
});
