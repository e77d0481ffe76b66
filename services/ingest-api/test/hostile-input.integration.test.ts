import { Readable } from 'node:stream';
/**
 * Hostile and malformed input, on purpose. Every case gets a clear 4xx with a
 * stable error code, nothing is published, and the process keeps serving.
 * Last, input that is valid but not canonical (a lone surrogate) is accepted
 * repaired, and numbers no store could sum are refused.
 */
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { entry, startIngest } from './harness';

let ingest: Awaited<ReturnType<typeof startIngest>>;
let publishedBefore: number;
beforeAll(async () => {
  ingest = await startIngest('hostile', { env: { MAX_BODY_BYTES: '65536', MAX_ENTRIES_PER_BATCH: '100' } });
  publishedBefore = await ingest.messageCount();
});
afterAll(() => ingest.stop());

const open = () => ({ 'x-customer-id': ingest.tenants.open });
const problemsOf = (body: Record<string, unknown>) => (body.details as { problems: unknown[] }).problems;

async function rawRequest(head: string, body = ''): Promise<string> {
  const port = Number(new URL(ingest.url).port);
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(head + body));
    let out = '';
    socket.on('data', (d) => (out += d.toString()));
    socket.on('end', () => resolve(out));
    socket.on('error', reject);
  });
}

