import type { CreatedApiKey, McpServiceList, Tool, ToolExecution, ToolList, UpstreamServer } from '@app/contracts';
import { type LoggedInUser, login, type McpTestServer, openRawMcpSession, rawMcpRequest, registerAndLogin, registerAndLoginAs, startMcpTestServer, useTestApp } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Envelope = { error: string; message: string; details?: Array<{ field: string; message: string; code: string }> };
type Headers = Record<string, string>;

describe('Upstream servers asking permissions beyond execute:tools: only callers holding them see and use them', () => {
  const t = useTestApp();
  let admin: LoggedInUser;
  let user: LoggedInUser;
  let remote: McpTestServer;
  let serverId: string;

  const TOOL = 'guarded__echo';
  const run = (headers: Headers) => t.client.call<ToolExecution & Envelope>('executeTool', { headers, params: { id: TOOL }, body: { parameters: { message: 'hi' } } });
  const listed = async (headers: Headers) => (await t.client.call<ToolList>('listTools', { headers, query: { q: 'guarded__', limit: 100 } })).body.tools.map((tool) => tool.name);
  const mcp = async (accessToken: string, method: string, params: Record<string, unknown> = {}) => rawMcpRequest(t.baseUrl, await openRawMcpSession(t.baseUrl, accessToken), method, params);
  const uris = async (accessToken: string) => ((await mcp(accessToken, 'resources/list')).result?.resources as Array<{ uri: string }> | undefined)?.map((resource) => resource.uri) ?? [];

  beforeAll(async () => {
    admin = await registerAndLoginAs(t, ['admin']);
    user = await registerAndLogin(t.client);
    remote = await startMcpTestServer();
  });

  afterAll(async () => {
    await remote?.close();
  });

  it('an admin names them as permissions are named; anything else is a 400', async () => {
    const create = (permissions: unknown) => t.client.call<UpstreamServer & Envelope>('createServer', { headers: admin.auth, body: { name: 'guarded', transport: { type: 'streamable-http', url: remote.url }, permissions } });
    for (const bad of [['github'], ['Use:GitHub'], ['use:github', 'use:github'], 'use:github', Array.from({ length: 17 }, (_, index) => `use:s${index}`), [7]]) {
      const answer = await create(bad);
      expect(answer.status, JSON.stringify(bad)).toBe(400);
      expect(answer.body.error).toBe('VALIDATION_ERROR');
    }
    const created = await create(['use:github']);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.permissions).toEqual(['use:github']);
    serverId = created.body.id;
    const tool = await t.client.call<Tool>('getTool', { headers: admin.auth, params: { id: TOOL } });
    expect(tool.body.permissions).toEqual(['execute:tools', 'use:github']);
  });

  it('without them, a caller sees none of its tools, resources or service, and a run is a 403 naming what is missing', async () => {
    expect(await listed(user.auth)).toEqual([]);
    expect((await t.client.call('getTool', { headers: user.auth, params: { id: TOOL } })).status).toBe(404);
    const refused = await run(user.auth);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain('use:github');
    expect(await uris(user.accessToken)).not.toContain('test://note');
    expect(((await mcp(user.accessToken, 'tools/list')).result?.tools as Array<{ name: string }>).map((tool) => tool.name)).not.toContain(TOOL);
    expect((await t.client.call<McpServiceList>('listMcpServices', { headers: user.auth })).body.services).toEqual([]);
    expect((await t.client.call('listMcpServiceResources', { headers: user.auth, params: { serviceId: serverId } })).status).toBe(404);
  });

  it('granted them, the caller uses it on every door; an API key only with them in its scopes', async () => {
    expect((await t.client.call('updateUserRoles', { headers: admin.auth, params: { id: user.userId }, body: { roles: ['user'], permissions: ['use:github'] } })).status).toBe(200);
    const granted = { ...user, ...(await login(t.client, user.input)) };
    expect(await listed(granted.auth)).toContain(TOOL);
    expect((await run(granted.auth)).status).toBe(200);
    expect(await uris(granted.accessToken)).toContain('test://note');
    expect((await t.client.call('readMcpServiceResource', { headers: granted.auth, params: { serviceId: serverId }, body: { uri: 'test://note' } })).status).toBe(200);

    const key = async (scopes: string[]) => ({ authorization: `ApiKey ${(await t.client.call<CreatedApiKey>('createApiKey', { headers: granted.auth, body: { name: scopes.join(' '), scopes } })).body.key}` });
    expect((await run(await key(['execute:tools']))).status).toBe(403);
    expect((await run(await key(['execute:tools', 'use:github']))).status).toBe(200);
  });

  it('a change to what the server asks holds at once: asking nothing more opens it to everyone with execute:tools', async () => {
    const other = await registerAndLogin(t.client);
    expect((await run(other.auth)).status).toBe(403);
    const updated = await t.client.call<UpstreamServer>('updateServer', { headers: admin.auth, params: { id: serverId }, body: { name: 'guarded', transport: { type: 'streamable-http', url: remote.url } } });
    expect(updated.body.permissions).toEqual([]);
    expect((await run(other.auth)).status).toBe(200);
    expect(await uris(other.accessToken)).toContain('test://note');
  });
});
