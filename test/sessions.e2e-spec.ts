import { AuditLogEntity } from '@app/audit';
import type { Session, SessionList } from '@app/contracts';
import { type EventEnvelope, EventBus } from '@app/events';
import { TokenCredentialVerifier } from '@app/auth';
import type { AuthenticatedUser } from '@app/security';
import { SessionActivity, SessionsService } from '@app/sessions';
import { type LoggedInUser, login, openWs, registerAndLogin, registerAndLoginAs, until, useTestApp } from '@app/testing';
import { ToolExecutor } from '@app/tools';
import { DataSource } from 'typeorm';
import { beforeAll, describe, expect, it } from 'vitest';

type Envelope = { error: string; message: string };

const sidOf = (token: string): string => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sid as string;

describe('sessions', () => {
  const t = useTestApp();
  let user: LoggedInUser;
  let admin: LoggedInUser;
  const terminated: Array<EventEnvelope<'session.terminated'>> = [];

  beforeAll(async () => {
    user = await registerAndLogin(t.client, { name: 'Session Owner' });
    admin = await registerAndLoginAs(t, ['admin']);
    t.app.get(EventBus).on('session.terminated', (event) => void terminated.push(event));
  });

  const mine = async (auth: Record<string, string>, query: Record<string, string> = {}) => (await t.client.call<SessionList>('listSessions', { headers: auth, query })).body;

  it('lists the caller\u2019s own sessions with the login details', async () => {
    const list = await mine(user.auth);
    expect(list.sessions).toEqual([expect.objectContaining({ id: sidOf(user.accessToken), userId: user.userId, status: 'active', connectionType: 'http', ipAddress: '127.0.0.1' })]);
    expect(list.pagination.total).toBe(1);
  });

  it('counts messages, errors and tool runs for real, written in batches', async () => {
    const session = sidOf(user.accessToken);
    const before = (await mine(user.auth)).sessions.find((s) => s.id === session) as Session;
    await t.client.call('getCurrentUser', { headers: user.auth });
    await t.client.call('getTool', { headers: user.auth, params: { id: 'no-such-tool' } });
    await t.client.call('executeTool', { headers: user.auth, params: { id: 'echo' }, body: { parameters: { message: 'counted' } } });
    await t.app.get(SessionActivity).flush();
    const after = (await mine(user.auth)).sessions.find((s) => s.id === session) as Session;
    // Three requests above plus the list call that read `before`.
    expect(after.metrics.messagesReceived - before.metrics.messagesReceived).toBeGreaterThanOrEqual(4);
    expect(after.metrics.messagesSent - before.metrics.messagesSent).toBeGreaterThanOrEqual(4);
    expect(after.metrics.errors - before.metrics.errors).toBe(1);
    expect(after.metrics.toolExecutions - before.metrics.toolExecutions).toBe(1);
    expect(Date.parse(after.lastActivity)).toBeGreaterThan(Date.parse(before.lastActivity));
  });

  it('counts a run made through a door (/mcp, /ws) on the door\u2019s session, not on the login session of its token', async () => {
    const caller = (await t.app.get(TokenCredentialVerifier).verifyAuthorization(`Bearer ${user.accessToken}`, '127.0.0.1')) as AuthenticatedUser;
    const loginSession = caller.sessionId as string;
    const door = await t.app.get(SessionsService).start({ userId: user.userId, connectionType: 'mcp', origin: { ipAddress: '127.0.0.1' }, ttlSeconds: 60 });
    const announced: Array<EventEnvelope<'tool.executed'>> = [];
    const off = t.app.get(EventBus).on('tool.executed', (event) => void announced.push(event));
    const metricsOf = async (id: string) => ((await mine(user.auth)).sessions.find((s) => s.id === id) as Session).metrics;
    const loginBefore = await metricsOf(loginSession);
    const executor = t.app.get(ToolExecutor);
    const sync = await executor.execute(caller, 'echo', { message: 'door' }, { sessionId: door.id }, {});
    const accepted = await executor.execute(caller, 'echo', { message: 'door, later' }, { sessionId: door.id, async: true }, {});
    const ids = [sync.execution.executionId, accepted.execution.executionId];
    await until(async () => announced.filter((event) => ids.includes(event.payload.executionId)), (events) => events.length === 2);
    off();
    expect(announced.filter((event) => ids.includes(event.payload.executionId)).map((event) => event.payload.sessionId)).toEqual([door.id, door.id]);
    await t.app.get(SessionActivity).flush();
    expect((await metricsOf(door.id)).toolExecutions).toBe(2);
    expect((await metricsOf(loginSession)).toolExecutions).toBe(loginBefore.toolExecutions);
    const db = t.app.get(DataSource);
    expect(await db.query('SELECT session_id FROM tool_executions WHERE id = ANY($1)', [ids])).toEqual([{ session_id: door.id }, { session_id: door.id }]);
    // The audit entry names the credential's login session, as every other entry of that login does.
    const audits = await db.query(`SELECT session_id FROM audit_logs WHERE action = 'tool.execute' AND details->>'executionId' = ANY($1)`, [ids]);
    expect(audits).toEqual([{ session_id: loginSession }, { session_id: loginSession }]);
  });

  it('lets admins list everyone\u2019s, filtered; not users', async () => {
    const filtered = await mine(admin.auth, { userId: user.userId, connectionType: 'http', status: 'active' });
    expect(filtered.sessions.length).toBeGreaterThan(0);
    expect(filtered.sessions.every((session) => session.userId === user.userId)).toBe(true);
    expect((await t.client.call('listSessions', { headers: user.auth, query: { userId: admin.userId } })).status).toBe(403);
    expect((await t.client.call('listSessions', { headers: user.auth, query: { connectionType: 'pigeon' } })).status).toBe(400);
  });

  it('terminate: the token fails on the very next request, with event and audit; twice is 409', async () => {
    const victim = await registerAndLogin(t.client);
    const sessionId = sidOf(victim.accessToken);
    const response = await t.client.call<{ message: string; sessionId: string; timestamp: string }>('terminateSession', { headers: victim.auth, params: { id: sessionId } });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ message: 'Session terminated successfully', sessionId });
    const next = await t.client.call<Envelope>('getCurrentUser', { headers: victim.auth });
    expect(next.status).toBe(401);
    expect(next.body.error).toBe('TOKEN_REVOKED');
    expect((await t.client.call('refreshToken', { body: { refreshToken: victim.refreshToken } })).status).toBe(401);
    await new Promise((resolve) => setImmediate(resolve));
    expect(terminated.map((event) => event.payload)).toContainEqual({ sessionId, userId: victim.userId, reason: 'terminated by its user' });
    expect(await t.app.get(DataSource).getRepository(AuditLogEntity).findOneBy({ action: 'session.terminate', resource: `session:${sessionId}` })).not.toBeNull();
    const fresh = await login(t.client, victim.input);
    expect((await t.client.call<Envelope>('terminateSession', { headers: fresh.auth, params: { id: sessionId } })).status).toBe(409);
  });

  it('someone else\u2019s or an unknown session is 404; an admin may end anyone\u2019s', async () => {
    const target = await registerAndLogin(t.client);
    const sessionId = sidOf(target.accessToken);
    expect((await t.client.call('terminateSession', { headers: user.auth, params: { id: sessionId } })).status).toBe(404);
    expect((await t.client.call('terminateSession', { headers: user.auth, params: { id: '00000000-0000-4000-8000-000000000000' } })).status).toBe(404);
    expect((await t.client.call('getCurrentUser', { headers: target.auth })).status).toBe(200);
    expect((await t.client.call('terminateSession', { headers: admin.auth, params: { id: sessionId } })).status).toBe(200);
    expect((await t.client.call('getCurrentUser', { headers: target.auth })).status).toBe(401);
  });

  it('marks sessions past their expiry as expired, ends what was opened under them, and prunes old ended ones', async () => {
    const stale = await registerAndLogin(t.client);
    const sessionId = sidOf(stale.accessToken);
    const socket = await openWs(t.baseUrl, { headers: stale.auth });
    const db = t.app.get(DataSource);
    await db.query(`UPDATE sessions SET expires_at = now() - interval '1 minute' WHERE id = $1`, [sessionId]);
    await t.app.get(SessionsService).expireAndPrune();
    const [row] = await db.query('SELECT status, end_reason FROM sessions WHERE id = $1', [sessionId]);
    expect(row).toEqual({ status: 'expired', end_reason: 'expired' });
    expect((await t.client.call('refreshToken', { body: { refreshToken: stale.refreshToken } })).status).toBe(401);
    // As a termination would: the access token stops, and the socket opened with it closes.
    expect((await t.client.call('getCurrentUser', { headers: stale.auth })).status).toBe(401);
    expect(await socket.closed).toMatchObject({ code: 1008, reason: expect.stringMatching(/session has ended|session terminated: expired/) });
    await db.query(`UPDATE sessions SET ended_at = now() - interval '40 days' WHERE id = $1`, [sessionId]);
    await t.app.get(SessionsService).expireAndPrune();
    expect(await db.query('SELECT id FROM sessions WHERE id = $1', [sessionId])).toEqual([]);
  });
});
