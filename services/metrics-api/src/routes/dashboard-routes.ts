import { dirname, join } from 'node:path';
import express, { Router } from 'express';

/**
 * The folder of the analyst dashboard: index.html and dashboard.css as written, js/ compiled
 * from src/dashboard by its own tsconfig (part of `tsc -b`). Beside dist/ in the package and the image.
 */
export const DASHBOARD_DIR = join(__dirname, '..', '..', 'dashboard');

/** uPlot's browser files, served from the `uplot` package (no CDN). */
const VENDOR: Record<string, string> = {
  'uPlot.iife.min.js': 'dist/uPlot.iife.min.js',
  'uPlot.min.css': 'dist/uPlot.min.css',
};

// Only this origin's files and API; API answers and CSV downloads come through fetch (connect-src) and blob URLs.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** GET /dashboard: the analyst dashboard, static files served by this service. */
export function dashboardRoutes(dir = DASHBOARD_DIR): Router {
  const router = Router();
  const uplotDir = dirname(require.resolve('uplot/package.json'));
  router.use('/dashboard', (_req, res, next) => {
    res.set({ 'content-security-policy': CSP, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' });
    next();
  });
  router.get('/dashboard/vendor/:file', (req, res, next) => {
    const file = VENDOR[req.params.file];
    if (!file) return next();
    res.sendFile(join(uplotDir, file), { maxAge: '1h' });
  });
  router.use('/dashboard', express.static(dir, { index: 'index.html', maxAge: 0, dotfiles: 'ignore' }));
  return router;
}
