import { createServer, type Server, type Socket } from 'node:net';
import { Client, Pool } from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeadlineClient, isQueryTimeout, queryTimeoutFor } from './data-source.factory';

/** A PostgreSQL that lets clients in, then never answers a query: a link gone silent. */
async function silentServer(): Promise<{ server: Server; port: number; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
    // The startup message: AuthenticationOk, ReadyForQuery; nothing after it.
    socket.once('data', () => socket.write(Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 0, 0x5a, 0, 0, 0, 5, 0x49])));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port, sockets };
}

const closed = (socket: Socket): Promise<void> => (socket.closed ? Promise.resolve() : new Promise((resolve) => socket.once('close', () => resolve())));

describe('DeadlineClient', () => {
  let silent: Awaited<ReturnType<typeof silentServer>>;
  const options = (): { host: string; port: number; user: string; database: string; query_timeout: number } => ({
    host: '127.0.0.1',
    port: silent.port,
    user: 'postgres',
    database: 'postgres',
    query_timeout: 100,
  });

  beforeEach(async () => {
    silent = await silentServer();
  });

  afterEach(async () => {
    for (const socket of silent.sockets) socket.destroy();
    await new Promise((resolve) => silent.server.close(resolve));
  });

  it('fails a query without an answer and destroys its connection (pg alone leaves it waiting)', async () => {
    const client = new DeadlineClient(options());
    const errors: Error[] = [];
    client.on('error', (error) => errors.push(error));
    await client.connect();
    const ended = new Promise((resolve) => client.once('end', resolve));
    const error = await client.query('SELECT 1').catch((e: unknown) => e);
    expect(isQueryTimeout(error)).toBe(true);
    await closed(silent.sockets[0]);
    await ended;
    // Later queries fail at once instead of queueing behind the lost answer.
    await expect(client.query('SELECT 2')).rejects.toThrow(/not queryable|terminated/);
    expect(errors.map((e) => e.message)).toEqual(['Connection terminated unexpectedly']);

    // What pg's own client does: the query fails, the connection stays open, its query still active.
    const plain = new Client(options());
    plain.on('error', () => undefined);
    await plain.connect();
    await expect(plain.query('SELECT 1')).rejects.toThrow('Query read timeout');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(silent.sockets[1].closed).toBe(false);
    const internals = plain as unknown as { _queryable: boolean; activeQuery?: unknown; _activeQuery?: unknown };
    expect(internals._queryable).toBe(true);
    expect(internals.activeQuery ?? internals._activeQuery).toBeTruthy();
    await plain.end().catch(() => undefined);
  });

  it('is never handed out again by the pool, even when released without an error', async () => {
    const pool = new Pool({ ...options(), Client: DeadlineClient, max: 2 });
    pool.on('error', () => undefined);
    const client = await pool.connect();
    await expect(client.query('SELECT 1')).rejects.toThrow('Query read timeout');
    // As TypeORM releases a query runner's connection after a failed query.
    client.release();
    expect(pool.idleCount).toBe(0);
    expect(pool.totalCount).toBe(0);
    // The pool's own query path (a callback) too.
    await expect(pool.query('SELECT 1')).rejects.toThrow('Query read timeout');
    await new Promise((resolve) => setImmediate(resolve));
    expect(pool.totalCount).toBe(0);
    expect(silent.sockets).toHaveLength(2);
    await Promise.all(silent.sockets.map(closed));
    await pool.end();
  });
});

describe('queryTimeoutFor', () => {
  it('leaves half of the request deadline to answer 503', () => {
    expect(queryTimeoutFor(30_000)).toBe(15_000);
    expect(queryTimeoutFor(1)).toBe(1);
  });
});
