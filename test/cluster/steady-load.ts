/**
 * Steady load for the fault tests: a few edges posting batches for one tenant, each batch
 * with its own idempotency key and re-sent with that key until the ingest API gives a
 * definite answer. 202 counts the batch as accepted; 409 `duplicate_idempotency_key` means an
 * earlier attempt was accepted, and counts it once too. 409 `idempotency_key_in_progress`,
 * 429, 5xx and connection errors are retried,
 * as an edge does, so every batch ends accepted exactly once and `accepted` is exact.
 */
export interface SteadyLoad {
  /** Stop sending new batches and wait for the ones in flight to get a definite answer. */
  stop(): Promise<LoadTally>;
  tally(): LoadTally;
}

export interface LoadTally {
  batches: number;
  accepted: number;
  /** Attempts answered with something other than 202/409, by status or error code. */
  retried: Record<string, number>;
}

export function startSteadyLoad(opts: {
  ingestUrl: string; tenant: string; ingestKey: string; keyPrefix: string;
  edges?: number; batchSize?: number; pauseMs?: number;
}): SteadyLoad {
  const edges = opts.edges ?? 3;
  const size = opts.batchSize ?? 100;
  const tally: LoadTally = { batches: 0, accepted: 0, retried: {} };
  let stopping = false;
  let sequence = 0;
  const retried = (why: string) => (tally.retried[why] = (tally.retried[why] ?? 0) + 1);

  const send = async (n: number) => {
    const now = Date.now();
    const body = JSON.stringify(
      Array.from({ length: size }, (_, i) => ({
        timestamp: now, clientIp: `10.${n % 250}.${i % 250}.7`, method: 'GET', path: `/b${n}/e${i}`, status: 200, bytesSent: 100 + i, cacheStatus: 'HIT',
      })),
    );
    const headers = {
      'content-type': 'application/json', 'x-customer-id': opts.tenant, authorization: `Bearer ${opts.ingestKey}`, 'idempotency-key': `${opts.keyPrefix}-${n}`,
    };
    for (let attempt = 0; ; attempt++) {
      const status = await fetch(`${opts.ingestUrl}/v1/logs`, { method: 'POST', headers, body, signal: AbortSignal.timeout(15_000) }).then(
        async (r) => (r.status === 409 ? `409 ${((await r.json()) as { error?: string }).error}` : (await r.arrayBuffer(), r.status)),
        (err: unknown) => `error ${(err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name}`,
      );
      if (status === 202 || status === '409 duplicate_idempotency_key') {
        tally.batches += 1;
        tally.accepted += size;
        return;
      }
      retried(String(status));
      await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** attempt, 2000)));
    }
  };

  const edge = async () => {
    while (!stopping) {
      await send(sequence++);
      await new Promise((r) => setTimeout(r, opts.pauseMs ?? 100));
    }
  };
  const running = Promise.all(Array.from({ length: edges }, edge));
  return {
    async stop() {
      stopping = true;
      await running;
      return { ...tally, retried: { ...tally.retried } };
    },
    tally: () => ({ ...tally, retried: { ...tally.retried } }),
  };
}
