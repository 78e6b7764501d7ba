import { AuditLogEntity } from '@app/audit';
import type { ToolExecution } from '@app/contracts';
import { McpTasks } from '@app/tools';
import { followStream, type LoggedInUser, openRawMcpSession, openWs, rawMcpRequest, registerAndLogin, registerAndLoginAs, type RestApi, startRestApi, until, useTestApp } from '@app/testing';
import { CallToolResultSchema, CreateTaskResultSchema, GetTaskResultSchema, TaskStatusNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const RELATED_TASK = 'io.modelcontextprotocol/related-task';

describe('MCP tasks (2025-11-25): a tools/call run as a task of the engine, polled or awaited', () => {
  const t = useTestApp();
  let admin: LoggedInUser;
  let user: LoggedInUser;
  let api: RestApi;
  let session: Record<string, string>;

  const mcp = (method: string, params: Record<string, unknown> = {}, headers = session) => rawMcpRequest(t.baseUrl, headers, method, params);

  beforeAll(async () => {
    admin = await registerAndLoginAs(t, ['admin']);
    user = await registerAndLogin(t.client);
    api = await startRestApi();
    session = await openRawMcpSession(t.baseUrl, user.accessToken);
    const slow = await t.client.call('createHttpTool', { headers: admin.auth, body: { name: 'slow_report', description: 'Takes three seconds', method: 'GET', url: `${api.url}/slow`, timeoutMs: 10_000 } });
    expect(slow.status).toBe(201);
    const missing = await t.client.call('createHttpTool', { headers: admin.auth, body: { name: 'missing_report', description: 'Answers 404', method: 'GET', url: `${api.url}/status/404` } });
    expect(missing.status).toBe(201);
  });

  afterAll(async () => {
    await api?.close();
  });

  it('says so in initialize from 2025-11-25 on, and which tools may run as tasks', async () => {
    const init = async (protocolVersion: string) => {
      const answer = await fetch(`${t.baseUrl}/mcp`, {
        method: 'POST',
        headers: { authorization: `Bearer ${user.accessToken}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion, capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }),
      });
      return ((await answer.json()) as { result: { capabilities: Record<string, unknown> } }).result.capabilities;
    };
    expect((await init('2025-11-25')).tasks).toEqual({ list: {}, cancel: {}, requests: { tools: { call: {} } } });
    expect((await init('2025-06-18')).tasks).toBeUndefined();

    expect((await t.client.call('updateToolSettings', { headers: admin.auth, params: { id: 'system_info' }, body: { requiresConfirmation: true } })).status).toBe(200);
    const tools = (await mcp('tools/list')).result?.tools as Array<{ name: string; execution?: { taskSupport: string } }>;
    expect(tools.find((tool) => tool.name === 'echo')?.execution).toEqual({ taskSupport: 'optional' });
    // A person must allow each of its runs: nobody is there to ask once it is a task.
    expect(tools.find((tool) => tool.name === 'system_info')?.execution).toEqual({ taskSupport: 'forbidden' });
    const before = await t.app.get(DataSource).getRepository(AuditLogEntity).countBy({ action: 'tool.execute', resource: 'tool_system_info' });
    const refused = await mcp('tools/call', { name: 'system_info', arguments: {}, task: {} });
    expect(refused.error).toMatchObject({ code: -32601, data: { code: 'PRECONDITION_FAILED' } });
    // Refused before it began: no run, nothing audited or counted against the caller.
    expect(await t.app.get(DataSource).getRepository(AuditLogEntity).countBy({ action: 'tool.execute', resource: 'tool_system_info' })).toBe(before);
    expect((await t.client.call('updateToolSettings', { headers: admin.auth, params: { id: 'system_info' }, body: { requiresConfirmation: null } })).status).toBe(200);

    // A session that agreed on an older version was never offered tasks: the field is ignored and the call answered as ever.
    const older = await fetch(`${t.baseUrl}/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.accessToken}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }),
    });
    const olderSession = { authorization: `Bearer ${user.accessToken}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': older.headers.get('mcp-session-id') as string, 'mcp-protocol-version': '2025-06-18' };
    const plain = await mcp('tools/call', { name: 'echo', arguments: { message: 'no task' }, task: {} }, olderSession);
    expect(plain.result).toMatchObject({ structuredContent: { message: 'no task' } });
    expect(plain.result).not.toHaveProperty('task');
  });

  it('answers the task at once; tasks/result waits for the run and answers what tools/call would have', async () => {
    const started = Date.now();
    const created = await mcp('tools/call', { name: 'slow_report', arguments: {}, task: { ttl: 60_000 } });
    expect(Date.now() - started).toBeLessThan(2_000);
    const { task } = CreateTaskResultSchema.parse(created.result);
    expect(task).toMatchObject({ status: 'working', ttl: null, pollInterval: 1000 });
    const polled = GetTaskResultSchema.parse((await mcp('tasks/get', { taskId: task.taskId })).result);
    expect(polled.status).toBe('working');
    // The instant the task was created, read back as it was first told.
    expect(polled.createdAt).toBe(task.createdAt);

    const result = await mcp('tasks/result', { taskId: task.taskId });
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_900);
    const call = CallToolResultSchema.parse(result.result);
    expect(call.isError).toBeFalsy();
    expect(call.structuredContent).toMatchObject({ status: 200, body: { late: true } });
    expect(call._meta?.[RELATED_TASK]).toEqual({ taskId: task.taskId });

    const done = GetTaskResultSchema.parse((await mcp('tasks/get', { taskId: task.taskId })).result);
    expect(done).toMatchObject({ taskId: task.taskId, status: 'completed' });
    expect(Date.parse(done.lastUpdatedAt)).toBeGreaterThan(Date.parse(done.createdAt));
    // The task is a run: in the history and the audit log like any other.
    const run = await t.client.call<{ status: string; toolName: string }>('getToolExecution', { headers: user.auth, params: { executionId: task.taskId } });
    expect(run.body).toMatchObject({ status: 'completed', toolName: 'slow_report' });
    expect(await t.app.get(DataSource).getRepository(AuditLogEntity).countBy({ action: 'tool.execute', resource: 'tool_slow_report' })).toBe(1);
  });

  it('a failing run is a failed task whose result is an error result', async () => {
    const created = await mcp('tools/call', { name: 'missing_report', arguments: {}, task: {} });
    const { task } = CreateTaskResultSchema.parse(created.result);
    const answer = await mcp('tasks/result', { taskId: task.taskId });
    const call = CallToolResultSchema.parse(answer.result);
    expect(call.isError).toBe(true);
    const failed = GetTaskResultSchema.parse((await mcp('tasks/get', { taskId: task.taskId })).result);
    expect(failed.status).toBe('failed');
    expect(failed.statusMessage).toBe('GET answered 404');
    expect(call._meta).toMatchObject({ code: 'HTTP_ERROR', [RELATED_TASK]: { taskId: task.taskId } });
  });

  it('tells the session that started a task when it ends, on its stream: completed, failed, cancelled; never a plain call', async () => {
    const own = await openRawMcpSession(t.baseUrl, user.accessToken);
    const streamOf = (headers: Record<string, string>) => followStream(`${t.baseUrl}/mcp`, { authorization: headers.authorization, 'mcp-session-id': headers['mcp-session-id'] });
    const stream = await streamOf(own);
    // Another session of the same user started none of them.
    const other = await streamOf(await openRawMcpSession(t.baseUrl, user.accessToken));
    const told = (messages: Array<Record<string, unknown>>) => messages.filter((message) => message.method === 'notifications/tasks/status').map((message) => TaskStatusNotificationSchema.parse(message).params);
    try {
      expect([stream.status, other.status]).toEqual([200, 200]);
      const taskOf = async (params: Record<string, unknown>) => CreateTaskResultSchema.parse((await mcp('tools/call', { ...params, task: {} }, own)).result).task;
      const completed = await taskOf({ name: 'echo', arguments: { message: 'told' } });
      const failed = await taskOf({ name: 'missing_report', arguments: {} });
      await until(() => told(stream.messages), (found) => found.length === 2);
      expect((await mcp('tools/call', { name: 'echo', arguments: { message: 'no task' } }, own)).result).toMatchObject({ structuredContent: { message: 'no task' } });
      const cancelled = await taskOf({ name: 'slow_report', arguments: {} });
      expect((await mcp('tasks/cancel', { taskId: cancelled.taskId }, own)).result).toMatchObject({ status: 'cancelled' });
      const notices = await until(() => told(stream.messages), (found) => found.length >= 3);
      expect(notices).toHaveLength(3);
      const byTask = new Map(notices.map((notice) => [notice.taskId, notice]));
      expect(byTask.get(completed.taskId)).toMatchObject({ status: 'completed', createdAt: completed.createdAt, ttl: null, pollInterval: 1000 });
      expect(byTask.get(failed.taskId)).toMatchObject({ status: 'failed', statusMessage: 'GET answered 404' });
      expect(byTask.get(cancelled.taskId)).toMatchObject({ status: 'cancelled' });
      // Each says what tasks/get says now.
      for (const notice of notices) expect(GetTaskResultSchema.parse((await mcp('tasks/get', { taskId: notice.taskId }, own)).result)).toMatchObject(notice);
      expect(told(other.messages)).toEqual([]);
      // The plain call's run, once stored, is still no task: there is nothing to tell of it.
      const plain = await until(
        async () => (await t.client.call<{ executions: ToolExecution[] }>('listExecutions', { headers: user.auth, query: { async: false, toolId: 'tool_echo' } })).body.executions.find((run) => (run.result as { message?: string } | undefined)?.message === 'no task'),
        (run) => run !== undefined,
      );
      expect(await t.app.get(McpTasks).statusNotification((plain as ToolExecution).executionId)).toBeUndefined();
      expect(await t.app.get(McpTasks).statusNotification(completed.taskId)).toMatchObject({ params: { taskId: completed.taskId, status: 'completed' } });
    } finally {
      await stream.close();
      await other.close();
    }
  });

  it("another user's task, an unknown one and bad params are refused; a bad task field is invalid params", async () => {
    const { task } = CreateTaskResultSchema.parse((await mcp('tools/call', { name: 'echo', arguments: { message: 'mine' }, task: {} })).result);
    const other = await registerAndLogin(t.client);
    const theirs = await openRawMcpSession(t.baseUrl, other.accessToken);
    for (const method of ['tasks/get', 'tasks/result']) {
      expect((await mcp(method, { taskId: task.taskId }, theirs)).error, method).toMatchObject({ code: -32602, data: { code: 'NOT_FOUND' } });
      expect((await mcp(method, { taskId: '00000000-0000-4000-8000-000000000000' })).error?.code).toBe(-32602);
      expect((await mcp(method, { taskId: 'not-a-task' })).error?.code).toBe(-32602);
      expect((await mcp(method, {})).error?.code).toBe(-32602);
    }
    expect((await mcp('tools/call', { name: 'echo', arguments: { message: 'x' }, task: 'soon' })).error?.code).toBe(-32602);
    expect((await mcp('tools/call', { name: 'echo', arguments: { message: 'x' }, task: { ttl: -1 } })).error?.code).toBe(-32602);
    expect((await mcp('tools/call', { name: 'no_such_tool', arguments: {}, task: {} })).error?.code).toBe(-32602);
    // Admins see every run, so every task.
    const adminSession = await openRawMcpSession(t.baseUrl, admin.accessToken);
    expect(GetTaskResultSchema.parse((await mcp('tasks/get', { taskId: task.taskId }, adminSession)).result).taskId).toBe(task.taskId);
  });

  it('a result larger than a run keeps is an error result saying so, not a preview passed off as the answer', async () => {
    const big = await t.client.call('createHttpTool', { headers: admin.auth, body: { name: 'big_report', description: 'Large', method: 'GET', url: `${api.url}/huge` } });
    expect(big.status).toBe(201);
    const { task } = CreateTaskResultSchema.parse((await mcp('tools/call', { name: 'big_report', arguments: {}, task: {} })).result);
    const call = CallToolResultSchema.parse((await mcp('tasks/result', { taskId: task.taskId })).result);
    expect(call).toMatchObject({ isError: true, _meta: { code: 'RESULT_TOO_LARGE', [RELATED_TASK]: { taskId: task.taskId } } });
  });

  it('reading tasks needs read:tools, as reading runs does', async () => {
    const { task } = CreateTaskResultSchema.parse((await mcp('tools/call', { name: 'echo', arguments: { message: 'scoped' }, task: {} })).result);
    const key = await t.client.call<{ key: string }>('createApiKey', { headers: user.auth, body: { name: 'runs only', scopes: ['execute:tools'] } });
    const keyed = await openRawMcpSession(t.baseUrl, key.body.key);
    expect((await mcp('tasks/get', { taskId: task.taskId }, keyed)).error).toMatchObject({ code: -32003 });
  });

  it('works on /ws with the mcp subprotocol too', async () => {
    const socket = await openWs(t.baseUrl, { headers: user.auth, protocols: ['mcp'] });
    try {
      expect((await socket.request('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'ws', version: '1' } })).result).toMatchObject({ capabilities: { tasks: { requests: { tools: { call: {} } } } } });
      const created = await socket.request('tools/call', { name: 'echo', arguments: { message: 'over ws' }, task: {} });
      const { task } = CreateTaskResultSchema.parse(created.result);
      const result = CallToolResultSchema.parse((await socket.request('tasks/result', { taskId: task.taskId })).result);
      expect(result.structuredContent).toMatchObject({ message: 'over ws' });
      // Its end is told on the socket that started it.
      const notice = await until(
        () => socket.unmatched.find((message) => (message as { method?: string }).method === 'notifications/tasks/status'),
        (found) => found !== undefined,
      );
      expect(TaskStatusNotificationSchema.parse(notice).params).toMatchObject({ taskId: task.taskId, status: 'completed' });
    } finally {
      socket.close();
    }
  });
});
