/**
 * The deployment files against the code: every container sized, probes on the
 * endpoints and ports the services really serve, env names the services really
 * read, compose limits within 2 CPUs / 4 GB, and the Dockerfile building with
 * the README's build command. No cluster or Docker engine needed.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import { TenantRegistry } from '../libs/common/src/tenants/registry';
import { configSchema as aggregatorConfig } from '../services/aggregator/src/config';
import { configSchema as enricherConfig } from '../services/enricher/src/config';
import { configSchema as ingestConfig } from '../services/ingest-api/src/config';
import { configSchema as metricsConfig } from '../services/metrics-api/src/config';

const ROOT = join(__dirname, '..');
/** Every service answers probes and scrapes on OPS_PORT; the two APIs serve their API on PORT besides. */
const SERVICES: Record<string, { keys: string[]; api: boolean }> = {
  'ingest-api': { keys: Object.keys(ingestConfig.shape), api: true },
  'metrics-api': { keys: Object.keys(metricsConfig.shape), api: true },
  enricher: { keys: Object.keys(enricherConfig.shape), api: false },
  aggregator: { keys: Object.keys(aggregatorConfig.shape), api: false },
};
const RUNTIME_ENV = new Set(['NODE_OPTIONS', 'NODE_ARGS', 'TZ', 'NODE_ENV']);

