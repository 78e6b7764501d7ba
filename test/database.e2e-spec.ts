import { ALL_MIGRATIONS } from '@app/database';
import { useTestApp } from '@app/testing';
import { DataSource } from 'typeorm';
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
