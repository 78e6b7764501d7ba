import { EventEmitter } from 'node:events';
import { DatabaseError } from 'pg';
import type { DataSource } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { storableJsonText } from './append-log';
import { PgAppendLog as AppendLog } from './pg-append-log';

describe('storableJsonText', () => {
  it('replaces escaped NUL and lone surrogates with U+FFFD', () => {
    const json = JSON.stringify({ a: 'x\u0000y', b: '\ud800', c: '\udc00z' });
    expect(JSON.parse(storableJsonText(json))).toEqual({ a: 'x\uFFFDy', b: '\uFFFD', c: '\uFFFDz' });
  });

  it('keeps a backslash followed by the letters of an escape, and well-formed pairs', () => {
    const value = { literal: '\\u0000 and \\ud800', pair: '😀', mixed: '\\\u0000' };
    expect(JSON.parse(storableJsonText(JSON.stringify(value)))).toEqual({ ...value, mixed: '\\\uFFFD' });
  });

  it('leaves text without escapes as it is', () => {
    const json = JSON.stringify({ plain: 'hello', n: 1 });
    expect(storableJsonText(json)).toBe(json);
  });
});

/** A pg pool and its clients, as far as the append log uses them. */
class FakeClient extends EventEmitter {
  readonly queries: string[] = [];
  released: Array<Error | boolean | undefined> = [];
  failNext: Error | null = null;
  // A query that never gets its answer (a link gone silent) until `answer` is called.
  hang = false;
  answer: (error?: Error) => void = () => undefined;

  async query(config: { text: string }): Promise<object> {
    this.queries.push(config.text);
    const failure = this.failNext;
    this.failNext = null;
    if (failure) throw failure;
    if (this.hang) await new Promise<void>((resolve, reject) => (this.answer = (error) => (error ? reject(error) : resolve())));
    return {};
  }

  release(failure?: Error | boolean): void {
    this.released.push(failure);
  }
}

function fakePool(max: number): { log: AppendLog; clients: FakeClient[]; silent: { value: boolean } } {
  const clients: FakeClient[] = [];
  // While set, new connections get no answer either.
  const silent = { value: false };
  const pool = {
    options: { max },
    connect: async (): Promise<FakeClient> => {
      const client = new FakeClient();
      client.hang = silent.value;
      clients.push(client);
      return client;
    },
  };
  const log = new AppendLog({ driver: { master: pool } } as unknown as DataSource);
  return { log, clients, silent };
}

describe('AppendLog connections', () => {
  const append = (log: AppendLog, n: number): Promise<void> => log.append('audit_logs', ['action'], [`a${n}`]);

  it('keeps the connection it took for its later batches, and gives it back at shutdown', async () => {
    const { log, clients } = fakePool(2);
    for (let i = 0; i < 3; i++) await append(log, i);
    expect(clients).toHaveLength(1);
    expect(clients[0].queries).toHaveLength(3);
    expect(clients[0].released).toEqual([]);
    await log.beforeApplicationShutdown();
    expect(clients[0].released).toEqual([undefined]);
    // After shutdown began, each batch borrows a connection and returns it.
    await append(log, 4);
    expect(clients).toHaveLength(2);
    expect(clients[1].released).toEqual([undefined]);
  });

  it('does not hold the only connection of a pool of one', async () => {
    const { log, clients } = fakePool(1);
    await append(log, 1);
    await append(log, 2);
    expect(clients).toHaveLength(2);
    expect(clients.map((client) => client.released)).toEqual([[undefined], [undefined]]);
  });

  it('drops a connection that fails or ends, and takes a fresh one for the next batch', async () => {
    const { log, clients } = fakePool(2);
    await append(log, 1);
    const lost = new Error('Connection terminated unexpectedly');
    clients[0].emit('error', lost);
    expect(clients[0].released).toEqual([lost]);
    await append(log, 2);
    expect(clients).toHaveLength(2);
    clients[1].emit('end');
    expect(clients[1].released).toEqual([true]);
    await append(log, 3);
    expect(clients).toHaveLength(3);
    expect(clients[2].queries).toHaveLength(1);
  });

  it('keeps the connection after a SQL error, and drops it after any other failure', async () => {
    const { log, clients } = fakePool(2);
    await append(log, 1);
    clients[0].failNext = Object.assign(new DatabaseError('invalid input syntax', 0, 'error'), { code: '22P02' });
    // The writer retries a failed batch, on the same connection this time.
    await append(log, 2);
    expect(clients).toHaveLength(1);
    expect(clients[0].released).toEqual([]);
    const broken = new Error('Client has encountered a connection error and is not queryable');
    clients[0].failNext = broken;
    await append(log, 3);
    expect(clients[0].released).toEqual([broken]);
    expect(clients).toHaveLength(2);
  });

  it('drops a connection whose query timed out, without retrying, and fails the rows queued behind it', async () => {
    const { log, clients } = fakePool(2);
    await append(log, 1);
    clients[0].hang = true;
    const stuck = append(log, 1).catch((error: unknown) => error);
    await new Promise((resolve) => setImmediate(resolve));
    const queued = append(log, 2).catch((error: unknown) => error);
    const timeout = new Error('Query read timeout');
    clients[0].answer(timeout);
    expect(await stuck).toBe(timeout);
    expect(await queued).toBe(timeout);
    // Destroyed (released with the error), not retried on it nor on a fresh one.
    expect(clients[0].released).toEqual([timeout]);
    expect(clients[0].queries).toHaveLength(2);
    expect(clients).toHaveLength(1);
    await append(log, 3);
    expect(clients).toHaveLength(2);
  });

  it('reports a batch without an answer, and a failure until a probe on its own connection succeeds', async () => {
    const { log, clients, silent } = fakePool(2);
    await append(log, 1);
    expect(await log.unavailable(1_000)).toBeUndefined();
    // No round trip while all is well.
    expect(clients[0].queries).toHaveLength(1);

    clients[0].hang = true;
    const stuck = append(log, 2).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(await log.unavailable(10)).toMatch(/^append log: a write has had no answer/);
    clients[0].answer(new Error('Query read timeout'));
    await stuck;
    // Still silent: the probe, on a fresh connection, gets no answer either.
    silent.value = true;
    expect(await log.unavailable(20)).toBe('append log: Query read timeout');
    expect(clients).toHaveLength(2);
    expect(clients[1].queries).toEqual(['SELECT 1']);
    clients[1].answer(new Error('Query read timeout'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(clients[1].released).toHaveLength(1);
    // The link heals: the next probe takes a fresh connection, gets its answer, and the log is ready.
    silent.value = false;
    expect(await log.unavailable(1_000)).toBeUndefined();
    expect(clients).toHaveLength(3);
    expect(clients[2].queries).toEqual(['SELECT 1']);
    expect(clients[2].released).toEqual([]);
    await append(log, 3);
    expect(clients[2].queries).toHaveLength(2);
  });
});
