/**
 * The analyst dashboard (GET /dashboard on the metrics API) in headless Chromium
 * (Debian's, installed by scripts/test) against the whole pipeline: it shows the
 * live totals the API answers, history grouped by country, downloads the same
 * CSV as the API, and says "wrong tenant or key" for a wrong key. Takes a
 * screenshot; with UPDATE_SCREENSHOTS=1 it replaces README's docs/images/dashboard.png
 * (otherwise it goes to the temp folder, so a test run leaves the work tree clean).
 * Also: every metric the Grafana dashboard and the alert rules name is in the
 * running services' /metrics output.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { sha256Hex } from '@cdnlog/common';
import { uniquePrefix, waitFor } from '@cdnlog/common/testing';
import { deployedExprs, isRegistered, type MetricType, metricNames } from '../../deploy/registered-metrics';
import type { HistoryView, LiveView } from '../../services/metrics-api/src/api-schemas';
import { type Pipeline, startPipeline } from './start-pipeline';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const prefix = uniquePrefix('dash');
const SCREENSHOT = process.env.UPDATE_SCREENSHOTS ? join(__dirname, '..', '..', 'docs', 'images', 'dashboard.png') : join(tmpdir(), `${prefix}-dashboard.png`);
const tenant = `${prefix}-shop`;
const readKey = `${prefix}-read-key`;
const registryPath = join(tmpdir(), `${prefix}-tenants.json`);
const EVENTS = 60;
let pipeline: Pipeline;
let browser: Browser;
let page: Page;
const requested: string[] = [];

beforeAll(async () => {
  writeFileSync(
    registryPath,
    JSON.stringify({ tenants: [{ id: tenant, ingestKeySha256: [sha256Hex('dash-ingest')], readKeySha256: [sha256Hex(readKey)] }] }),
  );
  pipeline = await startPipeline(prefix, 19_441, { TENANT_REGISTRY_PATH: registryPath });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
  page.on('request', (r) => requested.push(r.url()));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await pipeline?.stop();
});

const api = (path: string, key = readKey) => fetch(`${pipeline.urls.metrics}${path}`, { headers: { authorization: `Bearer ${key}` } });
const apiJson = async <T>(path: string) => (await (await api(path)).json()) as T;
const testId = (id: string) => page.locator(`[data-testid="${id}"]`);

describe('the dashboard', () => {
  it('shows the live totals and history the API answers, and downloads the same CSV', async () => {
    const now = Date.now();
    // GB (81.2.69.142) twice as often as US (8.8.8.x); statuses 200, 200, 304, 404, 502.
    const events = Array.from({ length: EVENTS }, (_, i) => ({
      timestamp: now - 5_000, clientIp: i % 3 ? '81.2.69.142' : `8.8.8.${i % 7}`, method: 'GET', path: `/img/${i % 4}.png`,
      status: [200, 200, 304, 404, 502][i % 5], bytesSent: 1000 + i, cacheStatus: i % 4 ? 'HIT' : 'MISS',
      userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    }));
    const sent = await fetch(`${pipeline.urls.ingest}/v1/logs`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-customer-id': tenant, authorization: 'Bearer dash-ingest' }, body: JSON.stringify(events),
    });
    expect(sent.status).toBe(202);
    const live = await waitFor(() => apiJson<LiveView>(`/api/v1/metrics/${tenant}`), (v) => v.totals?.requests === EVENTS, { what: `${EVENTS} live requests`, timeoutMs: 90_000 });
    const from = now - 3_600_000;
    await waitFor(
      () => apiJson<Partial<HistoryView>>(`/api/v1/metrics/${tenant}/history?from=${from}&to=${now + 60_000}&interval=minute&groupBy=country`),
      (v) => (v.buckets ?? []).reduce((s, b) => s + b.requests, 0) === EVENTS,
      { what: `${EVENTS} requests in history by country`, timeoutMs: 60_000 },
    );

    await page.goto(`${pipeline.urls.metrics}/dashboard`);
    await testId('tenant-id').fill(tenant);
    await testId('read-key').fill(readKey);
    await testId('signin-submit').click();
    await page.locator('[data-testid="live-state"][data-state="ready"]').waitFor({ timeout: 15_000 });

    const t = live.totals;
    for (const key of ['requests', 'bytes', 'status2xx', 'status3xx', 'status4xx', 'status5xx', 'uniqueIps'] as const) {
      expect({ key, shown: (await testId(`total-${key}`).textContent())!.replace(/,/g, '') }).toEqual({ key, shown: String(t[key]) });
    }
    expect(t).toMatchObject({ requests: EVENTS, status2xx: 24, status3xx: 12, status4xx: 12, status5xx: 12, cacheHitRatio: 0.75 });
    expect(await testId('total-cacheHitRatio').getAttribute('data-value')).toBe(String(t.cacheHitRatio));
    expect(await testId('total-cacheHitRatio').textContent()).toBe('75.0 %');
    expect(await testId('top-countries').locator('tbody tr').allInnerTexts()).toEqual(['GB\t40', 'US\t20']);
    expect(await testId('live-chart').locator('.u-legend .u-label').allInnerTexts()).toEqual(['time', 'requests', '2xx', '3xx', '4xx', '5xx']);

    // History of the last hour by country: one series per group.
    await testId('history-range').selectOption('hour');
    await testId('history-group-by').selectOption('country');
    await testId('history-submit').click();
    await page.locator('[data-testid="history-state"][data-state="ready"]').waitFor({ timeout: 15_000 });
    expect(await testId('history-chart').locator('.u-legend .u-label').allInnerTexts()).toEqual(['time', 'GB', 'US']);
    const query = (await testId('history-query').textContent())!;
    expect(query).toMatch(new RegExp(`^/api/v1/metrics/${tenant}/history\\?from=\\d+&to=\\d+&interval=minute&groupBy=country$`));

    const [download] = await Promise.all([page.waitForEvent('download'), testId('download-csv').click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    const expected = await (await api(`${query}&format=csv`)).text();
    expect(csv).toBe(expected);
    expect(csv.split('\r\n')[0]).toBe('bucket,group,requests,bytes,status2xx,status3xx,status4xx,status5xx,uniqueIps');
    expect(download.suggestedFilename()).toMatch(/\.csv$/);

    mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    // The key travels in headers only, never in a URL.
    expect(requested.filter((u) => u.includes(readKey))).toEqual([]);
    expect(await page.evaluate('sessionStorage.getItem("cdnlog.dashboard.key")')).toBe(readKey);
  }, 240_000);

  it('says "wrong tenant or key" for a wrong key or another tenant', async () => {
    await testId('sign-out').click();
    for (const [id, key] of [[tenant, 'not-the-key'], [`${prefix}-nobody`, readKey]] as const) {
      await testId('tenant-id').fill(id);
      await testId('read-key').fill(key);
      await testId('signin-submit').click();
      await page.locator('[data-testid="auth-error"]:visible').waitFor({ timeout: 15_000 });
      expect(await testId('auth-error').textContent()).toBe('Wrong tenant or key.');
      expect(await testId('dashboard').isVisible()).toBe(false);
    }
  }, 60_000);
});

describe('the operator dashboard and alert rules against the running services', () => {
  it('name only metrics that the four services’ /metrics output holds', async () => {
    const exposed = new Map<string, MetricType>();
    for (const port of Object.values(pipeline.ports)) {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\w+)$/gm)) exposed.set(name!, type as MetricType);
    }
    const { dashboard, alerts } = deployedExprs();
    expect([dashboard.length > 30, alerts.length > 0]).toEqual([true, true]);
    const named = [...new Set([...dashboard, ...alerts].flatMap(metricNames))].sort();
    expect(named.length).toBeGreaterThan(30);
    expect(named.filter((name) => !isRegistered(exposed, name))).toEqual([]);
  });
});