type Doc = { kind?: string; metadata?: { name?: string }; data?: Record<string, string>; stringData?: Record<string, string>; spec?: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
const k8sDir = join(ROOT, 'deploy', 'k8s');
const files = readdirSync(k8sDir).filter((f) => f.endsWith('.yaml'));
const docs: Array<Doc & { file: string }> = files.flatMap((file) =>
  parseAllDocuments(readFileSync(join(k8sDir, file), 'utf8')).map((d) => ({ ...(d.toJS() as Doc), file })),
);
const workloads = docs.filter((d) => d.kind === 'Deployment' || d.kind === 'StatefulSet');
const configMapKeys = Object.keys(docs.find((d) => d.kind === 'ConfigMap')!.data!);
const allKeys = new Set(Object.values(SERVICES).flatMap((s) => s.keys));

describe('Kubernetes manifests', () => {
  it('deploy every service, and the kustomization lists every manifest', () => {
    expect(workloads.map((w) => w.metadata!.name).sort()).toEqual(['aggregator', 'enricher', 'ingest-api', 'metrics-api']);
    const kustomization = parse(readFileSync(join(k8sDir, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
    expect([...kustomization.resources].sort()).toEqual(files.filter((f) => f !== 'kustomization.yaml').sort());
  });

  it.each(workloads.map((w) => [w.metadata!.name!, w] as const))('%s: sized, probed and scraped on its ops port, API port apart, env names the service reads', (name, w) => {
    const service = SERVICES[name]!;
    const [container] = w.spec.template.spec.containers;
    expect(container.image).toMatch(new RegExp(`^cdnlog/${name}:`));
    for (const kind of ['requests', 'limits']) for (const r of ['cpu', 'memory']) expect(container.resources[kind][r]).toBeDefined();
    const env = Object.fromEntries((container.env ?? []).map((e: { name: string; value?: string }) => [e.name, e.value]));
    const port = Number(env.OPS_PORT);
    const expectedPorts = [{ name: 'ops', containerPort: port }, ...(service.api ? [{ name: 'http', containerPort: Number(env.PORT) }] : [])];
    expect(container.ports).toEqual(expectedPorts);
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port });
    expect(w.spec.template.metadata.annotations['prometheus.io/port']).toBe(String(port));
    if (service.api) {
      // The Service exposes the API port only; readiness and metrics stay on the pod network.
      const svc = docs.find((d) => d.kind === 'Service' && d.metadata?.name === name)!;
      expect(svc.spec.ports.map((p: { targetPort: number }) => p.targetPort)).toEqual([Number(env.PORT)]);
      expect(env.TENANT_REGISTRY_PATH).toBeDefined();
    }
    const unknown = Object.keys(env).filter((k) => !service.keys.includes(k) && !RUNTIME_ENV.has(k));
    expect(unknown).toEqual([]);
  });

  it('the shared ConfigMap holds only variables some service reads', () => {
    expect(configMapKeys.filter((k) => !allKeys.has(k))).toEqual([]);
  });

  it('the HTTP services have HPAs, every workload a PodDisruptionBudget', () => {
    expect(docs.filter((d) => d.kind === 'HorizontalPodAutoscaler').map((d) => d.metadata!.name).sort()).toEqual(['ingest-api', 'metrics-api']);
    expect(docs.filter((d) => d.kind === 'PodDisruptionBudget').map((d) => d.metadata!.name).sort()).toEqual(['aggregator', 'enricher', 'ingest-api', 'metrics-api']);
  });

  it('keeps tenant keys as SHA-256 digests only, in a registry the services accept in production', () => {
    const registry = JSON.parse(docs.find((d) => d.metadata?.name === 'cdnlog-tenants')!.stringData!['tenants.json']!);
    for (const t of registry.tenants) for (const k of [...t.ingestKeySha256, ...t.readKeySha256]) expect(k).toMatch(/^[0-9a-f]{64}$/);
    expect(TenantRegistry.parse(registry, 'cdnlog-tenants', { requireIngestKeys: true }).size).toBe(registry.tenants.length);
  });
});

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, { build?: { args: { SERVICE: string } }; environment?: Record<string, string>; ports?: string[]; deploy?: { resources: { limits: { cpus: string; memory: string } } } }>;
  };
  const mb = (m: string) => (m.endsWith('G') ? Number(m.slice(0, -1)) * 1024 : Number(m.replace(/M$/, '')));

  it('fits 2 CPUs and 4 GB, every container limited', () => {
    const limits = Object.entries(compose.services).map(([name, s]) => ({ name, limits: s.deploy?.resources.limits }));
    expect(limits.filter((l) => !l.limits)).toEqual([]);
    expect(limits.reduce((a, l) => a + Number(l.limits!.cpus), 0)).toBeLessThanOrEqual(2);
    expect(limits.reduce((a, l) => a + mb(l.limits!.memory), 0)).toBeLessThanOrEqual(4096);
  });

  it('builds each service from the Dockerfile and passes only variables it reads', () => {
    const built = Object.entries(compose.services).filter(([, s]) => s.build);
    expect(built.map(([name, s]) => [name, s.build!.args.SERVICE])).toEqual(['ingest-api', 'enricher', 'aggregator', 'metrics-api'].map((n) => [n, n]));
    for (const [name, s] of built) {
      const service = SERVICES[name]!;
      expect({ name, unknown: Object.keys(s.environment ?? {}).filter((k) => !service.keys.includes(k) && !RUNTIME_ENV.has(k)) }).toEqual({ name, unknown: [] });
      // The image runs with NODE_ENV=production: an API without its own registry path would not start.
      if (service.api) {
        expect(s.environment!.TENANT_REGISTRY_PATH).toBe('/app/config/tenants.sample.json');
        expect(s.ports).toEqual([`${s.environment!.PORT}:${s.environment!.PORT}`, `127.0.0.1:${s.environment!.OPS_PORT}:${s.environment!.OPS_PORT}`]);
      }
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

  it('builds with the same command as the README and CI (npm run build), and runs the built entry point as non-root', () => {
    expect(dockerfile).toMatch(/^RUN npm run build$/m);
    expect(pkg.scripts.build).toBe('nx run-many -t build --outputStyle=static');
    expect(readFileSync(join(ROOT, 'scripts', 'test'), 'utf8')).toMatch(/^npm run build$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toContain('exec node ${NODE_ARGS:-} services/${SERVICE}/dist/main.js');
    expect(dockerfile).toMatch(/npm install --omit=dev/);
    for (const name of Object.keys(SERVICES)) expect(existsSync(join(ROOT, 'services', name, 'dist', 'main.js'))).toBe(true);
  });
});
