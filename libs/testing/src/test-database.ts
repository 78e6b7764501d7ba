import { type DatabaseTarget, loadConfig } from '@app/config';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { inject } from 'vitest';

export interface TestDatabase {
  readonly target: DatabaseTarget;
  readonly url?: string;
  drop(): Promise<void>;
}

/**
 * A database that survives restarts of the apps started on it (`startTestApp(…, { database })`):
 * an embedded one on disk, or a new database on DATABASE_URL's server. drop() removes it.
 */
export async function createKeptDatabase(): Promise<TestDatabase> {
  const base = loadConfig().database;
  if (base.kind === 'postgres') return createTestDatabase(base);
  const dataDir = mkdtempSync(join(tmpdir(), 'smcp-kept-'));
  return { target: { kind: 'embedded', dataDir }, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/**
 * A fresh database for one app: in-memory PGlite by default (a copy of the run's migrated
 * template, see global-setup.ts), or a new, empty database on the PostgreSQL server that
 * DATABASE_URL names (dropped afterwards), so test files never share state.
 */
export async function createTestDatabase(base: DatabaseTarget): Promise<TestDatabase> {
  if (base.kind !== 'postgres') return { target: { kind: 'memory', template: inject('embeddedTemplate') }, drop: async () => undefined };
  const name = `smcp_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: base.url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(base.url, name);
  return {
    target: { kind: 'postgres', url },
    url,
    drop: async () => {
      const client = new Client({ connectionString: base.url });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
