import { AuditLogEntity } from '@app/audit';
import type { Tool, ToolExecution, ToolList, UpstreamServer } from '@app/contracts';
import { addHttpUpstream, type LoggedInUser, type McpTestServer, openRawMcpSession, openWs, rawMcpRequest, registerAndLogin, registerAndLoginAs, startMcpTestServer, until, useTestApp } from '@app/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Envelope = { error: string; message: string };
type Headers = Record<string, string>;

describe('Admins switch a tool off (and on again): listed, never run, on every door', () => {
  const t = useTestApp();
  let admin: LoggedInUser;
  let user: LoggedInUser;
  let remote: McpTestServer;

  const switchTool = (id: string, body: Record<string, unknown>, headers: Headers = admin.auth) => t.client.call<Tool & Envelope>('updateToolSettings', { headers, params: { id }, body });
  const run = (tool: string, parameters: Record<string, unknown> = { message: 'hi' }) => t.client.call<ToolExecution & Envelope>('executeTool', { headers: user.auth, params: { id: tool }, body: { parameters } });
  const mcpToolNames = async () => ((await rawMcpRequest(t.baseUrl, await openRawMcpSession(t.baseUrl, user.accessToken), 'tools/list')).result?.tools as Array<{ name: string }>).map((tool) => tool.name);

  beforeAll(async () => {
    admin = await registerAndLoginAs(t, ['admin']);
    user = await registerAndLogin(t.client);
    remote = await startMcpTestServer();
    expect((await addHttpUpstream(t.client, admin, 'remote', remote.url)).body.status).toBe('connected');
  });

  afterAll(async () => {
    await remote?.close();
  });

  it('only admins switch tools; unknown tools are 404s and bad bodies 400s', async () => {
    expect((await switchTool('echo', { enabled: false }, user.auth)).status).toBe(403);
    expect((await switchTool('no_such_tool', { enabled: false })).status).toBe(404);
    for (const body of [{}, { reason: 'nothing else' }, { enabled: 'no' }, { requiresConfirmation: 'yes' }, { enabled: false, reason: 'x'.repeat(501) }, { enabled: false, extra: 1 }]) {
      expect((await switchTool('echo', body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await run('echo')).status).toBe(200);
  });

  it('a switched-off tool is listed as disabled, and refused on REST, /ws and /mcp; /mcp leaves it out of its list', async () => {
    const off = await switchTool('echo', { enabled: false, reason: 'under review' });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    expect(off.body).toMatchObject({ id: 'tool_echo', enabled: false });
    expect((await t.client.call<Tool>('getTool', { headers: user.auth, params: { id: 'echo' } })).body.enabled).toBe(false);
    expect((await t.client.call<ToolList>('listTools', { headers: user.auth, query: { enabled: false } })).body.tools.map((tool) => tool.name)).toEqual(['echo']);

    const refused = await run('echo');
    expect(refused.status).toBe(412);
    expect(refused.body.error).toBe('PRECONDITION_FAILED');
    const socket = await openWs(t.baseUrl, { headers: user.auth });
    try {
      expect((await socket.request('tools/execute', { tool: 'echo', arguments: { message: 'hi' } })).error).toMatchObject({ data: { code: 'PRECONDITION_FAILED' } });
    } finally {
      socket.close();
    }
    expect(await mcpToolNames()).not.toContain('echo');
    const called = await rawMcpRequest(t.baseUrl, await openRawMcpSession(t.baseUrl, user.accessToken), 'tools/call', { name: 'echo', arguments: { message: 'hi' } });
    expect(called.result).toMatchObject({ isError: true, _meta: { code: 'PRECONDITION_FAILED' } });

    const on = await switchTool('tool_echo', { enabled: true });
    expect(on.body.enabled).toBe(true);
    expect((await run('echo')).status).toBe(200);
    expect(await mcpToolNames()).toContain('echo');

    const audits = await t.app.get(DataSource).getRepository(AuditLogEntity).find({ where: [{ action: 'tool.disable' }, { action: 'tool.enable' }], order: { timestamp: 'ASC' } });
    expect(audits.map((entry) => [entry.action, entry.userId, entry.details])).toEqual([
      ['tool.disable', admin.userId, { toolId: 'tool_echo', name: 'echo', enabled: false, requiresConfirmation: null, tags: [], reason: 'under review' }],
      ['tool.enable', admin.userId, { toolId: 'tool_echo', name: 'echo', enabled: true, requiresConfirmation: null, tags: [] }],
    ]);
  });

  it('an MCP client is told the list changed when a tool is switched off, and no longer sees it', async () => {
    const client = new Client({ name: 'switches', version: '1.0.0' }, { capabilities: {} });
    let changed = 0;
    client.setNotificationHandler(ToolListChangedNotificationSchema, async () => {
      changed++;
    });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${t.baseUrl}/mcp`), { requestInit: { headers: { authorization: `Bearer ${user.accessToken}` } } }));
    try {
      await new Promise((resolve) => setTimeout(resolve, 300)); // the GET stream opens
      expect((await switchTool('system_info', { enabled: false })).status).toBe(200);
      await until(() => changed, (count) => count >= 1);
      expect((await client.listTools()).tools.map((tool) => tool.name)).not.toContain('system_info');
    } finally {
      expect((await switchTool('system_info', { enabled: true })).status).toBe(200);
      await client.close();
    }
  });

  it("an upstream tool stays off when its server reconnects and lists it again; its server's other tools run", async () => {
    expect((await switchTool('remote__fail', { enabled: false })).status).toBe(200);
    expect((await run('remote__echo')).status).toBe(200);
    expect((await t.client.call('disconnectServer', { headers: admin.auth, params: { id: (await serverId()) } })).status).toBe(200);
    expect((await t.client.call<UpstreamServer>('connectServer', { headers: admin.auth, params: { id: await serverId() } })).body.tools).toContain('remote__fail');
    expect((await t.client.call<Tool>('getTool', { headers: user.auth, params: { id: 'remote__fail' } })).body.enabled).toBe(false);
    expect((await run('remote__fail', {})).status).toBe(412);
    expect(remote.calls.get('fail')).toBeUndefined();
  });

  async function serverId(): Promise<string> {
    const servers = await t.client.call<{ servers: UpstreamServer[] }>('listServers', { headers: admin.auth });
    return servers.body.servers.find((server) => server.name === 'remote')?.id as string;
  }
});
