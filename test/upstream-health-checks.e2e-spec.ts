import type { UpstreamServer } from '@app/contracts';
import { type LoggedInUser, type McpTestServer, registerAndLoginAs, startMcpTestServer, TcpProxy, until, useTestApp } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Envelope = { error: string; details?: Array<{ field: string }> };

/** MCP Connect's healthCheck {enabled, intervalMs, timeoutMs}, against an upstream that stops answering (a frozen link). */
describe('upstream health checks', () => {
  const t = useTestApp();
  let admin: LoggedInUser;
  let remote: McpTestServer;
  const proxies: TcpProxy[] = [];

  beforeAll(async () => {
    admin = await registerAndLoginAs(t, ['admin']);
    remote = await startMcpTestServer();
  });

  afterAll(async () => {
    await Promise.all(proxies.map((proxy) => proxy.close()));
    await remote?.close();
  });

  /** A server reached through its own proxy, to freeze its link alone. */
  async function behindProxy(name: string, healthCheck: Record<string, unknown>): Promise<{ proxy: TcpProxy; id: string; created: UpstreamServer }> {
    const target = new URL(remote.url);
    const proxy = await TcpProxy.start(target.hostname, Number(target.port));
    proxies.push(proxy);
    const url = `http://127.0.0.1:${proxy.port}${target.pathname}`;
    const created = await t.client.call<UpstreamServer>('createServer', { headers: admin.auth, body: { name, transport: { type: 'streamable-http', url }, timeouts: { requestMs: 30_000 }, healthCheck } });
    expect(created.body.status).toBe('connected');
    return { proxy, id: created.body.id, created: created.body };
  }
  const server = async (id: string) => (await t.client.call<UpstreamServer>('getServer', { headers: admin.auth, params: { id } })).body;

  it('shows the checks as they run: on by default, the ping timeout the smaller of requestMs and 10 s unless given', async () => {
    const { created } = await behindProxy('defaults', {});
    expect(created.healthCheck).toEqual({ enabled: true, intervalMs: 30_000, timeoutMs: 10_000 });
    const { created: given } = await behindProxy('given', { intervalMs: 5_000, timeoutMs: 750 });
    expect(given.healthCheck).toEqual({ enabled: true, intervalMs: 5_000, timeoutMs: 750 });
  });

  it('a ping unanswered within timeoutMs fails; three in a row take the server to error', async () => {
    const { proxy, id } = await behindProxy('pinged', { intervalMs: 1_000, timeoutMs: 300 });
    proxy.freeze();
    const failing = await until(() => server(id), (view) => (view.lastError ?? '').startsWith('health check'), 5_000);
    expect(failing.lastError).toMatch(/timed out/i);
    await until(() => server(id), (view) => view.status !== 'connected', 8_000);
    await proxy.restore();
  });

  it('enabled false sends no pings: a frozen link is not noticed until a call needs it', async () => {
    const { proxy, id } = await behindProxy('unpinged', { enabled: false, intervalMs: 1_000, timeoutMs: 300 });
    expect((await server(id)).healthCheck).toMatchObject({ enabled: false });
    proxy.freeze();
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    expect(await server(id)).toMatchObject({ status: 'connected', lastError: null });
    await proxy.restore();
  });

  it('refuses health checks it cannot keep', async () => {
    for (const [healthCheck, field] of [
      [{ timeoutMs: 99 }, 'healthCheck.timeoutMs'],
      [{ timeoutMs: 60_001 }, 'healthCheck.timeoutMs'],
      [{ enabled: 'yes' }, 'healthCheck.enabled'],
      [{ intervalMs: 999 }, 'healthCheck.intervalMs'],
      [{ every: 5 }, 'healthCheck'],
    ] as const) {
      const refused = await t.client.call<Envelope>('createServer', { headers: admin.auth, body: { name: 'refused', transport: { type: 'streamable-http', url: remote.url }, healthCheck } });
      expect(refused.status, JSON.stringify(healthCheck)).toBe(400);
      expect(refused.body.details?.map((detail) => detail.field).join(' '), JSON.stringify(healthCheck)).toContain(field);
    }
  });
});
