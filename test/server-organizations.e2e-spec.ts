import { AuditLogEntity } from '@app/audit';
import type { FavoriteTool, FavoriteToolList, McpServiceList, Tool, ToolExecution, ToolList, UpstreamServer } from '@app/contracts';
import { type LoggedInUser, type McpTestServer, openRawMcpSession, openWs, rawMcpRequest, registerAndLogin, registerAndLoginAs, startMcpTestServer, useTestApp } from '@app/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Envelope = { error: string; message: string; details?: Array<{ field: string; message: string; code: string }> };
type Headers = Record<string, string>;

describe('Upstream servers kept to organizations: only their members (and admins) reach them, on every door', () => {
  const t = useTestApp();
  let admin: LoggedInUser;
  let alice: LoggedInUser;
  let bob: LoggedInUser;
  let carol: LoggedInUser;
  let remote: McpTestServer;
  let acme: string;
  let beta: string;
  let serverId: string;

  const TOOL = 'kept__echo';
  const organization = async (name: string) => {
    const created = await t.client.call<{ id: string }>('createOrganization', { headers: admin.auth, body: { name } });
    expect(created.status).toBe(201);
    return created.body.id;
  };
  const join = async (user: LoggedInUser, organizationId: string) => {
    const answer = await t.client.call('setUserOrganization', { headers: admin.auth, params: { id: user.userId }, body: { organizationId } });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  };
  const keepTo = async (organizations: string[] | null) => {
    const answer = await t.client.call<UpstreamServer & Envelope>('updateServer', { headers: admin.auth, params: { id: serverId }, body: { name: 'kept', transport: { type: 'streamable-http', url: remote.url }, organizations } });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.tools).toContain(TOOL);
    return answer.body;
  };
  const run = (headers: Headers) => t.client.call<ToolExecution & Envelope>('executeTool', { headers, params: { id: TOOL }, body: { parameters: { message: 'hi' } } });
  const listed = async (headers: Headers) => {
    const answer = await t.client.call<ToolList>('listTools', { headers, query: { q: 'kept__', limit: 100 } });
    expect(answer.status).toBe(200);
    return answer.body.tools.map((tool) => tool.name);
  };
  const mcp = async (user: LoggedInUser, method: string, params: Record<string, unknown> = {}) => rawMcpRequest(t.baseUrl, await openRawMcpSession(t.baseUrl, user.accessToken), method, params);

  beforeAll(async () => {
    admin = await registerAndLoginAs(t, ['admin']);
    [alice, bob, carol] = await Promise.all([registerAndLogin(t.client), registerAndLogin(t.client), registerAndLogin(t.client)]);
    remote = await startMcpTestServer();
    acme = await organization('Acme');
    beta = await organization('Beta');
    await join(alice, acme);
    await join(bob, beta);
  });

  afterAll(async () => {
    await remote?.close();
  });

  it('an admin keeps a server to organizations that exist; anything else is a 400 naming the entry, and nothing is made', async () => {
    const create = (organizations: unknown) => t.client.call<UpstreamServer & Envelope>('createServer', { headers: admin.auth, body: { name: 'kept', transport: { type: 'streamable-http', url: remote.url }, organizations } });
    const unknown = await create([acme, randomUUID()]);
    expect(unknown.status, JSON.stringify(unknown.body)).toBe(400);
    expect(unknown.body).toMatchObject({ error: 'VALIDATION_ERROR' });
    expect(unknown.body.details).toEqual([expect.objectContaining({ field: 'organizations[1]', code: 'UNKNOWN_ORGANIZATION' })]);
    for (const bad of [['not-a-uuid'], 'acme', [acme, 7], Array.from({ length: 101 }, () => acme)]) expect((await create(bad)).status).toBe(400);
    expect((await t.client.call<{ servers: UpstreamServer[] }>('listServers', { headers: admin.auth })).body.servers).toEqual([]);

    const created = await create([acme, acme.toUpperCase()]);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.organizations).toEqual([acme]);
    expect(created.body.tools).toContain(TOOL);
    serverId = created.body.id;
    expect((await t.client.call<UpstreamServer>('getServer', { headers: admin.auth, params: { id: serverId } })).body.organizations).toEqual([acme]);
  });

  it("members see and run its tools; everyone else sees none of them, and a run is a 403 that is audited", async () => {
    expect(await listed(alice.auth)).toContain(TOOL);
    expect(await listed(admin.auth)).toContain(TOOL);
    expect(await listed(bob.auth)).toEqual([]);
    expect(await listed(carol.auth)).toEqual([]);
    expect((await t.client.call<Tool>('getTool', { headers: alice.auth, params: { id: TOOL } })).status).toBe(200);
    expect((await t.client.call<Envelope>('getTool', { headers: bob.auth, params: { id: TOOL } })).status).toBe(404);

    expect((await run(alice.auth)).status).toBe(200);
    expect((await run(admin.auth)).status).toBe(200);
    for (const outsider of [bob, carol]) {
      const refused = await run(outsider.auth);
      expect(refused.status, JSON.stringify(refused.body)).toBe(403);
      expect(refused.body).toMatchObject({ error: 'FORBIDDEN' });
    }
    const denied = await t.app.get(DataSource).getRepository(AuditLogEntity).findBy({ userId: bob.userId, action: 'tool.execute', result: 'denied' });
    expect(denied.map((entry) => entry.details)).toEqual([expect.objectContaining({ toolId: expect.any(String), reason: 'server kept to other organizations' })]);

    // Its MCP service too: listed for members, missing for the others.
    const services = async (user: LoggedInUser) => (await t.client.call<McpServiceList>('listMcpServices', { headers: user.auth })).body.services.map((service) => service.name);
    expect(await services(alice)).toEqual(['kept']);
    expect(await services(bob)).toEqual([]);
    expect((await t.client.call<Envelope>('getMcpService', { headers: bob.auth, params: { serviceId: serverId } })).status).toBe(404);
    expect((await t.client.call<Envelope>('configureMcpService', { headers: bob.auth, params: { serviceId: serverId }, body: { config: {} } })).status).toBe(404);
    expect((await t.client.call<Envelope>('listMcpServiceResources', { headers: bob.auth, params: { serviceId: serverId } })).status).toBe(404);
    expect((await t.client.call<Envelope>('readMcpServiceResource', { headers: bob.auth, params: { serviceId: serverId }, body: { uri: 'test://note' } })).status).toBe(404);
    expect((await t.client.call('readMcpServiceResource', { headers: alice.auth, params: { serviceId: serverId }, body: { uri: 'test://note' } })).status).toBe(200);

    // A context cannot take it in for an outsider, as for any tool they may not run.
    const context = await t.client.call<Envelope>('createContext', { headers: bob.auth, body: { name: 'probe', tools: [TOOL] } });
    expect(context.status).toBe(400);
    expect(context.body.details).toEqual([expect.objectContaining({ field: 'tools[0]', code: 'UNKNOWN_TOOL' })]);
  });

  it('the WebSocket and MCP doors keep to the same rule: tools, resources and prompts', async () => {
    const socketOf = async (user: LoggedInUser) => openWs(t.baseUrl, { headers: user.auth });
    const [aliceWs, bobWs] = await Promise.all([socketOf(alice), socketOf(bob)]);
    try {
      const names = async (socket: Awaited<ReturnType<typeof socketOf>>) => ((await socket.request<{ tools: Array<{ name: string }> }>('tools/list', {})).result?.tools ?? []).map((tool) => tool.name);
      expect(await names(aliceWs)).toContain(TOOL);
      expect(await names(bobWs)).not.toContain(TOOL);
      expect((await aliceWs.request('tools/execute', { tool: TOOL, arguments: { message: 'hi' } })).result).toBeDefined();
      expect((await bobWs.request('tools/execute', { tool: TOOL, arguments: { message: 'hi' } })).error).toMatchObject({ data: { code: 'FORBIDDEN' } });
    } finally {
      aliceWs.close();
      bobWs.close();
    }

    const toolNames = async (user: LoggedInUser) => ((await mcp(user, 'tools/list')).result?.tools as Array<{ name: string }>).map((tool) => tool.name);
    expect(await toolNames(alice)).toContain(TOOL);
    expect(await toolNames(bob)).not.toContain(TOOL);
    expect((await mcp(bob, 'tools/call', { name: TOOL, arguments: { message: 'hi' } })).error).toMatchObject({ code: -32602 });
    expect((await mcp(alice, 'tools/call', { name: TOOL, arguments: { message: 'hi' } })).result).toMatchObject({ content: [expect.objectContaining({ type: 'text' })] });

    const uris = async (user: LoggedInUser) => ((await mcp(user, 'resources/list')).result?.resources as Array<{ uri: string }> | undefined)?.map((resource) => resource.uri) ?? [];
    expect(await uris(alice)).toContain('test://note');
    expect(await uris(bob)).not.toContain('test://note');
    expect((await mcp(bob, 'resources/read', { uri: 'test://note' })).error).toBeDefined();
    const prompts = async (user: LoggedInUser) => ((await mcp(user, 'prompts/list')).result?.prompts as Array<{ name: string }> | undefined)?.map((prompt) => prompt.name) ?? [];
    expect(await prompts(alice)).toContain('kept__greet');
    expect(await prompts(bob)).toEqual([]);
  });

  it('a change of membership or of the list takes effect at the next call', async () => {
    const favorite = await t.client.call<FavoriteTool>('addFavoriteTool', { headers: alice.auth, params: { id: TOOL } });
    expect(favorite.status, JSON.stringify(favorite.body)).toBe(200);
    expect(favorite.body.available).toBe(true);

    await join(alice, beta);
    expect((await run(alice.auth)).status).toBe(403);
    expect(await listed(alice.auth)).toEqual([]);
    expect((await t.client.call<FavoriteToolList>('listFavoriteTools', { headers: alice.auth })).body.favorites).toEqual([expect.objectContaining({ toolId: favorite.body.toolId, available: false })]);

    await keepTo([acme, beta]);
    expect((await run(alice.auth)).status).toBe(200);
    expect((await run(bob.auth)).status).toBe(200);
    expect((await run(carol.auth)).status).toBe(403);

    const open = await keepTo(null);
    expect(open.organizations).toBeNull();
    expect((await run(carol.auth)).status).toBe(200);
    expect(await listed(carol.auth)).toContain(TOOL);
  });

  it('a deleted organization leaves the list; a list it empties keeps the server to admins, never opens it', async () => {
    await keepTo([beta]);
    expect((await run(bob.auth)).status).toBe(200);
    expect((await t.client.call('deleteOrganization', { headers: admin.auth, params: { id: beta } })).status).toBe(204);
    expect((await t.client.call<UpstreamServer>('getServer', { headers: admin.auth, params: { id: serverId } })).body.organizations).toEqual([]);
    for (const user of [alice, bob, carol]) expect((await run(user.auth)).status).toBe(403);
    expect((await run(admin.auth)).status).toBe(200);
    // Re-read from the database (a restart, or another instance connecting), the list is still empty.
    await t.client.call('disconnectServer', { headers: admin.auth, params: { id: serverId } });
    expect((await t.client.call<UpstreamServer>('connectServer', { headers: admin.auth, params: { id: serverId } })).body.tools).toContain(TOOL);
    expect((await run(bob.auth)).status).toBe(403);
  });
});
