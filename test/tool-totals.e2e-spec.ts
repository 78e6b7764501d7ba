import type { AcceptedExecution, Tool, ToolExecution, ToolExecutionList } from '@app/contracts';
import { type LoggedInUser, registerAndLogin, registerAndLoginAs, until, useTestApp } from '@app/testing';
import { EVERYONE, ExecutionRetention, ExecutionsService, ExecutionTotals } from '@app/tools';
import { DataSource } from 'typeorm';
import { beforeAll, describe, expect, it } from 'vitest';

type Key = { tool_id: string; user_id: string; status: string; runs: number; duration_sum: number; duration_runs: number };
type DayKey = { day: string; tool_id: string; user_id: string; status: string; runs: number };

/**
 * The counts by day against the history, by the day (UTC) each run was created: each user's, and
 * everyone's (under the nil uuid).
 */
async function daysAgainstHistory(db: DataSource): Promise<{ counted: DayKey[]; truth: DayKey[] }> {
  const counted: DayKey[] = await db.query(`SELECT day::text, tool_id, user_id::text, status, sum(runs)::int AS runs
                                              FROM tool_execution_days GROUP BY 1, 2, 3, 4 HAVING sum(runs) <> 0 ORDER BY 1, 2, 3, 4`);
  const truth: DayKey[] = await db.query(`SELECT (created_at AT TIME ZONE 'UTC')::date::text AS day, tool_id, user_id::text, status, count(*)::int AS runs FROM tool_executions GROUP BY 1, 2, 3, 4
                                          UNION ALL
                                          SELECT (created_at AT TIME ZONE 'UTC')::date::text, tool_id, '${EVERYONE}', status, count(*)::int FROM tool_executions GROUP BY 1, 2, 4
                                          ORDER BY 1, 2, 3, 4`);
  expect(truth.some((key) => key.user_id === EVERYONE)).toBe(true);
  return { counted, truth };
}

/**
 * The run counts (tool_execution_totals) against the history they count: statistics and history
 * totals are read from the counts, so every way a run is written or changes status must keep them
 * equal to a count of the history itself.
 */
