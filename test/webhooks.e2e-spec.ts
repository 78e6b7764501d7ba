import type { Context, CreatedWebhook, Webhook, WebhookDelivery, WebhookDeliveryList, WebhookList } from '@app/contracts';
import { httpJson, type LoggedInUser, metricValue, type ReceivedWebhook, registerAndLogin, registerAndLoginAs, spawnServer, startWebhookReceiver, useProcessWorkspace, useTestApp, type WebhookReceiver } from '@app/testing';
import { DeliveryRetention, verifyAttemptSignature, verifyBodySignature } from '@app/webhooks';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

type Envelope = { error: string; details?: Array<{ field: string; code: string }> };

// The seed's verification function, as written there.
function verifyWebhookSignature(payload: unknown, signature: string, secret: string): boolean {
  const hash = createHmac('sha256', secret).update(JSON.stringify(payload)).digest('hex');
  return `sha256=${hash}` === signature;
}

/** Both signatures a receiver can check: the seed's body field and the raw-body header. */
function expectSigned(request: ReceivedWebhook, secret: string): { event: string; timestamp: string; data: Record<string, unknown> } {
  const body = JSON.parse(request.body) as { event: string; timestamp: string; data: Record<string, unknown>; signature: string };
  const { signature, ...payload } = body;
  expect(verifyWebhookSignature(payload, signature, secret)).toBe(true);
  expect(verifyBodySignature(secret, request.body, String(request.headers['x-webhook-signature']))).toBe(true);
  expect(verifyBodySignature(`${secret}x`, request.body, String(request.headers['x-webhook-signature']))).toBe(false);
  // The V2 signature binds the delivery id and this attempt's time: replayed under another id, or late, it fails.
  const v2 = String(request.headers['x-webhook-signature-v2']);
  const id = String(request.headers['x-webhook-id']);
  expect(verifyAttemptSignature(secret, id, request.body, v2)).toBe(true);
  expect(verifyAttemptSignature(secret, `${id}x`, request.body, v2)).toBe(false);
  expect(verifyAttemptSignature(secret, id, request.body, v2, 300, Date.now() + 301_000)).toBe(false);
  expect(request.headers['x-webhook-event']).toBe(body.event);
  expect(request.headers['x-webhook-timestamp']).toBe(body.timestamp);
  return payload;
}

