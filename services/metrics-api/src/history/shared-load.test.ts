import { SharedLoads } from './shared-load';

/** A load that waits for `finish`, and records the signal it was given. */
function pendingLoad() {
  let finish!: (value: string) => void;
  const signals: AbortSignal[] = [];
  const load = jest.fn((signal: AbortSignal) => {
    signals.push(signal);
    return new Promise<string>((resolve, reject) => {
      finish = resolve;
      signal.addEventListener('abort', () => reject(new Error('aborted')));
    });
  });
  return { load, signals, finish: (v: string) => finish(v) };
}

describe('SharedLoads', () => {
  it('one caller hanging up does not abort the load another waits for', async () => {
    const loads = new SharedLoads<string>();
    const { load, signals, finish } = pendingLoad();
    const first = new AbortController();
    const second = new AbortController();
    const a = loads.get('k', load, first.signal);
    const b = loads.get('k', load, second.signal);
    expect(load).toHaveBeenCalledTimes(1);
    first.abort();
    expect(signals[0]!.aborted).toBe(false);
    finish('answer');
    await expect(Promise.all([a, b])).resolves.toEqual(['answer', 'answer']);
    expect(loads.size).toBe(0);
  });

  it('aborts the load once every caller has gone, and the next caller starts a new one', async () => {
    const loads = new SharedLoads<string>();
    const { load, signals } = pendingLoad();
    const callers = [new AbortController(), new AbortController()];
    const waits = callers.map((c) => loads.get('k', load, c.signal));
    callers[0]!.abort();
    callers[1]!.abort();
    expect(signals[0]!.aborted).toBe(true);
    await expect(Promise.all(waits)).rejects.toThrow('aborted');
    const again = pendingLoad();
    const next = loads.get('k', again.load, new AbortController().signal);
    expect(again.load).toHaveBeenCalledTimes(1);
    again.finish('fresh');
    await expect(next).resolves.toBe('fresh');
  });

  it('a caller whose request is already gone does not keep the load alive', async () => {
    const loads = new SharedLoads<string>();
    const { load, signals } = pendingLoad();
    const gone = new AbortController();
    gone.abort();
    const wait = loads.get('k', load, gone.signal);
    expect(signals[0]!.aborted).toBe(true);
    await expect(wait).rejects.toThrow('aborted');
  });

  it('different keys load separately', () => {
    const loads = new SharedLoads<string>();
    const { load } = pendingLoad();
    void loads.get('a', load, new AbortController().signal).catch(() => undefined);
    void loads.get('b', load, new AbortController().signal).catch(() => undefined);
    expect(load).toHaveBeenCalledTimes(2);
  });
});
