import type { Context, CreatedApiKey, Session, SessionList } from '@app/contracts';
import { type EventEnvelope, EventBus } from '@app/events';
import { SessionRevocations } from '@app/security';
import { endsWithin, type LoggedInUser, openRawMcpSession, openStream, type OpenStream, openWs, registerAndLogin, registerAndLoginAs, until, useTestApp, type WsClient } from '@app/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';

type Refusal = { status: number; headers: Record<string, string | undefined>; body: string };

const sidOf = (token: string): string => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sid as string;

/** A refused /ws upgrade, as the client saw it. */
async function refusedUpgrade(baseUrl: string, headers: Record<string, string>): Promise<Refusal> {
  return openWs(baseUrl, { headers }).then(
    (client) => {
      client.close();
      throw new Error('the upgrade was accepted');
    },
    (error: Refusal) => error,
  );
}

describe('/ws methods ask what their REST twins ask', () => {
  const t = useTestApp();
  const sockets: WsClient[] = [];
  const connect = async (headers: Record<string, string>): Promise<WsClient> => {
    const socket = await openWs(t.baseUrl, { headers });
    sockets.push(socket);
    return socket;
  };
  const keyWith = async (owner: LoggedInUser, scopes: string[]): Promise<Record<string, string>> => {
    const key = await t.client.call<CreatedApiKey>('createApiKey', { headers: owner.auth, body: { name: scopes.join(' '), scopes } });
    expect(key.status).toBe(201);
    return { authorization: `ApiKey ${key.body.key}` };
  };

  afterEach(() => {
    while (sockets.length > 0) sockets.pop()?.close();
  });

  it('context/update needs write:contexts, as PUT /contexts/{id} does', async () => {
    const owner = await registerAndLogin(t.client);
    const created = await t.client.call<Context>('createContext', { headers: owner.auth, body: { name: 'mine', metadata: { keep: true } } });
    const readsTools = await keyWith(owner, ['read:tools']);
    expect((await t.client.call('updateContext', { headers: readsTools, params: { id: created.body.id }, body: { name: 'taken' } })).status).toBe(403);

    const refused = await (await connect(readsTools)).request('context/update', { contextId: created.body.id, name: 'taken', status: 'archived', metadata: {} });
    expect(refused.error).toMatchObject({ code: -32003, message: 'Missing permission: write:contexts', data: { code: 'FORBIDDEN' } });
    expect((await t.client.call<Context>('getContext', { headers: owner.auth, params: { id: created.body.id } })).body).toMatchObject({ name: 'mine', status: 'active', metadata: { keep: true } });

    const writesContexts = await keyWith(owner, ['write:contexts']);
    const allowed = await (await connect(writesContexts)).request<{ success: boolean; context: Context }>('context/update', { contextId: created.body.id, name: 'renamed' });
    expect(allowed.result).toMatchObject({ success: true, context: { name: 'renamed' } });
  });

  it('tools/list needs read:tools, as GET /tools does; tools/execute and tools/cancel execute:tools', async () => {
    const owner = await registerAndLogin(t.client);
    const runsTools = await keyWith(owner, ['execute:tools']);
    expect((await t.client.call('listTools', { headers: runsTools })).status).toBe(403);
    const runner = await connect(runsTools);
    expect((await runner.request('tools/list')).error).toMatchObject({ code: -32003, data: { code: 'FORBIDDEN' } });
    expect((await runner.request('tools/execute', { tool: 'echo', arguments: { message: 'still runs' } })).result).toMatchObject({ output: { message: 'still runs' } });

    expect((await (await connect(await keyWith(owner, ['read:tools', 'execute:tools']))).request<{ tools: unknown[] }>('tools/list')).result?.tools.length).toBeGreaterThan(0);
    const reader = await connect(await keyWith(owner, ['read:tools']));
    expect((await reader.request('tools/list')).result).toEqual({ tools: [] });
    expect((await reader.request('tools/execute', { tool: 'echo', arguments: { message: 'x' } })).error).toMatchObject({ code: -32003, message: 'Missing permission: execute:tools' });
    expect((await reader.request('tools/cancel', { executionId: '00000000-0000-4000-8000-000000000000' })).error).toMatchObject({ code: -32003, message: 'Missing permission: execute:tools' });
  });
});

