import { PGlite } from '@electric-sql/pglite';
import { loadConfig } from '@app/config';
import { httpJson, newUserInput, spawnServer, useProcessWorkspace } from '@app/testing';
import { join } from 'node:path';
import { Client } from 'pg';
import { describe, expect, it } from 'vitest';

interface AuditRow {
  user_id: string;
  action: string;
  request_id: string;
}

/**
 * The durability promise of the audit writer: a request that records an entry is answered only
 * after the entry is committed, so killing the server right after the answer loses nothing.
 */
describe('audit entries and webhook outbox rows survive kill -9 right after the response', () => {
  const base = loadConfig().database;
  const workspace = useProcessWorkspace('kill9');

  async function readRows<T>(where: { dataDir: string; databaseUrl?: string }, sql: string): Promise<T[]> {
    if (where.databaseUrl) {
      const client = new Client({ connectionString: where.databaseUrl });
      await client.connect();
      try {
        return (await client.query(sql)).rows as T[];
      } finally {
        await client.end();
      }
    }
    // The embedded database's files, opened after the crash: PostgreSQL's recovery runs here.
    const db = await PGlite.create(join(where.dataDir, 'pgdata'));
    try {
      return (await db.query(sql)).rows as T[];
    } finally {
      await db.close();
    }
  }

  it(`on the ${base.kind === 'postgres' ? 'PostgreSQL' : 'embedded'} database, for one request and for a concurrent burst`, async () => {
    const prepared = await workspace.prepare();
    const admin = { email: 'kill9.admin@example.test', password: 'Adm1n!Passw0rd-kill9' };
    const server = await spawnServer({ ...prepared.env, RATE_LIMIT_REGISTER: '1000/3600', ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password, WEBHOOK_ALLOWLIST: '127.0.0.1' });
    // A subscriber that never answers (nothing listens on port 9): every delivery stays pending.
    const token = (await httpJson(server.baseUrl, 'POST', '/api/v1/auth/login', admin)).body.accessToken as string;
    expect((await httpJson(server.baseUrl, 'POST', '/api/v1/admin/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['user.created'] }, token)).status).toBe(201);
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
      const rows = await readRows<AuditRow>(prepared, `SELECT user_id, action, request_id FROM audit_logs WHERE action = 'user.register' AND result = 'success'`);
      const acknowledged = [single, ...burst].map((user) => user.id).sort();
      expect(rows.map((row) => row.user_id).sort()).toEqual(acknowledged);
      expect(rows.map((row) => row.request_id)).toContain('kill9-single');
      const deliveries = await readRows<{ user_id: string }>(prepared, `SELECT payload->'data'->>'userId' AS user_id FROM webhook_deliveries WHERE event = 'user.created'`);
      expect(deliveries.map((row) => row.user_id).sort()).toEqual(acknowledged);
    } finally {
      await server.kill9();
    }
  });
});
