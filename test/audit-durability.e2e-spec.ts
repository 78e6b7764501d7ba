import { PGlite } from '@electric-sql/pglite';
import { loadConfig } from '@app/config';
import { createTestDatabase, newUserInput, spawnServer, type TestDatabase } from '@app/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterEach, describe, expect, it } from 'vitest';

interface AuditRow {
  user_id: string;
  action: string;
  request_id: string;
}

/**
 * The durability promise of the audit writer: a request that records an entry is answered only
 * after the entry is committed, so killing the server right after the answer loses nothing.
 */
describe('audit entries survive kill -9 right after the response', () => {
  const base = loadConfig().database;
  let dataDir: string | undefined;
  let database: TestDatabase | undefined;

  afterEach(async () => {
    await database?.drop().catch(() => undefined);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  async function readAuditRows(): Promise<AuditRow[]> {
    const sql = `SELECT user_id, action, request_id FROM audit_logs WHERE action = 'user.register' AND result = 'success'`;
    if (database?.url) {
      const client = new Client({ connectionString: database.url });
      await client.connect();
      try {
        return (await client.query<AuditRow>(sql)).rows;
      } finally {
        await client.end();
      }
    }
    // The embedded database's files, opened after the crash: PostgreSQL's recovery runs here.
    const db = await PGlite.create(join(dataDir as string, 'pgdata'));
    try {
      return (await db.query<AuditRow>(sql)).rows;
    } finally {
      await db.close();
    }
  }

  it(`on the ${base.kind === 'postgres' ? 'PostgreSQL' : 'embedded'} database, for one request and for a concurrent burst`, async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'smcp-kill9-'));
    database = base.kind === 'postgres' ? await createTestDatabase(base) : undefined;
    const server = await spawnServer({ DATA_DIR: dataDir, RATE_LIMIT_REGISTER: '1000/3600', ...(database?.url ? { DATABASE_URL: database.url } : {}) });
    const register = async (requestId: string): Promise<{ id: string }> => {
      const response = await fetch(`${server.baseUrl}/api/v1/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': requestId },
        body: JSON.stringify(newUserInput()),
      });
      expect(response.status).toBe(201);
      return (await response.json()) as { id: string };
    };
    try {
      const single = await register('kill9-single');
      const burst = await Promise.all(Array.from({ length: 30 }, (_, i) => register(`kill9-burst-${i}`)));
      await server.kill9();
      const rows = await readAuditRows();
      const acknowledged = [single, ...burst].map((user) => user.id).sort();
      expect(rows.map((row) => row.user_id).sort()).toEqual(acknowledged);
      expect(rows.map((row) => row.request_id)).toContain('kill9-single');
    } finally {
      await server.kill9();
    }
  });
});