describe('realtime doors spend the API budget', () => {
  const t = useTestApp({ RATE_LIMIT_API: '3/60' });

  it('a /ws upgrade spends one; past the budget it is refused with 429, its headers and the envelope', async () => {
    const user = await registerAndLogin(t.client);
    for (let i = 0; i < 3; i++) (await openWs(t.baseUrl, { headers: user.auth })).close();
    const refused = await refusedUpgrade(t.baseUrl, user.auth);
    expect(refused.status).toBe(429);
    expect(refused.headers).toMatchObject({ 'retry-after': expect.stringMatching(/^\d+$/), 'x-ratelimit-limit': '3', 'x-ratelimit-remaining': '0', 'content-type': expect.stringContaining('application/json') });
    expect(JSON.parse(refused.body)).toMatchObject({ error: 'RATE_LIMIT_EXCEEDED', message: expect.stringContaining('Too many requests'), requestId: expect.any(String), timestamp: expect.any(String) });
    // Bad credentials are still a 401, in the same envelope.
    const unknown = await refusedUpgrade(t.baseUrl, { authorization: 'Bearer nope' });
    expect([unknown.status, unknown.headers['www-authenticate'], JSON.parse(unknown.body).error]).toEqual([401, 'Bearer', 'UNAUTHORIZED']);
  });

  it('GET /mcp spends one per stream', async () => {
    const user = await registerAndLogin(t.client);
    const session = await openRawMcpSession(t.baseUrl, user.accessToken);
    const streams: OpenStream[] = [];
    try {
      for (let i = 0; i < 2; i++) streams.push(await openStream(`${t.baseUrl}/mcp`, { authorization: session.authorization, 'mcp-session-id': session['mcp-session-id'] }));
      expect(streams.map((stream) => stream.status)).toEqual([200, 200]);
      const refused = await fetch(`${t.baseUrl}/mcp`, { headers: { authorization: session.authorization, 'mcp-session-id': session['mcp-session-id'], accept: 'text/event-stream' } });
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(await refused.json()).toMatchObject({ error: 'RATE_LIMIT_EXCEEDED' });
    } finally {
      for (const stream of streams) await stream.cancel();
    }
  });

  it('DELETE /mcp spends one', async () => {
    const user = await registerAndLogin(t.client);
    const end = async (session: Record<string, string>) => fetch(`${t.baseUrl}/mcp`, { method: 'DELETE', headers: { authorization: session.authorization, 'mcp-session-id': session['mcp-session-id'] } });
    expect((await end(await openRawMcpSession(t.baseUrl, user.accessToken))).status).toBe(204);
    const refused = await end(await openRawMcpSession(t.baseUrl, user.accessToken));
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ error: 'RATE_LIMIT_EXCEEDED' });
  });
});

describe('door sessions', () => {
  const t = useTestApp();

  it('a /ws connection that closes ends its session without refusing any token anywhere; a terminate still closes a live one', async () => {
    const user = await registerAndLogin(t.client);
    const revoked: Array<EventEnvelope<'session.revoked'>> = [];
    const off = t.app.get(EventBus).on('session.revoked', (event) => void revoked.push(event));
    try {
      const sessionsOf = async (): Promise<Session[]> => (await t.client.call<SessionList>('listSessions', { headers: user.auth, query: { connectionType: 'websocket', limit: 100 } })).body.sessions;
      const passing = await openWs(t.baseUrl, { headers: user.auth });
      await passing.request('ping');
      const [opened] = await sessionsOf();
      passing.close();
      await until(async () => (await sessionsOf()).find((session) => session.id === opened.id)?.status, (status) => status === 'terminated');
      expect(t.app.get(SessionRevocations).isRevoked(opened.id)).toBe(false);

      const held = await openWs(t.baseUrl, { headers: user.auth });
      await held.request('ping');
      const live = (await sessionsOf()).find((session) => session.status === 'active') as Session;
      expect((await t.client.call('terminateSession', { headers: user.auth, params: { id: live.id } })).status).toBe(200);
      expect(await held.closed).toMatchObject({ code: 1008, reason: expect.stringContaining('session terminated') });
      expect(revoked.flatMap((event) => event.payload.sessionIds)).toEqual([]);
      // The login session the socket was opened with is untouched.
      expect((await t.client.call('getCurrentUser', { headers: user.auth })).status).toBe(200);
    } finally {
      off();
    }
  });

  it('an ended MCP session is refused from its next request on, with no token revocation', async () => {
    const user = await registerAndLogin(t.client);
    const session = await openRawMcpSession(t.baseUrl, user.accessToken);
    const id = session['mcp-session-id'];
    expect((await t.client.call('terminateSession', { headers: user.auth, params: { id } })).status).toBe(200);
    const after = await fetch(`${t.baseUrl}/mcp`, { method: 'POST', headers: session, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }) });
    expect(after.status).toBe(404);
    expect(t.app.get(SessionRevocations).isRevoked(id)).toBe(false);
    // A login session's end still refuses its tokens.
    expect((await t.client.call('logoutUser', { headers: user.auth })).status).toBe(200);
    expect(t.app.get(SessionRevocations).isRevoked(sidOf(user.accessToken))).toBe(true);
  });
});

