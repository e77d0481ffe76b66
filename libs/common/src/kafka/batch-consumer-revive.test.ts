import type { Kafka } from 'kafkajs';
import { testLogger } from '../testing/logger';
import { BatchConsumer } from './batch-consumer';

/** The part of a kafkajs consumer BatchConsumer uses, recording connects and runs. */
class FakeConsumer {
  events = { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash', REBALANCING: 'consumer.rebalancing' };
  connects = 0;
  runs = 0;
  failConnects = 0;
  private readonly listeners = new Map<string, (e: { payload: unknown }) => void>();
  on(event: string, listener: (e: { payload: unknown }) => void) {
    this.listeners.set(event, listener);
  }
  async connect() {
    this.connects++;
    if (this.failConnects-- > 0) throw new Error('Connection error: connect ECONNREFUSED 127.0.0.1:29192');
  }
  async subscribe() {}
  async run() {
    this.runs++;
  }
  async disconnect() {}
  emit(event: string, payload: unknown) {
    this.listeners.get(event)!({ payload });
  }
}

const crash = (restart: boolean) => ({ error: new Error('The group coordinator is not available'), groupId: 'g', restart });
const joined = { memberAssignment: { raw: [0, 1] } };
const until = async (ok: () => boolean) => {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
};

async function started() {
  const fake = new FakeConsumer();
  const consumer = new BatchConsumer({
    kafka: { consumer: () => fake } as unknown as Kafka, logger: testLogger('consumer'), groupId: 'g', topics: ['raw'],
    handler: async () => undefined, reviveInitialMs: 10,
  });
  await consumer.start();
  fake.emit(fake.events.GROUP_JOIN, joined);
  return { fake, consumer };
}

describe('BatchConsumer after a crash kafkajs does not restart from', () => {
  it('connects and runs the consumer again, and is healthy once it has joined its group', async () => {
    const { fake, consumer } = await started();
    fake.emit(fake.events.CRASH, crash(false));
    expect(consumer.isHealthy()).toBe(false);
    await until(() => fake.runs === 2);
    expect({ connects: fake.connects, runs: fake.runs }).toEqual({ connects: 2, runs: 2 });
    expect(consumer.isHealthy()).toBe(false); // not joined yet
    fake.emit(fake.events.GROUP_JOIN, joined);
    expect(consumer.isHealthy()).toBe(true);
    await consumer.stop();
  });

  it('keeps trying, with backoff, while the consumer cannot connect', async () => {
    const { fake, consumer } = await started();
    fake.failConnects = 2;
    fake.emit(fake.events.CRASH, crash(false));
    await until(() => fake.runs === 2);
    expect({ connects: fake.connects, runs: fake.runs }).toEqual({ connects: 4, runs: 2 });
    await consumer.stop();
  });

  it('leaves a crash kafkajs restarts itself to kafkajs', async () => {
    const { fake, consumer } = await started();
    fake.emit(fake.events.CRASH, crash(true));
    await new Promise((r) => setTimeout(r, 50));
    expect({ connects: fake.connects, runs: fake.runs }).toEqual({ connects: 1, runs: 1 });
    await consumer.stop();
  });

  it('does not start a stopped consumer again', async () => {
    const { fake, consumer } = await started();
    fake.emit(fake.events.CRASH, crash(false));
    await consumer.stop();
    await new Promise((r) => setTimeout(r, 50));
    expect({ connects: fake.connects, runs: fake.runs }).toEqual({ connects: 1, runs: 1 });
  });
});
