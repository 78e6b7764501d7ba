import { EventEmitter } from 'node:events';
import { DatabaseError } from 'pg';
import type { DataSource } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { AppendLog, storableJsonText } from './append-log';

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

  async query(config: { text: string }): Promise<object> {
    this.queries.push(config.text);
    const failure = this.failNext;
    this.failNext = null;
    if (failure) throw failure;
    return {};
  }

  release(failure?: Error | boolean): void {
    this.released.push(failure);
  }
}

function fakePool(max: number): { log: AppendLog; clients: FakeClient[] } {
  const clients: FakeClient[] = [];
  const pool = {
    options: { max },
    connect: async (): Promise<FakeClient> => {
      const client = new FakeClient();
      clients.push(client);
      return client;
    },
  };
  const log = new AppendLog({ driver: { master: pool } } as unknown as DataSource);
  return { log, clients };
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
});