const until = async (check: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> => {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

describe('webhooks', () => {
  const t = useTestApp({ HTTP_TOOL_ALLOWLIST: '127.0.0.1', WEBHOOK_ALLOWLIST: '127.0.0.1', WEBHOOK_RETRY_BASE_MS: '100', WEBHOOK_POLL_MS: '50', WEBHOOK_TIMEOUT_MS: '2000' });
  let admin: LoggedInUser;
  let user: LoggedInUser;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    admin = await registerAndLoginAs(t, ['admin']);
    user = await registerAndLoginAs(t, ['developer']);
    receiver = await startWebhookReceiver();
  });

  afterAll(async () => {
    await receiver.stop();
  });

  afterEach(async () => {
    receiver.respondWith(200);
    const hooks = await t.client.call<WebhookList>('listWebhooks', { headers: admin.auth });
    for (const hook of hooks.body.webhooks) await t.client.call('deleteWebhook', { headers: admin.auth, params: { id: hook.id } });
    receiver.received.length = 0;
  });

  const subscribe = async (events: string[], extra: Record<string, unknown> = {}, url = receiver.url) => {
    const created = await t.client.call<CreatedWebhook & Envelope>('createWebhook', { headers: admin.auth, body: { url, events, ...extra } });
    expect(created.status).toBe(201);
    return created.body;
  };
  const createContext = (name: string) => t.client.call<Context>('createContext', { headers: user.auth, body: { name } });
  const deliveries = (id: string, query: Record<string, string> = {}) => t.client.call<WebhookDeliveryList>('listWebhookDeliveries', { headers: admin.auth, params: { id }, query });

  it('CRUD: the secret is generated when omitted, shown once, stored encrypted', async () => {
    const hook = await subscribe(['context.created', 'tool.executed'], { description: 'ops' });
    expect(hook.secret).toMatch(/^whsec_/);
    expect(hook).toMatchObject({ url: receiver.url, events: ['context.created', 'tool.executed'], active: true, description: 'ops', lastDeliveryAt: null, lastFailureAt: null, deliveryStats: { total: 0, successful: 0, failed: 0 } });
    const stored: Array<{ secret: string }> = await t.app.get(DataSource).query('SELECT secret FROM webhooks WHERE id = $1', [hook.id]);
    expect(stored[0].secret).not.toContain(hook.secret);
    const fetched = await t.client.call<Webhook>('getWebhook', { headers: admin.auth, params: { id: hook.id } });
    expect(fetched.body).not.toHaveProperty('secret');
    const updated = await t.client.call<Webhook>('updateWebhook', { headers: admin.auth, params: { id: hook.id }, body: { url: receiver.url, events: ['*'], active: false } });
    expect(updated.body).toMatchObject({ events: ['*'], active: false, description: 'ops' });
    expect((await t.client.call<WebhookList>('listWebhooks', { headers: admin.auth })).body.webhooks.map((h) => h.id)).toContain(hook.id);
    expect((await t.client.call('deleteWebhook', { headers: admin.auth, params: { id: hook.id } })).status).toBe(204);
    expect((await t.client.call<Envelope>('getWebhook', { headers: admin.auth, params: { id: hook.id } })).status).toBe(404);
    expect((await t.client.call<Envelope>('deleteWebhook', { headers: admin.auth, params: { id: hook.id } })).status).toBe(404);
    const audit: Array<{ action: string }> = await t.app.get(DataSource).query(`SELECT action FROM audit_logs WHERE resource = $1 ORDER BY timestamp`, [`webhook:${hook.id}`]);
    expect(audit.map((row) => row.action)).toEqual(['webhook.create', 'webhook.update', 'webhook.delete']);
  });

  it('user.security: how an account proves itself changed, for a SIEM: who did what to whose account, never a secret', async () => {
    await subscribe(['user.security']);
    const someone = await registerAndLogin(t.client);
    const key = await t.client.call<{ id: string; key: string }>('createApiKey', { headers: someone.auth, body: { name: 'ci', scopes: ['read:tools'] } });
    expect(key.status).toBe(201);
    expect((await t.client.call('revokeApiKey', { headers: someone.auth, params: { id: key.body.id } })).status).toBe(204);
    expect((await t.client.call('changePassword', { headers: someone.auth, body: { currentPassword: someone.input.password, newPassword: 'Rotated!Passw0rd-99' } })).status).toBe(200);
    expect((await t.client.call('resetUserPassword', { headers: admin.auth, params: { id: someone.userId } })).status).toBe(201);

    const received = await receiver.waitFor(4);
    const changes = received.map((delivery) => JSON.parse(delivery.body) as { event: string; data: { userId: string; change: string; actorId: string } });
    expect(changes.map((change) => change.event)).toEqual(['user.security', 'user.security', 'user.security', 'user.security']);
    // Deliveries may overtake one another: compared in the order of their names.
    expect(changes.map((change) => [change.data.change, change.data.userId, change.data.actorId]).sort()).toEqual([
      ['apikey.created', someone.userId, someone.userId],
      ['apikey.revoked', someone.userId, someone.userId],
      ['password.changed', someone.userId, someone.userId],
      ['password.reset_issued', someone.userId, admin.userId],
    ]);
    for (const delivery of received) {
      expect(delivery.body).not.toContain(key.body.key);
      expect(delivery.body).not.toContain('Rotated!Passw0rd-99');
    }
  });

  it('refuses bad bodies and targets the SSRF guard blocks', async () => {
    const bodies = [
      {},
      { url: receiver.url, events: [] },
      { url: receiver.url, events: ['user.deleted'] },
      { url: 'ftp://127.0.0.1/x', events: ['*'] },
      { url: 'not a url', events: ['*'] },
      { url: receiver.url, events: ['*'], secret: 'short' },
      { url: receiver.url, events: ['*'], extra: 1 },
      { url: 'http://169.254.169.254/latest/meta-data', events: ['*'] },
      { url: 'http://10.0.0.1/hook', events: ['*'] },
      { url: 'http://[::1]:9/hook', events: ['*'] },
    ];
    for (const body of bodies) {
      const response = await t.client.call<Envelope>('createWebhook', { headers: admin.auth, body });
      expect([response.status, response.body.error]).toEqual([400, 'VALIDATION_ERROR']);
    }
  });

  it('delivers a subscribed event once, signed both ways, and records the outcome', async () => {
    const hook = await subscribe(['context.created'], { secret: 'a-shared-secret-of-32-characters' });
    const context = await createContext('hooked');
    const [request] = await receiver.waitFor(1);
    const payload = expectSigned(request, 'a-shared-secret-of-32-characters');
    expect(payload).toMatchObject({ event: 'context.created', data: { contextId: context.body.id, userId: user.userId } });
    await until(async () => (await deliveries(hook.id)).body.deliveries[0]?.status === 'delivered');
    const [delivery] = (await deliveries(hook.id)).body.deliveries;
    expect(delivery).toMatchObject({ event: 'context.created', status: 'delivered', attempts: 1, lastStatusCode: 200, responseSnippet: 'ok', nextAttemptAt: null });
    expect(request.headers['x-webhook-id']).toBe(delivery.id);
    // Unsubscribed events do not go out.
    await t.client.call('deleteContext', { headers: user.auth, params: { id: context.body.id } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.received).toHaveLength(1);
  });

  it('a receiver that is down gets its deliveries when it returns, each exactly once', async () => {
    const hook = await subscribe(['*']);
    await receiver.stop();
    try {
      for (let i = 0; i < 3; i++) await createContext(`while down ${i}`);
      await until(async () => (await deliveries(hook.id)).body.deliveries.filter((d) => d.attempts >= 2).length === 3);
      // Between attempts a delivery is pending again (during one it is `delivering`), with the failure recorded.
      await until(async () => (await deliveries(hook.id, { status: 'pending' })).body.deliveries.some((d) => Boolean(d.lastError)));
    } finally {
      // The receiver is shared by the suite: a failure here must not leave it down for the tests after.
      await receiver.start();
    }
    await until(async () => (await deliveries(hook.id, { status: 'delivered' })).body.pagination.total === 3);
    const ids = receiver.received.map((request) => request.headers['x-webhook-id']);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(3);
    for (const request of receiver.received) expectSigned(request, hook.secret);
  });

  it('a receiver answering 5xx is retried with back-off until it answers 2xx', async () => {
    const hook = await subscribe(['context.created']);
    receiver.respondWith(503);
    await createContext('retry me');
    await receiver.waitFor(3);
    const retrying = (await deliveries(hook.id)).body.deliveries[0];
    expect(retrying).toMatchObject({ lastStatusCode: 503, lastError: 'HTTP 503', responseSnippet: 'unavailable' });
    receiver.respondWith(200);
    await until(async () => (await deliveries(hook.id)).body.deliveries[0]?.status === 'delivered');
    const [delivery] = (await deliveries(hook.id)).body.deliveries;
    expect(delivery.attempts).toBe(receiver.received.length);
    // Retries count once, when the delivery ends.
    const counts = (await t.client.call<Webhook>('getWebhook', { headers: admin.auth, params: { id: hook.id } })).body;
    expect(counts).toMatchObject({ deliveryStats: { total: 1, successful: 1, failed: 0 }, lastFailureAt: null });
    expect(counts.lastDeliveryAt).not.toBeNull();
    expect(new Set(receiver.received.map((request) => request.headers['x-webhook-id'])).size).toBe(1);
    // Every attempt is signed with its own time, so a retry a day later is still fresh to the receiver.
    for (const request of receiver.received) expect(verifyAttemptSignature(hook.secret, String(request.headers['x-webhook-id']), request.body, String(request.headers['x-webhook-signature-v2']), 60)).toBe(true);
  });

  it('test sends webhook.test now and answers the result; failures are recorded and counted', async () => {
    const counted = async (result: string) => metricValue((await t.client.call('getMetrics')).text, 'mcp_webhook_deliveries_total', { result }) ?? 0;
    const [deliveredBefore, failedBefore] = [await counted('delivered'), await counted('failed')];
    const hook = await subscribe(['error']);
    const ok = await t.client.call<WebhookDelivery>('testWebhook', { headers: admin.auth, params: { id: hook.id } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ event: 'webhook.test', status: 'delivered', attempts: 1, lastStatusCode: 200 });
    expect(expectSigned(receiver.received[0], hook.secret).event).toBe('webhook.test');
    receiver.respondWith(500);
    const failed = await t.client.call<WebhookDelivery>('testWebhook', { headers: admin.auth, params: { id: hook.id } });
    expect(failed.body).toMatchObject({ status: 'failed', attempts: 1, lastStatusCode: 500, lastError: 'HTTP 500' });
    // The webhook's own counts, and when it last worked and last failed.
    const counts = (await t.client.call<Webhook>('getWebhook', { headers: admin.auth, params: { id: hook.id } })).body;
    expect(counts.deliveryStats).toEqual({ total: 2, successful: 1, failed: 1 });
    expect(Date.parse(counts.lastFailureAt as string)).toBeGreaterThanOrEqual(Date.parse(counts.lastDeliveryAt as string));
    expect((await t.client.call<WebhookList>('listWebhooks', { headers: admin.auth })).body.webhooks.find((listed) => listed.id === hook.id)?.deliveryStats).toEqual({ total: 2, successful: 1, failed: 1 });
    // Other deliveries of this suite may land meanwhile: at least these two were counted.
    expect(await counted('delivered')).toBeGreaterThanOrEqual(deliveredBefore + 1);
    expect(await counted('failed')).toBeGreaterThanOrEqual(failedBefore + 1);
    receiver.respondWith(200);
    const filtered = await deliveries(hook.id, { status: 'delivered' });
    expect(filtered.body.deliveries.every((delivery) => delivery.status === 'delivered')).toBe(true);
    expect((await t.client.call<Envelope>('testWebhook', { headers: admin.auth, params: { id: '00000000-0000-4000-8000-000000000000' } })).status).toBe(404);
    expect((await deliveries(hook.id, { status: 'lost' })).status).toBe(400);
  });

  it('tool runs, failures (error) and sign-ups (user.created) reach subscribers', async () => {
    const hook = await subscribe(['tool.executed', 'error', 'user.created']);
    await t.client.call('executeTool', { headers: user.auth, params: { id: 'echo' }, body: { parameters: { message: 'hi' } } });
    const newcomer = await registerAndLogin(t.client);
    // Nothing listens on port 9: the run fails (not refused), which is an `error` event.
    const failed = await t.client.call<{ status: string }>('executeTool', { headers: user.auth, params: { id: 'http_request' }, body: { parameters: { url: 'http://127.0.0.1:9/', method: 'GET' } } });
    expect(failed.body.status).toBe('failed');
    await until(() => receiver.received.length >= 4).catch((error: Error) => {
      throw new Error(`${error.message}: got ${receiver.received.map((request) => request.headers["x-webhook-event"]).join(",")}`);
    });
    const events = receiver.received.map((request) => expectSigned(request, hook.secret));
    expect(events.map((event) => event.event).sort()).toEqual(['error', 'tool.executed', 'tool.executed', 'user.created']);
    expect(events.find((event) => event.event === 'user.created')?.data).toMatchObject({ userId: newcomer.userId, source: 'register' });
    expect(events.find((event) => event.event === 'error')?.data).toMatchObject({ source: 'tool', toolName: 'http_request', userId: user.userId });
  });

  it('an inactive webhook receives nothing', async () => {
    await subscribe(['context.created'], { active: false });
    await createContext('silent');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.received).toHaveLength(0);
  });

  it('prunes finished deliveries past the retention (30 days), of every webhook, never one still due', async () => {
    const [first, second] = [await subscribe(['context.created'], { active: false }), await subscribe(['user.created'], { active: false })];
    const insert = (hook: string, status: string, age: string, count = 1) =>
      t.app.get(DataSource).query(
        // Not due for a day, nor its lease over: the dispatcher leaves the unfinished ones alone.
        `INSERT INTO webhook_deliveries (webhook_id, event, event_id, payload, status, created_at, next_attempt_at, locked_until)
         SELECT $1, 'context.created', gen_random_uuid(), '{}', $2, now() - $3::interval, now() + interval '1 day', now() + interval '1 day' FROM generate_series(1, $4::int)`,
        [hook, status, age, count],
      );
    // Past one batch of 5000, so the pruning goes round again.
    await insert(first.id, 'delivered', '31 days', 5003);
    await insert(first.id, 'failed', '40 days');
    await insert(first.id, 'pending', '40 days');
    await insert(first.id, 'delivering', '40 days');
    await insert(first.id, 'delivered', '29 days');
    await insert(second.id, 'failed', '31 days', 2);
    await insert(second.id, 'delivered', '1 day');
    expect(await t.app.get(DeliveryRetention).prune()).toBe(5006);
    const left: Array<{ webhook_id: string; status: string; days: number }> = await t.app
      .get(DataSource)
      .query(`SELECT webhook_id::text, status, extract(day FROM now() - created_at)::int AS days FROM webhook_deliveries WHERE webhook_id IN ($1, $2) ORDER BY webhook_id = $1 DESC, status COLLATE "C", days`, [first.id, second.id]);
    const expected = [
      { webhook_id: first.id, status: 'delivered', days: 29 },
      { webhook_id: first.id, status: 'delivering', days: 40 },
      { webhook_id: first.id, status: 'pending', days: 40 },
      { webhook_id: second.id, status: 'delivered', days: 1 },
    ];
    expect(left).toEqual(expected);
    expect((await deliveries(first.id)).body.pagination.total).toBe(3);
  });
});

