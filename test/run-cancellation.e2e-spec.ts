import { AuditLogEntity } from '@app/audit';
import { timeOrderedUuid } from '@app/common';
import type { ToolExecution } from '@app/contracts';
import { addHttpUpstream, type LoggedInUser, type McpTestServer, openRawMcpSession, openWs, rawMcpRequest, registerAndLogin, registerAndLoginAs, startMcpTestServer, until, useTestApp } from '@app/testing';
import { ExecutionsService, ToolExecutor } from '@app/tools';
import { CallToolResultSchema, CancelTaskResultSchema, CreateTaskResultSchema, GetTaskResultSchema, ListTasksResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** An upstream tool that waits, and counts how often the gateway told it to stop. */
const SLOW = 'up__slow';

describe('cancelling background runs: REST, MCP tasks and /ws, one engine', () => {
  const t = useTestApp();
  let admin: LoggedInUser;
  let user: LoggedInUser;
  let remote: McpTestServer;

  const audits = () => t.app.get(DataSource).getRepository(AuditLogEntity);
  const stoppedUpstream = () => remote.calls.get('slow:cancelled') ?? 0;
  const execution = (who: LoggedInUser, executionId: string) => t.client.call<ToolExecution>('getToolExecution', { headers: who.auth, params: { executionId } });
  const cancel = (who: LoggedInUser, executionId: string, body?: Record<string, unknown>) =>
    t.client.call<ToolExecution>('cancelToolExecution', { headers: who.auth, params: { executionId }, ...(body ? { body } : {}) });

  /** A background run of the slow upstream tool, seen running. */
  async function runningSlow(who: LoggedInUser): Promise<string> {
    const accepted = await t.client.call<{ executionId: string; status: string }>('executeTool', { headers: who.auth, params: { id: SLOW }, body: { parameters: { ms: 30_000 }, options: { async: true } } });
    expect(accepted.status).toBe(202);
    await until(async () => (await execution(who, accepted.body.executionId)).body.status, (status) => status === 'running');
    return accepted.body.executionId;
  }

  beforeAll(async () => {
    admin = await registerAndLoginAs(t, ['admin']);
    user = await registerAndLogin(t.client);
    remote = await startMcpTestServer();
    expect((await addHttpUpstream(t.client, admin, 'up', remote.url)).body.status).toBe('connected');
  });

  afterAll(async () => {
    await remote?.close();
  });

  it('a running background run ends at once as CANCELLED, the upstream call is stopped, and nothing the tool says later is kept', async () => {
    const stoppedBefore = stoppedUpstream();
    const id = await runningSlow(user);
    const started = Date.now();
    const cancelled = await cancel(user, id, { reason: 'changed my mind' });
    expect(cancelled.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(cancelled.body).toMatchObject({ executionId: id, status: 'failed', error: { code: 'CANCELLED', message: 'Cancelled by the caller: changed my mind' } });
    expect(cancelled.body.metrics?.duration).toBeGreaterThanOrEqual(0);
    await until(stoppedUpstream, (count) => count === stoppedBefore + 1);
    // The engine's own end of the run (a cancellation of its own) does not overwrite the row or announce it twice.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await execution(user, id)).body).toMatchObject({ status: 'failed', error: { code: 'CANCELLED', message: 'Cancelled by the caller: changed my mind' } });
    const entries = await audits().find({ where: [{ action: 'tool.execute', resource: `tool_${SLOW}` }, { action: 'tool.cancel' }] });
    const forThisRun = entries.filter((entry) => (entry.details as { executionId?: string }).executionId === id);
    expect(forThisRun.map((entry) => entry.action).sort()).toEqual(['tool.cancel', 'tool.execute']);
    expect(forThisRun.find((entry) => entry.action === 'tool.execute')).toMatchObject({ userId: user.userId, result: 'failure', details: { status: 'failed', error: { code: 'CANCELLED' } } });
    expect(forThisRun.find((entry) => entry.action === 'tool.cancel')).toMatchObject({ userId: user.userId, details: { statusBefore: 'running', ownerId: user.userId, reason: 'changed my mind' } });
    // Listed among the caller's background runs, and not among the others.
    const background = await t.client.call<{ executions: ToolExecution[] }>('listExecutions', { headers: user.auth, query: { async: true } });
    expect(background.body.executions.map((run) => run.executionId)).toContain(id);
    const foreground = await t.client.call<{ executions: ToolExecution[] }>('listExecutions', { headers: user.auth, query: { async: false } });
    expect(foreground.body.executions.map((run) => run.executionId)).not.toContain(id);
    // Counted apart from the tool's failures: a stopped run says nothing about its health.
    const metrics = await t.client.call('getMetrics');
    expect(metrics.text).toMatch(new RegExp(`mcp_tool_executions_total\\{tool="${SLOW}",status="cancelled"\\} [1-9]`));
    expect(metrics.text).not.toMatch(new RegExp(`mcp_tool_executions_total\\{tool="${SLOW}",status="error"\\}`));
  });

  it('a run that has ended cannot be cancelled (409), a synchronous one included, and a second cancellation changes nothing', async () => {
    const sync = await t.client.call<ToolExecution>('executeTool', { headers: user.auth, params: { id: 'echo' }, body: { parameters: { message: 'done' } } });
    expect((await cancel(user, sync.body.executionId)).status).toBe(409);
    const accepted = await t.client.call<{ executionId: string }>('executeTool', { headers: user.auth, params: { id: 'echo' }, body: { parameters: { message: 'later' }, options: { async: true } } });
    await until(async () => (await execution(user, accepted.body.executionId)).body.status, (status) => status === 'completed');
    const late = await cancel(user, accepted.body.executionId);
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ error: 'CONFLICT', message: expect.stringContaining('completed') });
    expect((await execution(user, accepted.body.executionId)).body.status).toBe('completed');

    const id = await runningSlow(user);
    expect((await cancel(user, id)).body).toMatchObject({ error: { message: 'Cancelled by the caller' } });
    expect((await cancel(user, id)).status).toBe(409);
    expect(await audits().countBy({ action: 'tool.cancel', resource: `tool_${SLOW}` })).toBeGreaterThanOrEqual(1);
  });

  it("only the run's owner and admins may cancel it; others get 404, keys without execute:tools 403", async () => {
    const id = await runningSlow(user);
    const other = await registerAndLogin(t.client);
    expect((await cancel(other, id)).status).toBe(404);
    const key = await t.client.call<{ key: string }>('createApiKey', { headers: user.auth, body: { name: 'read only', scopes: ['read:tools'] } });
    const byKey = await t.client.call('cancelToolExecution', { headers: { authorization: `ApiKey ${key.body.key}` }, params: { executionId: id } });
    expect(byKey.status).toBe(403);
    expect((await execution(user, id)).body.status).toBe('running');
    const byAdmin = await cancel(admin, id, { reason: 'maintenance' });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body).toMatchObject({ userId: user.userId, error: { code: 'CANCELLED', message: 'Cancelled by an administrator: maintenance' } });
    const entry = await audits().findOne({ where: { action: 'tool.cancel', userId: admin.userId } });
    expect(entry?.details).toMatchObject({ executionId: id, ownerId: user.userId });
    expect((await cancel(user, timeOrderedUuid())).status).toBe(404);
  });

  it('bad input is a 400 with the error envelope, and changes nothing', async () => {
    const id = await runningSlow(user);
    const post = (path: string, body: string | undefined, contentType = 'application/json') =>
      fetch(`${t.baseUrl}/api/v1/tools/executions/${path}/cancel`, { method: 'POST', headers: { ...user.auth, ...(body === undefined ? {} : { 'content-type': contentType }) }, body });
    for (const [path, body] of [
      ['not-a-uuid', undefined],
      [id, '{"reason":""}'],
      [id, JSON.stringify({ reason: 'x'.repeat(201) })],
      [id, '{"reason":42}'],
      [id, '{"why":"extra"}'],
      [id, '[]'],
      [id, '"stop"'],
      [id, '{"reason":'],
    ] as const) {
      const answer = await post(path, body);
      expect(answer.status, `${path} ${body}`).toBe(400);
      expect(await answer.json()).toMatchObject({ error: 'VALIDATION_ERROR', message: expect.any(String) });
    }
    expect((await execution(user, id)).body.status).toBe('running');
    // No body at all is fine.
    expect((await post(id, undefined)).status).toBe(200);
  });

  it('a pending run that is cancelled never starts', async () => {
    const executions = t.app.get(ExecutionsService);
    const id = timeOrderedUuid();
    await executions.createPending({ id, toolId: 'tool_echo', toolName: 'echo', userId: user.userId, status: 'pending', isAsync: true, timeoutMs: 30_000, parameters: { message: 'never' }, caller: { id: user.userId } });
    const cancelled = await cancel(user, id);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'failed', error: { code: 'CANCELLED' } });
    // It never started: no start time, no duration to count.
    expect(cancelled.body.metrics).toBeUndefined();
    expect(await executions.claim(id)).toBeNull();
    const entry = await audits().findOne({ where: { action: 'tool.cancel', resource: 'tool_echo' } });
    expect(entry?.details).toMatchObject({ executionId: id, statusBefore: 'pending' });
  });

  it("a pending run picked up after a restart starts only if its user still may: a suspended user's fails FORBIDDEN, audited", async () => {
    const executions = t.app.get(ExecutionsService);
    const pendingOf = async (owner: LoggedInUser): Promise<string> => {
      const id = timeOrderedUuid();
      // As a run accepted before a restart leaves it: pending, past the grace the recovery waits.
      await executions.createPending({ id, toolId: 'tool_echo', toolName: 'echo', userId: owner.userId, status: 'pending', isAsync: true, timeoutMs: 30_000, parameters: { message: 'late' }, caller: { id: owner.userId, permissions: ['read:tools', 'execute:tools'] }, createdAt: new Date(Date.now() - 60_000) });
      return id;
    };
    const active = await registerAndLogin(t.client);
    const suspended = await registerAndLogin(t.client);
    const [kept, refused] = [await pendingOf(active), await pendingOf(suspended)];
    expect((await t.client.call('updateUserStatus', { headers: admin.auth, params: { id: suspended.userId }, body: { status: 'suspended' } })).status).toBe(200);

    await (t.app.get(ToolExecutor) as unknown as { recoverPending(): Promise<void> }).recoverPending();
    const statusOf = async (id: string) => ((await t.app.get(DataSource).query('SELECT status, error FROM tool_executions WHERE id = $1', [id])) as Array<{ status: string; error: { code: string } | null }>)[0];
    expect(await until(() => statusOf(kept), (row) => row.status !== 'pending' && row.status !== 'running')).toMatchObject({ status: 'completed' });
    expect(await until(() => statusOf(refused), (row) => row.status !== 'pending' && row.status !== 'running')).toMatchObject({ status: 'failed', error: { code: 'FORBIDDEN' } });
    const entry = await until(() => audits().findOne({ where: { action: 'tool.execute', userId: suspended.userId } }), (found) => found !== null);
    expect(entry).toMatchObject({ result: 'failure', details: { executionId: refused } });
  });

  describe('MCP tasks', () => {
    let session: Record<string, string>;
    const mcp = (method: string, params: Record<string, unknown> = {}, headers = session) => rawMcpRequest(t.baseUrl, headers, method, params);

    beforeAll(async () => {
      session = await openRawMcpSession(t.baseUrl, user.accessToken);
    });

    it('initialize offers tasks/list and tasks/cancel', async () => {
      const answer = await fetch(`${t.baseUrl}/mcp`, {
        method: 'POST',
        headers: { authorization: `Bearer ${user.accessToken}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }),
      });
      expect(((await answer.json()) as { result: { capabilities: { tasks: unknown } } }).result.capabilities.tasks).toEqual({ list: {}, cancel: {}, requests: { tools: { call: {} } } });
    });

    it('tasks/cancel ends a working task as cancelled; its result says so; an ended task cannot be cancelled (-32602)', async () => {
      const stoppedBefore = stoppedUpstream();
      const { task } = CreateTaskResultSchema.parse((await mcp('tools/call', { name: SLOW, arguments: { ms: 30_000 }, task: {} })).result);
      await until(async () => (await execution(user, task.taskId)).body.status, (status) => status === 'running');
      const waiting = mcp('tasks/result', { taskId: task.taskId });
      const cancelled = CancelTaskResultSchema.parse((await mcp('tasks/cancel', { taskId: task.taskId })).result);
      expect(cancelled).toMatchObject({ taskId: task.taskId, status: 'cancelled', statusMessage: 'Cancelled by the caller' });
      // Whoever was waiting for the result hears of it at once.
      const result = CallToolResultSchema.parse((await waiting).result);
      expect(result).toMatchObject({ isError: true, _meta: { code: 'CANCELLED', 'io.modelcontextprotocol/related-task': { taskId: task.taskId } } });
      expect(GetTaskResultSchema.parse((await mcp('tasks/get', { taskId: task.taskId })).result).status).toBe('cancelled');
      await until(stoppedUpstream, (count) => count === stoppedBefore + 1);
      expect((await mcp('tasks/cancel', { taskId: task.taskId })).error).toMatchObject({ code: -32602, message: 'Cannot cancel task in terminal status: cancelled' });

      const { task: done } = CreateTaskResultSchema.parse((await mcp('tools/call', { name: 'echo', arguments: { message: 'quick' }, task: {} })).result);
      await mcp('tasks/result', { taskId: done.taskId });
      expect((await mcp('tasks/cancel', { taskId: done.taskId })).error).toMatchObject({ code: -32602, message: 'Cannot cancel task in terminal status: completed' });
    });

    it("another user's task, an unknown one and bad params are -32602; cancelling needs execute:tools", async () => {
      const { task } = CreateTaskResultSchema.parse((await mcp('tools/call', { name: SLOW, arguments: { ms: 30_000 }, task: {} })).result);
      const other = await registerAndLogin(t.client);
      const theirs = await openRawMcpSession(t.baseUrl, other.accessToken);
      expect((await mcp('tasks/cancel', { taskId: task.taskId }, theirs)).error).toMatchObject({ code: -32602, data: { code: 'NOT_FOUND' } });
      expect((await mcp('tasks/cancel', { taskId: timeOrderedUuid() })).error?.code).toBe(-32602);
      expect((await mcp('tasks/cancel', { taskId: 'soon' })).error?.code).toBe(-32602);
      expect((await mcp('tasks/cancel', {})).error?.code).toBe(-32602);
      const key = await t.client.call<{ key: string }>('createApiKey', { headers: user.auth, body: { name: 'reader', scopes: ['read:tools'] } });
      const reader = await openRawMcpSession(t.baseUrl, key.body.key);
      expect((await mcp('tasks/cancel', { taskId: task.taskId }, reader)).error).toMatchObject({ code: -32003 });
      expect(GetTaskResultSchema.parse((await mcp('tasks/get', { taskId: task.taskId })).result).status).toBe('working');
      expect(CancelTaskResultSchema.parse((await mcp('tasks/cancel', { taskId: task.taskId })).result).status).toBe('cancelled');
    });

    it("tasks/list pages through the caller's own tasks, newest first, and refuses a cursor it did not make", async () => {
      const lister = await registerAndLogin(t.client);
      const executions = t.app.get(ExecutionsService);
      const ids: string[] = [];
      const now = Date.now();
      for (let n = 0; n < 55; n++) {
        const id = timeOrderedUuid();
        ids.push(id);
        const at = new Date(now - (55 - n) * 1000);
        await executions.record({ id, toolId: 'tool_echo', toolName: 'echo', userId: lister.userId, status: 'completed', isAsync: true, timeoutMs: 1000, startedAt: at, endedAt: at, durationMs: 0, createdAt: at });
      }
      // A run that is not a task is not listed.
      await executions.record({ id: timeOrderedUuid(), toolId: 'tool_echo', toolName: 'echo', userId: lister.userId, status: 'completed', isAsync: false, timeoutMs: 1000, startedAt: new Date(), endedAt: new Date(), durationMs: 0 });
      const own = await openRawMcpSession(t.baseUrl, lister.accessToken);
      const first = ListTasksResultSchema.parse((await mcp('tasks/list', {}, own)).result);
      expect(first.tasks).toHaveLength(50);
      expect(first.tasks[0]).toMatchObject({ taskId: ids[54], status: 'completed' });
      expect(first.nextCursor).toEqual(expect.any(String));
      const second = ListTasksResultSchema.parse((await mcp('tasks/list', { cursor: first.nextCursor }, own)).result);
      expect(second.tasks.map((task) => task.taskId)).toEqual(ids.slice(0, 5).reverse());
      expect(second.nextCursor).toBeUndefined();
      for (const cursor of ['', 'nope', 'x'.repeat(257), 42]) expect((await mcp('tasks/list', { cursor }, own)).error?.code, String(cursor)).toBe(-32602);
      // Another user's list does not hold them.
      const mine = ListTasksResultSchema.parse((await mcp('tasks/list')).result);
      expect(mine.tasks.map((task) => task.taskId)).not.toContain(ids[54]);
      expect(mine.tasks.length).toBeGreaterThan(0);
    });
  });

  it('/ws: tools/cancel for the seed door, tasks/cancel with the mcp subprotocol', async () => {
    const socket = await openWs(t.baseUrl, { headers: user.auth });
    try {
      const accepted = await socket.request('tools/execute', { tool: SLOW, arguments: { ms: 30_000 }, options: { async: true } });
      const executionId = (accepted.result as { metadata: { executionId: string } }).metadata.executionId;
      await until(async () => (await execution(user, executionId)).body.status, (status) => status === 'running');
      expect((await socket.request('tools/cancel', { executionId: 'nope' })).error?.code).toBe(-32602);
      expect((await socket.request('tools/cancel', { executionId, extra: true })).error?.code).toBe(-32602);
      const cancelled = await socket.request('tools/cancel', { executionId, reason: 'from ws' });
      expect(cancelled.result).toMatchObject({ executionId, status: 'failed', error: { code: 'CANCELLED', message: 'Cancelled by the caller: from ws' } });
      expect((await socket.request('tools/cancel', { executionId })).error).toMatchObject({ code: expect.any(Number), data: { code: 'CONFLICT' } });
    } finally {
      socket.close();
    }
    const mcpSocket = await openWs(t.baseUrl, { headers: user.auth, protocols: ['mcp'] });
    try {
      await mcpSocket.request('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'ws', version: '1' } });
      const { task } = CreateTaskResultSchema.parse((await mcpSocket.request('tools/call', { name: SLOW, arguments: { ms: 30_000 }, task: {} })).result);
      expect(CancelTaskResultSchema.parse((await mcpSocket.request('tasks/cancel', { taskId: task.taskId })).result).status).toBe('cancelled');
      expect(ListTasksResultSchema.parse((await mcpSocket.request('tasks/list', {})).result).tasks[0]).toMatchObject({ taskId: task.taskId, status: 'cancelled' });
    } finally {
      mcpSocket.close();
    }
  });
});