describe('hostile input to POST /v1/logs', () => {
  it('malformed JSON → 400 invalid_json', async () => {
    for (const raw of ['[{"timestamp":', '{"a":1,}', "[{'single':'quotes'}]", '\u0000\u0001']) {
      const res = await ingest.post(null, open(), raw);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_json');
      expect(res.body.message).toMatch(/^The body is not valid JSON: .+/);
    }
    const ndjson = await ingest.post(null, { ...open(), 'content-type': 'application/x-ndjson' }, `${JSON.stringify(entry())}\n{"broken"\n`);
    expect(ndjson.status).toBe(400);
    expect(ndjson.body.message).toMatch(/^The body is not valid JSON: line 2: /);
  });

  it('empty, null, scalar and empty-array bodies → 400 with their own codes', async () => {
    expect((await ingest.post(null, open(), '')).body).toEqual({ error: 'invalid_json', message: 'The body is not valid JSON: the body is empty' });
    const invalidBody = { error: 'invalid_body', message: 'The body must be a JSON array of entries or one entry object.' };
    expect((await ingest.post(null, open(), 'null')).body).toEqual(invalidBody);
    expect((await ingest.post(null, open(), '"text"')).body).toEqual(invalidBody);
    expect((await ingest.post(null, open(), '42')).body).toEqual(invalidBody);
    const empty = await ingest.post([], open());
    expect(empty.status).toBe(400);
    expect(empty.body).toEqual({ error: 'empty_batch', message: 'The batch holds no entries.' });
  });

  it('wrong types and missing fields → 400 listing every problem by index and field', async () => {
    const res = await ingest.post(
      [
        { timestamp: true, clientIp: 5, method: [], path: {}, status: '200', bytesSent: -1 },
        { clientIp: '1.2.3.4' },
        'not an object',
        [1, 2],
      ],
      open(),
    );
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_entries');
    expect(problemsOf(res.body)).toEqual([
      { index: 0, field: 'timestamp', message: 'must be an ISO-8601 string or epoch milliseconds' },
      { index: 0, field: 'clientIp', message: 'Invalid input: expected string, received number' },
      { index: 0, field: 'method', message: 'Invalid input: expected string, received array' },
      { index: 0, field: 'path', message: 'Invalid input: expected string, received object' },
      { index: 0, field: 'status', message: 'Invalid input: expected number, received string' },
      { index: 0, field: 'bytesSent', message: 'must not be negative' },
      { index: 1, field: 'timestamp', message: 'is required' },
      { index: 1, field: 'method', message: 'is required' },
      { index: 1, field: 'path', message: 'is required' },
      { index: 1, field: 'status', message: 'is required' },
      { index: 1, field: 'bytesSent', message: 'is required' },
      { index: 2, field: '(entry)', message: 'must be an object' },
      { index: 3, field: '(entry)', message: 'must be an object' },
    ]);
    expect((res.body.details as { totalProblems: number }).totalProblems).toBe(13);
  });

  it('caps the reported problems at 20 but counts them all', async () => {
    const res = await ingest.post(Array.from({ length: 30 }, () => entry({ status: 99 })), open());
    expect(problemsOf(res.body)).toHaveLength(20);
    expect(res.body.message).toBe('30 problem(s) in the batch; nothing was accepted. Fix them and resend the whole batch.');
  });

  it('huge strings, control characters and bad paths → 400 naming the field', async () => {
    const res = await ingest.post(
      [
        entry({ path: `/${'a'.repeat(3000)}` }),
        entry({ userAgent: 'x'.repeat(5000) }),
        entry({ path: 'no-leading-slash' }),
        entry({ path: '/ok\r\nSet-Cookie: evil=1' }),
        entry({ method: 'GET /admin' }),
        entry({ requestId: '' }),
      ],
      open(),
    );
    expect(problemsOf(res.body)).toEqual([
      { index: 0, field: 'path', message: 'must be at most 2048 characters' },
      { index: 1, field: 'userAgent', message: 'must be at most 1024 characters' },
      { index: 2, field: 'path', message: 'must start with "/"' },
      { index: 3, field: 'path', message: 'must not contain control characters' },
      { index: 4, field: 'method', message: 'must be an HTTP method (1-16 letters)' },
      { index: 5, field: 'requestId', message: 'must not be empty' },
    ]);
  });

  it('invalid IP addresses → 400', async () => {
    const ips = ['999.1.1.1', '1.2.3', 'localhost', '::gg', '1.2.3.4/24', ' 1.2.3.4', ''];
    const res = await ingest.post(ips.map((clientIp) => entry({ clientIp })), open());
    expect(problemsOf(res.body)).toEqual(ips.map((_, index) => ({ index, field: 'clientIp', message: 'must be an IPv4 or IPv6 address' })));
  });

  it('timestamps outside the accepted window or unparseable → 400', async () => {
    const now = Date.now();
    const res = await ingest.post(
      [
        entry({ timestamp: now + 24 * 3_600_000 }),
        entry({ timestamp: new Date(now - 30 * 24 * 3_600_000).toISOString() }),
        entry({ timestamp: '2026-13-45T99:00:00Z' }),
        entry({ timestamp: 'yesterday' }),
        entry({ timestamp: -5 }),
        entry({ timestamp: 1.5 }),
        entry({ timestamp: now + 60_000 }),
      ],
      open(),
    );
    expect(problemsOf(res.body)).toEqual([
      { index: 0, field: 'timestamp', message: 'is more than 300 seconds in the future' },
      { index: 1, field: 'timestamp', message: 'is more than 168 hours in the past' },
      { index: 2, field: 'timestamp', message: 'must be an ISO-8601 date-time such as 2026-11-22T10:00:00Z' },
      { index: 3, field: 'timestamp', message: 'must be an ISO-8601 date-time such as 2026-11-22T10:00:00Z' },
      { index: 4, field: 'timestamp', message: 'must not be negative' },
      { index: 5, field: 'timestamp', message: 'must be an ISO-8601 string or epoch milliseconds' },
    ]);
  });

  it('__proto__ and constructor keys pollute nothing and cannot supply fields', async () => {
    const raw = `[{"__proto__":{"status":200,"polluted":true},"constructor":{"prototype":{"polluted":true}},"timestamp":${Date.now()},"clientIp":"1.1.1.1","method":"GET","path":"/","bytesSent":1}]`;
    const res = await ingest.post(null, open(), raw);
    expect(res.status).toBe(400);
    expect(problemsOf(res.body)).toEqual([{ index: 0, field: 'status', message: 'is required' }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
  });

  it('deep nesting → 400, without a crash', async () => {
    const depth = 20_000;
    const res = await ingest.post(null, open(), '['.repeat(depth) + ']'.repeat(depth));
    expect(res.status).toBe(400);
    expect(problemsOf(res.body)).toEqual([{ index: 0, field: '(entry)', message: 'must be an object' }]);
  });

  it('oversized bodies and too many entries → 413', async () => {
    const big = await ingest.post(null, open(), JSON.stringify([entry({ userAgent: 'x'.repeat(1000) })]).padEnd(70_000, ' '));
    expect(big.status).toBe(413);
    expect(big.body).toEqual({ error: 'payload_too_large', message: 'The body exceeds 65536 bytes (after decompression).' });
    const many = await ingest.post(Array.from({ length: 101 }, () => entry()), open());
    expect(many.status).toBe(413);
    expect(many.body).toEqual({ error: 'too_many_entries', message: 'A batch may hold at most 100 entries (got 101).' });
  });

  it('a body far past the limit still gets its 413 answer, not a reset connection, with or without a declared length', async () => {
    const huge = Buffer.alloc(200 * 1024, 0x20);
    for (let i = 0; i < 5; i++) {
      const declared = await ingest.post(null, open(), huge);
      expect({ i, status: declared.status, body: declared.body }).toEqual({
        i, status: 413, body: { error: 'payload_too_large', message: 'The body exceeds 65536 bytes (after decompression).' },
      });
      // Chunked: no content-length, so the limit is found while reading.
      const chunked = await ingest.post(null, open(), Readable.from([huge.subarray(0, 100_000), huge.subarray(100_000)]));
      expect({ i, status: chunked.status, error: chunked.body.error }).toEqual({ i, status: 413, error: 'payload_too_large' });
    }
  });

  it('a too-large body is answered only once the client has sent it, so no answer meets a client still sending', async () => {
    const port = Number(new URL(ingest.url).port);
    for (const framing of ['declared', 'chunked'] as const) {
      const body = Buffer.alloc(150_000, 0x20);
      const head =
        `POST /v1/logs HTTP/1.1\r\nhost: x\r\nx-customer-id: ${ingest.tenants.open}\r\ncontent-type: application/json\r\n` +
        (framing === 'declared' ? `content-length: ${body.length}\r\n\r\n` : 'transfer-encoding: chunked\r\n\r\n');
      const frame = (b: Buffer) => (framing === 'declared' ? b : Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from('\r\n')]));
      let reply = '';
      const socket = connect({ port, host: '127.0.0.1' });
      socket.on('data', (d) => (reply += d.toString()));
      const closed = new Promise((resolve) => socket.on('close', resolve));
      socket.write(head);
      socket.write(frame(body.subarray(0, 100_000))); // past the 64 KiB limit already
      await new Promise((r) => setTimeout(r, 400));
      expect({ framing, early: reply }).toEqual({ framing, early: '' });
      socket.write(frame(body.subarray(100_000)));
      if (framing === 'chunked') socket.write('0\r\n\r\n');
      await closed;
      expect({ framing, status: reply.split('\r\n')[0] }).toEqual({ framing, status: 'HTTP/1.1 413 Payload Too Large' });
      expect(JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4))).toEqual({ error: 'payload_too_large', message: 'The body exceeds 65536 bytes (after decompression).' });
    }
  });

  it('a gzip bomb is cut off at the limit → 413; broken gzip → 400', async () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20)); // 50 MB of spaces in ~50 KB
    expect(bomb.length).toBeLessThan(65536);
    const res = await ingest.post(null, { ...open(), 'content-encoding': 'gzip' }, bomb);
    expect(res.status).toBe(413);
    expect(res.body.error).toBe('payload_too_large');
    const broken = await ingest.post(null, { ...open(), 'content-encoding': 'gzip' }, Buffer.from('definitely not gzip'));
    expect(broken.status).toBe(400);
    expect(broken.body).toEqual({ error: 'invalid_gzip', message: 'The body is not valid gzip data.' });
  });

  it('wrong content type or encoding → 415', async () => {
    const text = await ingest.post(null, { ...open(), 'content-type': 'text/plain' }, JSON.stringify([entry()]));
    expect(text.status).toBe(415);
    expect(text.body).toEqual({
      error: 'unsupported_media_type',
      message: 'Content-Type must be application/json or application/x-ndjson (got "text/plain").',
    });
    const br = await ingest.post([entry()], { ...open(), 'content-encoding': 'br' });
    expect(br.status).toBe(415);
    expect(br.body).toEqual({ error: 'unsupported_content_encoding', message: 'Content-Encoding must be gzip or identity (got "br").' });
  });

  it('injection attempts in x-customer-id → 400 invalid_customer_id', async () => {
    for (const id of ['ACME', '../../etc/passwd', "acme' OR '1'='1", 'a'.repeat(65), 'acme, other', '{acme}', 'acme\tx']) {
      const res = await ingest.post([entry()], { 'x-customer-id': id });
      expect({ id, status: res.status, body: res.body }).toEqual({
        id,
        status: 400,
        body: { error: 'invalid_customer_id', message: 'The x-customer-id header must be 1-64 characters of a-z, 0-9, "-" or "_".' },
      });
    }
  });

  it('CR/LF or NUL smuggled into a header → JSON 400 from the HTTP layer', async () => {
    for (const value of ['acme\rx-evil: 1', 'ac\u0000me']) {
      const reply = await rawRequest(`POST /v1/logs HTTP/1.1\r\nhost: x\r\nx-customer-id: ${value}\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n`, '[]');
      expect(reply.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
      expect(reply.slice(reply.indexOf('\r\n\r\n') + 4)).toBe(
        '{"error":"malformed_request","message":"The HTTP request could not be parsed (bad header, line or framing)."}',
      );
    }
  });

  it('unknown routes and methods → JSON 404', async () => {
    const res = await fetch(`${ingest.url}/v1/logs`, { method: 'GET' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'not_found', message: 'No route for GET /v1/logs.' });
  });

  it('after all of it nothing was published and the process still serves', async () => {
    expect(await ingest.messageCount()).toBe(publishedBefore);
    expect((await fetch(`${ingest.url}/healthz`)).status).toBe(200);
    const ok = await ingest.post([entry()], open());
    expect(ok.status).toBe(202);
    expect(await ingest.messageCount()).toBe(publishedBefore + 1);
  });
});

