/**
 * deploy/grafana/cdnlog-pipeline.json against Grafana's import and against the code:
 * a dashboard Grafana imports as is (title, uid, no instance id, panels with unique ids,
 * a Prometheus data source asked for at import and used by every panel), whose every
 * query names only metrics some service really registers (a renamed metric would leave
 * an empty panel that looks like "no traffic").
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { deployedExprs, isRegistered, metricNames, registeredMetrics } from './registered-metrics';

const PATH = join(__dirname, 'grafana', 'cdnlog-pipeline.json');

interface Target { refId?: string; expr?: string; datasource?: { type?: string; uid?: string } }
interface Panel {
  id?: number;
  type?: string;
  title?: string;
  gridPos?: { h: number; w: number; x: number; y: number };
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[];
}
interface Variable { name: string; type: string; query?: string | { query?: string }; datasource?: { type?: string; uid?: string }; current?: { value?: unknown } }
interface Dashboard {
  __inputs?: Array<{ name: string; type: string; pluginId: string }>;
  __requires?: Array<{ type: string; id: string }>;
  id?: number | null;
  uid?: string;
  title?: string;
  schemaVersion?: number;
  panels: Panel[];
  templating: { list: Variable[] };
}

const text = readFileSync(PATH, 'utf8');
const dashboard = JSON.parse(text) as Dashboard;
/** Rows first, then what they hold (a collapsed row keeps its panels inside). */
const allPanels: Panel[] = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
const queryPanels = allPanels.filter((p) => p.type !== 'row');
const variables = dashboard.templating.list;
const variableQuery = (v: Variable) => (typeof v.query === 'string' ? v.query : v.query?.query ?? '');

/** The selector of `label_values(selector, label)`, else the query as is. */
function variableExpr(query: string): string {
  const m = /^label_values\((.*),\s*\w+\s*\)$/.exec(query.trim());
  return m ? m[1]! : query;
}

/** What a Grafana variable query or a panel query names that is not registered, and whether it names anything. */
function unregistered(registered: ReturnType<typeof registeredMetrics>, expr: string): { names: string[]; missing: string[] } {
  const names = metricNames(expr);
  return { names, missing: names.filter((name) => !isRegistered(registered, name)) };
}

