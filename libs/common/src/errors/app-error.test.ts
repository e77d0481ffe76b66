import { AppError } from './app-error';

describe('AppError', () => {
  it('captures no stack for a 4xx (a refusal is not a bug) and a full one for a 5xx; the limit is restored', () => {
    const limit = Error.stackTraceLimit;
    const refused = new AppError(429, 'overloaded', 'retry later');
    expect(refused.stack?.split('\n')).toHaveLength(1);
    expect(Error.stackTraceLimit).toBe(limit);
    const broken = new AppError(500, 'internal_error', 'boom');
    expect(broken.stack!.split('\n').length).toBeGreaterThan(1);
    expect(refused.toBody()).toEqual({ error: 'overloaded', message: 'retry later' });
    expect(refused).toBeInstanceOf(Error);
  });
});
