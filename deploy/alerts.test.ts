/**
 * deploy/prometheus/alerts.yml against the code: a well-formed rule file whose
 * every rule has a severity, a summary and a description, and whose expressions
 * name only metrics some service really registers (a renamed metric would leave
 * an alert that can never fire).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

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

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'testing' || e.name === 'node_modules' || e.name === 'dist' ? [] : sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Names registered through createMetrics (`metrics.counter('name', …)` etc.), with the `cdnlog_` it adds. */
function registeredMetrics(): Map<string, string> {
  const dirs = [join(ROOT, 'libs', 'common', 'src'), ...readdirSync(join(ROOT, 'services')).map((s) => join(ROOT, 'services', s, 'src'))];
  const found = new Map<string, string>();
  for (const path of dirs.flatMap(sourceFiles)) {
    for (const m of readFileSync(path, 'utf8').matchAll(/\.(counter|gauge|histogram)\(\s*'([a-z_]+)'/g)) found.set(`cdnlog_${m[2]}`, m[1]!);
  }
  return found;
}

describe('Prometheus alert rules (deploy/prometheus/alerts.yml)', () => {
  const registered = registeredMetrics();

  it('is one group "cdnlog" of alerting rules with unique names, each with an expression and a duration when it has one', () => {
    expect(file.groups.map((g) => g.name)).toEqual(['cdnlog']);
    expect(rules.map((r) => r.alert)).toEqual(['ConsumerPartitionStuck', 'ConsumerOldestMessageOld', 'DeadLettersRate', 'ConsumerLagHigh', 'RetentionNotSucceeding']);
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
    const referenced = [...rule.expr.matchAll(/cdnlog_[a-z_]+/g)].map((m) => m[0]);
    expect(referenced.length).toBeGreaterThan(0);
    // A histogram is queried through its _bucket, _sum and _count series.
    const exists = (name: string) => registered.has(name) || registered.get(name.replace(/_(bucket|sum|count)$/, '')) === 'histogram';
    expect(referenced.filter((name) => !exists(name))).toEqual([]);
  });
});
