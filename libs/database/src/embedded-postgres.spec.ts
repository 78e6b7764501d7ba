import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { Client } from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AppendRollup, appendStatement } from './append-log';
import { type AppendGroup, EmbeddedPostgres } from './embedded-postgres';

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
    await setup.query('CREATE TABLE entries (id int PRIMARY KEY, body jsonb NOT NULL, note varchar(8))');
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

  describe('append units', () => {
    const COLUMNS = '"id", "body", "note"';
    const unit = (...rows: Array<{ id: number; body?: object; note?: string }>): Array<readonly [string, string, string]> => [['entries', COLUMNS, JSON.stringify(rows.map((row) => ({ body: {}, ...row })))]];

    it('are seen by a statement sent right after them, without waiting for them', async () => {
      const client = await connect();
      const stored = embedded.append(unit({ id: 1, body: { n: 1 } }, { id: 2, body: { n: 2 } }));
      const { rows } = await client.query<{ id: number; body: object }>('SELECT id, body FROM entries WHERE id IN (1, 2) ORDER BY id');
      expect(rows).toEqual([
        { id: 1, body: { n: 1 } },
        { id: 2, body: { n: 2 } },
      ]);
      expect(await stored).toEqual([]);
    });

    it('wait for a transaction that is open, and never join it', async () => {
      const holder = await connect();
      await holder.query('BEGIN');
      await holder.query('INSERT INTO items VALUES (10, $1)', ['in transaction']);
      let done = false;
      const stored = embedded.append(unit({ id: 10 })).then(() => (done = true));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(done).toBe(false);
      await holder.query('ROLLBACK');
      await stored;
      const { rows } = await holder.query<{ count: string }>('SELECT (SELECT count(*) FROM items WHERE id = 10) + (SELECT count(*) FROM entries WHERE id = 10) AS count');
      expect(rows[0].count).toBe('1');
    });

    it('store every row but the ones refused, which come back with the reason, also when sent together', async () => {
      const client = await connect();
      const first = embedded.append(unit({ id: 20 }, { id: 21, note: 'too long for the column' }, { id: 22 }));
      const second = embedded.append(unit({ id: 23 }));
      const refused = await first;
      expect(refused).toEqual([{ table: 'entries', row: { id: 21, body: {}, note: 'too long for the column' }, code: '22001', message: expect.stringContaining('too long') }]);
      expect(await second).toEqual([]);
      const { rows } = await client.query<{ id: number }>('SELECT id FROM entries WHERE id BETWEEN 20 AND 23 ORDER BY id');
      expect(rows.map((row) => row.id)).toEqual([20, 22, 23]);
    });

    it('keep working for a shape whose first statement failed on its rows (its prepared name is never given again)', async () => {
      // A shape no earlier test sent, whose first unit fails at execution, after PostgreSQL parsed it.
      const notes = (...rows: Array<{ id: number; note: string }>): Array<readonly [string, string, string]> => [['entries', '"note", "id", "body"', JSON.stringify(rows.map((row) => ({ ...row, body: {} })))]];
      expect(await embedded.append(notes({ id: 40, note: 'too long for the column' }))).toEqual([expect.objectContaining({ code: '22001' })]);
      for (let id = 41; id <= 43; id++) expect(await embedded.append(notes({ id, note: 'fits' }))).toEqual([]);
      expect(await embedded.append(unit({ id: 44 }))).toEqual([]);
      const { rows } = await (await connect()).query<{ id: number }>('SELECT id FROM entries WHERE id BETWEEN 40 AND 44 ORDER BY id');
      expect(rows.map((row) => row.id)).toEqual([41, 42, 43, 44]);
    });

    it('replayed, skip the rows already stored', async () => {
      const client = await connect();
      expect(await embedded.append(unit({ id: 30, body: { v: 'first' } }))).toEqual([]);
      expect(await embedded.append(unit({ id: 30, body: { v: 'again' } }, { id: 31 }), { replay: true })).toEqual([]);
      const { rows } = await client.query<{ id: number; body: object }>('SELECT id, body FROM entries WHERE id IN (30, 31) ORDER BY id');
      expect(rows).toEqual([
        { id: 30, body: { v: 'first' } },
        { id: 31, body: {} },
      ]);
    });
  });
});

