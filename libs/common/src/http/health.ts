/**
 * Readiness is the AND of named checks; each check answers quickly and never
 * throws to the caller. `/readyz` returns the per-check result so an operator
 * sees which dependency is missing.
 */
export type HealthCheck = () => Promise<boolean> | boolean;

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, 'ok' | 'failing'>;
}

export async function runChecks(checks: Record<string, HealthCheck>, timeoutMs = 2000): Promise<ReadinessReport> {
  const names = Object.keys(checks);
  const results = await Promise.all(
    names.map(async (name) => {
      try {
        const check = checks[name]!;
        const ok = await Promise.race([
          Promise.resolve(check()),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref()),
        ]);
        return ok === true;
      } catch {
        return false;
      }
    }),
  );
  const report: ReadinessReport = { ready: results.every(Boolean), checks: {} };
  names.forEach((name, i) => (report.checks[name] = results[i] ? 'ok' : 'failing'));
  return report;
}
