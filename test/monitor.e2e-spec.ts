import type { CircuitBreakerList, MonitorOverview, ToolExecution, ToolList, UpstreamServer } from '@app/contracts';
import { addHttpUpstream, freePort, type LoggedInUser, type McpTestServer, registerAndLogin, registerAndLoginAs, startMcpTestServer, useTestApp } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Envelope = { error: string; message: string };

describe('GET /admin/monitor and /admin/monitor/circuit-breakers (MCP Connect)', () => {
  const t = useTestApp({ UPSTREAM_BREAKER_THRESHOLD: '2', UPSTREAM_BREAKER_COOLDOWN_MS: '60000' });
  let admin: LoggedInUser;
  let user: LoggedInUser;
  let remote: McpTestServer;
  let watched: UpstreamServer;

  const run = (tool: string, parameters: Record<string, unknown>) => t.client.call<ToolExecution & Envelope>('executeTool', { headers: user.auth, params: { id: tool }, body: { parameters } });
  const monitor = async () => (await t.client.call<MonitorOverview>('getMonitor', { headers: admin.auth })).body;
  const circuits = async () => (await t.client.call<CircuitBreakerList>('listCircuitBreakers', { headers: admin.auth })).body.circuitBreakers;

  beforeAll(async () => {
    admin = await registerAndLoginAs(t, ['admin']);
    user = await registerAndLoginAs(t, ['developer']);
    remote = await startMcpTestServer();
    watched = (await addHttpUpstream(t.client, admin, 'watched', remote.url)).body;
    expect(watched.status).toBe('connected');
    const broken = await t.client.call<UpstreamServer>('createServer', { headers: admin.auth, body: { name: 'broken', transport: { type: 'streamable-http', url: `http://127.0.0.1:${await freePort()}/mcp` }, timeouts: { connectMs: 1_000 } } });
    expect(broken.body.status).toBe('error');
    await t.client.call('createServer', { headers: admin.auth, body: { name: 'idle', enabled: false, transport: { type: 'streamable-http', url: remote.url } } });
    expect((await run('watched__echo', { message: 'watched' })).status).toBe(200);
    expect((await run('echo', { message: 'built in' })).status).toBe(200);
    expect((await run('filesystem', { operation: 'read', path: '/nothing/here.txt' })).body.status).toBe('failed');
  }, 30_000);

  afterAll(async () => {
    await remote?.close();
  });

  it('GET /health/detailed counts the upstreams (no names): one not connected makes the report degraded, never the instance unready', async () => {
    const health = await t.client.call<{ status: string; components: { upstreams: Record<string, unknown> } }>('getDetailedHealth');
    expect(health.status).toBe(200);
    expect(health.body.components.upstreams).toEqual({ status: 'unhealthy', total: 2, connected: 1, circuitNotClosed: 0, error: '1 of 2 upstream servers not connected' });
    expect(health.body.status).toBe('degraded');
    expect(JSON.stringify(health.body)).not.toContain('broken');
    expect((await t.client.call<{ ready: boolean }>('getReadiness')).body.ready).toBe(true);
  });

  it('shows every server with its connection and circuit here, the tools, and the runs of today', async () => {
    const seen = await monitor();
    const tools = (await t.client.call<ToolList>('listTools', { headers: admin.auth, query: { limit: 100 } })).body;
    expect(seen.instanceId).toMatch(/^inst_/);
    expect(seen.uptime).toBeGreaterThanOrEqual(0);
    expect(seen.overview).toEqual({
      totalServers: 3,
      enabledServers: 2,
      connectedServers: 1,
      openCircuits: 0,
      totalTools: tools.pagination.total,
      upstreamTools: watched.tools.length,
      runsToday: 3,
      failedRunsToday: 1,
    });
    expect(seen.servers.map((server) => [server.name, server.status, server.enabled])).toEqual([
      ['broken', 'error', true],
      ['idle', 'disconnected', false],
      ['watched', 'connected', true],
    ]);
    const [broken, idle, up] = seen.servers;
    // fetch's own words, with the reason it keeps in its cause.
    expect(broken.lastError).toMatch(/^fetch failed \(connect ECONNREFUSED 127\.0\.0\.1:\d+\)$/);
    expect(broken.tools).toBe(0);
    expect(idle.circuit).toMatchObject({ state: 'closed', failures: 0, successes: 0, lastError: null, lastFailureAt: null, cooldownEndsAt: null });
    expect(up).toMatchObject({ tools: watched.tools.length, lastError: null, circuit: { serverId: watched.id, serverName: 'watched', state: 'closed', failures: 0 } });
    expect(up.circuit.successes).toBeGreaterThanOrEqual(1);
    expect(Date.parse(up.lastConnectedAt as string)).toBeLessThanOrEqual(Date.now());
  });

  it('shows a circuit opening: its failures, the last error, and when it lets a probe through', async () => {
    remote.failNext(2);
    for (let i = 0; i < 2; i++) expect([502, 503]).toContain((await run('watched__flaky', {})).status);
    const refused = await run('watched__flaky', {});
    expect(refused.status).toBe(503);
    const circuit = (await circuits()).find((candidate) => candidate.serverId === watched.id);
    expect(circuit).toMatchObject({ serverName: 'watched', state: 'open', failures: 2 });
    expect(circuit?.lastError).toBeTruthy();
    const failedAt = Date.parse(circuit?.lastFailureAt as string);
    expect(Date.parse(circuit?.lastStateChange as string)).toBe(failedAt);
    expect(Date.parse(circuit?.cooldownEndsAt as string)).toBe(failedAt + 60_000);
    expect((await monitor()).overview.openCircuits).toBe(1);
    expect((await circuits()).map((candidate) => candidate.serverName)).toEqual(['broken', 'idle', 'watched']);
  });

  it('is for admins only', async () => {
    const other = await registerAndLogin(t.client);
    for (const auth of [user.auth, other.auth]) {
      expect((await t.client.call('getMonitor', { headers: auth })).status).toBe(403);
      expect((await t.client.call('listCircuitBreakers', { headers: auth })).status).toBe(403);
    }
    expect((await t.client.call('getMonitor')).status).toBe(401);
  });
});