describe('EmbeddedPostgres checkpoints (single-user PostgreSQL has no checkpointer)', () => {
  let embedded: EmbeddedPostgres;
  let client: Client;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const checkpointAt = async () => (await client.query<{ lsn: string }>('SELECT checkpoint_lsn::text AS lsn FROM pg_control_checkpoint()')).rows[0].lsn;

  beforeAll(async () => {
    embedded = await EmbeddedPostgres.start(undefined, { checkpointWalBytes: 1024 * 1024 });
    client = new Client({ host: 'embedded', user: 'postgres', database: 'postgres', stream: () => embedded.socket() });
    await client.connect();
    await client.query('CREATE TABLE pages (id int PRIMARY KEY, body text NOT NULL)');
  }, 60_000);

  afterAll(async () => {
    await client.end().catch(() => undefined);
    await embedded.stop();
  });

  it('are taken once enough WAL is written, and not before, nor while idle', async () => {
    const start = await checkpointAt();
    await client.query("INSERT INTO pages SELECT g, 'small' FROM generate_series(1, 100) g");
    await sleep(2200);
    expect(await checkpointAt()).toBe(start);

    // About 4 MiB of WAL: incompressible text, so the pages are as large as they look.
    await client.query("INSERT INTO pages SELECT g, string_agg(md5(g::text || i::text), '') FROM generate_series(101, 1100) g, generate_series(1, 100) i GROUP BY g");
    let after = start;
    for (let waited = 0; after === start && waited < 10_000; waited += 200) {
      await sleep(200);
      after = await checkpointAt();
    }
    expect(after).not.toBe(start);

    await sleep(2200);
    expect(await checkpointAt()).toBe(after);
  }, 30_000);
});

describe('EmbeddedPostgres on a data directory', () => {
  const dirs: string[] = [];
  const newDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'embedded-dir-'));
    dirs.push(dir);
    return dir;
  };

  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  async function withClient<T>(embedded: EmbeddedPostgres, use: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client({ host: 'embedded', user: 'postgres', database: 'postgres', stream: () => embedded.socket() });
    await client.connect();
    try {
      return await use(client);
    } finally {
      await client.end();
    }
  }

  const countOf = (embedded: EmbeddedPostgres, table: string) => withClient(embedded, (client) => client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).then(({ rows }) => rows[0].n);

  it('makes a new cluster on the first start and opens it, rows and all, on the next', async () => {
    const dir = newDir();
    const first = await EmbeddedPostgres.start(dir);
    expect(existsSync(join(dir, 'pgdata', 'PG_VERSION'))).toBe(true);
    await withClient(first, async (client) => {
      await client.query('CREATE TABLE kept (id int PRIMARY KEY)');
      await client.query('INSERT INTO kept VALUES (1), (2)');
    });
    await first.stop();

    const second = await EmbeddedPostgres.start(dir);
    try {
      expect(await countOf(second, 'kept')).toBe(2);
    } finally {
      await second.stop();
    }
  }, 60_000);

  it('dumps itself on stop (dumpTo), and memory databases started from that template each get their own copy', async () => {
    const template = join(newDir(), 'template.tar');
    const source = await EmbeddedPostgres.start();
    await withClient(source, async (client) => {
      await client.query('CREATE TABLE seeded (id int PRIMARY KEY)');
      await client.query('INSERT INTO seeded VALUES (1), (2), (3)');
    });
    await source.stop({ dumpTo: template });
    expect(existsSync(template)).toBe(true);

    const [one, two] = await Promise.all([EmbeddedPostgres.start(undefined, { template }), EmbeddedPostgres.start(undefined, { template })]);
    try {
      expect(await countOf(one, 'seeded')).toBe(3);
      await withClient(one, (client) => client.query('INSERT INTO seeded VALUES (4)'));
      expect(await countOf(one, 'seeded')).toBe(4);
      expect(await countOf(two, 'seeded')).toBe(3);
    } finally {
      await Promise.all([one.stop(), two.stop()]);
    }
    await expect(EmbeddedPostgres.start(undefined, { template: join(newDir(), 'missing.tar') })).rejects.toThrow(/missing\.tar/);
  }, 60_000);

  it('freezes the template databases at a start once their transaction ids are older than templateFreezeAge', async () => {
    const dir = newDir();
    const ages = (client: Client) => client.query<{ datname: string; age: number }>('SELECT datname, age(datfrozenxid)::int AS age FROM pg_database ORDER BY datname').then(({ rows }) => Object.fromEntries(rows.map((row) => [row.datname, row.age])));
    const first = await EmbeddedPostgres.start(dir);
    await withClient(first, async (client) => {
      await client.query('CREATE TABLE kept (id int PRIMARY KEY)');
      // Each statement is its own transaction and takes a transaction id.
      for (let i = 0; i < 300; i++) await client.query('INSERT INTO kept VALUES ($1)', [i]);
    });
    await first.stop();

    const young = await EmbeddedPostgres.start(dir);
    const before = await withClient(young, ages);
    await young.stop();
    expect(before.template0).toBeGreaterThanOrEqual(300);
    expect(before.template1).toBeGreaterThanOrEqual(300);

    const old = await EmbeddedPostgres.start(dir, { templateFreezeAge: 100 });
    try {
      const after = await withClient(old, ages);
      expect(after.template0).toBeLessThan(100);
      expect(after.template1).toBeLessThan(100);
      expect(after.postgres).toBeGreaterThanOrEqual(300);
      expect(await countOf(old, 'kept')).toBe(300);
    } finally {
      await old.stop();
    }
  }, 120_000);

  it('fails to start where no cluster can be made, with the reason, and leaves no lock behind', async () => {
    const dir = newDir();
    // A file where the cluster's directory belongs.
    writeFileSync(join(dir, 'pgdata'), 'not a directory');
    await expect(EmbeddedPostgres.start(dir)).rejects.toThrow(/embedded database/);
    expect(existsSync(join(dir, 'pgdata.lock'))).toBe(false);
  }, 60_000);
});

