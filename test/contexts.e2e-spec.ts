import { AuditLogEntity } from '@app/audit';
import type { Context, ContextList, ToolExecution } from '@app/contracts';
import { type EventEnvelope, EventBus } from '@app/events';
import { addHttpUpstream, type LoggedInUser, type McpTestServer, openWs, registerAndLogin, registerAndLoginAs, startMcpTestServer, useTestApp } from '@app/testing';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Envelope = { error: string; message: string; details?: Array<{ field: string; code: string }> };

describe('contexts', () => {
  const t = useTestApp({ TOOL_TIMEOUT_MAX_MS: '60000', CONTEXTS_MAX_PER_USER: '25' });
  let owner: LoggedInUser;
  let other: LoggedInUser;
  let admin: LoggedInUser;
  const events: EventEnvelope[] = [];

  beforeAll(async () => {
    owner = await registerAndLoginAs(t, ['developer']);
    other = await registerAndLogin(t.client);
    admin = await registerAndLoginAs(t, ['admin']);
    t.app.get(EventBus).on('*', (event) => {
      if (event.name.startsWith('context.')) events.push(event);
    });
  });

  const create = (auth: Record<string, string>, body: Record<string, unknown>) => t.client.call<Context & Envelope>('createContext', { headers: auth, body });

  it('creates the seed example, normalising tool names to ids', async () => {
    const response = await create(owner.auth, {
      name: 'Project Beta',
      description: 'Production context for Project Beta',
      metadata: { project: 'beta', environment: 'production', team: 'backend' },
      tools: ['tool_filesystem', 'echo'],
      settings: { maxExecutionTime: 60000, retryPolicy: { maxRetries: 3, backoffMultiplier: 2 } },
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      name: 'Project Beta',
      status: 'active',
      userId: owner.userId,
      tools: ['tool_filesystem', 'tool_echo'],
      metadata: { project: 'beta', environment: 'production', team: 'backend' },
      settings: { maxExecutionTime: 60000, retryPolicy: { maxRetries: 3, backoffMultiplier: 2 } },
    });
    const fetched = await t.client.call<Context>('getContext', { headers: owner.auth, params: { id: response.body.id } });
    expect(fetched.body).toEqual(response.body);
    expect(await t.app.get(DataSource).getRepository(AuditLogEntity).findOneBy({ action: 'context.create', resource: `context:${response.body.id}` })).not.toBeNull();
    expect(events.find((event) => event.name === 'context.created' && (event.payload as { contextId: string }).contextId === response.body.id)).toBeDefined();
  });

  it('refuses unknown tools (naming them), oversized metadata and settings beyond the limits', async () => {
    const unknown = await create(owner.auth, { name: 'x', tools: ['echo', 'tool_database', 'nope'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.details).toEqual([expect.objectContaining({ field: 'tools[1]', code: 'UNKNOWN_TOOL' }), expect.objectContaining({ field: 'tools[2]', code: 'UNKNOWN_TOOL' })]);
    expect((await create(owner.auth, { name: 'x', metadata: { blob: 'x'.repeat(70_000) } })).status).toBe(400);
    expect((await create(owner.auth, { name: 'x', settings: { maxExecutionTime: 120_000 } })).body.details?.[0].field).toBe('settings.maxExecutionTime');
    expect((await create(owner.auth, { name: 'x', settings: { retryPolicy: { maxRetries: 6 } } })).status).toBe(400);
    expect((await create(owner.auth, { name: '', tools: 'echo' })).status).toBe(400);
  });

  it('answers a tool the caller may not run like an unknown one, so contexts cannot probe for it', async () => {
    const hidden = await create(other.auth, { name: 'probe', tools: ['echo', 'filesystem', 'tool_http_request'] });
    expect(hidden.status).toBe(400);
    expect(hidden.body.details).toEqual([expect.objectContaining({ field: 'tools[1]', code: 'UNKNOWN_TOOL' }), expect.objectContaining({ field: 'tools[2]', code: 'UNKNOWN_TOOL' })]);
    expect((await t.client.call('getTool', { headers: other.auth, params: { id: 'filesystem' } })).status).toBe(404);
    expect((await create(admin.auth, { name: 'admin may', tools: ['filesystem'] })).status).toBe(201);
  });

  it('holds at most CONTEXTS_MAX_PER_USER contexts a user, archived ones counted; deleting one makes room', async () => {
    const user = await registerAndLogin(t.client);
    const made: string[] = [];
    for (let i = 0; i < 25; i++) made.push((await create(user.auth, { name: `ctx ${i}`, ...(i === 0 ? { status: 'archived' } : {}) })).body.id);
    const refused = await create(user.auth, { name: 'one too many' });
    expect([refused.status, refused.body.error]).toEqual([409, 'CONFLICT']);
    // Another user is not affected.
    expect((await create((await registerAndLogin(t.client)).auth, { name: 'mine' })).status).toBe(201);
    expect((await t.client.call('deleteContext', { headers: user.auth, params: { id: made[0] } })).status).toBe(204);
    expect((await create(user.auth, { name: 'room again' })).status).toBe(201);
  });

  it('updates the fields sent and keeps the rest; deletes with 204', async () => {
    const { body: created } = await create(owner.auth, { name: 'Alpha', tools: ['echo'], metadata: { a: 1 } });
    const updated = await t.client.call<Context>('updateContext', { headers: owner.auth, params: { id: created.id }, body: { name: 'Alpha Updated', tools: ['echo', 'system_info'], settings: { maxExecutionTime: 30000 } } });
    expect(updated.body).toMatchObject({ name: 'Alpha Updated', tools: ['tool_echo', 'tool_system_info'], metadata: { a: 1 }, settings: { maxExecutionTime: 30000 } });
    expect(Date.parse(updated.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.updatedAt));
    const removed = await t.client.call('deleteContext', { headers: owner.auth, params: { id: created.id } });
    expect(removed.status).toBe(204);
    expect((await t.client.call('getContext', { headers: owner.auth, params: { id: created.id } })).status).toBe(404);
    expect(events.map((event) => event.name)).toEqual(expect.arrayContaining(['context.updated', 'context.deleted']));
  });

  it('hides other users\u2019 contexts (404) but shows them to admins', async () => {
    const { body: mine } = await create(owner.auth, { name: 'Private' });
    for (const operation of ['getContext', 'deleteContext'] as const) {
      expect((await t.client.call(operation, { headers: other.auth, params: { id: mine.id } })).status).toBe(404);
    }
    expect((await t.client.call('updateContext', { headers: other.auth, params: { id: mine.id }, body: { name: 'stolen' } })).status).toBe(404);
    expect((await t.client.call('getContext', { headers: admin.auth, params: { id: mine.id } })).status).toBe(200);
    const forUser = await t.client.call<ContextList>('listContexts', { headers: admin.auth, query: { userId: owner.userId, limit: 100 } });
    expect(forUser.body.contexts.every((context) => context.userId === owner.userId)).toBe(true);
    expect(forUser.body.contexts.map((context) => context.id)).toContain(mine.id);
    expect((await t.client.call('listContexts', { headers: other.auth, query: { userId: owner.userId } })).status).toBe(403);
    expect((await t.client.call<ContextList>('listContexts', { headers: other.auth })).body.contexts).toEqual([]);
  });

  it('lists with status, sort, order and pages', async () => {
    const lister = await registerAndLogin(t.client);
    for (const name of ['Charlie', 'alpha', 'Bravo']) await create(lister.auth, { name });
    await create(lister.auth, { name: 'Delta', status: 'archived' });
    const byName = await t.client.call<ContextList>('listContexts', { headers: lister.auth, query: { sort: 'name', order: 'asc', status: 'active' } });
    expect(byName.body.contexts.map((context) => context.name)).toEqual(['Bravo', 'Charlie', 'alpha']);
    const newest = await t.client.call<ContextList>('listContexts', { headers: lister.auth, query: { limit: 2, page: 1 } });
    expect(newest.body.contexts[0].name).toBe('Delta');
    expect(newest.body.pagination).toEqual({ page: 1, limit: 2, total: 4, pages: 2 });
    expect((await t.client.call('listContexts', { headers: lister.auth, query: { sort: 'size' } })).status).toBe(400);
  });

  describe('contexts shape runs', () => {
    let remote: McpTestServer;
    let contextId: string;

    beforeAll(async () => {
      remote = await startMcpTestServer();
      const server = await addHttpUpstream(t.client, admin, 'remote', remote.url);
      expect(server.body.status).toBe('connected');
      contextId = (await create(owner.auth, { name: 'Runs', tools: ['echo', 'remote__flaky'], settings: { maxExecutionTime: 200, retryPolicy: { maxRetries: 3, backoffMultiplier: 2 } } })).body.id;
    });

    afterAll(async () => {
      await remote?.close();
    });

    const run = (tool: string, parameters: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      t.client.call<ToolExecution & Envelope>('executeTool', { headers: owner.auth, params: { id: tool }, body: { parameters, context: { contextId }, ...extra } });

    it('allows only the context\u2019s tools (403 otherwise) and records the context on the run', async () => {
      const ok = await run('echo', { message: 'in context' });
      expect(ok.body).toMatchObject({ status: 'completed', contextId });
      const outside = await run('filesystem', { operation: 'list', path: '/' });
      expect(outside.status).toBe(403);
      expect(outside.body.message).toContain('not part of this context');
    });

    it('caps the timeout by maxExecutionTime', async () => {
      const started = Date.now();
      const slow = await run('echo', { delayMs: 3000 }, { options: { timeout: 30000 } });
      expect(slow.status).toBe(504);
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('retries transient upstream failures per the retry policy', async () => {
      await t.client.call('updateContext', { headers: owner.auth, params: { id: contextId }, body: { settings: { maxExecutionTime: 10000, retryPolicy: { maxRetries: 3, backoffMultiplier: 2 } } } });
      remote.failNext(2);
      const retried = await run('remote__flaky', {});
      expect(retried.status).toBe(200);
      expect(retried.body).toMatchObject({ status: 'completed', attempts: 3 });
      expect(remote.calls.get('flaky:503')).toBe(2);
      // Without a context there is no retry: the transient failure reaches the caller.
      remote.failNext(1);
      const direct = await t.client.call<Envelope>('executeTool', { headers: owner.auth, params: { id: 'remote__flaky' }, body: { parameters: {} } });
      expect(direct.status).toBe(502);
    });

    it('refuses runs in an archived context (412) and in someone else\u2019s (404)', async () => {
      const archived = (await create(owner.auth, { name: 'Old', tools: ['echo'], status: 'archived' })).body.id;
      const refused = await t.client.call<Envelope>('executeTool', { headers: owner.auth, params: { id: 'echo' }, body: { parameters: {}, context: { contextId: archived } } });
      expect(refused.status).toBe(412);
      const foreign = await t.client.call<Envelope>('executeTool', { headers: other.auth, params: { id: 'echo' }, body: { parameters: {}, context: { contextId } } });
      expect(foreign.status).toBe(404);
    });

    it('answers a context id that is no UUID like an unknown one, on every door', async () => {
      for (const odd of ['nope', 'ctx_456', `${contextId}x`]) {
        const refused = await t.client.call<Envelope>('executeTool', { headers: owner.auth, params: { id: 'echo' }, body: { parameters: {}, context: { contextId: odd } } });
        expect([refused.status, refused.body.error]).toEqual([404, 'NOT_FOUND']);
        expect((await t.client.call<Envelope>('getContext', { headers: owner.auth, params: { id: odd } })).status).toBe(400);
      }
      const ws = await openWs(t.baseUrl, { headers: owner.auth });
      try {
        const answer = await ws.request('tools/execute', { tool: 'echo', arguments: { message: 'x' }, contextId: 'zzz' });
        expect(answer.error).toMatchObject({ code: -32004 });
      } finally {
        ws.close();
      }
    });
  });
});