describe('valid but not canonical input (after the cases above: these publish)', () => {
  it('a lone surrogate in the path → 202; the raw message carries U+FFFD instead, and the repair is counted', async () => {
    const before = await ingest.messageCount();
    const body = JSON.stringify([entry({ path: '/\ud800x' })]);
    expect(body).toContain('"path":"/\\ud800x"'); // valid JSON, as an edge would send it
    const res = await ingest.post(null, open(), body);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: 1, batchId: expect.any(String) });
    const messages = await ingest.readTopic(before + 1);
    const published = messages.find((m) => m.batchId === res.body.batchId);
    expect(published?.events.map((e) => e.path)).toEqual(['/\ufffdx']);
    const metrics = await (await fetch(`${ingest.opsUrl}/metrics`)).text();
    expect(metrics).toMatch(/^cdnlog_ingest_repaired_strings_total\{field="path",service="ingest-api"\} 1$/m);
  });

  it('bytesSent 9007199254740991 (sums of it overflow Redis) → 400 naming the field and the bound; nothing published', async () => {
    const before = await ingest.messageCount();
    const res = await ingest.post([entry(), entry({ bytesSent: 9007199254740991 })], open());
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'invalid_entries',
      message: '1 problem(s) in the batch; nothing was accepted. Fix them and resend the whole batch.',
      details: { problems: [{ index: 1, field: 'bytesSent', message: 'must be at most 1000000000000' }], totalProblems: 1 },
    });
    expect(await ingest.messageCount()).toBe(before);
  });
});
