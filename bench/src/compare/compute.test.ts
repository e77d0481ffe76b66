import { cpu, raw } from '../testing/measurement';
import { cpuMicrosPerEvent, endToEndRatios, parsePeerLoad, summarize } from './compute';

describe('cpuMicrosPerEvent', () => {
  it('divides each process\'s CPU seconds by the events, in µs, and sums them', () => {
    const r = cpuMicrosPerEvent(cpu({ ingest: 20.4, enricher: 64.8, aggregator: 19.2, kafka: 12, clickhouse: 33.6, redis: 2.4 }), 1_200_000);
    expect(r.perProcess).toEqual({ ingest: 17, enricher: 54, aggregator: 16, kafka: 10, clickhouse: 28, redis: 2 });
    expect(r.total).toBe(127);
  });

  it('leaves out processes that were not found, and has nothing to say for no events', () => {
    expect(cpuMicrosPerEvent(cpu({ ingest: 1, kafka: 0.5 }), 100_000)).toEqual({ perProcess: cpu({ ingest: 10, kafka: 5 }), total: 15 });
    expect(cpuMicrosPerEvent(cpu({ ingest: 1 }), 0)).toEqual({ perProcess: cpu({}), total: null });
  });
});

describe('summarize', () => {
  it('accepted ev/s over the load, end-to-end ev/s until both stores hold every event', () => {
    const m = summarize(raw());
    expect(m.acceptedEventsPerSecond).toBe(40_000);
    expect(m.endToEndEventsPerSecond).toBe(13_333);
    expect(m.keepsUp).toBe(false);
    expect(m.cpuMicrosPerEventTotal).toBe(127);
  });

  it('keeps up when both stores are complete within 5 s of the load\'s end', () => {
    expect(summarize(raw({ clickhouseDoneSeconds: 33, liveDoneSeconds: 35 })).keepsUp).toBe(true);
    expect(summarize(raw({ clickhouseDoneSeconds: 36, liveDoneSeconds: 33 })).keepsUp).toBe(false);
  });

  it('has no end-to-end rate when a store never held every event', () => {
    const m = summarize(raw({ liveDoneSeconds: null }));
    expect(m.endToEndEventsPerSecond).toBeNull();
    expect(m.keepsUp).toBe(false);
  });
});

describe('endToEndRatios', () => {
  it('project ÷ peer for every point both completed', () => {
    const ms = [
      summarize(raw()),
      summarize(raw({ system: 'peer', clickhouseDoneSeconds: 32, liveDoneSeconds: 32.9 })),
      summarize(raw({ point: { rate: 8000, batch: 100 } })),
      summarize(raw({ system: 'peer', point: { rate: 8000, batch: 100 }, liveDoneSeconds: null })),
    ];
    expect(endToEndRatios(ms)).toEqual([{ rate: 40_000, batch: 500, projectToPeer: 0.37 }]);
  });
});

describe('parsePeerLoad', () => {
  it('reads the last json line of bin/peer -role load', () => {
    const stdout = [
      'target     http://127.0.0.1:8080/v1/logs  tenants=20 conns=64 batch=500 rate=40000 ev/s',
      'accepted   1199500 events (39983 ev/s over 30.00s incl. drain)',
      'json       {"accepted":1199500,"offered":1200000,"p50_ms":4.123,"p95_ms":12.5,"p99_ms":30.456,"seconds":30.01,"statuses":{"202":2399,"error":1}}',
      '',
    ].join('\n');
    expect(parsePeerLoad(stdout)).toEqual({ accepted: 1_199_500, statuses: { '202': 2399, error: 1 }, p50Ms: 4.12, p95Ms: 12.5, p99Ms: 30.46 });
  });

  it('is undefined without a summary line', () => {
    expect(parsePeerLoad('first non-202 response: 401\n')).toBeUndefined();
  });
});