describe('Grafana dashboard (deploy/grafana/cdnlog-pipeline.json)', () => {
  const registered = registeredMetrics();

  it('has what an import needs: title, uid, schema version, no instance id', () => {
    expect(dashboard.title).toEqual(expect.stringMatching(/\S/));
    expect(dashboard.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.id ?? null).toBeNull();
  });

  it('panels have unique ids, a grid position within 24 columns, and a type the dashboard requires', () => {
    const ids = allPanels.map((p) => p.id);
    expect(ids.every((id) => Number.isInteger(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const required = new Set((dashboard.__requires ?? []).filter((r) => r.type === 'panel').map((r) => r.id));
    for (const p of allPanels) {
      expect(p.title).toEqual(expect.stringMatching(/\S/));
      expect(p.gridPos!.x + p.gridPos!.w).toBeLessThanOrEqual(24);
      if (p.type !== 'row') expect(required).toContain(p.type);
    }
    expect(queryPanels.length).toBeGreaterThan(0);
  });

  it('the data source is asked for at import (input DS_PROMETHEUS) and every panel and query uses it through $datasource', () => {
    expect(dashboard.__inputs).toEqual([expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' })]);
    const dsVar = variables.find((v) => v.name === 'datasource');
    expect(dsVar).toMatchObject({ type: 'datasource', query: 'prometheus', current: { value: '${DS_PROMETHEUS}' } });
    // Every ${DS_…} the file references is an input, and the input is referenced.
    const referenced = new Set([...text.matchAll(/\$\{(DS_[A-Z0-9_]+)\}/g)].map((m) => m[1]));
    expect([...referenced]).toEqual(dashboard.__inputs!.map((i) => i.name));
    const viaVariable = { type: 'prometheus', uid: '${datasource}' };
    for (const p of queryPanels) {
      expect(p.datasource).toEqual(viaVariable);
      for (const t of p.targets ?? []) expect(t.datasource).toEqual(viaVariable);
    }
    for (const v of variables.filter((v) => v.type === 'query')) expect(v.datasource).toEqual(viaVariable);
  });

  it('every query panel has targets with distinct refIds and a PromQL expression with balanced brackets', () => {
    for (const p of queryPanels) {
      const targets = p.targets ?? [];
      expect(targets.length).toBeGreaterThan(0);
      expect(new Set(targets.map((t) => t.refId)).size).toBe(targets.length);
      for (const t of targets) {
        expect(t.expr).toEqual(expect.stringMatching(/\S/));
        for (const [open, close] of [['(', ')'], ['{', '}'], ['[', ']']] as const) {
          expect([p.title, t.refId, t.expr!.split(open).length]).toEqual([p.title, t.refId, t.expr!.split(close).length]);
        }
      }
    }
  });

  it('every $variable a query uses is a dashboard variable or one of Grafana\'s own', () => {
    const known = new Set(variables.map((v) => v.name));
    const used = [...queryPanels.flatMap((p) => p.targets!.map((t) => t.expr!)), ...variables.map(variableQuery)]
      .flatMap((expr) => [...expr.matchAll(/\$\{?(\w+)/g)].map((m) => m[1]!));
    expect(used.filter((name) => !known.has(name) && !name.startsWith('__'))).toEqual([]);
  });

  it.each(queryPanels.map((p) => [p.title!, p] as const))('%s: every metric of its queries is registered in the code', (_, panel) => {
    for (const t of panel.targets!) {
      const { names, missing } = unregistered(registered, t.expr!);
      expect(names.length).toBeGreaterThan(0);
      expect(missing).toEqual([]);
    }
  });

  it('the template variables query registered metrics', () => {
    for (const v of variables.filter((v) => v.type === 'query')) {
      const { names, missing } = unregistered(registered, variableExpr(variableQuery(v)));
      expect([v.name, names.length > 0, missing]).toEqual([v.name, true, []]);
    }
  });

  it('covers the pipeline: ingest, consumers, enricher flushes, dead letters, Redis, processes, metrics API', () => {
    const used = new Set(queryPanels.flatMap((p) => p.targets!.flatMap((t) => metricNames(t.expr!))));
    for (const name of [
      'cdnlog_ingest_requests_total', 'cdnlog_ingest_request_duration_seconds_bucket', 'cdnlog_ingest_events_accepted_total', 'cdnlog_ingest_quota_refusals_total',
      'cdnlog_consumer_lag', 'cdnlog_enricher_flush_rows_bucket', 'cdnlog_enricher_insert_duration_seconds_bucket', 'cdnlog_dead_letters_total',
      'cdnlog_redis_used_memory_bytes', 'cdnlog_process_resident_memory_bytes', 'cdnlog_process_cpu_seconds_total',
      'cdnlog_metrics_api_requests_total', 'cdnlog_metrics_api_request_duration_seconds_bucket', 'cdnlog_metrics_api_quota_refusals_total',
    ]) expect([name, used.has(name)]).toEqual([name, true]);
  });
});

describe('the metric-name check itself', () => {
  const registered = registeredMetrics();

  it('finds the metrics the code registers, and the default process metrics with the cdnlog_ prefix', () => {
    expect(registered.get('cdnlog_ingest_request_duration_seconds')).toBe('histogram');
    expect(registered.get('cdnlog_consumer_lag')).toBe('gauge');
    expect(registered.get('cdnlog_redis_used_memory_bytes')).toBe('gauge');
    expect(registered.get('cdnlog_process_resident_memory_bytes')).toBe('gauge');
    expect(registered.get('cdnlog_process_cpu_seconds_total')).toBe('counter');
    expect(registered.get('cdnlog_nodejs_eventloop_lag_p99_seconds')).toBe('gauge');
    expect(registered.get('cdnlog_ingest_event_loop_delay_p99_seconds')).toBe('gauge'); // digits in a name
  });

  it('extracts metric names, not functions, keywords, labels, strings, durations, numbers or Grafana variables', () => {
    expect(metricNames(
      'histogram_quantile(0.99, sum by (le, route) (rate(cdnlog_ingest_request_duration_seconds_bucket{service=~"$service",code!="x y"}[$__rate_interval] offset 5m)))'
        + ' / on (instance) group_left (service) max without (pod) (cdnlog_consumer_lag > 1e6) and time() - cdnlog_process_start_time_seconds{instance=~"${instance}"}',
    )).toEqual(['cdnlog_ingest_request_duration_seconds_bucket', 'cdnlog_consumer_lag', 'cdnlog_process_start_time_seconds']);
    expect(metricNames('sum(rate(up[5m])) by (job)')).toEqual(['up']);
  });

  it('fails a misspelt metric, an unprefixed one, and a _bucket of something that is not a histogram', () => {
    expect(unregistered(registered, 'sum(rate(cdnlog_ingest_request_total[5m]))').missing).toEqual(['cdnlog_ingest_request_total']);
    expect(unregistered(registered, 'process_resident_memory_bytes').missing).toEqual(['process_resident_memory_bytes']);
    expect(unregistered(registered, 'rate(cdnlog_consumer_lag_bucket[5m])').missing).toEqual(['cdnlog_consumer_lag_bucket']);
    expect(unregistered(registered, 'rate(cdnlog_ingest_request_duration_seconds_count[5m])').missing).toEqual([]);
  });

  it('deployedExprs (for the e2e check against the running services) holds every panel query and every alert expression', () => {
    const rules = (parse(readFileSync(join(__dirname, 'prometheus', 'alerts.yml'), 'utf8')) as { groups: Array<{ rules: Array<{ expr: string }> }> }).groups.flatMap((g) => g.rules);
    expect(deployedExprs()).toEqual({ dashboard: queryPanels.flatMap((p) => p.targets!.map((t) => t.expr!)), alerts: rules.map((r) => r.expr) });
  });
});