describe('tool run totals', () => {
  const t = useTestApp();
  let user: LoggedInUser;
  let developer: LoggedInUser;
  let admin: LoggedInUser;

  beforeAll(async () => {
    user = await registerAndLogin(t.client);
    developer = await registerAndLoginAs(t, ['developer']);
    admin = await registerAndLoginAs(t, ['admin']);
  });

  const run = (auth: Record<string, string>, tool: string, body: Record<string, unknown>) => t.client.call<ToolExecution & AcceptedExecution>('executeTool', { headers: auth, params: { id: tool }, body });
  const get = (auth: Record<string, string>, id: string) => t.client.call<ToolExecution>('getToolExecution', { headers: auth, params: { executionId: id } });
  const db = () => t.app.get(DataSource);

  async function counted(): Promise<Key[]> {
    return db().query(`SELECT tool_id, user_id::text, status, sum(runs)::int AS runs, sum(duration_sum)::int AS duration_sum, sum(duration_runs)::int AS duration_runs
                         FROM tool_execution_totals GROUP BY tool_id, user_id, status HAVING sum(runs) <> 0 ORDER BY 1, 2, 3`);
  }
  async function truth(): Promise<Key[]> {
    return db().query(`SELECT tool_id, user_id::text, status, count(*)::int AS runs, coalesce(sum(duration_ms), 0)::int AS duration_sum, count(duration_ms)::int AS duration_runs
                         FROM tool_executions GROUP BY tool_id, user_id, status ORDER BY 1, 2, 3`);
  }

  it('count every run as the history holds it: sync, failed, async, timed out, abandoned, and after merging', async () => {
    await Promise.all([1, 2, 3].map((n) => run(user.auth, 'echo', { parameters: { message: `sync ${n}`, delayMs: n } })));
    await run(developer.auth, 'echo', { parameters: { message: 'sync' } });
    expect((await run(developer.auth, 'filesystem', { parameters: { operation: 'read', path: '/does/not/exist.txt' } })).body.status).toBe('failed');
    expect((await run(user.auth, 'echo', { parameters: { message: 'slow', delayMs: 1_000 }, options: { timeout: 50 } })).status).toBe(504);
    const later = (await run(user.auth, 'echo', { parameters: { message: 'later', delayMs: 20 }, options: { async: true } })).body;
    const timedOut = (await run(developer.auth, 'echo', { parameters: { message: 'too slow', delayMs: 5_000 }, options: { async: true, timeout: 100 } })).body;
    // Left running, as by an instance that died: the recovery fails it, and its own finish comes after.
    const abandoned = (await run(user.auth, 'echo', { parameters: { message: 'abandoned', delayMs: 1_500 }, options: { async: true } })).body;
    await until(() => get(user.auth, later.executionId), (response) => response.body.status === 'completed');
    await until(() => get(developer.auth, timedOut.executionId), (response) => response.body.status === 'failed');
    await until(() => get(user.auth, abandoned.executionId), (response) => response.body.status === 'running');
    await db().query(`UPDATE tool_executions SET started_at = now() - interval '1 hour' WHERE id = $1`, [abandoned.executionId]);
    expect(await t.app.get(ExecutionsService).failAbandoned()).toBe(1);
    expect(await counted()).toEqual(await truth());
    await until(() => get(user.auth, abandoned.executionId), (response) => response.body.status === 'completed');

    // Merges beside writers (and each other) neither lose nor double a run.
    const totals = t.app.get(ExecutionTotals);
    await Promise.all([...Array.from({ length: 20 }, (_, n) => run(n % 2 ? user.auth : developer.auth, 'echo', { parameters: { message: `beside a merge ${n}` } })), totals.merge(), totals.merge(), totals.merge()]);
    // One run after them all, so that something is left to merge however the merges above fell.
    expect((await run(user.auth, 'echo', { parameters: { message: 'after the merges' } })).status).toBe(200);

    const expected = await truth();
    expect(expected.map((key) => key.status)).toEqual(expect.arrayContaining(['completed', 'failed']));
    expect(await counted()).toEqual(expected);
    const days = await daysAgainstHistory(db());
    expect(days.counted).toEqual(days.truth);
    const rowsBefore = Number((await db().query('SELECT count(*) AS n FROM tool_execution_totals'))[0].n);
    const dayRowsBefore = Number((await db().query('SELECT count(*) AS n FROM tool_execution_days'))[0].n);
    await totals.merge();
    expect(await counted()).toEqual(expected);
    const rowsAfter = Number((await db().query('SELECT count(*) AS n FROM tool_execution_totals'))[0].n);
    expect(rowsAfter).toBe(expected.length);
    expect(rowsAfter).toBeLessThan(rowsBefore);
    const dayRowsAfter: Array<{ n: string; unmerged: string }> = await db().query('SELECT count(*) AS n, count(*) FILTER (WHERE NOT merged) AS unmerged FROM tool_execution_days');
    expect(Number(dayRowsAfter[0].n)).toBe(days.truth.length);
    expect(Number(dayRowsAfter[0].n)).toBeLessThan(dayRowsBefore);
    expect(Number(dayRowsAfter[0].unmerged)).toBe(0);
    // Merging again changes nothing.
    await totals.merge();
    expect(await counted()).toEqual(expected);
    expect((await daysAgainstHistory(db())).counted).toEqual(days.truth);
  });

  it('answer statistics and history totals as counting the history would', async () => {
    await Promise.all([run(user.auth, 'echo', { parameters: { message: 'one more' } }), run(admin.auth, 'echo', { parameters: { message: 'and the admin' } })]);
    const [history] = (await db().query(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE status = 'completed')::int AS completed, count(*) FILTER (WHERE status IN ('completed', 'failed'))::int AS finished,
              coalesce(avg(duration_ms), 0)::float AS average, max(created_at) AS last
         FROM tool_executions WHERE tool_id = 'tool_echo'`,
    )) as Array<{ total: number; completed: number; finished: number; average: number; last: Date }>;
    const stats = (await t.client.call<Tool>('getTool', { headers: user.auth, params: { id: 'echo' } })).body.statistics;
    expect(stats).toEqual({
      totalExecutions: history.total,
      successRate: Math.round((history.completed / history.finished) * 1000) / 1000,
      averageLatency: Math.round(history.average * 100) / 100,
      lastExecuted: new Date(history.last).toISOString(),
    });
    expect(stats?.successRate).toBeLessThan(1);

    const total = async (auth: Record<string, string>, query: Record<string, string> = {}) =>
      (await t.client.call<ToolExecutionList>('listToolExecutions', { headers: auth, params: { id: 'echo' }, query: { limit: '1', ...query } })).body.pagination.total;
    const countOf = async (where: string, parameters: unknown[]) => (await db().query(`SELECT count(*)::int AS n FROM tool_executions WHERE tool_id = 'tool_echo' AND ${where}`, parameters))[0].n as number;
    expect(await total(admin.auth)).toBe(history.total);
    expect(await total(user.auth)).toBe(await countOf('user_id = $1', [user.userId]));
    expect(await total(user.auth, { status: 'failed' })).toBe(await countOf('user_id = $1 AND status = $2', [user.userId, 'failed']));
    expect(await total(admin.auth, { status: 'completed' })).toBe(await countOf('status = $1', ['completed']));
    expect(await total(admin.auth, { status: 'pending' })).toBe(0);
    // A tool nobody ran yet.
    expect((await t.client.call<Tool>('getTool', { headers: admin.auth, params: { id: 'system_info' } })).body.statistics).toEqual({ totalExecutions: 0, successRate: 0, averageLatency: 0, lastExecuted: null });
  });
});

describe('tool run retention', () => {
  const t = useTestApp({ TOOL_EXECUTION_RETENTION_DAYS: '30' });
  const db = () => t.app.get(DataSource);

  it('prunes finished runs past the retention with their counts, never a run still going', async () => {
    const user = await registerAndLogin(t.client);
    const developer = await registerAndLoginAs(t, ['developer']);
    const run = (auth: Record<string, string>, tool: string, body: Record<string, unknown>) => t.client.call<ToolExecution & AcceptedExecution>('executeTool', { headers: auth, params: { id: tool }, body });
    const kept = (await run(user.auth, 'echo', { parameters: { message: 'recent' } })).body.executionId;
    const old = [(await run(user.auth, 'echo', { parameters: { message: 'old' } })).body.executionId, (await run(developer.auth, 'filesystem', { parameters: { operation: 'read', path: '/nope.txt' } })).body.executionId];
    const going = (await run(user.auth, 'echo', { parameters: { message: 'still going', delayMs: 3_000 }, options: { async: true } })).body.executionId;
    // Past one batch of 5000, so the pruning goes round again; counted as the app counts them.
    await db().query(
      `WITH stored AS (
         INSERT INTO tool_executions (id, tool_id, tool_name, user_id, status, is_async, parameters, timeout_ms, created_at, started_at, ended_at, duration_ms, attempts)
         SELECT gen_random_uuid(), 'tool_echo', 'echo', $1, 'completed', false, '{}', 30000, now() - interval '40 days', now() - interval '40 days', now() - interval '40 days', 2, 1 FROM generate_series(1, 5003)
         RETURNING tool_id, user_id, status, duration_ms, created_at),
       totals AS (INSERT INTO tool_execution_totals (tool_id, user_id, status, runs, duration_sum, duration_runs) SELECT tool_id, user_id, status, count(*), sum(duration_ms), count(duration_ms) FROM stored GROUP BY 1, 2, 3 RETURNING 1)
       INSERT INTO tool_execution_days (day, tool_id, user_id, status, runs)
       SELECT (created_at AT TIME ZONE 'UTC')::date, tool_id, user_id, status, count(*) FROM stored GROUP BY 1, 2, 3, 4
       UNION ALL SELECT (created_at AT TIME ZONE 'UTC')::date, tool_id, '${EVERYONE}', status, count(*) FROM stored GROUP BY 1, 2, 4`,
      [user.userId],
    );
    // Backdated, with their day counts moved as well (a run's creation never changes in the app).
    await db().query(
      `WITH was AS (SELECT id, created_at FROM tool_executions WHERE id = ANY($1::uuid[])),
            moved AS (UPDATE tool_executions t SET created_at = now() - interval '31 days' FROM was WHERE t.id = was.id
                      RETURNING t.tool_id, t.user_id, t.status, t.created_at, was.created_at AS was_created)
       INSERT INTO tool_execution_days (day, tool_id, user_id, status, runs)
       SELECT (created_at AT TIME ZONE 'UTC')::date, tool_id, owner, status, 1 FROM moved, LATERAL (VALUES (user_id), ('${EVERYONE}'::uuid)) AS counted(owner)
       UNION ALL
       SELECT (was_created AT TIME ZONE 'UTC')::date, tool_id, owner, status, -1 FROM moved, LATERAL (VALUES (user_id), ('${EVERYONE}'::uuid)) AS counted(owner)`,
      [[...old, going]],
    );

    expect(await t.app.get(ExecutionRetention).prune()).toBe(5005);
    const left: Array<{ id: string }> = await db().query(`SELECT id::text FROM tool_executions ORDER BY created_at`);
    expect(left.map((row) => row.id).sort()).toEqual([kept, going].sort());
    expect((await t.client.call('getToolExecution', { headers: user.auth, params: { executionId: old[0] } })).status).toBe(404);
    const counted = await db().query(`SELECT tool_id, user_id::text, status, sum(runs)::int AS runs FROM tool_execution_totals GROUP BY 1, 2, 3 HAVING sum(runs) <> 0 ORDER BY 1, 2, 3`);
    const truth = await db().query(`SELECT tool_id, user_id::text, status, count(*)::int AS runs FROM tool_executions GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`);
    expect(counted).toEqual(truth);
    const days = await daysAgainstHistory(db());
    expect(days.counted).toEqual(days.truth);
    expect((await t.client.call<Tool>('getTool', { headers: user.auth, params: { id: 'echo' } })).body.statistics?.totalExecutions).toBe(2);
    // The run still going was older than the retention, and finishes as usual, counted on its day.
    await until(() => t.client.call<ToolExecution>('getToolExecution', { headers: user.auth, params: { executionId: going } }), (response) => response.body.status === 'completed');
    const finished = await daysAgainstHistory(db());
    expect(finished.counted).toEqual(finished.truth);
  });
});
