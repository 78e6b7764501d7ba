import type { UpstreamServer } from '@app/contracts';
import { addHttpUpstream, ContractValidator, followStream, type LoggedInUser, type McpTestServer, openRawMcpSession, openWs, registerAndLogin, registerAndLoginAs, startMcpTestServer, until, useTestApp } from '@app/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { type CallToolResult, ResourceUpdatedNotificationSchema, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { createPrivateKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const EVERYTHING = join(process.cwd(), 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');


describe('/mcp: Model Context Protocol over Streamable HTTP, with the official SDK client', () => {
  const t = useTestApp({ UPSTREAM_STDIO_COMMANDS: process.execPath });
  let user: LoggedInUser;
  let admin: LoggedInUser;
  let remote: McpTestServer;
  const clients: Client[] = [];

  async function connect(token: string, path = '/mcp'): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
    const transport = new StreamableHTTPClientTransport(new URL(`${t.baseUrl}${path}`), { requestInit: { headers: { authorization: `Bearer ${token}` } } });
    const client = new Client({ name: 'e2e', version: '1.0.0' }, { capabilities: {} });
    await client.connect(transport);
    clients.push(client);
    return { client, transport };
  }

  beforeAll(async () => {
    user = await registerAndLogin(t.client);
    admin = await registerAndLoginAs(t, ['admin']);
    remote = await startMcpTestServer();
    const created = await addHttpUpstream(t.client, admin, 'remote', remote.url);
    expect(created.body.status).toBe('connected');
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
    await remote?.close();
  });

  it('initialize negotiates the version and states capabilities and serverInfo', async () => {
    const { client, transport } = await connect(user.accessToken);
    expect(client.getServerVersion()).toMatchObject({ name: 'secure-mcp-server', version: t.config.version });
    expect(client.getServerCapabilities()).toMatchObject({ tools: { listChanged: true } });
    expect(transport.sessionId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('tools/list is the caller\u2019s tools; tools/call runs through the engine; a failing tool is an isError result', async () => {
    const { client } = await connect(user.accessToken);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['echo', 'system_info', 'remote__echo', 'remote__fail']));
    expect(tools.map((tool) => tool.name)).not.toContain('filesystem');
    expect(tools.find((tool) => tool.name === 'echo')?.inputSchema).toMatchObject({ type: 'object' });
    const echo = (await client.callTool({ name: 'echo', arguments: { message: 'hi' } })) as CallToolResult;
    expect(echo.isError).toBeFalsy();
    expect(echo.structuredContent).toEqual({ message: 'hi' });
    const upstream = (await client.callTool({ name: 'remote__echo', arguments: { message: 'through' } })) as CallToolResult;
    expect(upstream.content).toEqual([{ type: 'text', text: 'echo: through' }]);
    const failing = (await client.callTool({ name: 'remote__fail', arguments: {} })) as CallToolResult;
    expect(failing.isError).toBe(true);
    const invalid = (await client.callTool({ name: 'echo', arguments: { delayMs: 'soon' } })) as CallToolResult;
    expect(invalid.isError).toBe(true);
    await expect(client.callTool({ name: 'no_such_tool', arguments: {} })).rejects.toThrow(/Unknown tool/);
    const runs = await t.client.call<{ executions: unknown[] }>('listToolExecutions', { headers: user.auth, params: { id: 'echo' } });
    expect(runs.body.executions.length).toBeGreaterThanOrEqual(1);
  });

  it('/mcp/{contextId} serves exactly the context\u2019s tools, upstream ones under their own names', async () => {
    const context = await t.client.call<{ id: string }>('createContext', { headers: user.auth, body: { name: 'mcp ctx', tools: ['remote__echo', 'remote__slow', 'system_info'] } });
    const { client } = await connect(user.accessToken, `/mcp/${context.body.id}`);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['echo', 'slow', 'system_info']);
    const echo = (await client.callTool({ name: 'echo', arguments: { message: 'ctx' } })) as CallToolResult;
    expect(echo.content).toEqual([{ type: 'text', text: 'echo: ctx' }]);
    await expect(client.callTool({ name: 'fail', arguments: {} })).rejects.toThrow(/Unknown tool/);
    const stranger = await registerAndLogin(t.client);
    await expect(connect(stranger.accessToken, `/mcp/${context.body.id}`)).rejects.toThrow();
  });

  it('sends notifications/tools/list_changed when the registry changes', async () => {
    const { client } = await connect(user.accessToken);
    let changed = 0;
    client.setNotificationHandler(ToolListChangedNotificationSchema, async () => {
      changed++;
    });
    await new Promise((resolve) => setTimeout(resolve, 300)); // the GET stream opens
    remote.addTool('added_later');
    await until(() => changed, (n) => n >= 1);
    expect((await client.listTools()).tools.map((tool) => tool.name)).toContain('remote__added_later');
  });

  it('DELETE ends the session; it then answers 404', async () => {
    const { client, transport } = await connect(user.accessToken);
    const sessionId = transport.sessionId as string;
    await transport.terminateSession();
    const after = await fetch(`${t.baseUrl}/mcp`, { method: 'POST', headers: { authorization: `Bearer ${user.accessToken}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': sessionId }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) });
    expect(after.status).toBe(404);
    await client.close();
  });

  const post = (headers: Record<string, string>, body: unknown, path = '/mcp') =>
    fetch(`${t.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const initialize = (version = '2025-11-25') => ({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: version, capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });

  it('refuses another user\u2019s session with 404', async () => {
    const { transport } = await connect(user.accessToken);
    const other = await registerAndLogin(t.client);
    const response = await post({ authorization: `Bearer ${other.accessToken}`, 'mcp-session-id': transport.sessionId as string }, { jsonrpc: '2.0', id: 2, method: 'tools/list' });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32001 } });
  });

  it('answers 401 with WWW-Authenticate naming the protected resource metadata (served) and the scope to ask for', async () => {
    const attempts: Array<Record<string, string>> = [{}, { authorization: 'Bearer not-a-token' }];
    for (const headers of attempts) {
      const response = await post(headers, initialize());
      expect(response.status).toBe(401);
      // Listing and calling, then what the built-in tools (and the filesystem's writes) require.
      const scope = 'read:tools execute:tools filesystem:read filesystem:write network:http';
      expect(response.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${t.config.publicUrl}/.well-known/oauth-protected-resource", scope="${scope}"${headers.authorization ? ', error="invalid_token"' : ''}`);
    }
    const metadata = await t.client.call<{ resource: string; authorization_servers: string[]; bearer_methods_supported: string[]; scopes_supported: string[] }>('getProtectedResourceMetadata');
    expect(metadata.body).toMatchObject({ resource: `${t.config.publicUrl}/mcp`, authorization_servers: [t.config.publicUrl], bearer_methods_supported: ['header'] });
    expect(metadata.body.scopes_supported).toEqual(expect.arrayContaining(['execute:tools', 'read:tools', 'filesystem:write']));
  });

  it('refuses tokens minted for another audience', async () => {
    const key = createPrivateKey(readFileSync(join(t.config.dataDir, 'jwt-private.pem'), 'utf8'));
    const [h, p] = user.accessToken.split('.');
    const payload = { ...JSON.parse(Buffer.from(p, 'base64url').toString()), aud: 'https://other.example/mcp' };
    const input = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
    const forged = `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
    expect((await post({ authorization: `Bearer ${forged}` }, initialize())).status).toBe(401);
  });

  it('refuses a foreign Origin (403) and accepts its own', async () => {
    expect((await post({ authorization: `Bearer ${user.accessToken}`, origin: 'https://evil.example' }, initialize())).status).toBe(403);
    expect((await post({ authorization: `Bearer ${user.accessToken}`, origin: new URL(t.config.publicUrl).origin }, initialize())).status).toBe(200);
  });

  it('negotiates down to 2024-11-05, answers the latest for an unknown version, refuses a bad MCP-Protocol-Version', async () => {
    const auth = { authorization: `Bearer ${user.accessToken}` };
    expect(((await (await post(auth, initialize('2024-11-05'))).json()) as { result: { protocolVersion: string } }).result.protocolVersion).toBe('2024-11-05');
    expect(((await (await post(auth, initialize('1999-01-01'))).json()) as { result: { protocolVersion: string } }).result.protocolVersion).toBe('2025-11-25');
    const opened = await post(auth, initialize());
    const sessionId = opened.headers.get('mcp-session-id') as string;
    expect((await post({ ...auth, 'mcp-session-id': sessionId, 'mcp-protocol-version': '1999-01-01' }, { jsonrpc: '2.0', id: 3, method: 'ping' })).status).toBe(400);
    const notification = await post({ ...auth, 'mcp-session-id': sessionId }, { jsonrpc: '2.0', method: 'notifications/initialized' });
    expect(notification.status).toBe(202);
    expect((await post({ ...auth, 'mcp-session-id': sessionId }, '{"jsonrpc":')).status).toBe(400);
    expect(await (await post({ ...auth, 'mcp-session-id': sessionId }, '{"jsonrpc":')).json()).toMatchObject({ error: { code: -32700 } });
    expect((await post(auth, { jsonrpc: '2.0', id: 4, method: 'tools/list' })).status).toBe(400);
  });

  it('opens a session only for an initialize it accepts', async () => {
    const auth = { authorization: `Bearer ${user.accessToken}` };
    const refused = await post(auth, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: 5 } });
    expect([refused.status, refused.headers.get('mcp-session-id')]).toEqual([200, null]);
    expect(await refused.json()).toMatchObject({ id: 1, error: { code: -32602 } });
    const notification = await post(auth, { jsonrpc: '2.0', method: 'initialize', params: { protocolVersion: '2025-11-25' } });
    expect([notification.status, notification.headers.get('mcp-session-id'), await notification.text()]).toEqual([202, null, '']);
  });

  it('answers a notification 202 with no body, even one that asks for progress', async () => {
    const { transport } = await connect(user.accessToken);
    const notification = { jsonrpc: '2.0', method: 'tools/call', params: { name: 'echo', arguments: { message: 'x' }, _meta: { progressToken: 7 } } };
    const response = await post({ authorization: `Bearer ${user.accessToken}`, 'mcp-session-id': transport.sessionId as string }, notification);
    expect([response.status, await response.text()]).toEqual([202, '']);
  });

  it('asks for credentials before it looks at Accept', async () => {
    const response = await post({ accept: 'text/html' }, initialize());
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('resource_metadata=');
    const stream = await fetch(`${t.baseUrl}/mcp`, { headers: { accept: 'text/html' } });
    expect([stream.status, stream.headers.get('www-authenticate')?.startsWith('Bearer ')]).toEqual([401, true]);
  });

  it('refuses __proto__ keys as an invalid request, not as unparseable JSON', async () => {
    const { transport } = await connect(user.accessToken);
    const body = '{"jsonrpc":"2.0","method":"tools/call","id":1,"params":{"name":"echo","arguments":{"__proto__":{"x":1},"message":"m"}}}';
    const response = await post({ authorization: `Bearer ${user.accessToken}`, 'mcp-session-id': transport.sessionId as string }, body);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32600 } });
    const rest = await fetch(`${t.baseUrl}/api/v1/tools/echo/execute`, { method: 'POST', headers: { ...user.auth, 'content-type': 'application/json' }, body: '{"parameters":{"__proto__":{"admin":true}}}' });
    expect(rest.status).toBe(400);
    expect(await rest.json()).toMatchObject({ error: 'VALIDATION_ERROR', details: [{ field: '(body)', code: 'INVALID_VALUE' }] });
  });

  it('answers every refusal in a shape openapi.yaml documents', async () => {
    const contract = await ContractValidator.load();
    const auth = { authorization: `Bearer ${user.accessToken}` };
    const { transport } = await connect(user.accessToken);
    const session = { ...auth, 'mcp-session-id': transport.sessionId as string };
    const unknownContext = '00000000-0000-4000-8000-000000000000';
    const cases: Array<[string, Promise<Response>]> = [
      ['mcpPost', post(auth, { jsonrpc: '2.0', id: 2, method: 'tools/list' })],
      ['mcpPost', post({ ...auth, 'mcp-session-id': unknownContext }, { jsonrpc: '2.0', id: 2, method: 'tools/list' })],
      ['mcpPost', post(session, '{"jsonrpc":')],
      ['mcpPost', post(session, { jsonrpc: '2.0', id: 1.5, method: 'ping' })],
      ['mcpPost', post(session, { jsonrpc: '2.0', id: null, method: 'ping' })],
      ['mcpPost', fetch(`${t.baseUrl}/mcp`, { method: 'POST', headers: { ...session, 'content-type': 'text/plain' }, body: 'x' })],
      ['mcpPost', post(session, { jsonrpc: '2.0', id: 3, method: 'ping', params: { pad: 'x'.repeat(3 * 1024 * 1024) } })],
      ['mcpPostContext', post(auth, initialize(), '/mcp/not-a-uuid')],
      ['mcpPostContext', post(auth, initialize(), `/mcp/${unknownContext}`)],
      ['mcpStream', fetch(`${t.baseUrl}/mcp`, { headers: { ...auth, accept: 'text/event-stream' } })],
      ['mcpDelete', fetch(`${t.baseUrl}/mcp`, { method: 'DELETE', headers: { ...auth, 'mcp-session-id': unknownContext } })],
    ];
    const statuses: number[] = [];
    for (const [operationId, pending] of cases) {
      const response = await pending;
      const text = await response.text();
      statuses.push(response.status);
      contract.assertResponse(operationId, response.status, response.headers.get('content-type'), text === '' ? undefined : JSON.parse(text));
    }
    expect(statuses).toEqual([400, 404, 400, 200, 200, 415, 413, 400, 404, 400, 404]);
  });

  it('relays an upstream tool’s progress to the caller that asked for it, and only then', async () => {
    const { client } = await connect(user.accessToken);
    const updates: Array<{ progress: number; total?: number; message?: string }> = [];
    const result = (await client.callTool({ name: 'remote__progress', arguments: { steps: 3 } }, undefined, { onprogress: (update) => void updates.push(update) })) as CallToolResult;
    expect(result.content).toEqual([{ type: 'text', text: '3 steps' }]);
    expect(updates).toEqual([1, 2, 3].map((step) => ({ progress: step, total: 3, message: `step ${step}` })));
    const silent = (await client.callTool({ name: 'remote__progress', arguments: { steps: 2 } })) as CallToolResult;
    expect(silent.content).toEqual([{ type: 'text', text: '2 steps (no progress token)' }]);
  });

  it('answers a call with a progress token as an event stream: the notifications, then the response', async () => {
    const { transport } = await connect(user.accessToken);
    const headers = { authorization: `Bearer ${user.accessToken}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': transport.sessionId as string };
    const call = (progressToken: unknown) => fetch(`${t.baseUrl}/mcp`, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'remote__progress', arguments: { steps: 2 }, _meta: { progressToken } } }) });
    const streamed = await call('tok-1');
    expect(streamed.headers.get('content-type')).toContain('text/event-stream');
    const messages = (await streamed.text()).split('\n').filter((line) => line.startsWith('data: ')).map((line) => JSON.parse(line.slice(6)) as Record<string, unknown>);
    expect(messages.map((message) => message.method ?? `response ${String(message.id)}`)).toEqual(['notifications/progress', 'notifications/progress', 'response 9']);
    expect(messages[0].params).toEqual({ progressToken: 'tok-1', progress: 1, total: 2, message: 'step 1' });
    for (const odd of [{ an: 'object' }, 1.5, 'x'.repeat(300)]) {
      const plain = await call(odd);
      expect(plain.headers.get('content-type')).toContain('application/json');
      expect(((await plain.json()) as { result: CallToolResult }).result.content).toEqual([{ type: 'text', text: '2 steps (no progress token)' }]);
    }
  });

  it('relays progress over /ws too, as notifications before the reply', async () => {
    const socket = await openWs(t.baseUrl, { headers: user.auth });
    const reply = await socket.request('tools/call', { name: 'remote__progress', arguments: { steps: 2 }, _meta: { progressToken: 7 } });
    expect(reply.result).toMatchObject({ content: [{ type: 'text', text: '2 steps' }] });
    expect(socket.unmatched).toEqual([1, 2].map((step) => ({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 7, progress: step, total: 2, message: `step ${step}` } })));
    socket.close();
  });

  it('relays resource subscriptions: updates reach the subscribed session’s stream until it unsubscribes', async () => {
    const { client } = await connect(user.accessToken);
    expect(client.getServerCapabilities()?.resources).toMatchObject({ subscribe: true });
    const updates: string[] = [];
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) => void updates.push(notification.params.uri));
    const other = (await connect(user.accessToken)).client;
    const otherUpdates: string[] = [];
    other.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) => void otherUpdates.push(notification.params.uri));

    expect(await client.subscribeResource({ uri: 'test://note' })).toEqual({});
    expect(remote.subscriptions('test://note')).toBe(1);
    await remote.updateResource('test://note');
    await until(() => updates.length, (count) => count === 1);
    expect(updates).toEqual(['test://note']);
    expect(otherUpdates).toEqual([]);

    await client.unsubscribeResource({ uri: 'test://note' });
    await until(() => remote.subscriptions('test://note'), (count) => count === 0);
    await remote.updateResource('test://note');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(updates).toHaveLength(1);

    await expect(client.subscribeResource({ uri: 'test://nothing-here' })).rejects.toThrow(/not found/i);
  });

  it('ends an ended session’s subscriptions upstream', async () => {
    const { client, transport } = await connect(user.accessToken);
    await client.subscribeResource({ uri: 'test://note' });
    expect(remote.subscriptions('test://note')).toBe(1);
    await transport.terminateSession();
    await until(() => remote.subscriptions('test://note'), (count) => count === 0);
  });

  /** A raw GET stream of a session, collecting its messages until closed. */
  async function follow(headers: Record<string, string>, path = '/mcp'): Promise<{ messages: Array<Record<string, unknown>>; close: () => Promise<void> }> {
    const stream = await followStream(`${t.baseUrl}${path}`, headers);
    expect(stream.status).toBe(200);
    return stream;
  }

  const listChanged = (messages: Array<Record<string, unknown>>) => messages.filter((message) => message.method === 'notifications/tools/list_changed').length;

  it('sends each message on one of a session’s streams, never on all of them', async () => {
    const session = await openRawMcpSession(t.baseUrl, user.accessToken);
    const older = await follow(session);
    const newer = await follow(session);
    remote.addTool('added_for_streams');
    await until(() => listChanged(newer.messages), (count) => count >= 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(listChanged(older.messages)).toBe(0);
    await newer.close();
    remote.addTool('added_after_close');
    await until(() => listChanged(older.messages), (count) => count >= 1);
    await older.close();
  });

  it('tells a context’s sessions when the context’s tools change', async () => {
    const context = await t.client.call<{ id: string }>('createContext', { headers: user.auth, body: { name: 'changing', tools: ['echo'] } });
    const path = `/mcp/${context.body.id}`;
    const opened = await post({ authorization: `Bearer ${user.accessToken}` }, initialize(), path);
    const session = { authorization: `Bearer ${user.accessToken}`, 'mcp-session-id': opened.headers.get('mcp-session-id') as string };
    const stream = await follow(session, path);
    const elsewhere = await follow(await openRawMcpSession(t.baseUrl, user.accessToken));
    await t.client.call('updateContext', { headers: user.auth, params: { id: context.body.id }, body: { tools: ['echo', 'system_info'] } });
    await until(() => listChanged(stream.messages), (count) => count === 1);
    const listed = (await (await post(session, { jsonrpc: '2.0', id: 5, method: 'tools/list' }, path)).json()) as { result: { tools: Array<{ name: string }> } };
    expect(listed.result.tools.map((tool) => tool.name).sort()).toEqual(['echo', 'system_info']);
    await t.client.call('updateContext', { headers: user.auth, params: { id: context.body.id }, body: { name: 'renamed only' } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect([listChanged(stream.messages), listChanged(elsewhere.messages)]).toEqual([1, 0]);
    await stream.close();
    await elsewhere.close();
  });

  it('holds requests to MCP’s ids and initialize to its required params', async () => {
    const session = await openRawMcpSession(t.baseUrl, user.accessToken);
    for (const id of [null, 1.5]) {
      expect(await (await post(session, { jsonrpc: '2.0', id, method: 'ping' })).json()).toMatchObject({ jsonrpc: '2.0', id, error: { code: -32600 } });
    }
    expect(await (await post(session, { jsonrpc: '2.0', id: 'text-id', method: 'ping' })).json()).toEqual({ jsonrpc: '2.0', id: 'text-id', result: {} });
    const bare = await post({ authorization: `Bearer ${user.accessToken}` }, { jsonrpc: '2.0', id: 1, method: 'initialize' });
    expect([bare.headers.get('mcp-session-id'), ((await bare.json()) as { error: { code: number } }).error.code]).toEqual([null, -32602]);
  });

  it('refuses batches from 2025-06-18 on, and answers them for older sessions', async () => {
    const auth = { authorization: `Bearer ${user.accessToken}` };
    const batch = [{ jsonrpc: '2.0', id: 10, method: 'ping' }, { jsonrpc: '2.0', id: 11, method: 'ping' }];
    const current = await openRawMcpSession(t.baseUrl, user.accessToken);
    const refused = await post(current, batch);
    expect([refused.status, ((await refused.json()) as { error: { code: number } }).error.code]).toEqual([400, -32600]);
    const old = await post(auth, initialize('2025-03-26'));
    const answered = await post({ ...auth, 'mcp-session-id': old.headers.get('mcp-session-id') as string }, batch);
    expect(await answered.json()).toEqual([{ jsonrpc: '2.0', id: 10, result: {} }, { jsonrpc: '2.0', id: 11, result: {} }]);
  });

  it('answers an upstream’s failure to read a resource as a bad gateway, not as an internal error', async () => {
    const { client } = await connect(user.accessToken);
    await expect(client.readResource({ uri: 'test://broken' })).rejects.toMatchObject({ code: -32052, message: expect.stringContaining("Upstream 'remote' failed: the disk is on fire") });
  });

  it('proxies resources and prompts from upstreams', async () => {
    await t.client.call<UpstreamServer>('createServer', { headers: admin.auth, body: { name: 'everything', transport: { type: 'stdio', command: process.execPath, args: [EVERYTHING, 'stdio'] } } });
    const { client } = await connect(user.accessToken);
    expect(client.getServerCapabilities()).toMatchObject({ resources: {}, prompts: {} });
    const { resources } = await client.listResources();
    expect(resources.length).toBeGreaterThan(0);
    const read = await client.readResource({ uri: resources[0].uri });
    expect(read.contents.length).toBeGreaterThan(0);
    const { prompts } = await client.listPrompts();
    expect(prompts.map((prompt) => prompt.name)).toContain('everything__simple-prompt');
    const prompt = await client.getPrompt({ name: 'everything__simple-prompt' });
    expect(prompt.messages.length).toBeGreaterThan(0);
  });
});
