import { summarize } from '../compare/compute';
import { raw } from '../testing/measurement';
import { compareMarkdown, compareTable, pointLabel } from './write-compare-report';

describe('compareTable', () => {
  it('has the issue\'s columns and one row per system and point', () => {
    const table = compareTable([
      summarize(raw()),
      summarize(raw({ system: 'peer', point: { rate: 8000, batch: 100 }, load: { accepted: 240_000, statuses: {}, p50Ms: 2.4, p95Ms: 12.8, p99Ms: 28.8 }, clickhouseDoneSeconds: 31, liveDoneSeconds: 32 })),
    ]).split('\n');
    expect(table[0]).toBe('| offered, batch | system | accepted ev/s | end to end ev/s | CPU µs/event: ingest / enricher / aggregator / Kafka / ClickHouse / Redis | total | latency p50 / p95 / p99 ms |');
    expect(table[2]).toBe('| 40,000, 500 | project | 40,000 | 13,333 | 17 / 54 / 16 / 10 / 28 / 2 | 127 | 4.1 / 9.8 / 21 |');
    expect(table[3]).toBe('| 8,000, 100 | Go peer | 8,000 | 7,500 (keeps up) | 85 / 270 / 80 / 50 / 140 / 10 | 635 | 2.4 / 12.8 / 28.8 |');
  });

  it('shows processes not found as – and an incomplete drain with its counts', () => {
    const row = compareTable([summarize(raw({ liveDoneSeconds: null, liveEvents: 1_000_000, cpuSeconds: { ...raw().cpuSeconds, redis: null } }))]).split('\n')[2];
    expect(row).toBe('| 40,000, 500 | project | 40,000 | incomplete (ClickHouse 1,200,000, live 1,000,000 of 1,200,000) | 17 / 54 / 16 / 10 / 28 / – | 125 | 4.1 / 9.8 / 21 |');
  });
});

describe('pointLabel', () => {
  it('names single-event loads in requests', () => {
    expect(pointLabel({ rate: 2000, batch: 1 })).toBe('2,000 single-event req/s');
    expect(pointLabel({ rate: 60_000, batch: 500 })).toBe('60,000, 500');
  });
});

describe('compareMarkdown', () => {
  it('states the ratio and why the peer was skipped', () => {
    const base = { startedAt: '2026-12-01T10:00:00.000Z', machine: { cpus: 2, memoryGb: 24, node: 'v20.20.0' }, seconds: 30, warmupSeconds: 20 };
    const withPeer = compareMarkdown({ ...base, peer: { dir: '/p', measured: true }, measurements: [summarize(raw())], ratios: [{ rate: 40_000, batch: 500, projectToPeer: 0.36 }] });
    expect(withPeer).toContain('- 40,000, 500: project / Go peer, end-to-end events/s = **0.36**');
    expect(withPeer).toContain("30 s of load per point from the peer's `bin/peer -role load` (64 connections), after 20 s of the first point's load per system, drained and not measured.");
    const without = compareMarkdown({ ...base, peer: { dir: '/p', measured: false, skipped: '`go` is not on PATH' }, measurements: [summarize(raw({ loadGenerator: 'bench' }))], ratios: [] });
    expect(without).toContain('Peer not measured: `go` is not on PATH.');
    expect(compareMarkdown({ ...base, warmupSeconds: 0, peer: { dir: '/p', measured: false, skipped: '`go` is not on PATH' }, measurements: [summarize(raw({ loadGenerator: 'bench' }))], ratios: [] })).toContain(
      "30 s of load per point from the bench's own load generator, without a warm-up.",
    );
  });
});
