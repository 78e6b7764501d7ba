import { randomUUID } from 'node:crypto';
import type { AcceptedExecution, RecentToolList, ToolExecution, ToolExecutionList, ToolList, ToolUsageStats } from '@app/contracts';
import { type LoggedInUser, openWs, registerAndLogin, registerAndLoginAs, until, useTestApp } from '@app/testing';
import { type ExecutionStatus, ExecutionsService, ExecutionTotals } from '@app/tools';
import { beforeAll, describe, expect, it } from 'vitest';

type Envelope = { error: string; message: string; details?: Array<{ field: string; message: string; code: string }> };

const DAY_MS = 86_400_000;
const utcDay = (daysAgo: number): string => new Date(Date.now() - daysAgo * DAY_MS).toISOString().slice(0, 10);
const utcDayOf = (instant: string): string => new Date(instant).toISOString().slice(0, 10);

describe('GET /tools/stats: usage by day and the tools run most', () => {
  const t = useTestApp();
  let developer: LoggedInUser;
  let other: LoggedInUser;
  let admin: LoggedInUser;

  const stats = (auth: Record<string, string>, query: Record<string, string | number | boolean> = {}) => t.client.call<ToolUsageStats & Envelope>('getToolStats', { headers: auth, query });
  const run = async (user: LoggedInUser, tool: string, parameters: Record<string, unknown>): Promise<ToolExecution> => {
    const answer = await t.client.call<ToolExecution>('executeTool', { headers: user.auth, params: { id: tool }, body: { parameters } });
    expect(answer.status).toBe(200);
    return answer.body;
  };
  /** A finished run of an earlier day, stored as the engine stores one (the append log, counted by its rollup). */
  const earlier = (user: LoggedInUser, toolId: string, daysAgo: number, status: ExecutionStatus): Promise<void> => {
    const at = new Date(Date.now() - daysAgo * DAY_MS);
    return t.app.get(ExecutionsService).record({ id: randomUUID(), toolId, toolName: toolId.replace(/^tool_/, ''), userId: user.userId, status, timeoutMs: 30_000, startedAt: at, endedAt: at, durationMs: 1, createdAt: at });
  };
  const dayOf = (body: ToolUsageStats, daysAgo: number) => body.invocationsByDay.find((day) => day.date === utcDay(daysAgo));

  beforeAll(async () => {
    developer = await registerAndLoginAs(t, ['developer']);
    other = await registerAndLogin(t.client);
    admin = await registerAndLoginAs(t, ['admin']);
    for (const message of ['one', 'two', 'three']) await run(developer, 'echo', { message });
    await run(developer, 'system_info', {});
    expect((await run(developer, 'filesystem', { operation: 'read', path: '/does/not/exist.txt' })).status).toBe('failed');
    // Another door, the same counts.
    const ws = await openWs(t.baseUrl, { headers: developer.auth });
    expect((await ws.request('tools/execute', { tool: 'echo', arguments: { message: 'over /ws' } })).error).toBeUndefined();
    ws.close();
    await run(other, 'echo', { message: 'mine' });
    await run(other, 'echo', { message: 'mine too' });
    await earlier(developer, 'tool_echo', 2, 'failed');
    await earlier(developer, 'tool_removed_long_ago', 3, 'completed');
    await earlier(developer, 'tool_removed_long_ago', 3, 'completed');
    await earlier(developer, 'tool_echo', 40, 'completed');
  });

  it("counts the caller's runs by day, every day of the window listed, newest first", async () => {
    const answer = await stats(developer.auth);
    expect(answer.status).toBe(200);
    const body = answer.body;
    expect(body).toMatchObject({ userId: developer.userId, days: 30, from: utcDay(29), to: utcDay(0), totalInvocations: 9, completed: 7, failed: 2 });
    expect(body.invocationsByDay).toHaveLength(30);
    expect(body.invocationsByDay.map((day) => day.date)).toEqual(Array.from({ length: 30 }, (_, back) => utcDay(back)));
    expect(dayOf(body, 0)).toEqual({ date: utcDay(0), count: 6, completed: 5, failed: 1 });
    expect(dayOf(body, 2)).toEqual({ date: utcDay(2), count: 1, completed: 0, failed: 1 });
    expect(dayOf(body, 3)).toEqual({ date: utcDay(3), count: 2, completed: 2, failed: 0 });
    expect(body.invocationsByDay.filter((day) => day.count > 0)).toHaveLength(3);
    const tools = (await t.client.call<ToolList>('listTools', { headers: developer.auth, query: { limit: 100 } })).body;
    expect(body.totalTools).toBe(tools.pagination.total);
  });

  it('ranks the tools run most in the window, a gone tool included', async () => {
    const body = (await stats(developer.auth)).body;
    expect(body.topTools).toEqual([
      { toolId: 'tool_echo', name: 'echo', available: true, invocations: 5, completed: 4, failed: 1 },
      { toolId: 'tool_removed_long_ago', name: null, available: false, invocations: 2, completed: 2, failed: 0 },
      { toolId: 'tool_filesystem', name: 'filesystem', available: true, invocations: 1, completed: 0, failed: 1 },
      { toolId: 'tool_system_info', name: 'system_info', available: true, invocations: 1, completed: 1, failed: 0 },
    ]);
    expect((await stats(developer.auth, { top: 1 })).body.topTools.map((tool) => tool.toolId)).toEqual(['tool_echo']);
  });

  it('lists the tools the caller ran last, newest first, with their runs, a gone tool included (GET /tools/recent)', async () => {
    const recent = (limit?: number, user = developer) => t.client.call<RecentToolList & Envelope>('listRecentTools', { headers: user.auth, query: limit === undefined ? {} : { limit } });
    const mine = await recent();
    expect(mine.status).toBe(200);
    expect(mine.body.tools.map(({ toolId, name, available, runs }) => [toolId, name, available, runs])).toEqual([
      ['tool_echo', 'echo', true, 6],
      ['tool_filesystem', 'filesystem', true, 1],
      ['tool_system_info', 'system_info', true, 1],
      ['tool_removed_long_ago', null, false, 2],
    ]);
    const times = mine.body.tools.map((tool) => Date.parse(tool.lastUsedAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(utcDayOf(mine.body.tools[3].lastUsedAt)).toBe(utcDay(3));
    // The last echo of all was the one over /ws: its time is the run's own.
    const lastRun = (await t.client.call<ToolExecutionList>('listExecutions', { headers: developer.auth, query: { toolId: 'echo', limit: 1 } })).body.executions[0];
    expect(mine.body.tools[0].lastUsedAt).toBe(lastRun.createdAt);
    expect((await recent(2)).body.tools.map((tool) => tool.toolId)).toEqual(['tool_echo', 'tool_filesystem']);
    expect((await recent(1)).body.tools.map((tool) => tool.toolId)).toEqual(['tool_echo']);
    expect((await recent(undefined, other)).body.tools.map(({ toolId, runs }) => [toolId, runs])).toEqual([['tool_echo', 2]]);
    expect((await recent(undefined, admin)).body.tools).toEqual([]);
    for (const limit of [0, 51, 1.5]) expect((await recent(limit)).status, String(limit)).toBe(400);
    expect((await t.client.call('listRecentTools')).status).toBe(401);
  });

  it('counts over the days asked for: today alone, or far enough back to reach an old run', async () => {
    const today = (await stats(developer.auth, { days: 1 })).body;
    expect(today).toMatchObject({ days: 1, from: utcDay(0), to: utcDay(0), totalInvocations: 6 });
    expect(today.invocationsByDay).toHaveLength(1);
    expect(today.topTools.map((tool) => tool.toolId)).not.toContain('tool_removed_long_ago');
    const longer = (await stats(developer.auth, { days: 60 })).body;
    expect(longer.totalInvocations).toBe(10);
    expect(dayOf(longer, 40)).toMatchObject({ count: 1, completed: 1 });
    expect((await stats(developer.auth, { days: 366 })).body.invocationsByDay).toHaveLength(366);
  });

  it("shows each their own; admins read another user's or everyone's", async () => {
    const own = (await stats(other.auth)).body;
    expect(own).toMatchObject({ userId: other.userId, totalInvocations: 2, completed: 2 });
    expect(own.topTools).toEqual([{ toolId: 'tool_echo', name: 'echo', available: true, invocations: 2, completed: 2, failed: 0 }]);
    expect((await stats(other.auth, { userId: other.userId })).status).toBe(200);
    const others: Array<Record<string, string | boolean>> = [{ userId: developer.userId }, { allUsers: true }];
    for (const query of others) {
      const refused = await stats(other.auth, query);
      expect(refused.status, JSON.stringify(query)).toBe(403);
      expect(refused.body.error).toBe('FORBIDDEN');
    }
    // allUsers=false is the caller's own.
    expect((await stats(other.auth, { allUsers: false })).body.totalInvocations).toBe(2);

    const asDeveloper = (await stats(admin.auth, { userId: developer.userId })).body;
    const ownView = (await stats(developer.auth)).body;
    expect(asDeveloper).toEqual({ ...ownView, totalTools: asDeveloper.totalTools });
    expect(asDeveloper.totalTools).toBeGreaterThanOrEqual(ownView.totalTools);
    const everyone = (await stats(admin.auth, { allUsers: true })).body;
    expect(everyone).toMatchObject({ userId: null, totalInvocations: 11, completed: 9, failed: 2 });
    expect(everyone.topTools[0]).toEqual({ toolId: 'tool_echo', name: 'echo', available: true, invocations: 7, completed: 6, failed: 1 });
    expect((await stats(admin.auth)).body).toMatchObject({ userId: admin.userId, totalInvocations: 0, topTools: [] });
  });

  it('counts an async run once, as it moves from pending to completed, and answers the same after the counts are merged', async () => {
    const before = (await stats(developer.auth, { days: 1 })).body;
    const accepted = await t.client.call<AcceptedExecution>('executeTool', { headers: developer.auth, params: { id: 'echo' }, body: { parameters: { message: 'later', delayMs: 300 }, options: { async: true } } });
    expect(accepted.status).toBe(202);
    const pending = (await stats(developer.auth, { days: 1 })).body;
    expect(pending.totalInvocations).toBe(before.totalInvocations + 1);
    expect(pending.completed).toBe(before.completed);
    await until(
      () => t.client.call<ToolExecution>('getToolExecution', { headers: developer.auth, params: { executionId: accepted.body.executionId } }),
      (response) => response.body.status === 'completed',
    );
    const after = (await stats(developer.auth, { days: 1 })).body;
    expect(after).toMatchObject({ totalInvocations: before.totalInvocations + 1, completed: before.completed + 1, failed: before.failed });
    await t.app.get(ExecutionTotals).merge();
    expect((await stats(developer.auth, { days: 1 })).body).toEqual(after);
    expect((await stats(admin.auth, { allUsers: true, days: 60 })).body.totalInvocations).toBe(13);
  });

  it('refuses bad queries with 400 and the field, and callers without a token with 401', async () => {
    const cases: Array<[Record<string, string | number>, string]> = [
      [{ days: 0 }, 'days'],
      [{ days: 367 }, 'days'],
      [{ days: 'week' }, 'days'],
      [{ days: 1.5 }, 'days'],
      [{ top: 0 }, 'top'],
      [{ top: 51 }, 'top'],
      [{ userId: 'me' }, 'userId'],
      [{ allUsers: 'yes' }, 'allUsers'],
      [{ since: '2026-01-01' }, 'since'],
    ];
    for (const [query, field] of cases) {
      const refused = await stats(admin.auth, query);
      expect(refused.status, JSON.stringify(query)).toBe(400);
      expect(refused.body.error).toBe('VALIDATION_ERROR');
      expect(refused.body.details?.map((detail) => detail.field), JSON.stringify(query)).toContain(field);
    }
    const both = await stats(admin.auth, { allUsers: true, userId: developer.userId });
    expect(both.status).toBe(400);
    expect(both.body.details?.map((detail) => detail.field)).toEqual(['allUsers']);
    expect((await t.client.call('getToolStats')).status).toBe(401);
  });
});
