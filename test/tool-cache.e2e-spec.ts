import { AuditLogEntity } from '@app/audit';
import type { ToolCacheCleared, ToolCacheStats, ToolExecution, UpstreamServer } from '@app/contracts';
import { type LoggedInUser, type McpTestServer, openWs, registerAndLogin, registerAndLoginAs, startMcpTestServer, until, useTestApp } from '@app/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Envelope = { error: string; message: string; details?: Array<{ field: string; message: string; code: string }> };
type McpContent = { content: Array<{ type: string; text: string }> };

const textOf = (execution: ToolExecution): string => (execution.result as McpContent).content[0].text;

describe('The cache of upstream results', () => {
  const t = useTestApp();
  let admin: LoggedInUser;
  let alice: LoggedInUser;
  let bob: LoggedInUser;
  let remote: McpTestServer;
  let server: UpstreamServer;

  const run = async (user: LoggedInUser, tool: string, parameters: Record<string, unknown>): Promise<ToolExecution> => {
    const answer = await t.client.call<ToolExecution>('executeTool', { headers: user.auth, params: { id: tool }, body: { parameters } });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body;
  };
  const lookups = () => remote.calls.get('lookup') ?? 0;
  const stats = async () => (await t.client.call<ToolCacheStats>('getToolCacheStats', { headers: admin.auth })).body;
  const clear = (query: Record<string, string>) => t.client.call<ToolCacheCleared & Envelope>('clearToolCache', { headers: admin.auth, query });
  const configure = async (cache: Record<string, unknown> | null): Promise<void> => {
    const updated = await t.client.call<UpstreamServer>('updateServer', { headers: admin.auth, params: { id: server.id }, body: { name: 'cached', transport: { type: 'streamable-http', url: remote.url }, cache } });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(updated.body.cache).toEqual(cache);
    expect(updated.body.status).toBe('connected');
  };

  beforeAll(async () => {
    admin = await registerAndLoginAs(t, ['admin']);
    alice = await registerAndLogin(t.client);
    bob = await registerAndLogin(t.client);
    remote = await startMcpTestServer();
    const created = await t.client.call<UpstreamServer>('createServer', { headers: admin.auth, body: { name: 'cached', transport: { type: 'streamable-http', url: remote.url }, cache: { ttlSeconds: 60 } } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.cache).toEqual({ ttlSeconds: 60 });
    server = created.body;
  }, 30_000);

  afterAll(async () => {
    await remote?.close();
  });

  it("answers a read-only tool's result again for the same caller and arguments, without calling the upstream, and records the run", async () => {
    const first = await run(alice, 'cached__lookup', { key: 'k', filter: { a: 1, b: 2 } });
    expect(textOf(first)).toBe('k #1');
    expect(first.cached).toBeUndefined();
    // The same arguments written in another order are the same entry.
    const again = await run(alice, 'cached__lookup', { filter: { b: 2, a: 1 }, key: 'k' });
    expect(again).toMatchObject({ status: 'completed', cached: true });
    expect(textOf(again)).toBe('k #1');
    expect(again.executionId).not.toBe(first.executionId);
    expect(lookups()).toBe(1);

    // Each caller has their own entries.
    expect(textOf(await run(bob, 'cached__lookup', { key: 'k', filter: { a: 1, b: 2 } }))).toBe('k #2');
    // Other arguments are another entry.
    expect(textOf(await run(alice, 'cached__lookup', { key: 'other' }))).toBe('other #3');

    // The kept answer is a run like any other: history, audit.
    const stored = await t.client.call<ToolExecution>('getToolExecution', { headers: alice.auth, params: { executionId: again.executionId } });
    expect(stored.body).toMatchObject({ cached: true, status: 'completed' });
    expect(textOf(stored.body)).toBe('k #1');
    expect((await t.client.call<ToolExecution>('getToolExecution', { headers: alice.auth, params: { executionId: first.executionId } })).body.cached).toBeUndefined();
    const audited = await t.app.get(DataSource).getRepository(AuditLogEntity).findOneByOrFail({ action: 'tool.execute', resource: 'tool_cached__lookup', userId: alice.userId, result: 'success' });
    expect(audited).toBeTruthy();
    const entries = await t.app.get(DataSource).query(`SELECT details->>'executionId' AS id, details->'cached' AS cached FROM audit_logs WHERE action = 'tool.execute' AND details->>'executionId' = ANY($1)`, [[first.executionId, again.executionId]]);
    expect(Object.fromEntries(entries.map((entry: { id: string; cached: boolean | null }) => [entry.id, entry.cached]))).toEqual({ [first.executionId]: null, [again.executionId]: true });
  });

  it('serves the same entries on every door', async () => {
    const ws = await openWs(t.baseUrl, { headers: alice.auth });
    const overWs = await ws.request<{ output: McpContent; metadata: { cached?: boolean } }>('tools/execute', { tool: 'cached__lookup', arguments: { key: 'k', filter: { a: 1, b: 2 } } });
    ws.close();
    expect(overWs.result?.metadata.cached).toBe(true);
    expect(overWs.result?.output.content[0].text).toBe('k #1');

    const transport = new StreamableHTTPClientTransport(new URL(`${t.baseUrl}/mcp`), { requestInit: { headers: alice.auth } });
    const client = new Client({ name: 'e2e', version: '1.0.0' }, { capabilities: {} });
    await client.connect(transport);
    const overMcp = (await client.callTool({ name: 'cached__lookup', arguments: { key: 'k', filter: { a: 1, b: 2 } } })) as CallToolResult;
    await client.close();
    expect(overMcp.content).toEqual([{ type: 'text', text: 'k #1' }]);
    expect(lookups()).toBe(3);
  });

  it('keeps neither error results nor the results of tools that do not say they only read', async () => {
    const before = lookups();
    for (let i = 0; i < 2; i++) {
      const failed = await run(alice, 'cached__lookup', { key: 'missing' });
      expect(failed.status).toBe('failed');
      expect(failed.cached).toBeUndefined();
    }
    expect(lookups()).toBe(before + 2);
    const echoes = remote.calls.get('echo') ?? 0;
    await run(alice, 'cached__echo', { message: 'same' });
    expect((await run(alice, 'cached__echo', { message: 'same' })).cached).toBeUndefined();
    expect(remote.calls.get('echo')).toBe(echoes + 2);
  });

  it('shows admins what it holds, and lets them empty a tool, a server, or all of it', async () => {
    const held = await stats();
    expect(held).toMatchObject({ enabled: true, maxBytes: 64 * 1024 * 1024, entries: 3 });
    expect(held.hits).toBeGreaterThanOrEqual(3);
    expect(held.misses).toBeGreaterThanOrEqual(3);
    expect(held.hitRate).toBeCloseTo(held.hits / (held.hits + held.misses), 3);
    expect(held.bytes).toBeGreaterThan(0);
    expect(Date.parse(held.oldestEntry as string)).toBeLessThanOrEqual(Date.now());
    expect(held.servers).toEqual([{ serverId: server.id, server: 'cached', entries: 3, bytes: held.bytes }]);
    expect((await t.client.call('getToolCacheStats', { headers: alice.auth })).status).toBe(403);
    expect((await t.client.call('clearToolCache', { headers: alice.auth })).status).toBe(403);

    expect((await clear({ tool: 'cached__echo' })).body).toEqual({ removed: 0 });
    expect((await clear({ tool: 'cached__look*' })).body).toEqual({ removed: 3 });
    expect((await stats()).entries).toBe(0);
    const before = lookups();
    expect((await run(alice, 'cached__lookup', { key: 'k', filter: { a: 1, b: 2 } })).cached).toBeUndefined();
    expect((await run(alice, 'cached__lookup', { key: 'k', filter: { b: 2, a: 1 } })).cached).toBe(true);
    expect(lookups()).toBe(before + 1);
    expect((await clear({ serverId: '0190d5a4-7c5e-7000-8000-000000000000' })).body).toEqual({ removed: 0 });
    expect((await clear({ serverId: server.id })).body).toEqual({ removed: 1 });
    await run(alice, 'cached__lookup', { key: 'k' });
    expect((await clear({})).body).toEqual({ removed: 1 });
    const audits = await t.app.get(DataSource).getRepository(AuditLogEntity).findBy({ action: 'tool.cache.clear' });
    expect(audits.map((entry) => entry.details.removed).sort()).toEqual([0, 0, 1, 1, 3]);

    for (const [query, field] of [
      [{ serverId: 'cached' }, 'serverId'],
      [{ tool: '' }, 'tool'],
      [{ tool: 'x'.repeat(201) }, 'tool'],
      [{ pattern: 'cached*' }, 'pattern'],
    ] as Array<[Record<string, string>, string]>) {
      const refused = await clear(query);
      expect(refused.status, JSON.stringify(query)).toBe(400);
      expect(refused.body.details?.map((detail) => detail.field), JSON.stringify(query)).toContain(field);
    }
  });

  it("forgets a server's entries when its tools change", async () => {
    await run(alice, 'cached__lookup', { key: 'before a change' });
    expect((await stats()).entries).toBe(1);
    remote.addTool('late');
    await until(stats, (held) => held.entries === 0);
    expect((await run(alice, 'cached__lookup', { key: 'before a change' })).cached).toBeUndefined();
  });

  it('keeps the tools the server names instead, for as long as it says', async () => {
    await configure({ ttlSeconds: 1, tools: ['echo'] });
    // The update reconnected the server: nothing kept from before, and lookup is no longer kept.
    expect((await stats()).entries).toBe(0);
    await run(alice, 'cached__lookup', { key: 'named' });
    expect((await run(alice, 'cached__lookup', { key: 'named' })).cached).toBeUndefined();
    const echoes = remote.calls.get('echo') ?? 0;
    await run(alice, 'cached__echo', { message: 'kept for a second' });
    expect((await run(alice, 'cached__echo', { message: 'kept for a second' })).cached).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await run(alice, 'cached__echo', { message: 'kept for a second' })).cached).toBeUndefined();
    expect(remote.calls.get('echo')).toBe(echoes + 2);

    await configure(null);
    await run(alice, 'cached__echo', { message: 'not kept' });
    expect((await run(alice, 'cached__echo', { message: 'not kept' })).cached).toBeUndefined();
    expect((await stats()).entries).toBe(0);
  });

  it("refuses a cache setting that is not one", async () => {
    for (const cache of [{ ttlSeconds: 0 }, { ttlSeconds: 86_401 }, { ttlSeconds: 1.5 }, {}, { ttlSeconds: 5, tools: 'echo' }, { ttlSeconds: 5, tools: ['echo', 'echo'] }, { ttlSeconds: 5, tools: [''] }, { ttlSeconds: 5, extra: true }, 'yes']) {
      const refused = await t.client.call<Envelope>('updateServer', { headers: admin.auth, params: { id: server.id }, body: { name: 'cached', transport: { type: 'streamable-http', url: remote.url }, cache } });
      expect(refused.status, JSON.stringify(cache)).toBe(400);
      expect(refused.body.details?.some((detail) => detail.field.startsWith('cache')), JSON.stringify(refused.body)).toBe(true);
    }
    expect((await t.client.call<UpstreamServer>('getServer', { headers: admin.auth, params: { id: server.id } })).body.cache).toBeNull();
  });
});

