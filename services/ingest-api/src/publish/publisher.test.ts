import type { MessageProducer, OutgoingMessage } from '@cdnlog/common';
import { KafkaJSNonRetriableError, KafkaJSProtocolError } from 'kafkajs';
import { PublishFailedError, Publisher, PublishTimeoutError, PublishTooLargeError } from './publisher';

/** A stand-in for our own MessageProducer interface: sends wait until the test settles them. */
class ControlledProducer implements MessageProducer {
  sends: Array<{ messages: OutgoingMessage[]; settle: (err?: Error) => void }> = [];
  connect = async () => undefined;
  disconnect = async () => undefined;
  isConnected = () => true;
  send(_topic: string, messages: OutgoingMessage[]): Promise<void> {
    return new Promise((resolve, reject) => this.sends.push({ messages, settle: (err) => (err ? reject(err) : resolve()) }));
  }
}

const msgs = (n: number) => Array.from({ length: n }, (_, i) => ({ key: 't', value: String(i) }));
const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

describe('Publisher', () => {
  it('coalesces requests arriving within the linger into one produce call, and resolves each', async () => {
    const producer = new ControlledProducer();
    const publisher = new Publisher(producer, { topic: 't', lingerMs: 2, maxBatchEvents: 1000, capacity: 1000, timeoutMs: 1000 });
    const a = publisher.publish(msgs(3), 3);
    const b = publisher.publish(msgs(4), 4);
    await tick();
    expect(producer.sends.map((s) => s.messages.length)).toEqual([7]);
    expect(publisher.inflight).toBe(7);
    producer.sends[0]!.settle();
    await expect(Promise.all([a, b])).resolves.toEqual([undefined, undefined]);
    await tick();
    expect(publisher.inflight).toBe(0);
  });

  it('never splits a request across produce calls and respects maxBatchEvents', async () => {
    const producer = new ControlledProducer();
    const publisher = new Publisher(producer, { topic: 't', lingerMs: 2, maxBatchEvents: 10, capacity: 1000, timeoutMs: 1000 });
    for (const n of [6, 6, 15]) publisher.publish(msgs(n), n).catch(() => undefined);
    await tick(20);
    expect(producer.sends.map((s) => s.messages.length)).toEqual([6]); // one call in flight
    producer.sends[0]!.settle();
    await tick(5);
    expect(producer.sends.map((s) => s.messages.length)).toEqual([6, 6]); // 6 + 15 > 10: not together
    producer.sends[1]!.settle();
    await tick(5);
    expect(producer.sends.map((s) => s.messages.length)).toEqual([6, 6, 15]); // alone, larger than the bound
  });

  it('bounds a produce call in bytes too: a request that would pass maxBatchBytes waits for the next call', async () => {
    const producer = new ControlledProducer();
    const publisher = new Publisher(producer, { topic: 't', lingerMs: 2, maxBatchEvents: 1000, maxBatchBytes: 100, capacity: 1000, timeoutMs: 1000 });
    const big = (n: number) => [{ key: 'k', value: 'x'.repeat(n - 1) }]; // n bytes with the key
    for (const n of [60, 30, 50]) publisher.publish(big(n), 1).catch(() => undefined);
    await tick();
    producer.sends[0]!.settle();
    await tick();
    expect(producer.sends.map((s) => s.messages.map((m) => m.value.length + 1))).toEqual([[60, 30], [50]]);
  });

  it('a call Kafka refuses as too large: its requests go again one per call, only the one too large alone fails, the broker is not marked down', async () => {
    const producer = new ControlledProducer();
    const publisher = new Publisher(producer, { topic: 't', lingerMs: 2, maxBatchEvents: 1000, capacity: 1000, timeoutMs: 1000 });
    const refusal = () => {
      const cause = new KafkaJSProtocolError({ type: 'MESSAGE_TOO_LARGE', code: 10, retriable: false, message: 'too large' } as never);
      return Object.assign(new KafkaJSNonRetriableError(cause), { cause });
    };
    const small = publisher.publish(msgs(2), 2);
    const large = publisher.publish(msgs(5), 5);
    await tick();
    producer.sends[0]!.settle(refusal());
    await tick();
    expect(producer.sends.map((s) => s.messages.length)).toEqual([7, 2]);
    expect(publisher.healthy).toBe(true);
    expect(publisher.inflight).toBe(7);
    producer.sends[1]!.settle();
    await expect(small).resolves.toBeUndefined();
    await tick();
    expect(producer.sends.map((s) => s.messages.length)).toEqual([7, 2, 5]);
    producer.sends[2]!.settle(refusal());
    await expect(large).rejects.toBeInstanceOf(PublishTooLargeError);
    await tick();
    expect({ healthy: publisher.healthy, inflight: publisher.inflight, admission: publisher.admit(1) }).toEqual({ healthy: true, inflight: 0, admission: 'ok' });
  });

  it('under sustained load starts produce calls at most every minSendIntervalMs; an idle publisher still sends after the linger', async () => {
    const producer = new ControlledProducer();
    const publisher = new Publisher(producer, { topic: 't', lingerMs: 1, minSendIntervalMs: 60, maxBatchEvents: 1000, capacity: 1000, timeoutMs: 1000 });
    void publisher.publish(msgs(1), 1);
    await tick(10);
    expect(producer.sends).toHaveLength(1); // idle: out after the 1 ms linger, not after 60
    for (let i = 0; i < 5; i++) void publisher.publish(msgs(1), 1);
    producer.sends[0]!.settle();
    await tick(20);
    expect(producer.sends).toHaveLength(1); // the send took ~10 ms: the next waits for 60 ms after its start
    for (let i = 0; i < 5; i++) void publisher.publish(msgs(1), 1);
    await tick(60);
    expect(producer.sends.map((s) => s.messages.length)).toEqual([1, 10]);
    producer.sends[1]!.settle();
    await tick(10);
    // Nothing queued meanwhile: the publisher is idle again, and the next request goes after the linger.
    void publisher.publish(msgs(1), 1);
    await tick(65);
    expect(producer.sends.map((s) => s.messages.length)).toEqual([1, 10, 1]);
    producer.sends[2]!.settle();
  });

  it('a full batch does not wait for minSendIntervalMs', async () => {
    const producer = new ControlledProducer();
    const publisher = new Publisher(producer, { topic: 't', lingerMs: 1, minSendIntervalMs: 10_000, maxBatchEvents: 10, capacity: 1000, timeoutMs: 1000 });
    void publisher.publish(msgs(1), 1);
    await tick(10);
    for (let i = 0; i < 10; i++) void publisher.publish(msgs(1), 1);
    producer.sends[0]!.settle();
    await tick(10);
    expect(producer.sends.map((s) => s.messages.length)).toEqual([1, 10]);
    producer.sends[1]!.settle();
  });

  it('requests arriving while a send is in flight leave together in the next call', async () => {
    const producer = new ControlledProducer();
    const publisher = new Publisher(producer, { topic: 't', lingerMs: 1, maxBatchEvents: 1000, capacity: 1000, timeoutMs: 1000 });
    const first = publisher.publish(msgs(1), 1);
    await tick();
    const rest = Array.from({ length: 50 }, () => publisher.publish(msgs(1), 1));
    await tick(10);
    expect(producer.sends.map((s) => s.messages.length)).toEqual([1]);
    producer.sends[0]!.settle();
    await first;
    await tick();
    expect(producer.sends.map((s) => s.messages.length)).toEqual([1, 50]);
    producer.sends[1]!.settle();
    await Promise.all(rest);
    expect(publisher.inflight).toBe(0);
  });

  it('admits up to 90 % of capacity, then answers overloaded', () => {
    const publisher = new Publisher(new ControlledProducer(), { topic: 't', lingerMs: 50, maxBatchEvents: 1000, capacity: 100, timeoutMs: 1000 });
    expect(publisher.admit(100)).toBe('ok');
    expect(publisher.admit(101)).toBe('overloaded');
    publisher.publish(msgs(89), 89).catch(() => undefined);
    expect(publisher.admit(12)).toBe('overloaded'); // 89 + 12 > 100
    expect(publisher.admit(11)).toBe('ok'); // 89 + 11 = 100, and 89 < 90
    publisher.publish(msgs(1), 1).catch(() => undefined);
    expect(publisher.admit(1)).toBe('overloaded'); // 90 in flight = 90 %
  });

  it('counts the events a message carries, not messages: one raw v2 message of 85 events fills 85 of the buffer and of a batch', async () => {
    const producer = new ControlledProducer();
    const publisher = new Publisher(producer, { topic: 't', lingerMs: 2, maxBatchEvents: 100, capacity: 100, timeoutMs: 1000 });
    const big = publisher.publish(msgs(1), 85);
    expect(publisher.inflight).toBe(85);
    expect(publisher.admit(16)).toBe('overloaded'); // 85 + 16 > 100
    expect(publisher.admit(5)).toBe('ok');
    publisher.publish(msgs(1), 5).catch(() => undefined);
    publisher.publish(msgs(1), 20).catch(() => undefined);
    await tick();
    expect(producer.sends.map((s) => s.messages.length)).toEqual([2]); // 85 + 5 events together; + 20 would pass 100
    producer.sends[0]!.settle();
    await big;
    await tick();
    expect(publisher.inflight).toBe(20);
    expect(producer.sends.map((s) => s.messages.length)).toEqual([2, 1]);
  });

  it('answers backlogged while the oldest request waiting for a produce call has waited past maxQueueDelayMs', async () => {
    const producer = new ControlledProducer();
    const publisher = new Publisher(producer, { topic: 't', lingerMs: 1, maxBatchEvents: 1000, capacity: 1000, timeoutMs: 5000, maxQueueDelayMs: 30 });
    const first = publisher.publish(msgs(1), 1); // goes out at once and hangs
    await tick();
    const waiting = publisher.publish(msgs(2), 2); // queued behind the hanging send
    expect(publisher.pressure()).toBe('ok');
    await tick(45);
    expect(publisher.queueDelayMs()).toBeGreaterThanOrEqual(30);
    expect(publisher.pressure()).toBe('backlogged');
    expect(publisher.admit(1)).toBe('backlogged');
    producer.sends[0]!.settle();
    await first;
    await tick();
    expect(publisher.queueDelayMs()).toBe(0); // the queued request is in the next send now
    expect(publisher.admit(1)).toBe('ok');
    producer.sends[1]!.settle();
    await waiting;
  });

  it('answers stalled when requests back up behind a send that has had no answer for longer than the timeout', async () => {
    const producer = new ControlledProducer();
    const publisher = new Publisher(producer, { topic: 't', lingerMs: 1, maxBatchEvents: 1000, capacity: 1000, timeoutMs: 40, maxQueueDelayMs: 10 });
    const first = publisher.publish(msgs(1), 1);
    await tick();
    const waiting = publisher.publish(msgs(1), 1);
    await tick(20);
    expect(publisher.pressure()).toBe('backlogged'); // queued 20 ms, the send is 20 ms old
    await tick(30);
    expect(publisher.pressure()).toBe('stalled'); // the send is past the 40 ms timeout
    await expect(first).rejects.toBeInstanceOf(PublishTimeoutError);
    await expect(waiting).rejects.toBeInstanceOf(PublishTimeoutError);
    producer.sends[0]!.settle();
    await tick();
    producer.sends[1]!.settle();
    await tick();
    expect(publisher.pressure()).toBe('ok');
  });

  it('times a request out but keeps its events counted until Kafka settles them', async () => {
    const producer = new ControlledProducer();
    const publisher = new Publisher(producer, { topic: 't', lingerMs: 1, maxBatchEvents: 1000, capacity: 100, timeoutMs: 20 });
    await expect(publisher.publish(msgs(5), 5)).rejects.toBeInstanceOf(PublishTimeoutError);
    expect(publisher.inflight).toBe(5);
    producer.sends[0]!.settle();
    await tick();
    expect(publisher.inflight).toBe(0);
  });

  it('after a failed send fails fast, lets one probe through per interval, and reopens on success', async () => {
    const producer = new ControlledProducer();
    const publisher = new Publisher(producer, { topic: 't', lingerMs: 1, maxBatchEvents: 1000, capacity: 100, timeoutMs: 1000, probeIntervalMs: 30 });
    const failing = publisher.publish(msgs(1), 1);
    await tick();
    producer.sends[0]!.settle(new Error('connection refused'));
    await expect(failing).rejects.toBeInstanceOf(PublishFailedError);
    expect(publisher.healthy).toBe(false);
    expect(publisher.admit(1)).toBe('ok'); // the probe
    expect(publisher.admit(1)).toBe('broker_down');
    await tick(40);
    expect(publisher.admit(1)).toBe('ok');
    const probe = publisher.publish(msgs(1), 1);
    await tick();
    producer.sends[1]!.settle();
    await probe;
    expect(publisher.healthy).toBe(true);
    expect(publisher.admit(1)).toBe('ok');
  });

  it('drain sends what is queued and waits for every send', async () => {
    const producer = new ControlledProducer();
    const publisher = new Publisher(producer, { topic: 't', lingerMs: 10_000, maxBatchEvents: 1000, capacity: 100, timeoutMs: 60_000 });
    const p = publisher.publish(msgs(2), 2);
    const drained = publisher.drain();
    expect(producer.sends).toHaveLength(1);
    producer.sends[0]!.settle();
    await drained;
    await p;
    expect(publisher.inflight).toBe(0);
  });
});
