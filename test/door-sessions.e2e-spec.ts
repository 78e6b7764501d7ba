import type { Session, SessionList } from '@app/contracts';
import { SessionActivity } from '@app/sessions';
import { type LoggedInUser, openWs, registerAndLogin, useTestApp } from '@app/testing';
import { DataSource } from 'typeorm';
import { beforeAll, describe, expect, it } from 'vitest';

const sidOf = (token: string): string => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sid as string;

describe('runs through the doors are counted on the door\u2019s session', () => {
  const t = useTestApp();
  let user: LoggedInUser;
  beforeAll(async () => {
    user = await registerAndLogin(t.client);
  });
  const sessions = async () => (await t.client.call<SessionList>('listSessions', { headers: user.auth, query: { limit: 100 } })).body.sessions;
  const metricsOf = async (id: string) => ((await sessions()).find((s) => s.id === id) as Session).metrics;

  it('/mcp: three tools/call count on the MCP session, none on the login session', async () => {
    const login = sidOf(user.accessToken);
    await t.app.get(SessionActivity).flush();
    const before = await metricsOf(login);
    const headers = { authorization: `Bearer ${user.accessToken}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const init = await fetch(`${t.baseUrl}/mcp`, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'a', version: '1' } } }) });
    const mcp = init.headers.get('mcp-session-id') as string;
    for (let i = 0; i < 3; i++) {
      const r = await fetch(`${t.baseUrl}/mcp`, { method: 'POST', headers: { ...headers, accept: 'application/json', 'mcp-session-id': mcp, 'mcp-protocol-version': '2025-06-18' }, body: JSON.stringify({ jsonrpc: '2.0', id: 3 + i, method: 'tools/call', params: { name: 'echo', arguments: { message: 'hi' } } }) });
      expect(r.status).toBe(200);
    }
    await t.app.get(SessionActivity).flush();
    expect(await metricsOf(mcp)).toMatchObject({ messagesReceived: 4, messagesSent: 4, toolExecutions: 3 });
    expect((await metricsOf(login)).toolExecutions).toBe(before.toolExecutions);
    const rows = await t.app.get(DataSource).query(`SELECT count(*)::int AS n FROM tool_executions WHERE session_id = $1`, [mcp]);
    expect(rows[0].n).toBe(3);
  });

  it('/ws: tools/call and tools/execute count on the connection\u2019s websocket session', async () => {
    const login = sidOf(user.accessToken);
    await t.app.get(SessionActivity).flush();
    const before = await metricsOf(login);
    const client = await openWs(t.baseUrl, { headers: user.auth });
    await client.request('tools/call', { name: 'echo', arguments: { message: 'a' } });
    await client.request('tools/execute', { tool: 'echo', arguments: { message: 'b' } });
    const ws = (await sessions()).find((s) => s.connectionType === 'websocket' && s.status === 'active') as Session;
    await t.app.get(SessionActivity).flush();
    expect((await metricsOf(ws.id)).toolExecutions).toBe(2);
    expect((await metricsOf(login)).toolExecutions).toBe(before.toolExecutions);
    client.close();
  });
});
