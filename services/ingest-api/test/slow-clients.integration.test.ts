/**
 * Clients that send their request too slowly (slowloris): each gets a JSON 408
 * once REQUEST_TIMEOUT_MS passed without the whole request, and its in-flight
 * slot is free again, so a handful of trickling connections cannot turn every
 * other client away with 429. Nothing of theirs is published.
 */
import { connect, type Socket } from 'node:net';
import { waitFor } from '@cdnlog/common/testing';
import { entry, startIngest } from './harness';

let ingest: Awaited<ReturnType<typeof startIngest>>;
beforeAll(async () => {
  ingest = await startIngest('slow-clients', { env: { REQUEST_TIMEOUT_MS: '2000', MAX_INFLIGHT_REQUESTS: '2' } });
});
afterAll(() => ingest.stop());

const TIMED_OUT_BODY = { error: 'request_timeout', message: 'The request was not received completely within 2 s.' };

/**
 * Opens a connection, writes `head` and leaves it there; `answer` resolves with everything the
 * server sent once the connection closed. `allowHalfOpen`: the client does not close its side when
 * the server ends its own (as curl keeps uploading), and errors from writing later are ignored.
 */
function trickle(head: string, opts: { allowHalfOpen?: boolean } = {}): { socket: Socket; answer: Promise<string>; received: () => string } {
  const port = Number(new URL(ingest.url).port);
  const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: opts.allowHalfOpen ?? false }, () => socket.write(head));
  let out = '';
  socket.on('data', (d) => (out += d.toString()));
  const answer = new Promise<string>((resolve, reject) => {
    socket.on('close', () => resolve(out));
    socket.on('error', (err) => (opts.allowHalfOpen ? undefined : reject(err)));
  });
  return { socket, answer, received: () => out };
}

const statusLine = (reply: string) => reply.split('\r\n')[0];

/** `cdnlog_ingest_requests_total{status,code}` of the instance. */
async function counted(status: string, code: string): Promise<number> {
  const text = await (await fetch(`${ingest.opsUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('cdnlog_ingest_requests_total{') && l.includes(`status="${status}"`) && l.includes(`code="${code}"`));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}
const timeoutsCounted = () => counted('408', 'request_timeout');
const bodyOf = (reply: string) => JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4)) as unknown;

describe('slow clients', () => {
  it('a body that stops arriving → 408 request_timeout; while such requests hold every slot others get 429, afterwards 202', async () => {
    const before = await ingest.messageCount();
    const countedBefore = await timeoutsCounted();
    const body = JSON.stringify([entry()]);
    const head = `POST /v1/logs HTTP/1.1\r\nhost: x\r\nx-customer-id: ${ingest.tenants.open}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`;
    const slow = [trickle(head + body.slice(0, 10)), trickle(head + body.slice(0, 10))];
    await new Promise((r) => setTimeout(r, 300));

    const turnedAway = await ingest.post([entry()], { 'x-customer-id': ingest.tenants.open });
    expect(turnedAway.status).toBe(429);
    expect(turnedAway.body.error).toBe('overloaded');

    for (const { answer } of slow) {
      const reply = await answer;
      expect(statusLine(reply)).toBe('HTTP/1.1 408 Request Timeout');
      expect(bodyOf(reply)).toEqual(TIMED_OUT_BODY);
    }
    expect(await timeoutsCounted()).toBe(countedBefore + 2);
    // The server closes the connection right after the 408; the slot is free once that close is processed.
    const ok = await waitFor(() => ingest.post([entry()], { 'x-customer-id': ingest.tenants.open }), (r) => r.status !== 429, { timeoutMs: 5000, intervalMs: 50, what: 'a slot' });
    expect(ok.status).toBe(202);
    expect(await ingest.messageCount()).toBe(before + 1);
  });

  it('a client that hangs up in the middle of its body frees its slot at once, not at the 408, and counts as 499, not as a server error', async () => {
    const before = await ingest.messageCount();
    const [closedBefore, errorsBefore] = [await counted('499', 'client_closed_request'), await counted('500', 'internal_error')];
    const body = JSON.stringify([entry()]);
    const head = `POST /v1/logs HTTP/1.1\r\nhost: x\r\nx-customer-id: ${ingest.tenants.open}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`;
    const gone = [trickle(head + body.slice(0, 10)), trickle(head + body.slice(0, 10))];
    await new Promise((r) => setTimeout(r, 200));
    expect((await ingest.post([entry()], { 'x-customer-id': ingest.tenants.open })).status).toBe(429); // both slots held
    for (const { socket, answer } of gone) {
      socket.destroy();
      await answer;
    }
    // Within 1 s of the hang-up, well before the 408 (REQUEST_TIMEOUT_MS 2,000 from the requests' start) would free the slots.
    const ok = await waitFor(() => ingest.post([entry()], { 'x-customer-id': ingest.tenants.open }), (r) => r.status !== 429, { timeoutMs: 1000, intervalMs: 20, what: 'a slot' });
    expect(ok.status).toBe(202);
    expect(await ingest.messageCount()).toBe(before + 1);
    expect([await counted('499', 'client_closed_request'), await counted('500', 'internal_error')]).toEqual([closedBefore + 2, errorsBefore]);
  });

  it('a client that keeps sending after its 408 is cut off: the late rest of its body is never handled, nothing published', async () => {
    const before = await ingest.messageCount();
    const body = JSON.stringify([entry()]);
    const head = `POST /v1/logs HTTP/1.1\r\nhost: x\r\nx-customer-id: ${ingest.tenants.open}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`;
    const { socket, answer, received } = trickle(head + body.slice(0, 10), { allowHalfOpen: true });
    await waitFor(async () => received(), (out) => out.includes('\r\n\r\n{'), { timeoutMs: 10_000, intervalMs: 50, what: 'the 408' });
    expect(statusLine(received())).toBe('HTTP/1.1 408 Request Timeout');
    // The rest of the body, then the client's own end: a server that only half-closed would now read
    // a complete request, handle it and publish it.
    socket.end(body.slice(10));
    await answer;

    const ok = await waitFor(() => ingest.post([entry()], { 'x-customer-id': ingest.tenants.open }), (r) => r.status !== 429, { timeoutMs: 5000, intervalMs: 50, what: 'a slot' });
    expect(ok.status).toBe(202);
    expect(await ingest.messageCount()).toBe(before + 1);
  });

  it('headers that never end → the same 408', async () => {
    const { answer } = trickle(`POST /v1/logs HTTP/1.1\r\nhost: x\r\nx-customer-id: ${ingest.tenants.open}\r\n`);
    const reply = await answer;
    expect(statusLine(reply)).toBe('HTTP/1.1 408 Request Timeout');
    expect(bodyOf(reply)).toEqual(TIMED_OUT_BODY);
  });

  it('a body sent slowly but completely within the timeout is accepted', async () => {
    const body = JSON.stringify([entry()]);
    const head = `POST /v1/logs HTTP/1.1\r\nhost: x\r\nx-customer-id: ${ingest.tenants.open}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n`;
    const { socket, answer } = trickle(head + body.slice(0, 10));
    await new Promise((r) => setTimeout(r, 1000));
    socket.write(body.slice(10));
    const reply = await answer;
    expect(statusLine(reply)).toBe('HTTP/1.1 202 Accepted');
    expect(bodyOf(reply)).toMatchObject({ accepted: 1 });
  });
});
