interface Load<T> {
  promise: Promise<T>;
  controller: AbortController;
  waiters: number;
}

/**
 * Identical loads running at once share one promise. Each caller passes the
 * signal of its own request; the load's signal aborts only once every caller
 * waiting for it has gone, so one reader hanging up never cancels the answer
 * another still waits for. A caller arriving after that starts a new load.
 */
export class SharedLoads<T> {
  private readonly loads = new Map<string, Load<T>>();

  get size(): number {
    return this.loads.size;
  }

  get(key: string, load: (signal: AbortSignal) => Promise<T>, signal: AbortSignal): Promise<T> {
    let entry = this.loads.get(key);
    if (!entry || entry.controller.signal.aborted) {
      const controller = new AbortController();
      const started: Load<T> = { promise: load(controller.signal), controller, waiters: 0 };
      const forget = () => {
        if (this.loads.get(key) === started) this.loads.delete(key);
      };
      started.promise.then(forget, forget);
      this.loads.set(key, (entry = started));
    }
    const joined = entry;
    joined.waiters += 1;
    const leave = () => {
      joined.waiters -= 1;
      if (joined.waiters === 0) joined.controller.abort();
    };
    if (signal.aborted) leave();
    else signal.addEventListener('abort', leave, { once: true });
    return joined.promise.finally(() => signal.removeEventListener('abort', leave));
  }
}
