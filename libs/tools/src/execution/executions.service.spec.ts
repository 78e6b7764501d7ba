import { type AppendLog, JsonText } from '@app/database';
import type { DataSource } from 'typeorm';
import { describe, expect, it } from 'vitest';
import type { ExecutionTotals } from './execution-totals';
import { ExecutionsService } from './executions.service';

/** A value nested far deeper than JSON.stringify goes (it overflows near 5,000 levels). */
function deep(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: true };
  for (let level = 0; level < levels; level++) value = { a: value };
  return value;
}

/** The service over a log and a database that only keep what they are given. */
function service() {
  const appended: unknown[][] = [];
  const queried: unknown[][] = [];
  const log = { append: async (_table: string, _columns: readonly string[], values: readonly unknown[]) => void appended.push([...values]) } as unknown as AppendLog;
  const dataSource = { getRepository: () => ({}), query: async (_sql: string, params: unknown[]) => (queried.push(params), [{}]) } as unknown as DataSource;
  return { executions: new ExecutionsService(dataSource, log, {} as ExecutionTotals), appended, queried };
}

const RESULT_COLUMN = 9;
const row = (result: unknown) => ({ id: 'e1', toolId: 'tool_t', toolName: 't', userId: 'u', status: 'completed' as const, timeoutMs: 1000, result });

describe('what the run history keeps of a result JSON cannot hold', () => {
  it('records the run with a placeholder saying why, instead of throwing', async () => {
    const { executions, appended } = service();
    await executions.record(row(deep(20_000)));
    expect(appended[0][RESULT_COLUMN]).toEqual({ truncated: true, reason: expect.stringContaining('could not be stored as JSON') });
    await executions.record(row({ small: 1 }));
    expect(appended[1][RESULT_COLUMN]).toEqual(new JsonText('{"small":1}'));
  });

  it('finishes an async run with the placeholder, so it never stays running', async () => {
    const { executions, queried } = service();
    const update = { status: 'completed' as const, endedAt: new Date(), durationMs: 1, memoryUsed: 0 };
    expect(await executions.finish('e1', { ...update, result: deep(20_000) })).toBe(true);
    expect(JSON.parse(queried[0][2] as string)).toEqual({ truncated: true, reason: expect.stringContaining('could not be stored as JSON') });
    await executions.finish('e2', { ...update, result: { small: 1 } });
    expect(queried[1][2]).toBe('{"small":1}');
  });
});
