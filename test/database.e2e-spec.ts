import { ALL_MIGRATIONS, AppendLog } from '@app/database';
import type { Pool } from 'pg';
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { useTestApp } from '@app/testing';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { describe, expect, it } from 'vitest';

describe('database: migrations and entities agree', () => {
  const t = useTestApp();

  it('ran every migration at start', async () => {
    const rows: Array<{ name: string }> = await t.app.get(DataSource).query('SELECT name FROM migrations ORDER BY id');
    expect(rows.map((row) => row.name)).toEqual(ALL_MIGRATIONS.map((migration) => migration.name));
  });

  it('the schema the migrations built is the one the entities describe (no pending changes)', async () => {
    const pending = await t.app.get(DataSource).driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
  });

  it('every migration reverts and re-applies cleanly', async () => {
    const dataSource = t.app.get(DataSource);
    for (let i = 0; i < ALL_MIGRATIONS.length; i++) await dataSource.undoLastMigration({ transaction: 'each' });
    const tables: Array<{ tablename: string }> = await dataSource.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migrations'`);
    expect(tables).toEqual([]);
    await dataSource.runMigrations({ transaction: 'each' });
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries).toEqual([]);
  });
});

describe('database: data the migrations carry over', () => {
  const t = useTestApp();

  it("a webhook's delivery counts start from the deliveries kept", async () => {
    const dataSource = t.app.get(DataSource);
    const [hook] = (await dataSource.query(`INSERT INTO webhooks (url, events, secret) VALUES ('https://receiver.example/hook', '{*}', 'sealed') RETURNING id`)) as Array<{ id: string }>;
    const deliveredAt = ['2026-01-02T03:04:05Z', '2026-02-03T04:05:06Z'];
    for (const [status, at] of [['delivered', deliveredAt[0]], ['delivered', deliveredAt[1]], ['failed', null], ['pending', null]]) {
      await dataSource.query(`INSERT INTO webhook_deliveries (webhook_id, event, event_id, payload, status, delivered_at) VALUES ($1, 'context.created', $2, '{}', $3, $4)`, [hook.id, randomUUID(), status, at]);
    }
    const applied = async (): Promise<string[]> => ((await dataSource.query('SELECT name FROM migrations')) as Array<{ name: string }>).map((row) => row.name);
    while ((await applied()).includes('WebhookDeliveryStats1795300000038')) await dataSource.undoLastMigration({ transaction: 'each' });
    await dataSource.runMigrations({ transaction: 'each' });
    const [counts] = (await dataSource.query('SELECT delivered_count, failed_count, last_delivery_at, last_failure_at FROM webhooks WHERE id = $1', [hook.id])) as Array<Record<string, unknown>>;
    expect(counts).toEqual({ delivered_count: '2', failed_count: '1', last_delivery_at: new Date(deliveredAt[1]), last_failure_at: null });
  });
});

describe('database: accounts whose address was proven, before it was recorded', () => {
  const t = useTestApp();

  it('counts SSO accounts, admins and accounts an admin made as proven; self sign-ups as not', async () => {
    const dataSource = t.app.get(DataSource);
    const add = async (email: string, authSource: string, roles: string[]): Promise<string> =>
      ((await dataSource.query(`INSERT INTO users (email, name, auth_source, roles) VALUES ($1, 'x', $2, $3) RETURNING id`, [email, authSource, roles])) as Array<{ id: string }>)[0].id;
    const ids = {
      signedUp: await add('signed.up@example.test', 'local', ['user']),
      promoted: await add('promoted@example.test', 'local', ['developer']),
      sso: await add('sso@example.test', 'saml', ['user']),
      admin: await add('admin@example.test', 'local', ['admin', 'user']),
      madeByAdmin: await add('made@example.test', 'local', ['user']),
    };
    await dataSource.query(`INSERT INTO audit_logs (action, result, severity, resource, details) VALUES ('admin.user.create', 'success', 'info', $1, '{}')`, [`user:${ids.madeByAdmin}`]);
    const applied = async (): Promise<string[]> => ((await dataSource.query('SELECT name FROM migrations')) as Array<{ name: string }>).map((row) => row.name);
    while ((await applied()).includes('EmailVerified1795300000039')) await dataSource.undoLastMigration({ transaction: 'each' });
    await dataSource.runMigrations({ transaction: 'each' });
    const rows = (await dataSource.query('SELECT id, email_verified_at IS NOT NULL AS proven FROM users WHERE id = ANY($1)', [Object.values(ids)])) as Array<{ id: string; proven: boolean }>;
    const proven = Object.fromEntries(Object.entries(ids).map(([name, id]) => [name, rows.find((row) => row.id === id)?.proven]));
    expect(proven).toEqual({ signedUp: false, promoted: false, sso: true, admin: true, madeByAdmin: true });
  });
});

describe('database: the append log', () => {
  const t = useTestApp();
  const COLUMNS = ['user_id', 'action', 'details', 'result', 'severity'];

  async function appendAudit(marker: string, count: number): Promise<void> {
    const log = t.app.get(AppendLog);
    await Promise.all(Array.from({ length: count }, (_, i) => log.append('audit_logs', COLUMNS, [null, 'test.append', { marker, i }, 'success', 'info'])));
  }

  async function rowsMarked(marker: string): Promise<number> {
    const [row] = (await t.app.get(DataSource).query(`SELECT count(*)::int AS n FROM audit_logs WHERE details->>'marker' = $1`, [marker])) as Array<{ n: number }>;
    return row.n;
  }

  // Its batches are prepared statements; the embedded database is one session that outlives a
  // client connection, so a new connection must not collide with names an old one prepared.
  it('keeps writing after every database connection drops, the one it keeps included', async () => {
    const marker = randomUUID();
    await appendAudit(marker, 3);
    // pg-pool lists every client it made, idle or checked out.
    const pool = (t.app.get(DataSource).driver as PostgresDriver).master as Pool;
    const clients = (pool as unknown as { _clients: Array<{ connection: { stream: Duplex } }> })._clients;
    expect(clients.length).toBeGreaterThan(0);
    for (const client of [...clients]) client.connection.stream.destroy();
    await appendAudit(marker, 3);
    await appendAudit(marker, 1);
    expect(await rowsMarked(marker)).toBe(7);
  });
});
