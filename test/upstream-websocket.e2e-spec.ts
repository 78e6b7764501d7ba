import type { ToolExecution, UpstreamServer } from '@app/contracts';
import { type LoggedInUser, type McpTestServer, registerAndLogin, registerAndLoginAs, startMcpTestServer, until, useTestApp } from '@app/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Envelope = { error: string; message: string; details?: Array<{ field: string; message: string; code: string }> };
type McpContent = { content: Array<{ type: string; text: string }> };

describe('Upstream MCP servers over WebSocket (MCP Connect)', () => {
  const t = useTestApp();
  let admin: LoggedInUser;
  let user: LoggedInUser;
  let remote: McpTestServer;
  let server: UpstreamServer;

  const run = (tool: string, parameters: Record<string, unknown>) => t.client.call<ToolExecution & Envelope>('executeTool', { headers: user.auth, params: { id: tool }, body: { parameters } });
  const getServer = async (id: string) => (await t.client.call<UpstreamServer>('getServer', { headers: admin.auth, params: { id } })).body;

  beforeAll(async () => {
    admin = await registerAndLoginAs(t, ['admin']);
    user = await registerAndLogin(t.client);
    remote = await startMcpTestServer();
  });

  afterAll(async () => {
    await remote?.close();
  });

  it('connects with its headers on the upgrade, lists its tools and runs them on every door', async () => {
    const created = await t.client.call<UpstreamServer>('createServer', {
      headers: admin.auth,
      body: { name: 'wsup', transport: { type: 'websocket', url: remote.wsUrl, headers: { Authorization: 'Bearer upstream-secret' } } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    server = created.body;
    expect(server).toMatchObject({ status: 'connected', transport: { type: 'websocket', url: remote.wsUrl, headers: { Authorization: '********' } } });
    expect(server.tools).toEqual(expect.arrayContaining(['wsup__echo', 'wsup__lookup', 'wsup__fail']));
    expect(remote.lastAuthorization()).toBe('Bearer upstream-secret');

    const echoed = await run('wsup__echo', { message: 'over a socket' });
    expect(echoed.status).toBe(200);
    expect((echoed.body.result as McpContent).content[0].text).toContain('over a socket');
    const failed = await run('wsup__fail', {});
    expect(failed.body.status).toBe('failed');

    const transport = new StreamableHTTPClientTransport(new URL(`${t.baseUrl}/mcp`), { requestInit: { headers: user.auth } });
    const client = new Client({ name: 'e2e', version: '1.0.0' }, { capabilities: {} });
    await client.connect(transport);
    const result = (await client.callTool({ name: 'wsup__lookup', arguments: { key: 'socket' } })) as CallToolResult;
    expect(result.content).toEqual([{ type: 'text', text: expect.stringMatching(/^socket #\d+$/) }]);
    const resources = await client.listResources();
    expect(resources.resources.map((resource) => resource.uri)).toContain('test://note');
    await client.close();
  });

  it('re-reads its tools when it says they changed', async () => {
    remote.addTool('late');
    await until(() => getServer(server.id), (seen) => seen.tools.includes('wsup__late'));
    expect((await run('wsup__late', {})).body.status).toBe('completed');
  });

  it('refuses urls of the wrong scheme for the transport, and says why an upgrade was refused', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ type: 'websocket', url: remote.url }, 'transport.url'],
      [{ type: 'streamable-http', url: remote.wsUrl }, 'transport.url'],
      [{ type: 'sse', url: remote.wsUrl }, 'transport.url'],
      [{ type: 'websocket' }, 'transport.url'],
      [{ type: 'websocket', url: remote.wsUrl, command: 'x' }, 'transport.command'],
    ];
    for (const [transport, field] of cases) {
      const refused = await t.client.call<Envelope>('createServer', { headers: admin.auth, body: { name: 'bad-ws', transport } });
      expect(refused.status, JSON.stringify(transport)).toBe(400);
      expect(refused.body.details?.map((detail) => detail.field), JSON.stringify(transport)).toContain(field);
    }
    // A path nobody upgrades: created, in error, with the HTTP status in its last error.
    const wrongPath = await t.client.call<UpstreamServer>('createServer', { headers: admin.auth, body: { name: 'ws-404', transport: { type: 'websocket', url: remote.wsUrl.replace('/ws', '/nothing') }, timeouts: { connectMs: 2_000 } } });
    expect(wrongPath.status).toBe(201);
    expect(wrongPath.body.status).toBe('error');
    expect(wrongPath.body.lastError).toContain('HTTP 404');
    expect((await t.client.call('deleteServer', { headers: admin.auth, params: { id: wrongPath.body.id } })).status).toBe(204);
  });

  it('notices the socket closing: the tools go until it reconnects, and calls get a clean envelope', async () => {
    await remote.stop();
    const down = await until(() => getServer(server.id), (seen) => seen.status !== 'connected');
    expect(['error', 'connecting']).toContain(down.status);
    expect(down.tools).toEqual([]);
    const refused = await run('wsup__echo', { message: 'anyone there?' });
    expect(refused.status).toBe(404);
    expect(refused.body.error).toBe('NOT_FOUND');
    expect(JSON.stringify(refused.body)).not.toContain('upstream-secret');
  });
});
