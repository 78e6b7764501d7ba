import { describe, expect, it } from 'vitest';
import type { ToolDefinition, ToolRunContext } from '../tool.types';
import { CircuitBreaker } from './circuit-breaker';
import type { ConnectionChange, ConnectionStatus, UpstreamConnection, UpstreamSettings } from './upstream-connection';
import { UpstreamPool } from './upstream-pool';
import { CallLost } from './upstream-connection';
import { ApiError } from '@app/common';
import type { UpstreamReplicaSettings } from './upstream-server.entity';

const SETTINGS: UpstreamSettings = { id: 's1', name: 'pool', transport: { type: 'stdio', command: 'node' }, connectMs: 1_000, requestMs: 1_000, healthIntervalMs: 60_000, healthTimeoutMs: 1_000, category: 'data' };

/** A copy whose status, circuit and listing a test sets, reporting to the pool as a connection does. */
class FakeCopy {
  status: ConnectionStatus = 'disconnected';
  lastError: string | null = null;
  lastConnectedAt: Date | null = null;
  readonly breaker: CircuitBreaker;
  readonly tools = [];
  readonly pid = null;
  inFlight = 0;
  calls = 0;
  readonly answered: string[] = [];
  /** What its next call throws instead of answering. */
  failWith?: unknown;

  constructor(
    readonly settings: UpstreamSettings,
    private readonly publish: (definitions: ToolDefinition[], reason: string) => void,
    readonly index: number,
  ) {
    this.breaker = new CircuitBreaker(settings.name, 2, 60_000, Date.now, (state) => settings.changed?.({ kind: 'circuit', state, failures: 2, error: 'failing', cooldownMs: 60_000 }));
  }

  set(status: ConnectionStatus, error: string | null = status === 'error' ? 'connection refused' : null): void {
    this.lastError = error;
    this.status = status;
    this.settings.observe?.();
  }

  list(names: string[], annotations?: Record<string, unknown>): void {
    this.publish(
      names.map((name) => ({ id: `tool_pool__${name}`, name: `pool__${name}`, description: '', version: '1', category: 'data', source: 'upstream', inputSchema: { type: 'object' }, permissions: [], ...(annotations ? { annotations } : {}), run: async () => this.index })),
      'listed',
    );
  }

  async call(toolName: string): Promise<unknown> {
    this.calls++;
    this.answered.push(toolName);
    const failure = this.failWith;
    this.failWith = undefined;
    if (failure) throw failure;
    return this.index;
  }

  async connect(): Promise<void> {
    this.set('connected');
  }

  /** As connections do, each copy ends in its own time (the later the copy, the later). */
  async disconnect(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, this.index * 5));
    this.set('disconnected');
    this.list([]);
  }

  handOver(): ConnectionStatus | undefined {
    return undefined;
  }
}

function poolOf(count: number, strategy: UpstreamReplicaSettings['strategy'] = 'round_robin') {
  const told: ConnectionChange[] = [];
  const listings: string[][] = [];
  const copies: FakeCopy[] = [];
  let published: ToolDefinition[] = [];
  const pool = new UpstreamPool(
    { ...SETTINGS, changed: (change) => told.push(change) },
    { count, strategy },
    (definitions) => {
      published = definitions;
      listings.push(definitions.map((definition) => definition.name));
    },
    (settings, publish) => {
      const copy = new FakeCopy(settings, publish, copies.length);
      copies.push(copy);
      return copy as unknown as UpstreamConnection;
    },
    60_000,
  );
  const settle = () => new Promise<void>((resolve) => queueMicrotask(resolve));
  const statuses = () => told.filter((change): change is Extract<ConnectionChange, { kind: 'status' }> => change.kind === 'status').map((change) => change.status);
  const circuits = () => told.filter((change): change is Extract<ConnectionChange, { kind: 'circuit' }> => change.kind === 'circuit').map((change) => change.state);
  const run = (tool: string) => published.find((definition) => definition.name === `pool__${tool}`)?.run({}, {} as ToolRunContext);
  return { pool, copies, told, listings, settle, statuses, circuits, run };
}

