import type { UpstreamServer } from '@app/contracts';
import { type LoggedInUser, type McpTestServer, openWs, registerAndLogin, registerAndLoginAs, startMcpTestServer, startWebhookReceiver, until, useTestApp, type WebhookReceiver, type WsClient } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SERVER_EVENTS = ['server.connected', 'server.disconnected', 'server.error', 'circuit.opened', 'circuit.closed'];

describe('server and circuit events: an upstream connecting, failing and recovering is told to webhooks and admins', () => {
  const t = useTestApp({ UPSTREAM_BREAKER_THRESHOLD: '2', UPSTREAM_BREAKER_COOLDOWN_MS: '300', WEBHOOK_ALLOWLIST: '127.0.0.1', WEBHOOK_POLL_MS: '20' });
  let admin: LoggedInUser;
  let user: LoggedInUser;
  let receiver: WebhookReceiver;
  let watching: WsClient;
  let bystander: WsClient;
  const remotes: McpTestServer[] = [];

  const delivered = (): Array<{ event: string; data: Record<string, unknown> }> => receiver.received.map((hook) => JSON.parse(hook.body) as { event: string; data: Record<string, unknown> });
  const toldOf = (serverId: string) => delivered().filter((hook) => hook.data.serverId === serverId);
  const eventsOf = (serverId: string) => toldOf(serverId).map((hook) => hook.event);

  beforeAll(async () => {
    admin = await registerAndLoginAs(t, ['admin']);
    user = await registerAndLogin(t.client);
    receiver = await startWebhookReceiver();
    expect((await t.client.call('createWebhook', { headers: admin.auth, body: { url: receiver.url, events: SERVER_EVENTS } })).status).toBe(201);
    watching = await openWs(t.baseUrl, { headers: admin.auth });
    bystander = await openWs(t.baseUrl, { headers: user.auth });
    expect((await watching.request('subscribe', { events: SERVER_EVENTS })).result).toMatchObject({ subscribed: true });
    expect((await bystander.request('subscribe', { events: ['*'] })).result).toMatchObject({ subscribed: true });
  });

  afterAll(async () => {
    watching?.close();
    bystander?.close();
    await receiver?.stop();
    await Promise.all(remotes.map((remote) => remote.close()));
  });

  async function upstream(name: string, extra: Record<string, unknown> = {}): Promise<{ remote: McpTestServer; id: string }> {
    const remote = await startMcpTestServer();
    remotes.push(remote);
    const created = await t.client.call<UpstreamServer>('createServer', { headers: admin.auth, body: { name, transport: { type: 'streamable-http', url: remote.url }, ...extra } });
    expect(created.body.status).toBe('connected');
    return { remote, id: created.body.id };
  }

  it('connecting, an admin disconnecting and connecting again are told once each, with the instance and the tools', async () => {
    const { remote, id } = await upstream('told');
    await until(() => eventsOf(id), (events) => events.length >= 1);
    expect(toldOf(id)[0].event).toBe('server.connected');
    expect(toldOf(id)[0].data).toEqual({ serverId: id, server: 'told', instance: expect.stringMatching(/^inst_/), tools: expect.any(Number) });
    expect(toldOf(id)[0].data.tools).toBeGreaterThan(3);
    expect((await t.client.call('disconnectServer', { headers: admin.auth, params: { id } })).status).toBe(200);
    expect((await t.client.call('connectServer', { headers: admin.auth, params: { id } })).status).toBe(200);
    await until(() => eventsOf(id), (events) => events.length >= 3);
    expect(eventsOf(id)).toEqual(['server.connected', 'server.disconnected', 'server.connected']);
    // The same events reach an admin following them on /ws; a user following everything hears none.
    await until(() => watching.notifications.filter((notification) => notification.params.data.serverId === id).length, (n) => n >= 3);
    expect(watching.notifications.filter((notification) => notification.params.data.serverId === id).map((notification) => notification.params.event)).toEqual(eventsOf(id));
    expect(bystander.notifications.filter((notification) => SERVER_EVENTS.includes(notification.params.event))).toEqual([]);

    // New settings replace the connection: connected again is no news. Switched off, it is.
    const settings = { name: 'told', transport: { type: 'streamable-http', url: remote.url } };
    expect((await t.client.call('updateServer', { headers: admin.auth, params: { id }, body: { ...settings, description: 'changed' } })).status).toBe(200);
    expect((await t.client.call('updateServer', { headers: admin.auth, params: { id }, body: { ...settings, enabled: false } })).status).toBe(200);
    await until(() => eventsOf(id), (events) => events.length >= 4);
    expect(eventsOf(id)).toEqual(['server.connected', 'server.disconnected', 'server.connected', 'server.disconnected']);
  });

  it('failing calls open the circuit (told once, with why), and the probe that succeeds closes it', async () => {
    const { remote, id } = await upstream('breaks');
    await until(() => eventsOf(id), (events) => events.length >= 1);
    remote.failNext(3);
    for (let n = 0; n < 2; n++) expect((await t.client.call('executeTool', { headers: user.auth, params: { id: 'breaks__flaky' }, body: { parameters: {} } })).status).toBeGreaterThanOrEqual(500);
    // Open now: refused without reaching the upstream (saying why), and told once however often it refuses.
    const refused = await t.client.call<{ details?: unknown }>('executeTool', { headers: user.auth, params: { id: 'breaks__flaky' }, body: { parameters: {} } });
    expect(refused.status).toBe(503);
    expect(refused.body.details).toEqual([{ field: 'server', message: 'breaks', code: 'CIRCUIT_OPEN' }]);
    await until(() => eventsOf(id), (events) => events.includes('circuit.opened'));
    const opened = toldOf(id).find((hook) => hook.event === 'circuit.opened');
    expect(opened?.data).toEqual({ serverId: id, server: 'breaks', instance: expect.stringMatching(/^inst_/), failures: 2, error: expect.any(String), cooldownMs: 300 });
    await new Promise((resolve) => setTimeout(resolve, 350));
    // The half-open probe fails (the upstream's third planned failure): still the same outage.
    expect((await t.client.call('executeTool', { headers: user.auth, params: { id: 'breaks__flaky' }, body: { parameters: {} } })).status).toBeGreaterThanOrEqual(500);
    await new Promise((resolve) => setTimeout(resolve, 350));
    const recovered = await t.client.call<{ status: string }>('executeTool', { headers: user.auth, params: { id: 'breaks__flaky' }, body: { parameters: {} } });
    expect(recovered.body.status).toBe('completed');
    await until(() => eventsOf(id), (events) => events.includes('circuit.closed'));
    expect(eventsOf(id)).toEqual(['server.connected', 'circuit.opened', 'circuit.closed']);
  });

  it('an upstream that stops answering is told as server.error once, not at every failed reconnection', async () => {
    const { remote, id } = await upstream('vanishes', { healthCheck: { intervalMs: 1000 } });
    await until(() => eventsOf(id), (events) => events.length >= 1);
    await remote.stop();
    await until(() => eventsOf(id), (events) => events.includes('server.error'), 15_000);
    const error = toldOf(id).find((hook) => hook.event === 'server.error');
    expect(error?.data).toEqual({ serverId: id, server: 'vanishes', instance: expect.stringMatching(/^inst_/), error: expect.any(String) });
    // Reconnection keeps failing with back-off; nothing more is told while it stays in error.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(eventsOf(id).filter((event) => event === 'server.error')).toHaveLength(1);
    expect((await t.client.call<UpstreamServer>('getServer', { headers: admin.auth, params: { id } })).body.status).toBe('error');
  });
});
