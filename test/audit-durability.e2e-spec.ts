import { PGlite } from '@electric-sql/pglite';
import { loadConfig } from '@app/config';
import { httpJson, newUserInput, spawnServer, useProcessWorkspace } from '@app/testing';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { describe, expect, it } from 'vitest';

interface AuditRow {
  user_id: string;
  action: string;
  request_id: string;
}

/**
 * The durability promise of the append log: an action is answered only once its audit entry (and
 * its run history, and its webhook outbox rows) will be there after a crash. On PostgreSQL they are
 * committed first; on the embedded database they are in its journal, which the next start replays.
 * So a server killed right after answering, then started again, has every one of them.
 */
describe('audit entries, run history and webhook outbox rows survive kill -9 right after the response', () => {
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
    // The embedded database's files, opened once the restarted server has stopped.
    const db = await PGlite.create(join(where.dataDir, 'pgdata'));
    try {
      return (await db.query(sql)).rows as T[];
    } finally {
      await db.close();
    }
  }

  it(`on the ${base.kind === 'postgres' ? 'PostgreSQL' : 'embedded'} database, for one request and for concurrent bursts`, async () => {
    const prepared = await workspace.prepare();
    const admin = { email: 'kill9.admin@example.test', password: 'Adm1n!Passw0rd-kill9' };
    const env = { ...prepared.env, RATE_LIMIT_REGISTER: '1000/3600', RATE_LIMIT_LOGIN: '1000/900', ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password, WEBHOOK_ALLOWLIST: '127.0.0.1' };
    const server = await spawnServer(env);
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
    const run = async (n: number): Promise<string> => {
      const response = await httpJson(server.baseUrl, 'POST', '/api/v1/tools/echo/execute', { parameters: { message: `kill9 run ${n}` } }, token);
      expect(response.status).toBe(200);
      return response.body.executionId as string;
    };
    let restarted: Awaited<ReturnType<typeof spawnServer>> | undefined;
    try {
      const single = await register('kill9-single');
      // Runs and sign-ups interleaved, the kill right after the last answer.
      const [burst, runs] = await Promise.all([Promise.all(Array.from({ length: 30 }, (_, i) => register(`kill9-burst-${i}`))), Promise.all(Array.from({ length: 60 }, (_, i) => run(i)))]);
      await server.kill9();

      restarted = await spawnServer(env);
      // Read through the API of the restarted server: every run is in the history.
      const history = await httpJson(restarted.baseUrl, 'GET', `/api/v1/tools/executions/${runs[runs.length - 1]}`, undefined, token);
      expect(history.status).toBe(200);
      // And counted once in the tool's statistics, rows replayed from the journal included.
      const echo = await httpJson(restarted.baseUrl, 'GET', '/api/v1/tools/echo', undefined, token);
      expect((echo.body.statistics as { totalExecutions: number }).totalExecutions).toBe(runs.length);
      expect(await restarted.stop()).toBe(0);
      restarted = undefined;
      if (base.kind !== 'postgres') {
        // A clean stop leaves no journal behind.
        const journal = join(prepared.dataDir, 'append-journal');
        expect(existsSync(journal) ? readdirSync(journal).filter((name) => name.endsWith('.jsonl')) : []).toEqual([]);
      }

      const rows = await readRows<AuditRow>(prepared, `SELECT user_id, action, request_id FROM audit_logs WHERE action = 'user.register' AND result = 'success'`);
      const acknowledged = [single, ...burst].map((user) => user.id).sort();
      expect(rows.map((row) => row.user_id).sort()).toEqual(acknowledged);
      expect(rows.map((row) => row.request_id)).toContain('kill9-single');
      const deliveries = await readRows<{ user_id: string }>(prepared, `SELECT payload->'data'->>'userId' AS user_id FROM webhook_deliveries WHERE event = 'user.created'`);
      expect(deliveries.map((row) => row.user_id).sort()).toEqual(acknowledged);
      const stored = await readRows<{ id: string }>(prepared, `SELECT id FROM tool_executions WHERE tool_name = 'echo'`);
      expect(stored.map((row) => row.id).sort()).toEqual([...runs].sort());
      const audited = await readRows<{ execution_id: string }>(prepared, `SELECT details->>'executionId' AS execution_id FROM audit_logs WHERE action = 'tool.execute'`);
      expect(audited.map((row) => row.execution_id).sort()).toEqual([...runs].sort());
    } finally {
      await server.kill9();
      await restarted?.kill9();
    }
  });
});
