import type { CreatedApiKey, Session, SessionList } from '@app/contracts';
import { EventBus } from '@app/events';
import { SessionActivity } from '@app/sessions';
import { type LoggedInUser, openWs, registerAndLogin, registerAndLoginAs, until, useTestApp, type WsClient } from '@app/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

const sidOf = (token: string): string => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sid as string;
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const PUBLIC_EVENTS = ['tool.executed', 'context.created', 'context.updated', 'context.deleted', 'session.terminated', 'user.created', 'error'];
const write = (path: string) => ({ tool: 'filesystem', arguments: { operation: 'write', path, content: 'x' } });


describe('/ws: JSON-RPC 2.0 over WebSocket', () => {
  const t = useTestApp();
  let user: LoggedInUser;
  let developer: LoggedInUser;
  let admin: LoggedInUser;
  const open: WsClient[] = [];
  const connect = async (headers: Record<string, string>, extra: { protocols?: string[]; query?: string } = {}) => {
    const client = await openWs(t.baseUrl, { headers, ...extra });
    open.push(client);
    return client;
  };

  beforeAll(async () => {
    user = await registerAndLogin(t.client);
    developer = await registerAndLoginAs(t, ['developer']);
    admin = await registerAndLoginAs(t, ['admin']);
  });

  afterEach(() => {
    while (open.length > 0) open.pop()?.close();
  });

  describe('authentication on the upgrade', () => {
    it('refuses the upgrade itself (HTTP 401) without or with bad credentials', async () => {
      const attempts: Array<Record<string, string>> = [{}, { authorization: 'Bearer nope' }, { authorization: `Bearer ${user.refreshToken}` }, { authorization: 'ApiKey mcp_sk_fake' }];
      for (const headers of attempts) {
        await expect(openWs(t.baseUrl, { headers })).rejects.toMatchObject({ status: 401 });
      }
      await expect(openWs(t.baseUrl, { query: 'access_token=garbage' })).rejects.toMatchObject({ status: 401 });
    });

    it('accepts a bearer JWT, an API key, ?access_token= and the bearer.<token> subprotocol (answering mcp)', async () => {
      expect((await (await connect(user.auth)).request('ping')).result).toEqual({});
      const key = await t.client.call<CreatedApiKey>('createApiKey', { headers: user.auth, body: { name: 'ws', scopes: ['read:tools', 'execute:tools'] } });
      expect((await (await connect({ authorization: `ApiKey ${key.body.key}` })).request('ping')).result).toEqual({});
      expect((await (await connect({}, { query: `access_token=${user.accessToken}` })).request('ping')).result).toEqual({});
      const viaProtocol = await connect({}, { protocols: ['mcp', `bearer.${user.accessToken}`] });
      expect(viaProtocol.protocol).toBe('mcp');
      expect((await viaProtocol.request('ping')).result).toEqual({});
    });

    it('makes each connection a websocket session, ended when it closes', async () => {
      const client = await connect(user.auth);
      await client.request('ping');
      const live = await t.client.call<SessionList>('listSessions', { headers: user.auth, query: { connectionType: 'websocket', status: 'active' } });
      expect(live.body.sessions.length).toBeGreaterThanOrEqual(1);
      const sessionId = live.body.sessions[0].id;
      client.close();
      await until(async () => (await t.client.call<SessionList>('listSessions', { headers: user.auth, query: { connectionType: 'websocket' } })).body.sessions.find((s) => s.id === sessionId), (s) => s?.status === 'terminated');
    });
  });

  describe('methods', () => {
    it('tools/list and tools/execute call the same registry and engine as REST', async () => {
      const client = await connect(user.auth);
      const list = await client.request<{ tools: Array<{ name: string; inputSchema: unknown }> }>('tools/list', { category: 'system' });
      expect(list.result?.tools.map((tool) => tool.name)).toEqual(['echo']);
      const run = await client.request<{ output: unknown; metadata: { executionTime: number; status: string; executionId: string } }>('tools/execute', { tool: 'echo', arguments: { message: 'over ws' } });
      expect(run.result).toMatchObject({ output: { message: 'over ws' }, metadata: { status: 'completed', executionTime: expect.any(Number) } });
      const history = await t.client.call<{ executionId: string }>('getToolExecution', { headers: user.auth, params: { executionId: run.result?.metadata.executionId as string } });
      expect(history.status).toBe(200);
    });

    it('answers the MCP names too: initialize and tools/call', async () => {
      const client = await connect(user.auth, { protocols: ['mcp'] });
      const init = await client.request<{ protocolVersion: string; capabilities: { tools: { listChanged: boolean } }; serverInfo: { name: string } }>('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'test', version: '1' } });
      expect(init.result).toMatchObject({ protocolVersion: '2025-06-18', capabilities: { tools: { listChanged: true } }, serverInfo: { name: 'secure-mcp-server' } });
      const call = await client.request<{ content: Array<{ text: string }>; structuredContent: unknown }>('tools/call', { name: 'echo', arguments: { message: 'mcp' } });
      expect(call.result).toMatchObject({ structuredContent: { message: 'mcp' }, content: [{ type: 'text' }] });
      const denied = await client.request<{ isError: boolean }>('tools/call', { name: 'echo', arguments: { wrong: true } });
      expect(denied.result?.isError).toBe(true);
    });

    it('maps refusals to application errors carrying the REST code', async () => {
      const client = await connect(user.auth);
      const forbidden = await client.request('tools/execute', { tool: 'filesystem', arguments: { operation: 'list', path: '/' } });
      expect(forbidden.error).toMatchObject({ code: -32003, data: { code: 'FORBIDDEN' } });
      const allowed = await (await connect(developer.auth)).request('tools/execute', { tool: 'filesystem', arguments: { operation: 'write', path: '/a.txt', content: 'x' } });
      expect(allowed.result).toMatchObject({ metadata: { status: 'completed' } });
      const missing = await client.request('tools/execute', { tool: 'nope' });
      expect(missing.error).toMatchObject({ code: -32004, data: { code: 'NOT_FOUND' } });
      const invalid = await client.request('tools/execute', { tool: 'echo', arguments: { delayMs: -1 } });
      expect(invalid.error).toMatchObject({ code: -32602, data: { code: 'VALIDATION_ERROR', details: [expect.objectContaining({ field: 'delayMs' })] } });
      const timeout = await client.request('tools/execute', { tool: 'echo', arguments: { delayMs: 2000 }, options: { timeout: 50 } });
      expect(timeout.error).toMatchObject({ code: -32054, data: { code: 'TIMEOUT' } });
      const badParams = await client.request('tools/execute', { arguments: {} });
      expect(badParams.error).toMatchObject({ code: -32602, data: { details: [expect.objectContaining({ field: 'tool', code: 'REQUIRED' })] } });
    });

    it('context/update changes the context and binds the connection to it', async () => {
      const created = await t.client.call<{ id: string }>('createContext', { headers: developer.auth, body: { name: 'ws ctx', tools: ['echo'] } });
      const client = await connect(developer.auth);
      const updated = await client.request<{ success: boolean; context: { id: string; metadata: Record<string, unknown> } }>('context/update', { contextId: created.body.id, metadata: { environment: 'staging' } });
      expect(updated.result).toMatchObject({ success: true, context: { id: created.body.id, metadata: { environment: 'staging' } } });
      expect((await client.request<{ tools: Array<{ name: string }> }>('tools/list')).result?.tools.map((tool) => tool.name)).toEqual(['echo']);
      const outside = await client.request('tools/execute', { tool: 'filesystem', arguments: { operation: 'list', path: '/' } });
      expect(outside.error).toMatchObject({ code: -32003, data: { code: 'FORBIDDEN' } });
      expect((await client.request('context/update', { contextId: '00000000-0000-4000-8000-000000000000' })).error).toMatchObject({ code: -32004 });
    });

    it('subscribe delivers the caller\u2019s own events (admins get all); unsubscribe stops them', async () => {
      const mine = await connect(user.auth);
      const watcher = await connect(admin.auth);
      expect((await mine.request('subscribe', { events: ['tool.executed', 'context.updated'] })).result).toEqual({ subscribed: true, events: ['tool.executed', 'context.updated'] });
      await watcher.request('subscribe', { events: ['*'] });
      expect((await mine.request('subscribe', { events: ['nonsense.event'] })).error).toMatchObject({ code: -32602 });
      await t.client.call('executeTool', { headers: user.auth, params: { id: 'echo' }, body: { parameters: { message: 'seen' } } });
      await t.client.call('executeTool', { headers: developer.auth, params: { id: 'echo' }, body: { parameters: { message: 'not mine' } } });
      await until(() => watcher.notifications.filter((n) => n.params.event === 'tool.executed').length, (n) => n >= 2);
      const own = await until(() => mine.notifications, (list) => list.length >= 1);
      expect(own[0]).toMatchObject({ jsonrpc: '2.0', method: 'notification', params: { event: 'tool.executed', data: { toolName: 'echo', userId: user.userId, status: 'completed' } } });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(mine.notifications.every((n) => n.params.data.userId === user.userId)).toBe(true);
      await mine.request('unsubscribe', { events: ['tool.executed'] });
      const before = mine.notifications.length;
      await t.client.call('executeTool', { headers: user.auth, params: { id: 'echo' }, body: { parameters: {} } });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(mine.notifications.length).toBe(before);
    });
  });

  describe('exact JSON-RPC', () => {
    it.each([
      ['{bad json', -32700, null],
      ['[]', -32600, null],
      ['"text"', -32600, null],
      ['{"jsonrpc":"2.0","id":"r1"}', -32600, 'r1'],
      ['{"jsonrpc":"2.0","id":"r2","method":"no/such"}', -32601, 'r2'],
      ['{"jsonrpc":"2.0","id":"r3","method":"tools/execute","params":[1,2]}', -32602, 'r3'],
    ])('%s -> %i', async (frame, code, id) => {
      const client = await connect(user.auth);
      expect(await client.raw(frame)).toMatchObject({ jsonrpc: '2.0', id, error: { code } });
    });

    it('answers batches, and never answers a notification', async () => {
      const client = await connect(user.auth);
      const replies = (await client.raw('[{"jsonrpc":"2.0","id":"a","method":"ping"},{"jsonrpc":"2.0","method":"ping"},{"jsonrpc":"2.0","id":"b","method":"nope"}]')) as Array<{ id: string }>;
      expect(replies.map((reply) => reply.id)).toEqual(['a', 'b']);
      client.socket.send('{"jsonrpc":"2.0","method":"ping"}');
      client.socket.send('[{"jsonrpc":"2.0","method":"ping"},{"jsonrpc":"2.0","method":"tools/list"}]');
      expect((await client.request('ping')).result).toEqual({});
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(client.unmatched).toEqual([]);
    });
  });

  describe('rights that change while the connection is open', () => {
    it('closes 1008 when an admin changes the user\u2019s roles, on the JWT and on the API-key connection alike', async () => {
      const promoted = await registerAndLoginAs(t, ['admin']);
      const key = await t.client.call<CreatedApiKey>('createApiKey', { headers: promoted.auth, body: { name: 'ws admin', scopes: ['read:tools', 'execute:tools', 'filesystem:read', 'filesystem:write'] } });
      const socket = await connect(promoted.auth);
      const viaKey = await connect({ authorization: `ApiKey ${key.body.key}` });
      const watcher = await connect(admin.auth);
      await socket.request('subscribe', { events: ['*'] });
      await watcher.request('subscribe', { events: ['*'] });
      expect((await socket.request('tools/execute', write('/promoted.txt'))).result).toMatchObject({ metadata: { status: 'completed' } });
      expect((await viaKey.request('tools/execute', write('/promoted-key.txt'))).result).toMatchObject({ metadata: { status: 'completed' } });

      const changed = await t.client.call('updateUserRoles', { headers: admin.auth, params: { id: promoted.userId }, body: { roles: ['user'] } });
      expect(changed.status).toBe(200);
      expect(await socket.closed).toMatchObject({ code: 1008, reason: expect.stringContaining('sign in again') });
      expect(await viaKey.closed).toMatchObject({ code: 1008, reason: expect.stringContaining('rights changed') });
      expect((await t.client.call('getCurrentUser', { headers: promoted.auth })).status).toBe(401);
      // The admin who made the change keeps its connection, and sees no internal events on '*'.
      expect((await watcher.request('ping')).result).toEqual({});
      expect(watcher.notifications.map((n) => n.params.event).filter((name) => !PUBLIC_EVENTS.includes(name))).toEqual([]);
    });

    it('closes 1008 a connection opened with an API key once that key is deleted; other keys and the login stay open', async () => {
      const owner = await registerAndLoginAs(t, ['developer']);
      const scopes = ['read:tools', 'execute:tools', 'filesystem:read', 'filesystem:write'];
      const doomed = await t.client.call<CreatedApiKey>('createApiKey', { headers: owner.auth, body: { name: 'doomed', scopes } });
      const kept = await t.client.call<CreatedApiKey>('createApiKey', { headers: owner.auth, body: { name: 'kept', scopes } });
      const socket = await connect({ authorization: `Bearer ${doomed.body.key}` });
      const other = await connect({ authorization: `ApiKey ${kept.body.key}` });
      const login = await connect(owner.auth);
      expect((await socket.request('tools/execute', write('/key.txt'))).result).toMatchObject({ metadata: { status: 'completed' } });

      expect((await t.client.call('revokeApiKey', { headers: owner.auth, params: { id: doomed.body.id } })).status).toBe(204);
      expect(await socket.closed).toMatchObject({ code: 1008, reason: expect.stringContaining('revoked') });
      expect((await other.request('tools/execute', write('/kept.txt'))).result).toMatchObject({ metadata: { status: 'completed' } });
      expect((await login.request('ping')).result).toEqual({});
    });

    it('leaves the connection open when another user\u2019s rights change, or when a change of the user takes no rights', async () => {
      const keeper = await registerAndLoginAs(t, ['developer']);
      const demoted = await registerAndLoginAs(t, ['developer']);
      const socket = await connect(keeper.auth);
      const theirs = await connect(demoted.auth);
      await t.client.call('updateUserRoles', { headers: admin.auth, params: { id: demoted.userId }, body: { roles: ['user'] } });
      expect((await theirs.closed).code).toBe(1008);
      t.app.get(EventBus).publish('user.updated', { userId: keeper.userId, fields: ['mfa'] });
      await pause(100);
      expect(socket.socket.readyState).toBe(WebSocket.OPEN);
      expect((await socket.request('tools/execute', write('/keeper.txt'))).result).toMatchObject({ metadata: { status: 'completed' } });
    });
  });

  describe('terminate', () => {
    it('closes the socket with a reason, for the connection\u2019s session and for its login session', async () => {
      const client = await connect(user.auth);
      await client.request('ping');
      const sessions = await t.client.call<SessionList>('listSessions', { headers: user.auth, query: { connectionType: 'websocket', status: 'active' } });
      const wsSession = sessions.body.sessions[0] as Session;
      expect((await t.client.call('terminateSession', { headers: user.auth, params: { id: wsSession.id } })).status).toBe(200);
      expect(await client.closed).toMatchObject({ code: 1008, reason: expect.stringContaining('session terminated') });

      const login = await registerAndLogin(t.client);
      const other = await connect(login.auth);
      await other.request('ping');
      await t.client.call('terminateSession', { headers: login.auth, params: { id: sidOf(login.accessToken) } });
      expect((await other.closed).code).toBe(1008);
    });

    it('counts the connection\u2019s messages in its session', async () => {
      const client = await connect(user.auth);
      for (let i = 0; i < 3; i++) await client.request('ping');
      await t.app.get(SessionActivity).flush();
      const sessions = await t.client.call<SessionList>('listSessions', { headers: user.auth, query: { connectionType: 'websocket', status: 'active' } });
      expect(sessions.body.sessions.some((session) => session.metrics.messagesReceived >= 3)).toBe(true);
    });
  });
});

describe('/ws limits', () => {
  const t = useTestApp({ RATE_LIMIT_WS_MESSAGES: '5/1', WS_MAX_CONNECTIONS_PER_USER: '2' });
  let user: LoggedInUser;

  beforeAll(async () => {
    user = await registerAndLogin(t.client);
  });

  it('answers RATE_LIMIT_EXCEEDED past the message rate, and closes 1008 on sustained abuse', async () => {
    const client = await openWs(t.baseUrl, { headers: user.auth });
    const replies = await Promise.all(Array.from({ length: 8 }, () => client.request('ping')));
    expect(replies.filter((reply) => reply.error?.code === -32029)).toHaveLength(3);
    expect(replies.find((reply) => reply.error)?.error?.data).toMatchObject({ code: 'RATE_LIMIT_EXCEEDED' });
    // Keep flooding for a few windows: the server gives up on the connection.
    const flood = setInterval(() => {
      if (client.socket.readyState === client.socket.OPEN) for (let i = 0; i < 30; i++) client.socket.send('{"jsonrpc":"2.0","method":"ping"}');
    }, 100);
    try {
      expect((await client.closed).code).toBe(1008);
    } finally {
      clearInterval(flood);
    }
  }, 15_000);

  it('counts every message of a batch: those past the limit get RATE_LIMIT_EXCEEDED under their own ids', async () => {
    const client = await openWs(t.baseUrl, { headers: user.auth });
    try {
      const pings = (ids: string[]): string => JSON.stringify(ids.map((id) => ({ jsonrpc: '2.0', method: 'ping', id })));
      type Replies = Array<{ id: string; result?: unknown; error?: { code: number; data?: { code: string } } }>;
      const first = (await client.raw(pings(['a1', 'a2', 'a3']))) as Replies;
      const second = (await client.raw(pings(['b1', 'b2', 'b3']))) as Replies;
      const third = (await client.raw(pings(['c1', 'c2']))) as Replies;
      expect(first.map((reply) => reply.result)).toEqual([{}, {}, {}]);
      expect(second).toEqual([
        { jsonrpc: '2.0', id: 'b1', result: {} },
        { jsonrpc: '2.0', id: 'b2', result: {} },
        { jsonrpc: '2.0', id: 'b3', error: expect.objectContaining({ code: -32029, data: { code: 'RATE_LIMIT_EXCEEDED' } }) },
      ]);
      expect(third.map((reply) => [reply.id, reply.error?.code])).toEqual([['c1', -32029], ['c2', -32029]]);
      // Over the limit: a batch's requests are each answered, its notifications are not.
      const mixed = (await client.raw('[{"jsonrpc":"2.0","method":"ping","id":"d1"},{"jsonrpc":"2.0","method":"ping"},{"jsonrpc":"2.0","method":"ping","id":null}]')) as Array<{ id: string | null; error?: { code: number } }>;
      expect(mixed.map((reply) => [reply.id, reply.error?.code])).toEqual([['d1', -32029], [null, -32029]]);
      client.socket.send('[{"jsonrpc":"2.0","method":"ping"},{"jsonrpc":"2.0","method":"ping"}]');
      await pause(100);
      expect(client.unmatched).toEqual([]);
    } finally {
      client.close();
    }
  });

  it('closes 1009 on a frame over 1 MiB', async () => {
    const client = await openWs(t.baseUrl, { headers: user.auth });
    client.socket.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/execute', params: { tool: 'echo', arguments: { message: 'x'.repeat(1024 * 1024 + 10) } } }));
    expect((await client.closed).code).toBe(1009);
  });

  it('closes 1007 on a text frame that is not UTF-8', async () => {
    const client = await openWs(t.baseUrl, { headers: user.auth });
    client.socket.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect((await client.closed).code).toBe(1007);
  });

  it('caps live connections per user (429 on the upgrade)', async () => {
    const first = await openWs(t.baseUrl, { headers: user.auth });
    const second = await openWs(t.baseUrl, { headers: user.auth });
    await expect(openWs(t.baseUrl, { headers: user.auth })).rejects.toMatchObject({ status: 429 });
    first.close();
    second.close();
  });
});
