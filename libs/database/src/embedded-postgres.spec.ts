import type { Duplex } from 'node:stream';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedPostgres } from './embedded-postgres';

describe('EmbeddedPostgres connections (pg over a MessagePort)', () => {
  let embedded: EmbeddedPostgres;
  const clients: Client[] = [];

  async function connect(): Promise<Client> {
    const client = new Client({ host: 'embedded', user: 'postgres', database: 'postgres', stream: () => embedded.socket() });
    await client.connect();
    clients.push(client);
    return client;
  }

  beforeAll(async () => {
    embedded = await EmbeddedPostgres.start();
    const setup = await connect();
    await setup.query('CREATE TABLE items (id int PRIMARY KEY, note text)');
  }, 60_000);

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
    await embedded.stop();
  });

  it('runs simple and extended queries, and reports SQL errors as errors', async () => {
    const client = await connect();
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    expect((await client.query('SELECT $1::text AS echo', ['héllo'])).rows).toEqual([{ echo: 'héllo' }]);
    await expect(client.query('SELECT * FROM missing_table')).rejects.toMatchObject({ code: '42P01' });
    // The session is usable after the error.
    expect((await client.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
  });

  it('runs with small shared buffers, which keep the resident memory of the app down', async () => {
    const client = await connect();
    expect((await client.query('SHOW shared_buffers')).rows).toEqual([{ shared_buffers: '32MB' }]);
  });

  it('carries a statement larger than one message chunk', async () => {
    const client = await connect();
    const note = 'x'.repeat(3 * 1024 * 1024);
    await client.query('INSERT INTO items VALUES (1, $1)', [note]);
    const { rows } = await client.query<{ length: number }>('SELECT length(note) AS length FROM items WHERE id = 1');
    expect(rows[0].length).toBe(note.length);
  });

  it("never interleaves another connection's statements into an open transaction", async () => {
    const first = await connect();
    const second = await connect();
    await first.query('BEGIN');
    await first.query('INSERT INTO items VALUES (2, $1)', ['in transaction']);
    let secondDone = false;
    // Sent while the transaction is open: it must wait, not run inside it.
    const secondInsert = second.query('INSERT INTO items VALUES (3, $1)', ['outside']).then(() => (secondDone = true));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(secondDone).toBe(false);
    await first.query('ROLLBACK');
    await secondInsert;
    const { rows } = await first.query<{ id: number }>('SELECT id FROM items WHERE id IN (2, 3) ORDER BY id');
    expect(rows.map((row) => row.id)).toEqual([3]);
  });

  it('rolls back the transaction of a connection that goes away, and lets the others go on', async () => {
    const leaving = await connect();
    const staying = await connect();
    await leaving.query('BEGIN');
    await leaving.query('INSERT INTO items VALUES (4, $1)', ['never committed']);
    const waiting = staying.query<{ count: string }>('SELECT count(*) AS count FROM items WHERE id = 4');
    await leaving.end();
    expect((await waiting).rows[0].count).toBe('0');
    expect((await staying.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
  });

  it('leaves no transaction behind when a connection is cut while its statement runs', async () => {
    const cut = await connect();
    cut.on('error', () => undefined);
    const running = cut.query('BEGIN; INSERT INTO items VALUES (5, $$cut$$); SELECT pg_sleep(0.3)').catch((error: Error) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    (cut as unknown as { connection: { stream: Duplex } }).connection.stream.destroy();
    await running;
    const other = await connect();
    const { rows } = await other.query<{ count: string }>('SELECT count(*) AS count FROM items WHERE id = 5');
    expect(rows[0].count).toBe('0');
  });
});