describe('webhooks without an allow-list', () => {
  const t = useTestApp();

  it('refuses loopback targets', async () => {
    const admin = await registerAndLoginAs(t, ['admin']);
    const response = await t.client.call<Envelope>('createWebhook', { headers: admin.auth, body: { url: 'http://127.0.0.1:9/hook', events: ['*'] } });
    expect([response.status, response.body.details?.[0].field]).toEqual([400, 'url']);
  });
});

/** A receiver with a hand-written answer; it notes when each request arrived and when the sender hung up. */
interface ScriptedReceiver {
  readonly url: string;
  readonly calls: Array<{ id: string; startedAt: number; closedAt?: number }>;
  stop(): Promise<void>;
}

async function startScriptedReceiver(answer: (response: ServerResponse) => void): Promise<ScriptedReceiver> {
  const calls: ScriptedReceiver['calls'] = [];
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const call: ScriptedReceiver['calls'][number] = { id: String(request.headers['x-webhook-id']), startedAt: Date.now() };
    calls.push(call);
    response.on('close', () => (call.closedAt = Date.now()));
    request.resume();
    request.on('end', () => answer(response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    calls,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Receivers that answer with bytes PostgreSQL cannot store, or too slowly. */
describe('webhooks with hostile receivers', () => {
  const TIMEOUT_MS = 1000;
  // A long back-off keeps a failed delivery pending (and visible) instead of retried at once.
  const t = useTestApp({ WEBHOOK_ALLOWLIST: '127.0.0.1', WEBHOOK_RETRY_BASE_MS: '60000', WEBHOOK_POLL_MS: '50', WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS) });
  let admin: LoggedInUser;
  let user: LoggedInUser;
  const receivers: ScriptedReceiver[] = [];

  beforeAll(async () => {
    admin = await registerAndLoginAs(t, ['admin']);
    user = await registerAndLoginAs(t, ['developer']);
  });

  afterEach(async () => {
    const hooks = await t.client.call<WebhookList>('listWebhooks', { headers: admin.auth });
    for (const hook of hooks.body.webhooks) await t.client.call('deleteWebhook', { headers: admin.auth, params: { id: hook.id } });
    for (const receiver of receivers.splice(0)) await receiver.stop();
  });

  const receiverThat = async (answer: (response: ServerResponse) => void): Promise<ScriptedReceiver> => {
    const receiver = await startScriptedReceiver(answer);
    receivers.push(receiver);
    return receiver;
  };
  const subscribe = async (url: string, events: string[]): Promise<CreatedWebhook> => {
    const created = await t.client.call<CreatedWebhook>('createWebhook', { headers: admin.auth, body: { url, events } });
    expect(created.status).toBe(201);
    return created.body;
  };
  const deliveries = async (id: string): Promise<WebhookDelivery[]> => (await t.client.call<WebhookDeliveryList>('listWebhookDeliveries', { headers: admin.auth, params: { id } })).body.deliveries;
  const createContext = (name: string) => t.client.call<Context>('createContext', { headers: user.auth, body: { name } });
  // NUL, then bytes that are not UTF-8 at all.
  const unstorable = (response: ServerResponse): void => {
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.end(Buffer.concat([Buffer.from('ok\u0000', 'utf8'), Buffer.from([0xff, 0xfe])]));
  };

  it('a response with a NUL byte and invalid UTF-8 is recorded as delivered, and sent once', async () => {
    const receiver = await receiverThat(unstorable);
    const hook = await subscribe(receiver.url, ['context.created']);
    await createContext('nul answer');
    await until(async () => (await deliveries(hook.id))[0]?.status === 'delivered', 5000);
    const [delivery] = await deliveries(hook.id);
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 200, lastError: null, responseSnippet: 'ok\uFFFD\uFFFD\uFFFD' });
    // Past the claim's lease (2 x timeout + 5 s = 7 s) nothing is sent again.
    await new Promise((resolve) => setTimeout(resolve, 7500));
    expect(receiver.calls.map((call) => call.id)).toEqual([delivery.id]);
  }, 20_000);

  it('a test send to such a receiver answers the delivery, not an error', async () => {
    const receiver = await receiverThat(unstorable);
    const hook = await subscribe(receiver.url, ['error']);
    const sent = await t.client.call<WebhookDelivery>('testWebhook', { headers: admin.auth, params: { id: hook.id } });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ event: 'webhook.test', status: 'delivered', attempts: 1, lastStatusCode: 200, responseSnippet: 'ok\uFFFD\uFFFD\uFFFD' });
    expect(receiver.calls).toHaveLength(1);
    expect((await deliveries(hook.id))[0]).toMatchObject({ id: sent.body.id, status: 'delivered', responseSnippet: 'ok\uFFFD\uFFFD\uFFFD' });
  });

  it('the timeout is a deadline for the whole answer, and a slow receiver holds up no other', async () => {
    // Headers at once, then one byte every 200 ms for 4 s: never idle long enough for a socket timeout.
    const slow = await receiverThat((response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      const drip = setInterval(() => response.write('.'), 200);
      const end = setTimeout(() => response.end(), 4000);
      response.on('close', () => {
        clearInterval(drip);
        clearTimeout(end);
      });
    });
    const fast = await receiverThat((response) => response.writeHead(200).end('ok'));
    const slowHook = await subscribe(slow.url, ['context.created']);
    const fastHook = await subscribe(fast.url, ['context.updated']);
    const context = await createContext('slow answer');
    await until(() => slow.calls.length === 1, 5000);
    const raised = Date.now();
    expect((await t.client.call('updateContext', { headers: user.auth, params: { id: context.body.id }, body: { description: 'while the slow one drips' } })).status).toBe(200);
    await until(() => fast.calls.length === 1, 5000);
    expect(fast.calls[0].startedAt - raised).toBeLessThan(TIMEOUT_MS / 2);
    await until(async () => (await deliveries(fastHook.id))[0]?.status === 'delivered', 5000);

    await until(async () => (await deliveries(slowHook.id))[0]?.status === 'pending', 5000);
    const [timedOut] = await deliveries(slowHook.id);
    expect(timedOut).toMatchObject({ attempts: 1, deliveredAt: null });
    expect(timedOut.lastError).toMatch(/^timeout/);
    expect(timedOut.lastDurationMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(timedOut.lastDurationMs).toBeLessThan(TIMEOUT_MS + 500);
    expect(Date.parse(String(timedOut.nextAttemptAt)) - Date.now()).toBeGreaterThan(10_000);
    // The sender hung up at the deadline, not when the receiver finished.
    const [call] = slow.calls;
    expect(call.closedAt).toBeDefined();
    expect(Number(call.closedAt) - call.startedAt).toBeLessThan(TIMEOUT_MS + 500);
  }, 20_000);
});

