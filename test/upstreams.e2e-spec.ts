import { AuditLogEntity } from '@app/audit';
import type { ToolExecution, UpstreamServer } from '@app/contracts';
import { type LoggedInUser, type McpTestServer, registerAndLogin, registerAndLoginAs, startMcpTestServer, until, useTestApp } from '@app/testing';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Envelope = { error: string; message: string; details?: Array<{ field: string; code: string }> };

const EVERYTHING = join(process.cwd(), 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');


describe('upstream MCP servers', () => {
  const t = useTestApp({ UPSTREAM_STDIO_COMMANDS: process.execPath, UPSTREAM_BREAKER_THRESHOLD: '2', UPSTREAM_BREAKER_COOLDOWN_MS: '60000' });
  let admin: LoggedInUser;
  let user: LoggedInUser;
  let remote: McpTestServer;
  let everythingId: string;
  let remoteId: string;

  beforeAll(async () => {
    admin = await registerAndLoginAs(t, ['admin']);
    user = await registerAndLogin(t.client);
    remote = await startMcpTestServer();
  });

  afterAll(async () => {
    await remote?.close();
  });

  const server = async (id: string) => (await t.client.call<UpstreamServer>('getServer', { headers: admin.auth, params: { id } })).body;
  const run = (tool: string, parameters: Record<string, unknown>, options?: Record<string, unknown>, auth = admin.auth) =>
    t.client.call<ToolExecution & Envelope>('executeTool', { headers: auth, params: { id: tool }, body: { parameters, ...(options ? { options } : {}) } });

  it('is for admins only', async () => {
    expect((await t.client.call('listServers', { headers: user.auth })).status).toBe(403);
    expect((await t.client.call('createServer', { headers: user.auth, body: { name: 'x', transport: { type: 'streamable-http', url: remote.url } } })).status).toBe(403);
  });

  it('validates transports, names and the stdio allow-list', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ name: 'a', transport: { type: 'stdio' } }, 'transport.command'],
      [{ name: 'a', transport: { type: 'stdio', command: '/bin/sh', args: ['-c', 'id'] } }, 'transport.command'],
      [{ name: 'a', transport: { type: 'streamable-http' } }, 'transport.url'],
      [{ name: 'a', transport: { type: 'sse', url: remote.url, command: 'x' } }, 'transport.command'],
      [{ name: 'Bad Name', transport: { type: 'streamable-http', url: remote.url } }, 'name'],
      [{ name: 'a', transport: { type: 'streamable-http', url: 'not a url' } }, 'transport.url'],
      [{ name: 'a', transport: { type: 'streamable-http', url: remote.url, headers: { x: 1 } } }, 'transport.headers'],
    ];
    for (const [body, field] of cases) {
      const response = await t.client.call<Envelope>('createServer', { headers: admin.auth, body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.details?.map((detail) => detail.field), JSON.stringify(body)).toContain(field);
    }
    const denied = await t.client.call<Envelope>('createServer', { headers: admin.auth, body: { name: 'a', transport: { type: 'stdio', command: '/bin/sh' } } });
    expect(denied.body.details).toEqual([expect.objectContaining({ code: 'NOT_ALLOWED' })]);
  });

  it('stdio: starts server-everything, discovers its tools, and runs them through the engine with its secret env', async () => {
    const created = await t.client.call<UpstreamServer>('createServer', {
      headers: admin.auth,
      body: { name: 'everything', description: 'reference server', transport: { type: 'stdio', command: process.execPath, args: [EVERYTHING, 'stdio'], env: { SECRET_TOKEN: 's3cr3t-value' } }, metadata: { category: 'system', tags: ['reference'] } },
    });
    expect(created.status).toBe(201);
    everythingId = created.body.id;
    expect(created.body).toMatchObject({ status: 'connected', circuit: 'closed', transport: { type: 'stdio', env: { SECRET_TOKEN: '********' } } });
    expect(created.body.pid).toBeGreaterThan(0);
    expect(created.body.tools).toEqual(expect.arrayContaining(['everything__echo', 'everything__get-env', 'everything__trigger-long-running-operation']));
    expect(created.body.resources).toBeGreaterThan(0);
    expect(created.body.prompts).toBeGreaterThan(0);
    const [stored] = await t.app.get(DataSource).query('SELECT transport FROM upstream_servers WHERE id = $1', [everythingId]);
    expect(JSON.stringify(stored.transport)).not.toContain('s3cr3t-value');

    const echo = await run('everything__echo', { message: 'hello' });
    expect(echo.status).toBe(200);
    expect(echo.body).toMatchObject({ status: 'completed', toolId: 'tool_everything__echo', result: { content: [{ type: 'text', text: 'Echo: hello' }] } });
    const env = await run('everything__get-env', {});
    expect(JSON.stringify(env.body.result)).toContain('s3cr3t-value');
    const tool = await t.client.call<{ source: string; server: string; category: string }>('getTool', { headers: admin.auth, params: { id: 'everything__echo' } });
    expect(tool.body).toMatchObject({ source: 'upstream', server: 'everything', category: 'system' });
    const invalid = await run('everything__echo', { message: 42 });
    expect(invalid.status).toBe(400);

    const again = await t.client.call<Envelope>('createServer', { headers: admin.auth, body: { name: 'everything', transport: { type: 'streamable-http', url: remote.url } } });
    expect(again.status).toBe(409);
    expect(await t.app.get(DataSource).getRepository(AuditLogEntity).findOneBy({ action: 'upstream.create', resource: `upstream:${everythingId}` })).not.toBeNull();
  });

  it('killing the stdio child mid-call answers a clean envelope; the server is restarted and later calls succeed', async () => {
    const before = await server(everythingId);
    const inFlight = run('everything__trigger-long-running-operation', { duration: 5, steps: 5 });
    await new Promise((resolve) => setTimeout(resolve, 400));
    process.kill(before.pid as number, 'SIGKILL');
    const answer = await inFlight;
    expect([502, 503]).toContain(answer.status);
    expect(['BAD_GATEWAY', 'SERVICE_UNAVAILABLE']).toContain(answer.body.error);
    const restarted = await until(() => server(everythingId), (view) => view.status === 'connected' && view.pid !== before.pid, 15_000);
    expect(restarted.pid).toBeGreaterThan(0);
    expect((await run('everything__echo', { message: 'again' })).body.status).toBe('completed');
  });

  it('Streamable HTTP: connects with its headers, runs tools, reports error results as failed runs', async () => {
    const created = await t.client.call<UpstreamServer>('createServer', {
      headers: admin.auth,
      body: { name: 'remote', transport: { type: 'streamable-http', url: remote.url, headers: { authorization: 'Bearer upstream-secret' } }, timeouts: { connectMs: 5000, requestMs: 10000 } },
    });
    expect(created.status).toBe(201);
    remoteId = created.body.id;
    expect(created.body).toMatchObject({ status: 'connected', transport: { headers: { authorization: '********' } } });
    expect(created.body.tools.sort()).toEqual(['remote__client_capabilities', 'remote__echo', 'remote__elicit', 'remote__fail', 'remote__flaky', 'remote__log', 'remote__progress', 'remote__sample', 'remote__slow']);
    expect((await run('remote__echo', { message: 'x' })).body).toMatchObject({ status: 'completed', result: { content: [{ text: 'echo: x' }] } });
    expect(remote.lastAuthorization()).toBe('Bearer upstream-secret');
    const failed = await run('remote__fail', {});
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({ status: 'failed', error: { code: 'UPSTREAM_TOOL_ERROR', message: 'this tool always fails' } });
  });

  it('re-reads the tools on notifications/tools/list_changed', async () => {
    remote.addTool('late');
    await until(() => t.client.call('getTool', { headers: admin.auth, params: { id: 'remote__late' } }), (response) => response.status === 200);
  });

  it('a timeout cancels the call upstream too', async () => {
    const slow = await run('remote__slow', { ms: 5000 }, { timeout: 300 });
    expect(slow.status).toBe(504);
    await until(async () => remote.calls.get('slow:cancelled') ?? 0, (n) => n >= 1);
  });

  it('applies the server rate limit to its tools', async () => {
    const current = await server(remoteId);
    const updated = await t.client.call<UpstreamServer>('updateServer', {
      headers: admin.auth,
      params: { id: remoteId },
      body: { name: 'remote', transport: { type: 'streamable-http', url: remote.url, headers: { authorization: '********' } }, rateLimits: { requests: 2, window: '1m' } },
    });
    expect(updated.body).toMatchObject({ status: 'connected', rateLimits: { requests: 2, window: '1m' } });
    expect(current.id).toBe(updated.body.id);
    expect((await run('remote__echo', { message: '1' })).status).toBe(200);
    expect((await run('remote__echo', { message: '2' })).status).toBe(200);
    const third = await run('remote__echo', { message: '3' });
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).not.toBeNull();
    // Sending the mask back kept the stored secret: the upstream still receives the real header.
    expect(remote.lastAuthorization()).toBe('Bearer upstream-secret');
  });

  it('opens the circuit after consecutive failures and says why (503)', async () => {
    await t.client.call('updateServer', { headers: admin.auth, params: { id: remoteId }, body: { name: 'remote', transport: { type: 'streamable-http', url: remote.url } } });
    await remote.stop();
    const statuses: number[] = [];
    let last: Envelope | undefined;
    for (let i = 0; i < 4; i++) {
      const response = await run('remote__echo', { message: 'down' });
      statuses.push(response.status);
      last = response.body;
    }
    expect(statuses.every((status) => status === 502 || status === 503)).toBe(true);
    expect(statuses.at(-1)).toBe(503);
    expect(last?.message).toMatch(/circuit open after \d+ consecutive failures|not connected/);
    expect((await server(remoteId)).circuit).toBe('open');
  });

  it('disconnect removes the tools, connect brings them back, delete removes the server', async () => {
    const off = await t.client.call<UpstreamServer>('disconnectServer', { headers: admin.auth, params: { id: everythingId } });
    expect(off.body).toMatchObject({ status: 'disconnected', tools: [], pid: null });
    expect((await t.client.call('getTool', { headers: admin.auth, params: { id: 'everything__echo' } })).status).toBe(404);
    const on = await t.client.call<UpstreamServer>('connectServer', { headers: admin.auth, params: { id: everythingId } });
    expect(on.body.status).toBe('connected');
    expect((await run('everything__echo', { message: 'back' })).body.status).toBe('completed');
    expect((await t.client.call('deleteServer', { headers: admin.auth, params: { id: everythingId } })).status).toBe(204);
    expect((await t.client.call('getServer', { headers: admin.auth, params: { id: everythingId } })).status).toBe(404);
    expect((await t.client.call('getTool', { headers: admin.auth, params: { id: 'everything__echo' } })).status).toBe(404);
    const unreachable = await t.client.call<Envelope>('connectServer', { headers: admin.auth, params: { id: remoteId } });
    expect(unreachable.status).toBe(502);
    expect((await t.client.call('listServers', { headers: admin.auth })).status).toBe(200);
  });
});
