import type { Context, ToolExecution, ToolExecutionList } from '@app/contracts';
import { type LoggedInUser, openWs, registerAndLogin, registerAndLoginAs, useTestApp } from '@app/testing';
import { beforeAll, describe, expect, it } from 'vitest';

type Envelope = { error: string; message: string; details?: Array<{ field: string; message: string; code: string }> };

describe("GET /tools/executions: the caller's runs across every tool", () => {
  const t = useTestApp();
  let developer: LoggedInUser;
  let other: LoggedInUser;
  let admin: LoggedInUser;
  let contextId: string;
  const ids: Record<string, string> = {};

  const list = (auth: Record<string, string>, query: Record<string, string | number | boolean> = {}) => t.client.call<ToolExecutionList & Envelope>('listExecutions', { headers: auth, query });
  const run = async (tool: string, body: Record<string, unknown>): Promise<ToolExecution> => {
    const answer = await t.client.call<ToolExecution>('executeTool', { headers: developer.auth, params: { id: tool }, body });
    expect(answer.status).toBe(200);
    return answer.body;
  };

  beforeAll(async () => {
    developer = await registerAndLoginAs(t, ['developer']);
    other = await registerAndLogin(t.client);
    admin = await registerAndLoginAs(t, ['admin']);
    contextId = (await t.client.call<Context>('createContext', { headers: developer.auth, body: { name: 'history', tools: ['echo'] } })).body.id;
    ids.first = (await run('echo', { parameters: { message: 'one' } })).executionId;
    ids.info = (await run('system_info', { parameters: {} })).executionId;
    ids.failed = (await run('filesystem', { parameters: { operation: 'read', path: '/does/not/exist.txt' } })).executionId;
    ids.inContext = (await run('echo', { parameters: { message: 'in a context' }, context: { contextId } })).executionId;
    // A run through another door is in the same history.
    const ws = await openWs(t.baseUrl, { headers: developer.auth });
    const answer = await ws.request<{ metadata: { executionId: string } }>('tools/execute', { tool: 'echo', arguments: { message: 'over /ws' } });
    ws.close();
    ids.ws = answer.result?.metadata.executionId as string;
    expect(ids.ws).toBeTruthy();
    await run('echo', { parameters: { message: 'last' } });
  });

  it('lists them newest first, every door and tool, with the run view', async () => {
    const page = await list(developer.auth);
    expect(page.status).toBe(200);
    expect(page.body.executions).toHaveLength(6);
    const created = page.body.executions.map((execution) => Date.parse(execution.createdAt as string));
    expect(created).toEqual([...created].sort((a, b) => b - a));
    expect(new Set(page.body.executions.map((execution) => execution.toolName))).toEqual(new Set(['echo', 'system_info', 'filesystem']));
    expect(page.body.executions.map((execution) => execution.executionId)).toContain(ids.ws);
    expect(page.body.pagination).toMatchObject({ page: 1, total: 6, totalExact: true, nextCursor: null });
    const failed = page.body.executions.find((execution) => execution.executionId === ids.failed);
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'NOT_FOUND' }, toolId: 'tool_filesystem', parameters: { operation: 'read', path: '/does/not/exist.txt' } });
  });

  it('filters by tool (name, id, or a tool that is gone), status, context and time', async () => {
    expect((await list(developer.auth, { toolId: 'echo' })).body.executions).toHaveLength(4);
    expect((await list(developer.auth, { toolId: 'tool_system_info' })).body.executions.map((execution) => execution.executionId)).toEqual([ids.info]);
    const gone = await list(developer.auth, { toolId: 'tool_removed_long_ago' });
    expect(gone.status).toBe(200);
    expect(gone.body.executions).toEqual([]);
    expect((await list(developer.auth, { status: 'failed' })).body.executions.map((execution) => execution.executionId)).toEqual([ids.failed]);
    expect((await list(developer.auth, { contextId })).body.executions.map((execution) => execution.executionId)).toEqual([ids.inContext]);
    const all = (await list(developer.auth)).body.executions;
    const middle = all[3].createdAt as string;
    const since = await list(developer.auth, { startDate: middle });
    expect(since.body.executions.every((execution) => Date.parse(execution.createdAt as string) >= Date.parse(middle))).toBe(true);
    expect(since.body.executions.length).toBeGreaterThanOrEqual(4);
    const until = await list(developer.auth, { endDate: middle });
    expect(until.body.executions.every((execution) => Date.parse(execution.createdAt as string) <= Date.parse(middle))).toBe(true);
    expect(until.body.executions.length + since.body.executions.length).toBeGreaterThanOrEqual(6);
    expect((await list(developer.auth, { startDate: new Date(Date.now() + 60_000).toISOString() })).body.executions).toEqual([]);
  });

  it('pages by cursor without gaps or repeats, and by page number', async () => {
    const first = await list(developer.auth, { limit: 4 });
    expect(first.body.executions).toHaveLength(4);
    expect(first.body.pagination).toMatchObject({ total: 6, pages: 2 });
    const next = await list(developer.auth, { limit: 4, cursor: first.body.pagination.nextCursor as string });
    expect(next.body.executions).toHaveLength(2);
    expect(next.body.pagination.nextCursor).toBeNull();
    const walked = [...first.body.executions, ...next.body.executions].map((execution) => execution.executionId);
    expect(new Set(walked).size).toBe(6);
    expect((await list(developer.auth, { limit: 4, page: 2 })).body.executions.map((execution) => execution.executionId)).toEqual(walked.slice(4));
  });

  it("shows each their own; only admins read another user's, by userId", async () => {
    expect((await list(other.auth)).body.executions).toEqual([]);
    const refused = await list(other.auth, { userId: developer.userId });
    expect(refused.status).toBe(403);
    expect((await list(other.auth, { userId: other.userId })).status).toBe(200);
    expect((await list(admin.auth)).body.executions).toEqual([]);
    expect((await list(admin.auth, { userId: developer.userId })).body.executions).toHaveLength(6);
    expect((await t.client.call('listExecutions')).status).toBe(401);
  });

  it('refuses bad queries with 400 and the field', async () => {
    const cases: Array<[Record<string, string | number>, string]> = [
      [{ status: 'done' }, 'status'],
      [{ userId: 'me' }, 'userId'],
      [{ contextId: '123' }, 'contextId'],
      [{ startDate: 'yesterday' }, 'startDate'],
      [{ endDate: '2026-13-01T00:00:00Z' }, 'endDate'],
      [{ startDate: '2026-12-02T00:00:00Z', endDate: '2026-12-01T00:00:00Z' }, 'startDate'],
      [{ limit: 0 }, 'limit'],
      [{ limit: 101 }, 'limit'],
      [{ page: 0 }, 'page'],
      [{ page: 1001, limit: 20 }, 'page'],
      [{ toolId: 'x'.repeat(201) }, 'toolId'],
      [{ toolId: '' }, 'toolId'],
      [{ cursor: 'not-a-cursor' }, 'cursor'],
      [{ cursor: 'abc', page: 2 }, 'page'],
    ];
    for (const [query, field] of cases) {
      const refused = await list(developer.auth, query);
      expect(refused.status, JSON.stringify(query)).toBe(400);
      expect(refused.body.details?.map((detail) => detail.field), JSON.stringify(query)).toContain(field);
    }
  });

  // Last: it adds a run of the developer's.
  it('shows what each run was given; a list gives only the size of parameters over 4 KiB, the run itself gives them whole', async () => {
    const message = 'x'.repeat(5000);
    const big = await run('echo', { parameters: { message } });
    const listed = (await list(developer.auth, { toolId: 'echo', limit: 1 })).body.executions[0];
    expect(listed).toMatchObject({ executionId: big.executionId, parameters: { truncated: true, bytes: JSON.stringify({ message }).length } });
    const whole = await t.client.call<ToolExecution>('getToolExecution', { headers: developer.auth, params: { executionId: big.executionId } });
    expect(whole.body.parameters).toEqual({ message });
    // The tool's own history does the same.
    const history = await t.client.call<ToolExecutionList>('listToolExecutions', { headers: developer.auth, params: { id: 'echo' }, query: { limit: 2 } });
    expect(history.body.executions.map((execution) => execution.parameters)).toEqual([{ truncated: true, bytes: JSON.stringify({ message }).length }, { message: 'last' }]);
  });
});