describe('EmbeddedPostgres vacuums (single-user PostgreSQL has no autovacuum either)', () => {
  let embedded: EmbeddedPostgres;
  let client: Client;

  beforeAll(async () => {
    embedded = await EmbeddedPostgres.start(undefined, { vacuumCheckMs: 200 });
    client = new Client({ host: 'embedded', user: 'postgres', database: 'postgres', stream: () => embedded.socket() });
    await client.connect();
  }, 60_000);

  afterAll(async () => {
    await client.end().catch(() => undefined);
    await embedded.stop();
  });

  it('a table whose rows were updated: dead rows reclaimed, statistics gathered, ids frozen', async () => {
    await client.query('CREATE TABLE churn (id int PRIMARY KEY, note text NOT NULL)');
    await client.query("INSERT INTO churn SELECT g, 'new' FROM generate_series(1, 1000) g");
    await client.query("UPDATE churn SET note = 'changed' WHERE id <= 600");
    const state = () =>
      client
        .query<{ vacuumed: boolean; analyzed: boolean; dead: number; tuples: number; age: number }>(
          `SELECT s.last_vacuum IS NOT NULL AS vacuumed, s.last_analyze IS NOT NULL AS analyzed, s.n_dead_tup::int AS dead, c.reltuples::int AS tuples, age(c.relfrozenxid)::int AS age
             FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid WHERE s.relname = 'churn'`,
        )
        .then(({ rows }) => rows[0]);
    let seen = await state();
    for (let waited = 0; !seen.vacuumed && waited < 15_000; waited += 250) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      seen = await state();
    }
    expect(seen).toMatchObject({ vacuumed: true, analyzed: true, dead: 0, tuples: 1000 });
    // FREEZE: the table's oldest unfrozen id is no older than the vacuum.
    expect(seen.age).toBeLessThan(50);
  }, 30_000);
});

