import { loadConfig } from '@app/config';
import { EventBus, type EventEnvelope, RedisEventTransport } from '@app/events';
import Redis from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';

declare module '@app/events' {
  interface EventMap {
    'test.fanout': { n: number };
  }
}

const redisUrl = loadConfig().redisUrl;

/** With REDIS_URL, every instance sees every event exactly once (its own ones locally, not echoed). */
describe.skipIf(!redisUrl)('event bus over Redis pub/sub', () => {
  const connections: Redis[] = [];
  const connect = (): Redis => {
    const connection = new Redis(redisUrl as string);
    connections.push(connection);
    return connection;
  };
  const newInstance = (id: string): EventBus => new EventBus(new RedisEventTransport(connect(), connect(), id, (error) => { throw error; }), id);

  afterAll(async () => {
    await Promise.all(connections.map((connection) => connection.quit()));
  });

  it('delivers an event published on one instance to the other, once each', async () => {
    const a = newInstance(`inst_a_${Date.now()}`);
    const b = newInstance(`inst_b_${Date.now()}`);
    const seenA: Array<EventEnvelope<'test.fanout'>> = [];
    const seenB: Array<EventEnvelope<'test.fanout'>> = [];
    a.on('test.fanout', (event) => void seenA.push(event));
    b.on('test.fanout', (event) => void seenB.push(event));
    await new Promise((resolve) => setTimeout(resolve, 200)); // subscriptions settle
    const sent = a.publish('test.fanout', { n: 7 });
    for (let i = 0; i < 50 && seenB.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seenB.map((event) => [event.id, event.payload.n, event.origin])).toEqual([[sent.id, 7, a.instanceId]]);
    expect(seenA.map((event) => event.id)).toEqual([sent.id]);
  });
});
