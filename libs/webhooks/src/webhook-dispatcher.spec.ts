import type { AppConfig } from '@app/config';
import { MetricsService } from '@app/health';
import type { SecretBox } from '@app/security';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import { afterEach, describe, expect, it } from 'vitest';
import { backoffMs, WebhookDispatcher } from './webhook-dispatcher';
import { type WebhookDeliveryEntity, WebhookEntity } from './webhook.entity';

describe('backoffMs', () => {
  it('doubles from the base with jitter between 0.5x and 1.5x, and stops growing at a day', () => {
    expect(backoffMs(1, 1000, () => 0.5)).toBe(1000);
    expect(backoffMs(2, 1000, () => 0.5)).toBe(2000);
    expect(backoffMs(5, 1000, () => 0.5)).toBe(16000);
    expect(backoffMs(3, 1000, () => 0)).toBe(2000);
    expect(backoffMs(3, 1000, () => 0.999)).toBeLessThan(6000);
    expect(backoffMs(40, 1000, () => 0.5)).toBe(24 * 3600 * 1000);
    expect(backoffMs(40, 1000, () => 0.99)).toBe(24 * 3600 * 1000);
  });
});

interface Recorded {
  readonly id: string;
  readonly update: Partial<WebhookDeliveryEntity>;
}

/** The two repositories the dispatcher uses, in memory; `due` is what the next claim hands out. */
class FakeStore {
  readonly updates: Recorded[] = [];
  due: string[] = [];
  failWrites = 0;
  readonly rows = new Map<string, WebhookDeliveryEntity>();
  readonly hooks = new Map<string, WebhookEntity>();
  /** The counting statements run on webhooks, with the webhook they counted for. */
  readonly counted: Array<{ sql: string; webhookId: string }> = [];

  private async write(id: string, update: Partial<WebhookDeliveryEntity>): Promise<void> {
    if (this.failWrites > 0) {
      this.failWrites--;
      throw new Error('invalid byte sequence for encoding "UTF8": 0x00');
    }
    this.updates.push({ id, update });
  }

  dataSource(): DataSource {
    // A transaction's statements count only when all of them went through, as in the database.
    const manager = {
      transaction: async (work: (inner: unknown) => Promise<void>) => {
        const counted: FakeStore['counted'] = [];
        await work({ update: (_entity: unknown, { id }: { id: string }, update: Partial<WebhookDeliveryEntity>) => this.write(id, update), query: async (sql: string, [webhookId]: [string]) => counted.push({ sql, webhookId }) });
        this.counted.push(...counted);
      },
    };
    const deliveries = {
      manager,
      createQueryBuilder: () => {
        const chain = { update: () => chain, set: () => chain, where: () => chain, returning: () => chain, execute: async () => ({ raw: this.due.splice(0).map((id) => ({ id })) }) };
        return chain;
      },
      findBy: async (where: Array<{ id: string }>) => where.map(({ id }) => this.rows.get(id)),
      update: ({ id }: { id: string }, update: Partial<WebhookDeliveryEntity>) => this.write(id, update),
    };
    const webhooks = { findBy: async (where: Array<{ id: string }>) => where.map(({ id }) => this.hooks.get(id)).filter(Boolean) };
    return { getRepository: (entity: unknown) => (entity === WebhookEntity ? webhooks : deliveries) } as unknown as DataSource;
  }

  add(url: string, event = 'context.created'): WebhookDeliveryEntity {
    const hook = { id: randomUUID(), url, secret: 'secret', active: true } as WebhookEntity;
    const delivery = { id: randomUUID(), webhookId: hook.id, event, attempts: 1, nextAttemptAt: new Date(), payload: { event, timestamp: new Date().toISOString(), data: {} } } as WebhookDeliveryEntity;
    this.hooks.set(hook.id, hook);
    this.rows.set(delivery.id, delivery);
    return delivery;
  }

  statusOf(id: string): string | undefined {
    return this.updates.find((recorded) => recorded.id === id)?.update.status;
  }
}

const servers: Server[] = [];

