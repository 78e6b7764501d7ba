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
  const prefix = `smcp-events-${Date.now()}:`;
  const newInstance = (id: string, keyPrefix = prefix): EventBus => new EventBus(new RedisEventTransport(connect(), connect(), id, (error) => { throw error; }, keyPrefix), id);

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

  it('keeps deployments with different key prefixes apart on one Redis', async () => {
    const here = newInstance(`inst_here_${Date.now()}`);
    const sameDeployment = newInstance(`inst_same_${Date.now()}`);
    const otherDeployment = newInstance(`inst_other_${Date.now()}`, `${prefix}other:`);
    const seenSame: number[] = [];
    const seenOther: number[] = [];
    sameDeployment.on('test.fanout', (event) => void seenSame.push(event.payload.n));
    otherDeployment.on('test.fanout', (event) => void seenOther.push(event.payload.n));
    await new Promise((resolve) => setTimeout(resolve, 200));
    here.publish('test.fanout', { n: 8 });
    for (let i = 0; i < 50 && seenSame.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect([seenSame, seenOther]).toEqual([[8], []]);
  });
});