describe('UpstreamPool: copies summed up as one server', () => {
  it('tells an outage once when every copy is down, even while one keeps reconnecting, and the first back', async () => {
    const { pool, copies, settle, statuses } = poolOf(2);
    await pool.connect();
    await settle();
    expect(statuses()).toEqual(['connected']);
    copies[0].set('error');
    await settle();
    expect(pool.status).toBe('connected');
    // The second goes down while the first is between two attempts: still an outage.
    copies[0].set('connecting', 'connection refused');
    copies[1].set('error');
    await settle();
    expect(pool.status).toBe('error');
    expect(statuses()).toEqual(['connected', 'error']);
    for (const status of ['connecting', 'error', 'connecting', 'error'] as const) copies[1].set(status);
    await settle();
    expect(statuses()).toEqual(['connected', 'error']);
    copies[1].set('connected');
    await settle();
    expect(statuses()).toEqual(['connected', 'error', 'connected']);
  });

  it('a first attempt is connecting, not an error, whatever the other copy says', async () => {
    const { pool, copies, settle, statuses } = poolOf(2);
    copies[0].set('connecting');
    copies[1].set('error');
    await settle();
    expect(pool.status).toBe('connecting');
    expect(statuses()).toEqual([]);
  });

  it('its circuit is that of the connected copies; with none connected it stays as told', async () => {
    const { pool, copies, settle, circuits } = poolOf(2);
    await pool.connect();
    copies[1].set('error');
    await settle();
    // The live copy's circuit opens: the down copy's closed breaker does not hide it.
    copies[0].breaker.failed('x');
    copies[0].breaker.failed('x');
    await settle();
    expect(pool.breaker.state).toBe('open');
    expect(circuits()).toEqual(['open']);
    // Down as well: nothing is told of the circuit while no copy is connected.
    copies[0].set('error');
    await settle();
    expect(circuits()).toEqual(['open']);
    // The other copy comes back, its circuit closed: the server's closes.
    copies[1].set('connected');
    await settle();
    expect(circuits()).toEqual(['open', 'closed']);
  });

  it('tells nothing of circuits while it is being disconnected on purpose', async () => {
    const { pool, copies, settle, circuits, statuses } = poolOf(2);
    await pool.connect();
    copies[1].breaker.failed('x');
    copies[1].breaker.failed('x');
    await settle();
    await pool.disconnect();
    await settle();
    expect(circuits()).toEqual([]);
    expect(statuses()).toEqual(['connected', 'disconnected']);
  });

  it('serves one listing, and moves it to a connected copy when the serving one goes down without emptying it', async () => {
    const { pool, copies, listings, settle } = poolOf(2);
    await pool.connect();
    copies[0].list(['a', 'b']);
    copies[1].list(['a', 'b']);
    expect(listings).toEqual([['pool__a', 'pool__b']]);
    copies[0].set('error');
    await settle();
    expect(listings).toHaveLength(2);
    // A listing from a copy that is not served changes nothing.
    copies[0].list(['a']);
    expect(listings).toHaveLength(2);
  });

  it('sends calls in turn to the copies that can take them, or to the one with the fewest in flight', async () => {
    const { pool, copies, run } = poolOf(3);
    await pool.connect();
    for (const copy of copies) copy.list(['echo']);
    const answers: unknown[] = [];
    for (let i = 0; i < 6; i++) answers.push(await run('echo'));
    expect(answers).toEqual([0, 1, 2, 0, 1, 2]);
    copies[1].breaker.failed('x');
    copies[1].breaker.failed('x');
    copies[2].set('error');
    const skipping: unknown[] = [];
    for (let i = 0; i < 3; i++) skipping.push(await run('echo'));
    expect(skipping).toEqual([0, 0, 0]);

    const least = poolOf(2, 'least_pending');
    await least.pool.connect();
    for (const copy of least.copies) copy.list(['echo']);
    least.copies[0].inFlight = 3;
    expect(await least.run('echo')).toBe(1);
    expect(await least.run('echo')).toBe(1);
  });
});

