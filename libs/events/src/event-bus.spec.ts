import { describe, expect, it, vi } from 'vitest';
import { EventBus, LocalOnlyTransport } from './event-bus';
import type { EventEnvelope, EventTransport } from './event-map';

declare module './index' {
  interface EventMap {
    'test.happened': { n: number };
    'test.other': { s: string };
  }
}

class FakeTransport implements EventTransport {
  published: EventEnvelope[] = [];
  private listener?: (envelope: EventEnvelope) => void;
  async publish(envelope: EventEnvelope): Promise<void> {
    this.published.push(envelope);
  }
  onRemote(listener: (envelope: EventEnvelope) => void): void {
    this.listener = listener;
  }
  async close(): Promise<void> {}
  deliver(envelope: EventEnvelope): void {
    this.listener?.(envelope);
  }
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('EventBus', () => {
  it('delivers typed payloads to named and wildcard subscribers, asynchronously', async () => {
    const bus = new EventBus(new LocalOnlyTransport());
    const named: number[] = [];
    const all: string[] = [];
    bus.on('test.happened', (event) => {
      named.push(event.payload.n);
    });
    bus.on('*', (event) => {
      all.push(event.name);
    });
    bus.publish('test.happened', { n: 1 });
    bus.publish('test.other', { s: 'x' });
    expect(named).toEqual([]);
    await flush();
    expect(named).toEqual([1]);
    expect(all).toEqual(['test.happened', 'test.other']);
  });

  it('isolates failing handlers', async () => {
    const bus = new EventBus(new LocalOnlyTransport());
    const seen = vi.fn();
    bus.on('test.happened', () => {
      throw new Error('boom');
    });
    bus.on('test.happened', async () => {
      throw new Error('async boom');
    });
    bus.on('test.happened', seen);
    expect(() => bus.publish('test.happened', { n: 2 })).not.toThrow();
    await flush();
    expect(seen).toHaveBeenCalledTimes(1);
  });

  it('fans out through the transport and dispatches remote envelopes', async () => {
    const transport = new FakeTransport();
    const bus = new EventBus(transport, 'inst_a');
    const seen: Array<{ origin: string; n: number }> = [];
    bus.on('test.happened', (event) => {
      seen.push({ origin: event.origin, n: event.payload.n });
    });
    bus.publish('test.happened', { n: 1 });
    transport.deliver({ id: 'r1', name: 'test.happened', payload: { n: 2 }, timestamp: new Date().toISOString(), origin: 'inst_b' });
    await flush();
    expect(transport.published.map((e) => e.origin)).toEqual(['inst_a']);
    expect(seen).toEqual([
      { origin: 'inst_b', n: 2 },
      { origin: 'inst_a', n: 1 },
    ]);
  });

  it('stops delivering after unsubscribe', async () => {
    const bus = new EventBus(new LocalOnlyTransport());
    const seen = vi.fn();
    const off = bus.on('test.happened', seen);
    off();
    bus.publish('test.happened', { n: 3 });
    await flush();
    expect(seen).not.toHaveBeenCalled();
  });
});

describe('EventBus.publishDurable', () => {
  it('waits for every durable hook before it resolves, then delivers as usual', async () => {
    const bus = new EventBus(new LocalOnlyTransport());
    const order: string[] = [];
    bus.onDurable(async (envelope) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      order.push(`outbox:${envelope.name}`);
    });
    bus.on('test.happened', () => void order.push('handler'));
    await bus.publishDurable('test.happened', { n: 1 });
    order.push('acknowledged');
    await new Promise((resolve) => setImmediate(resolve));
    // The outbox commit comes first; local handlers and the caller follow in either order.
    expect(order[0]).toBe('outbox:test.happened');
    expect(order.slice(1).sort()).toEqual(['acknowledged', 'handler']);
  });

  it('fails when a durable hook fails, so the action is not acknowledged', async () => {
    const bus = new EventBus(new LocalOnlyTransport());
    bus.onDurable(async () => {
      throw new Error('database down');
    });
    await expect(bus.publishDurable('test.happened', { n: 1 })).rejects.toThrow('database down');
  });
});
