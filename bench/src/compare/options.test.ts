import { join } from 'node:path';
import { compareOptions } from './options';

const argv = (...args: string[]) => ['node', 'main.js', '--profile', 'compare', ...args];

describe('compareOptions', () => {
  it('defaults to 40,000 events/s in batches of 500 for 30 s, both systems, the peer beside the project', () => {
    const o = compareOptions(argv(), '/work/main');
    expect(o.points).toEqual([{ rate: 40_000, batch: 500 }]);
    expect(o.seconds).toBe(30);
    expect(o.warmupSeconds).toBe(20);
    expect(o.systems).toEqual(['project', 'peer']);
    expect(o.peerDir).toBe(join('/work', 'shared', 'peers'));
    expect(o.out).toBe(join('/work/main', 'bench', 'results'));
  });

  it('pairs rate and batch lists by position; one batch applies to every rate', () => {
    expect(compareOptions(argv('--rate', '8000,40000,2000', '--batch', '100,500,1'), '/r').points).toEqual([
      { rate: 8000, batch: 100 }, { rate: 40_000, batch: 500 }, { rate: 2000, batch: 1 },
    ]);
    expect(compareOptions(argv('--rate', '40000,60000', '--batch', '500'), '/r').points).toEqual([{ rate: 40_000, batch: 500 }, { rate: 60_000, batch: 500 }]);
  });

  it('takes the peer directory, the systems (in a fixed order) and the timings', () => {
    const o = compareOptions(argv('--peer-dir', '/elsewhere', '--systems', 'peer,project', '--seconds', '60', '--warmup-s', '0', '--settle-s', '0', '--timeout-s', '120'), '/r');
    expect(o).toMatchObject({ peerDir: '/elsewhere', systems: ['project', 'peer'], seconds: 60, warmupSeconds: 0, settleSeconds: 0, timeoutSeconds: 120 });
    expect(compareOptions(argv('--systems', 'project'), '/r').systems).toEqual(['project']);
  });

  it.each([
    [['--rate', 'fast'], /--rate fast/],
    [['--rate', '0'], /from 1/],
    [['--rate', '1000,2000', '--batch', '10,20,30'], /one batch size or one per rate/],
    [['--rate', '100', '--batch', '500'], /less than one request per second/],
    [['--seconds', '301'], /--seconds 301/],
    [['--seconds', '10,20'], /one value/],
    [['--warmup-s', '301'], /--warmup-s 301/],
    [['--systems', 'project,go'], /go is not one of project, peer/],
  ])('refuses %j', (args, message) => {
    expect(() => compareOptions(argv(...args), '/r')).toThrow(message);
  });
});
