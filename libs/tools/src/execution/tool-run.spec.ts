import { RequestCancellation } from '@app/rpc';
import type { AuthenticatedUser } from '@app/security';
import { describe, expect, it } from 'vitest';
import type { CallerChannel, ToolDefinition, ToolRunContext } from '../tool.types';
import { ToolExecutor } from './tool-executor.service';

type Run = { status: string; error?: { code: string } };
/** The engine's run step alone: it needs nothing of the executor's services. */
const engine = Object.create(ToolExecutor.prototype) as { run(definition: ToolDefinition, input: Record<string, unknown>, caller: AuthenticatedUser, executionId: string, timeoutMs: number, channel?: CallerChannel): Promise<Run> };
const caller = { id: 'u', email: 'u@example.test', roles: [], permissions: [], via: 'jwt' } as AuthenticatedUser;

function tool(run: (context: ToolRunContext) => Promise<unknown>): ToolDefinition {
  return { id: 'tool_t', name: 't', run: (_input: Record<string, unknown>, context: ToolRunContext) => run(context) } as unknown as ToolDefinition;
}

describe('the engine running a tool under a cancellation', () => {
  it('never calls a tool whose run was cancelled before it began', async () => {
    const cancellation = new RequestCancellation();
    cancellation.cancel('the word came first');
    let called = false;
    const run = await engine.run(tool(async () => (called = true)), {}, caller, 'e1', 5_000, { cancellation });
    expect(called).toBe(false);
    expect(run).toMatchObject({ status: 'failed', error: { code: 'CANCELLED' } });
  });

  it('a tool that looks at its signal only after the cancellation finds it aborted', async () => {
    const cancellation = new RequestCancellation();
    let seen: boolean | undefined;
    let finish: () => void = () => undefined;
    const ran = engine.run(
      tool(async (context) => {
        await new Promise<void>((resolve) => (finish = resolve));
        seen = context.signal.aborted;
      }),
      {},
      caller,
      'e2',
      5_000,
      { cancellation },
    );
    await new Promise((resolve) => setImmediate(resolve));
    cancellation.cancel('stop');
    expect(await ran).toMatchObject({ status: 'failed', error: { code: 'CANCELLED' } });
    finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toBe(true);
  });
});