/** A receiver on 127.0.0.1 that answers after `delayMs`. */
async function receiverAfter(delayMs: number): Promise<string> {
  const server = createServer((request, response) => {
    request.resume();
    const answer = setTimeout(() => response.writeHead(200).end('ok'), delayMs);
    response.on('close', () => clearTimeout(answer));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
}

const metrics = new MetricsService();

async function deliveriesCounted(result: string): Promise<number> {
  return (await metrics.webhookDeliveries.get()).values.find((value) => value.labels.result === result)?.value ?? 0;
}

function dispatcherOn(store: FakeStore, timeoutMs = 2000): WebhookDispatcher {
  const config = { webhooks: { allowList: ['127.0.0.1'], maxAttempts: 5, timeoutMs, retryBaseMs: 60_000, pollMs: 60_000 } } as unknown as AppConfig;
  const secrets = { decrypt: (sealed: string) => sealed } as unknown as SecretBox;
  return new WebhookDispatcher(store.dataSource(), secrets, config, metrics);
}

const until = async (check: () => boolean, timeoutMs = 3000): Promise<void> => {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

describe('WebhookDispatcher.deliver', () => {
  it('records a sent delivery even when the first write of its outcome is refused, so it is not claimed again', async () => {
    const store = new FakeStore();
    const delivery = store.add(await receiverAfter(0));
    store.failWrites = 1;
    const before = await deliveriesCounted('delivered');
    const result = await dispatcherOn(store).deliver(delivery, store.hooks.get(delivery.webhookId) ?? null);
    expect(result).toMatchObject({ status: 'delivered', lastStatusCode: 200, responseSnippet: null, lastError: null, lockedUntil: null });
    expect(await deliveriesCounted('delivered')).toBe(before + 1);
    expect(store.updates).toHaveLength(1);
    expect(store.updates[0].update).toMatchObject({ status: 'delivered', responseSnippet: null, lockedUntil: null });
    // Counted once, for its webhook, by the write that went through.
    expect(store.counted).toEqual([{ sql: expect.stringContaining('delivered_count = delivered_count + 1'), webhookId: delivery.webhookId }]);
  });

  it('keeps retrying the write for a while before giving up', async () => {
    const store = new FakeStore();
    const delivery = store.add(await receiverAfter(0));
    store.failWrites = 3;
    const result = await dispatcherOn(store).deliver(delivery, store.hooks.get(delivery.webhookId) ?? null);
    expect(result.status).toBe('delivered');
    expect(store.updates.map((recorded) => recorded.update.status)).toEqual(['delivered']);
  });

  it('records a timed-out attempt as a failure to retry, not as delivered', async () => {
    const store = new FakeStore();
    const delivery = store.add(await receiverAfter(5000));
    const before = await deliveriesCounted('retrying');
    const result = await dispatcherOn(store, 300).deliver(delivery, store.hooks.get(delivery.webhookId) ?? null);
    expect(result).toMatchObject({ status: 'pending', lastError: 'timeout: no complete answer within 300 ms', deliveredAt: null });
    expect(await deliveriesCounted('retrying')).toBe(before + 1);
    expect(result.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 10_000);
    // Still being retried: in neither count.
    expect(store.counted).toEqual([]);
  });
});

describe('WebhookDispatcher passes', () => {
  it('a slow receiver holds up neither the next claim nor other receivers, and shutdown waits for it', async () => {
    const store = new FakeStore();
    const dispatcher = dispatcherOn(store);
    const slow = store.add(await receiverAfter(1000));
    store.due = [slow.id];
    dispatcher.nudge();
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Raised while the slow one is on the wire.
    const fast = store.add(await receiverAfter(0));
    store.due = [fast.id];
    const raised = Date.now();
    dispatcher.nudge();
    await until(() => store.statusOf(fast.id) === 'delivered');
    expect(Date.now() - raised).toBeLessThan(500);
    expect(store.statusOf(slow.id)).toBeUndefined();
    await dispatcher.beforeApplicationShutdown();
    expect(store.statusOf(slow.id)).toBe('delivered');
  });

  it('claims nothing once shutting down', async () => {
    const store = new FakeStore();
    const dispatcher = dispatcherOn(store);
    const delivery = store.add(await receiverAfter(0));
    await dispatcher.beforeApplicationShutdown();
    store.due = [delivery.id];
    dispatcher.nudge();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(store.due).toEqual([delivery.id]);
    expect(store.updates).toEqual([]);
  });
});