describe('EmbeddedPostgres append units with a rollup (counts written by the statement that stores the rows)', () => {
  let embedded: EmbeddedPostgres;
  let client: Client;
  const MEASURES: AppendRollup = {
    table: 'measures',
    returning: 'kind, size',
    statements: [
      'INSERT INTO measure_totals (kind, rows, size_sum) SELECT kind, count(*), sum(size) FROM {stored} GROUP BY kind',
      'INSERT INTO measure_sizes (big, rows) SELECT size >= 10, count(*) FROM {stored} GROUP BY 1',
    ],
  };
  const measures = (...rows: Array<{ id: number; kind: string; size: number }>): AppendGroup => ['measures', '"id", "kind", "size"', JSON.stringify(rows)];
  const notes = (...ids: number[]): AppendGroup => ['notes', '"id"', JSON.stringify(ids.map((id) => ({ id })))];
  async function totals(): Promise<Record<string, { rows: number; size: number }>> {
    const { rows } = await client.query<{ kind: string; rows: string; size: string }>('SELECT kind, sum(rows) AS rows, sum(size_sum) AS size FROM measure_totals GROUP BY kind');
    return Object.fromEntries(rows.map((row) => [row.kind, { rows: Number(row.rows), size: Number(row.size) }]));
  }
  /** The second statement of the rollup: rows by size, small (< 10) and big. */
  async function sizes(): Promise<{ small: number; big: number }> {
    const { rows } = await client.query<{ big: boolean; rows: string }>('SELECT big, sum(rows) AS rows FROM measure_sizes GROUP BY big');
    return { small: Number(rows.find((row) => !row.big)?.rows ?? 0), big: Number(rows.find((row) => row.big)?.rows ?? 0) };
  }

  beforeAll(async () => {
    embedded = await EmbeddedPostgres.start(undefined, { rollups: [MEASURES] });
    client = new Client({ host: 'embedded', user: 'postgres', database: 'postgres', stream: () => embedded.socket() });
    await client.connect();
    await client.query('CREATE TABLE measures (id int PRIMARY KEY, kind varchar(8) NOT NULL, size int NOT NULL)');
    await client.query('CREATE TABLE measure_totals (kind text NOT NULL, rows bigint NOT NULL, size_sum bigint NOT NULL)');
    await client.query('CREATE TABLE measure_sizes (big boolean NOT NULL, rows bigint NOT NULL)');
    await client.query('CREATE TABLE notes (id int PRIMARY KEY)');
  }, 60_000);

  afterAll(async () => {
    await client.end();
    await embedded.stop();
  });

  beforeEach(async () => {
    await client.query('TRUNCATE measures, measure_totals, measure_sizes, notes');
  });

  it('counts the rows of every unit, merged or not, beside the other tables of the unit', async () => {
    const units = [
      [notes(1), measures({ id: 1, kind: 'a', size: 10 }, { id: 2, kind: 'b', size: 5 })],
      [measures({ id: 3, kind: 'a', size: 1 }), notes(2)],
      [measures({ id: 4, kind: 'a', size: 100 })],
    ];
    expect(await Promise.all(units.map((groups) => embedded.append(groups)))).toEqual([[], [], []]);
    expect(await totals()).toEqual({ a: { rows: 3, size: 111 }, b: { rows: 1, size: 5 } });
    expect(await sizes()).toEqual({ small: 2, big: 2 });
    expect((await client.query('SELECT count(*)::int AS n FROM notes')).rows[0].n).toBe(2);
  });

  it('does not count a row the database refused', async () => {
    const refused = await embedded.append([measures({ id: 10, kind: 'a', size: 1 }, { id: 11, kind: 'far too long', size: 2 }, { id: 12, kind: 'b', size: 3 })]);
    expect(refused).toEqual([expect.objectContaining({ table: 'measures', code: '22001' })]);
    expect(await totals()).toEqual({ a: { rows: 1, size: 1 }, b: { rows: 1, size: 3 } });
    expect(await sizes()).toEqual({ small: 2, big: 0 });
  });

  it('replayed, counts only the rows it stores', async () => {
    await embedded.append([measures({ id: 20, kind: 'a', size: 7 })]);
    await embedded.append([measures({ id: 20, kind: 'a', size: 7 }, { id: 21, kind: 'a', size: 8 })], { replay: true });
    expect(await totals()).toEqual({ a: { rows: 2, size: 15 } });
    expect(await sizes()).toEqual({ small: 2, big: 0 });
  });

  it('is the same statement the PostgreSQL append log sends (appendStatement), whichever group comes last', async () => {
    const rollups = new Map([[MEASURES.table, MEASURES]]);
    const groups = [
      { table: 'measures', quoted: '"id", "kind", "size"' },
      { table: 'notes', quoted: '"id"' },
    ];
    await client.query(appendStatement(groups, rollups), [JSON.stringify([{ id: 30, kind: 'c', size: 2 }]), JSON.stringify([{ id: 30 }])]);
    await client.query(appendStatement(groups.slice().reverse(), rollups), [JSON.stringify([{ id: 31 }]), JSON.stringify([{ id: 31, kind: 'c', size: 3 }])]);
    await client.query(appendStatement(groups.slice(1), rollups), [JSON.stringify([{ id: 32 }])]);
    expect(await totals()).toEqual({ c: { rows: 2, size: 5 } });
    expect(await sizes()).toEqual({ small: 2, big: 0 });
    expect((await client.query('SELECT count(*)::int AS n FROM notes')).rows[0].n).toBe(3);
  });
});