/** Real processes: deliveries pending when the server is killed go out after it restarts. */
describe('webhooks across a kill and restart', () => {
  const ADMIN = { email: 'hooks.admin@example.test', password: 'Adm1n!Passw0rd-hooks' };
  const workspace = useProcessWorkspace('hooks');
  let receiver: WebhookReceiver | undefined;

  afterEach(async () => {
    await receiver?.stop();
  });

  it('delivers what was pending at the kill, once', async () => {
    const { env: storage } = await workspace.prepare();
    receiver = await startWebhookReceiver();
    const env = {
      ...storage,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      WEBHOOK_ALLOWLIST: '127.0.0.1',
      WEBHOOK_RETRY_BASE_MS: '100',
      WEBHOOK_POLL_MS: '50',
      WEBHOOK_TIMEOUT_MS: '1000',
    };
    const call = httpJson;

    const first = await spawnServer(env);
    const token = (await call(first.baseUrl, 'POST', '/api/v1/auth/login', ADMIN)).body.accessToken as string;
    const hook = await call(first.baseUrl, 'POST', '/api/v1/admin/webhooks', { url: receiver.url, events: ['context.created'] }, token);
    expect(hook.status).toBe(201);
    await receiver.stop();
    for (let i = 0; i < 5; i++) expect((await call(first.baseUrl, 'POST', '/api/v1/contexts', { name: `pending ${i}` }, token)).status).toBe(201);
    await first.kill9();

    await receiver.start();
    const second = await spawnServer(env);
    try {
      const received = await receiver.waitFor(5, 30_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const ids = received.map((request) => request.headers['x-webhook-id']);
      expect(new Set(ids).size).toBe(5);
      expect(receiver.received).toHaveLength(5);
      const names = received.map((request) => (JSON.parse(request.body) as { data: { name: string } }).data.name).sort();
      expect(names).toEqual(['pending 0', 'pending 1', 'pending 2', 'pending 3', 'pending 4']);
      for (const request of received) expectSigned(request, hook.body.secret as string);
    } finally {
      await second.stop();
    }
  }, 120_000);
});