describe('live streams are capped', () => {
  const t = useTestApp({ SSE_MAX_STREAMS_PER_USER: '2' });
  const streams: OpenStream[] = [];
  const events = (auth: Record<string, string>) => openStream(`${t.baseUrl}/api/v1/events`, auth);

  afterEach(async () => {
    while (streams.length > 0) await streams.pop()?.cancel();
  });

  it('GET /events: at most SSE_MAX_STREAMS_PER_USER at once per user, then 429; one closing frees its place', async () => {
    const user = await registerAndLogin(t.client);
    const other = await registerAndLogin(t.client);
    for (let i = 0; i < 2; i++) streams.push(await events(user.auth));
    expect(streams.map((stream) => stream.status)).toEqual([200, 200]);
    const refused = await t.client.raw('GET', '/api/v1/events', { headers: user.auth });
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: 'RATE_LIMIT_EXCEEDED', message: 'At most 2 live event streams per user' });
    // Another user has places of their own.
    const theirs = await events(other.auth);
    streams.push(theirs);
    expect(theirs.status).toBe(200);
    await streams.shift()?.cancel();
    await until(async () => {
      const again = await events(user.auth);
      if (again.status === 200) streams.push(again);
      return again.status;
    }, (status) => status === 200);
  });

  it('GET /mcp: a session holds at most three streams; a newer one closes the oldest', async () => {
    const user = await registerAndLogin(t.client);
    const session = await openRawMcpSession(t.baseUrl, user.accessToken);
    const headers = { authorization: session.authorization, 'mcp-session-id': session['mcp-session-id'] };
    for (let i = 0; i < 3; i++) streams.push(await openStream(`${t.baseUrl}/mcp`, headers));
    const [oldest, second, third] = streams;
    expect(await endsWithin(oldest, 200)).toBe(false);
    streams.push(await openStream(`${t.baseUrl}/mcp`, headers));
    expect(streams[3].status).toBe(200);
    expect(await endsWithin(oldest, 2000)).toBe(true);
    expect(await endsWithin(second, 200)).toBe(false);
    expect(await endsWithin(third, 0)).toBe(false);
  });

  it('a user’s MCP sessions past fifty end, oldest first', async () => {
    const user = await registerAndLogin(t.client);
    const opened: Array<Record<string, string>> = [];
    for (let i = 0; i < 51; i++) opened.push(await openRawMcpSession(t.baseUrl, user.accessToken));
    const ping = async (session: Record<string, string>) => (await fetch(`${t.baseUrl}/mcp`, { method: 'POST', headers: session, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }) })).status;
    expect(await ping(opened[0])).toBe(404);
    expect([await ping(opened[1]), await ping(opened[50])]).toEqual([200, 200]);
    const live = await t.client.call<SessionList>('listSessions', { headers: user.auth, query: { connectionType: 'mcp', status: 'active', limit: 100 } });
    expect(live.body.sessions).toHaveLength(50);
    const ended = await t.client.call<SessionList>('listSessions', { headers: user.auth, query: { connectionType: 'mcp', status: 'terminated', limit: 100 } });
    expect(ended.body.sessions.map((session) => [session.id, session.endReason])).toEqual([[opened[0]['mcp-session-id'], 'replaced by newer sessions']]);
  });
});

describe('a JWT connection lives as long as its login session, not its token', () => {
  // The shortest token lifetime allowed; verification grants 30 s of clock skew past it.
  const t = useTestApp({ ACCESS_TOKEN_TTL_SECONDS: '30' });

  it(
    'a profile change keeps /ws, /events and an MCP stream opened with an expired token open; a real revocation closes them',
    async () => {
      const user = await registerAndLogin(t.client);
      const ws = await openWs(t.baseUrl, { headers: user.auth });
      const sse = await openStream(`${t.baseUrl}/api/v1/events`, user.auth);
      const session = await openRawMcpSession(t.baseUrl, user.accessToken);
      const mcp = await openStream(`${t.baseUrl}/mcp`, { authorization: session.authorization, 'mcp-session-id': session['mcp-session-id'] });
      expect([sse.status, mcp.status]).toEqual([200, 200]);
      try {
        // Past the token's lifetime and the 30 s of clock skew, without waiting a minute: only Date moves.
        vi.useFakeTimers({ toFake: ['Date'] });
        vi.setSystemTime(Date.now() + 61_000);
        expect((await t.client.call<{ error: string }>('getCurrentUser', { headers: user.auth })).body.error).toBe('TOKEN_EXPIRED');
        const refreshed = await t.client.call<{ accessToken: string }>('refreshToken', { body: { refreshToken: user.refreshToken } });
        const fresh = { authorization: `Bearer ${refreshed.body.accessToken}` };
        expect((await t.client.call('updateCurrentUser', { headers: fresh, body: { name: 'Renamed' } })).status).toBe(200);
        expect(await endsWithin(sse, 1000)).toBe(false);
        expect(await endsWithin(mcp, 0)).toBe(false);
        expect((await ws.request('ping')).result).toEqual({});

        // Rights taken away are still noticed: every token issued before is refused, and so is the connection.
        const admin = await registerAndLoginAs(t, ['admin']);
        expect((await t.client.call('updateUserRoles', { headers: admin.auth, params: { id: user.userId }, body: { roles: ['developer'] } })).status).toBe(200);
        expect(await ws.closed).toMatchObject({ code: 1008 });
        expect(await endsWithin(sse, 5000)).toBe(true);
        expect(await endsWithin(mcp, 5000)).toBe(true);
      } finally {
        vi.useRealTimers();
        ws.close();
        await sse.cancel();
        await mcp.cancel();
      }
    },
  );
});
