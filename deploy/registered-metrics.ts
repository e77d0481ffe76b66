/**
 * The metrics the services really export, for the tests of what deploy/ queries
 * (alert rules, the Grafana dashboard): every `metrics.counter|gauge|histogram('name', …)`
 * in the sources (createMetrics adds `cdnlog_`), plus prom-client's default process and
 * nodejs metrics that createMetrics registers with the same prefix.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { createMetrics } from '../libs/common/src/metrics/registry';

const ROOT = join(__dirname, '..');

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'testing' || e.name === 'node_modules' || e.name === 'dist' ? [] : sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Names registered in libs/common and the services' sources, with the `cdnlog_` createMetrics adds. */
export function sourceMetrics(): Map<string, MetricType> {
  const dirs = [join(ROOT, 'libs', 'common', 'src'), ...readdirSync(join(ROOT, 'services')).map((s) => join(ROOT, 'services', s, 'src'))];
  const found = new Map<string, MetricType>();
  for (const path of dirs.flatMap(sourceFiles)) {
    for (const m of readFileSync(path, 'utf8').matchAll(/\.(counter|gauge|histogram)\(\s*'([a-zA-Z_:][a-zA-Z0-9_:]*)'/g)) found.set(`cdnlog_${m[2]}`, m[1] as MetricType);
  }
  return found;
}

/** prom-client's default metrics as createMetrics registers them (cdnlog_process_*, cdnlog_nodejs_*). */
export function defaultMetrics(): Map<string, MetricType> {
  return new Map(createMetrics('registered-metrics').registry.getMetricsAsArray().map((m) => [m.name, String(m.type) as MetricType]));
}

/** Every metric a service exports: its own and the default ones. */
export function registeredMetrics(): Map<string, MetricType> {
  return new Map([...defaultMetrics(), ...sourceMetrics()]);
}

/** Whether a series name exists: a registered metric, or a histogram's _bucket, _sum or _count series. */
export function isRegistered(registered: Map<string, MetricType>, name: string): boolean {
  return registered.has(name) || registered.get(name.replace(/_(bucket|sum|count)$/, '')) === 'histogram';
}

/** PromQL words that are not metric names; the aggregations among them may precede a `by (…)` rather than their `(`. */
const KEYWORDS = new Set([
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'atan2', 'inf', 'nan',
  'sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio',
]);

/**
 * The metric names a PromQL expression selects, in order of appearance: every identifier
 * that is not a function call, a keyword, a label (in `{…}`, `by (…)`, `on (…)`…), a
 * string, a duration or a Grafana variable (`$__rate_interval`, `${service}`).
 */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ') // strings
    .replace(/\$\{[^}]*\}|\$\w+/g, ' ') // Grafana variables
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // ranges and subqueries
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/gi, ' $1 '); // label lists
  const names: string[] = [];
  for (const m of stripped.matchAll(/(?<![\w.:])([a-zA-Z_:][\w:]*)(\s*\()?/g)) {
    if (m[2] === undefined && !KEYWORDS.has(m[1]!.toLowerCase())) names.push(m[1]!);
  }
  return names;
}

/** Every `expr` string under `node` (panel targets, alert rules), in document order. */
function exprsIn(node: unknown, into: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) exprsIn(item, into);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'expr' && typeof value === 'string') into.push(value);
      else exprsIn(value, into);
    }
  }
  return into;
}

/** The PromQL deploy/ ships: the Grafana dashboard's panel queries and the alert rules' expressions. */
export function deployedExprs(): { dashboard: string[]; alerts: string[] } {
  return {
    dashboard: exprsIn(JSON.parse(readFileSync(join(ROOT, 'deploy', 'grafana', 'cdnlog-pipeline.json'), 'utf8'))),
    alerts: exprsIn(parse(readFileSync(join(ROOT, 'deploy', 'prometheus', 'alerts.yml'), 'utf8'))),
  };
}