describe('UpstreamPool: a call another copy takes', () => {
  const running = (aborted = false) => ({ signal: { aborted } }) as unknown as ToolRunContext;

  async function twoCopies(annotations?: Record<string, unknown>) {
    const made = poolOf(2);
    await made.pool.connect();
    for (const copy of made.copies) copy.list(['t'], annotations);
    await made.settle();
    return made;
  }

  it('a copy that could not take the call (nothing was sent) passes it on, whatever the tool', async () => {
    const { pool, copies } = await twoCopies();
    copies[0].failWith = new ApiError(503, 'SERVICE_UNAVAILABLE', 'not connected');
    expect(await pool.call('t', {}, running())).toBe(1);
    expect(copies.map((copy) => copy.calls)).toEqual([1, 1]);
  });

  it('a lost call is sent again only for a tool that says a second run is harmless', async () => {
    const plain = await twoCopies();
    plain.copies[0].failWith = new CallLost('closed the connection during the call');
    await expect(plain.pool.call('t', {}, running())).rejects.toBeInstanceOf(CallLost);
    expect(plain.copies.map((copy) => copy.calls)).toEqual([1, 0]);

    for (const annotations of [{ readOnlyHint: true }, { idempotentHint: true }]) {
      const safe = await twoCopies(annotations);
      safe.copies[0].failWith = new CallLost('closed the connection during the call');
      expect(await safe.pool.call('t', {}, running())).toBe(1);
    }
  });

  it("reads the served copy's annotations, and sends only to a copy that lists the tool", async () => {
    // The serving copy (the first to list) says nothing of repeating; another copy says read-only.
    const made = poolOf(2);
    await made.pool.connect();
    made.copies[0].list(['t']);
    made.copies[1].list(['t'], { readOnlyHint: true });
    await made.settle();
    made.copies[0].failWith = new CallLost('lost');
    await expect(made.pool.call('t', {}, running())).rejects.toBeInstanceOf(CallLost);
    expect(made.copies[1].calls).toBe(0);

    // The serving copy lacks `u` (a rolling upgrade): a call of `u` the other copy could not take goes nowhere.
    const partial = poolOf(2);
    await partial.pool.connect();
    partial.copies[1].list(['t']);
    partial.copies[0].list(['t', 'u']);
    await partial.settle();
    partial.copies[0].failWith = new ApiError(503, 'SERVICE_UNAVAILABLE', 'not connected');
    await expect(partial.pool.call('u', {}, running())).rejects.toThrow(/not connected/);
    expect(partial.copies[1].calls).toBe(0);
  });

  it('an upstream error, a run its caller stopped, or no other copy: not sent again', async () => {
    const answered = await twoCopies({ readOnlyHint: true });
    answered.copies[0].failWith = new ApiError(502, 'BAD_GATEWAY', 'the upstream failed: -32603');
    await expect(answered.pool.call('t', {}, running())).rejects.toThrow(/-32603/);
    const stopped = await twoCopies({ readOnlyHint: true });
    stopped.copies[0].failWith = new CallLost('lost');
    await expect(stopped.pool.call('t', {}, running(true))).rejects.toBeInstanceOf(CallLost);
    const alone = await twoCopies({ readOnlyHint: true });
    alone.copies[1].set('error');
    await alone.settle();
    alone.copies[0].failWith = new CallLost('lost');
    await expect(alone.pool.call('t', {}, running())).rejects.toBeInstanceOf(CallLost);
    expect(alone.copies[1].calls).toBe(0);
  });
});
