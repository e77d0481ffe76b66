import { tenantRetentionPlan } from './tenant-plan';

const days: Record<string, number | undefined> = { a: undefined, b: 10, c: 120, d: 30, e: 29 };
const lookup = (tenant: string) => days[tenant];

describe('tenantRetentionPlan', () => {
  it('shorter than the global: deleted early; longer: listed to warn about; absent or equal: neither', () => {
    expect(tenantRetentionPlan(['e', 'a', 'b', 'c', 'd', 'unknown'], lookup, 30)).toEqual({
      shorter: [{ tenant: 'b', days: 10 }, { tenant: 'e', days: 29 }],
      longer: [{ tenant: 'c', days: 120 }],
    });
  });

  it('a global of 0 keeps everything, so every tenant value is shorter', () => {
    expect(tenantRetentionPlan(['a', 'b', 'c'], lookup, 0)).toEqual({ shorter: [{ tenant: 'b', days: 10 }, { tenant: 'c', days: 120 }], longer: [] });
  });

  it('a tenant listed twice counts once', () => {
    expect(tenantRetentionPlan(['b', 'b'], lookup, 90).shorter).toEqual([{ tenant: 'b', days: 10 }]);
  });
});
