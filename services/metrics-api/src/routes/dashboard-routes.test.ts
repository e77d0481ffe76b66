import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { dashboardRoutes } from './dashboard-routes';

let server: Server;
let base: string;
beforeAll(async () => {
  const app = express().use(dashboardRoutes());
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

describe('dashboard routes', () => {
  it('serves the page, its stylesheet and uPlot from the package, with a same-origin CSP', async () => {
    const page = await fetch(`${base}/dashboard/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('data-testid="signin"');
    const redirect = await fetch(`${base}/dashboard`, { redirect: 'manual' });
    expect([301, 302]).toContain(redirect.status);
    expect(redirect.headers.get('location')).toBe('/dashboard/');
    expect((await fetch(`${base}/dashboard/dashboard.css`)).status).toBe(200);
    const uplot = await fetch(`${base}/dashboard/vendor/uPlot.iife.min.js`);
    expect(uplot.status).toBe(200);
    expect(uplot.headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${base}/dashboard/vendor/uPlot.min.css`)).status).toBe(200);
  });

  it('serves no other file of the uplot package', async () => {
    expect((await fetch(`${base}/dashboard/vendor/package.json`)).status).toBe(404);
    expect((await fetch(`${base}/dashboard/vendor/..%2Fpackage.json`)).status).toBe(404);
  });
});