describe("The cache of upstream results and an organization's configuration", () => {
  const t = useTestApp();

  it("a member taken out of the organization is no longer answered with results made with its configuration", async () => {
    const admin = await registerAndLoginAs(t, ['admin']);
    const [lead, member] = [await registerAndLogin(t.client), await registerAndLogin(t.client)];
    const remote = await startMcpTestServer();
    try {
      remote.requireAuthorization(['Bearer discovery', 'Bearer team-token']);
      const acme = (await t.client.call<{ id: string }>('createOrganization', { headers: admin.auth, body: { name: 'Acme' } })).body.id;
      for (const [user, role] of [[lead, 'admin'], [member, 'member']] as const) {
        expect((await t.client.call('setUserOrganization', { headers: admin.auth, params: { id: user.userId }, body: { organizationId: acme, role } })).status).toBe(200);
      }
      const userConfig = { schema: { type: 'object', properties: { token: { type: 'string' } }, required: ['token'] }, headers: { Authorization: 'Bearer {{token}}' } };
      const created = await t.client.call<UpstreamServer>('createServer', { headers: admin.auth, body: { name: 'team', transport: { type: 'streamable-http', url: remote.url, headers: { Authorization: 'Bearer discovery' } }, userConfig, cache: { ttlSeconds: 60 } } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const configured = await t.client.call('configureMyOrganizationService', { headers: lead.auth, params: { serviceId: created.body.id }, body: { config: { token: 'team-token' } } });
      expect(configured.status, JSON.stringify(configured.body)).toBe(200);

      const lookup = () => t.client.call<ToolExecution & Envelope>('executeTool', { headers: member.auth, params: { id: 'team__lookup' }, body: { parameters: { key: 'k' } } });
      expect((await lookup()).body).toMatchObject({ status: 'completed' });
      expect((await lookup()).body).toMatchObject({ status: 'completed', cached: true });
      const calls = remote.calls.get('lookup');

      expect((await t.client.call('removeUserOrganization', { headers: admin.auth, params: { id: member.userId } })).status).toBe(204);
      const refused = await lookup();
      expect(refused.status, JSON.stringify(refused.body)).toBe(400);
      expect(refused.body.error).toBe('MCP_SERVICE_UNCONFIGURED');
      expect(remote.calls.get('lookup')).toBe(calls);
    } finally {
      await remote.close();
    }
  });
});
