import { AuditRetention } from '@app/admin';
import type { AuditLog, AuditLogList } from '@app/contracts';
import { type LoggedInUser, openRawMcpSession, openWs, rawMcpRequest, registerAndLogin, registerAndLoginAs, until, useTestApp } from '@app/testing';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DataSource } from 'typeorm';
import { beforeAll, describe, expect, it } from 'vitest';

type Envelope = { error: string; details?: Array<{ field: string }> };

/** Splits RFC 4180 CSV (quoted cells may hold commas, quotes and newlines). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += char;
  }
  return rows;
}

describe('admin: audit log', () => {
  const t = useTestApp();
  let admin: LoggedInUser;
  let subject: LoggedInUser;

  beforeAll(async () => {
    admin = await registerAndLoginAs(t, ['admin']);
    subject = await registerAndLogin(t.client);
    // A failed login, a logout: entries of the subject to find again.
    await t.client.call('loginUser', { body: { email: subject.input.email, password: 'Wr0ng!Passw0rd-nope' } });
    await t.client.call('logoutUser', { headers: subject.auth, body: {} });
  });

  const list = (query: Record<string, string | number>) => t.client.call<AuditLogList & Envelope>('listAuditLogs', { headers: admin.auth, query });

  it('filters by user, action prefix, severity and time, newest first', async () => {
    const mine = await list({ userId: subject.userId });
    expect(mine.status).toBe(200);
    const actions = mine.body.logs.map((log) => log.action);
    expect(actions).toEqual(expect.arrayContaining(['user.register', 'auth.login', 'auth.logout']));
    const times = mine.body.logs.map((log) => Date.parse(log.timestamp));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const auth = await list({ userId: subject.userId, action: 'auth.' });
    expect(auth.body.logs.every((log) => log.action.startsWith('auth.'))).toBe(true);
    expect(auth.body.logs.length).toBeGreaterThanOrEqual(2);
    const failed = await list({ action: 'auth.login', severity: 'warning' });
    expect(failed.body.logs.some((log) => log.result !== 'success' && (log.details as { email?: string }).email === subject.input.email)).toBe(true);
    const future = await list({ startDate: new Date(Date.now() + 3600_000).toISOString() });
    expect(future.body).toMatchObject({ logs: [], pagination: { total: 0 } });
    const paged = await list({ limit: 2, page: 1 });
    expect(paged.body.logs).toHaveLength(2);
    expect(paged.body.pagination.limit).toBe(2);
    expect((await list({})).body.pagination.limit).toBe(100);
    // `_` and `%` in the prefix are literal, not wildcards.
    expect((await list({ action: 'auth_' })).body.logs).toEqual([]);
  });

  it('names the API key an action was made with, on every door, and finds what a key did', async () => {
    const owner = await registerAndLogin(t.client);
    const key = await t.client.call<{ id: string; key: string }>('createApiKey', { headers: owner.auth, body: { name: 'ci', scopes: ['read:tools', 'execute:tools', 'write:contexts'] } });
    expect(key.status).toBe(201);
    const asKey = { authorization: `ApiKey ${key.body.key}` };
    expect((await t.client.call('executeTool', { headers: asKey, params: { id: 'echo' }, body: { parameters: { message: 'over REST' } } })).status).toBe(200);
    expect((await t.client.call('executeTool', { headers: asKey, params: { id: 'echo' }, body: { parameters: { message: 'in the background' }, options: { async: true } } })).status).toBe(202);
    const socket = await openWs(t.baseUrl, { headers: asKey });
    expect((await socket.request('tools/execute', { tool: 'echo', arguments: { message: 'over ws' } })).result).toMatchObject({ output: { message: 'over ws' } });
    socket.close();
    const session = await openRawMcpSession(t.baseUrl, key.body.key);
    expect((await rawMcpRequest(t.baseUrl, session, 'tools/call', { name: 'echo', arguments: { message: 'over mcp' } })).result).toMatchObject({ structuredContent: { message: 'over mcp' } });
    // The same user's own sign-in is not the key.
    expect((await t.client.call('executeTool', { headers: owner.auth, params: { id: 'echo' }, body: { parameters: { message: 'signed in' } } })).status).toBe(200);

    const byKey = async () => (await list({ apiKeyId: key.body.id, action: 'tool.execute' })).body.logs;
    await until(byKey, (logs) => logs.length === 4);
    const messages = (await byKey()).map((log) => (log.details as { parameters: { message: string } }).parameters.message).sort();
    expect(messages).toEqual(['in the background', 'over REST', 'over mcp', 'over ws']);
    expect((await byKey()).every((log) => log.userId === owner.userId && log.metadata.apiKeyId === key.body.id)).toBe(true);
    const signedIn = (await list({ userId: owner.userId, action: 'tool.execute' })).body.logs.find((log) => (log.details as { parameters: { message: string } }).parameters.message === 'signed in');
    expect(signedIn?.metadata.apiKeyId).toBeNull();
    const csv = parseCsv((await t.client.call<string>('exportAuditLogs', { headers: admin.auth, query: { format: 'csv', apiKeyId: key.body.id, action: 'tool.execute' } })).text);
    expect(csv.slice(1).map((row) => row[11])).toEqual([key.body.id, key.body.id, key.body.id, key.body.id]);
    expect((await list({ apiKeyId: 'not-a-key' })).status).toBe(400);
  });

  it('finds entries by what was done to, as a prefix, in the list and the export, with the index serving it', async () => {
    const db = t.app.get(DataSource);
    await db.query(
      `INSERT INTO audit_logs (action, resource, details, result, severity)
       SELECT 'test.resource', r, '{}', 'success', 'info' FROM unnest($1::text[]) AS r`,
      [['upstream:aaa', 'upstream:aaa', 'upstream:bbb', 'webhook:aaa', 'upstream%x', 'upstream_x']],
    );
    // A tool run about the same resource is left out (the run history holds runs).
    await db.query(`INSERT INTO audit_logs (action, resource, details, result, severity) VALUES ('tool.execute', 'upstream:aaa', '{}', 'success', 'info')`);
    expect((await list({ resource: 'upstream:aaa' })).body.logs.map((log) => log.action)).toEqual(['test.resource', 'test.resource']);
    const resources = async (resource: string) => (await list({ resource, action: 'test.resource' })).body.logs.map((log) => log.resource).sort();
    expect(await resources('upstream:')).toEqual(['upstream:aaa', 'upstream:aaa', 'upstream:bbb']);
    expect(await resources('upstream:aaa')).toEqual(['upstream:aaa', 'upstream:aaa']);
    // The caller's wildcards are taken literally.
    expect(await resources('upstream%')).toEqual(['upstream%x']);
    expect(await resources('upstream_')).toEqual(['upstream_x']);
    expect(await resources('nothing')).toEqual([]);
    const csv = parseCsv((await t.client.call<string>('exportAuditLogs', { headers: admin.auth, query: { format: 'csv', resource: 'webhook:', action: 'test.resource' } })).text);
    expect(csv.slice(1).map((row) => row[4])).toEqual(['webhook:aaa']);
    for (const resource of ['', 'x'.repeat(256)]) expect((await list({ resource })).status).toBe(400);
    // The plan can use the pattern index (sequential scans off, so the planner shows whether it may).
    const plan = (await db.transaction(async (manager) => {
      await manager.query('SET LOCAL enable_seqscan = off');
      return manager.query(`EXPLAIN SELECT id FROM audit_logs WHERE resource LIKE 'upstream:%' AND action <> 'tool.execute' ORDER BY timestamp DESC LIMIT 10`);
    })) as Array<{ 'QUERY PLAN': string }>;
    expect(plan.map((row) => row['QUERY PLAN']).join('\n')).toContain('idx_audit_logs_resource');
  });

  it('prunes entries past the retention (365 days) and keeps the rest', async () => {
    const db = t.app.get(DataSource);
    await db.query(`INSERT INTO audit_logs (timestamp, action, details, result, severity) SELECT now() - $1::interval, 'test.retention', jsonb_build_object('age', $1::text), 'success', 'info' FROM unnest($2::text[]) AS age`, ['366 days', ['a', 'b']]);
    await db.query(`INSERT INTO audit_logs (timestamp, action, details, result, severity) VALUES (now() - interval '364 days', 'test.retention', '{"age":"364 days"}', 'success', 'info')`);
    expect(await t.app.get(AuditRetention).prune()).toBeGreaterThanOrEqual(2);
    expect((await list({ action: 'test.retention' })).body.logs.map((log) => log.details)).toEqual([{ age: '364 days' }]);
  });

  it('refuses bad filters with 400', async () => {
    const badQueries: Array<Record<string, string | number>> = [{ startDate: 'yesterday' }, { userId: 'nope' }, { severity: 'loud' }, { action: "auth'; --" }, { limit: 0 }, { startDate: '2026-02-01T00:00:00Z', endDate: '2026-01-01T00:00:00Z' }];
    for (const query of badQueries) {
      const response = await list(query);
      expect([response.status, response.body.error]).toEqual([400, 'VALIDATION_ERROR']);
    }
    const exported = await t.client.call<Envelope>('exportAuditLogs', { headers: admin.auth, query: { format: 'xml' } });
    expect(exported.status).toBe(400);
  });

  it('exports CSV quoted correctly, formulas neutralised, and JSON that parses', async () => {
    const nasty = { note: 'comma, "quote"\nnewline', formula: '=HYPERLINK("http://evil")' };
    await t.app.get(DataSource).query(
      `INSERT INTO audit_logs (action, resource, details, result, severity, user_id, ip_address) VALUES ('test.csv', '=cmd|calc', $1, 'success', 'info', $2, '@1.2.3.4')`,
      [nasty, subject.userId],
    );
    const csv = await t.client.call<string>('exportAuditLogs', { headers: admin.auth, query: { format: 'csv', action: 'test.csv' } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="audit-logs-.*\.csv"/);
    const rows = parseCsv(csv.text);
    expect(rows[0]).toEqual(['id', 'timestamp', 'userId', 'action', 'resource', 'result', 'severity', 'ipAddress', 'userAgent', 'sessionId', 'requestId', 'apiKeyId', 'details']);
    expect(rows).toHaveLength(2);
    const [row] = rows.slice(1);
    expect(row[3]).toBe('test.csv');
    expect(row[4]).toBe("'=cmd|calc");
    expect(row[7]).toBe("'@1.2.3.4");
    expect(row[11]).toBe('');
    expect(JSON.parse(row[12])).toEqual(nasty);
    const json = await t.client.call<AuditLog[]>('exportAuditLogs', { headers: admin.auth, query: { format: 'json', userId: subject.userId } });
    expect(json.status).toBe(200);
    expect(json.body.map((log) => log.action)).toEqual(expect.arrayContaining(['test.csv', 'auth.logout']));
    const exportEntry = await list({ action: 'audit.export', userId: admin.userId });
    expect(exportEntry.body.logs.length).toBeGreaterThanOrEqual(2);
  });

  it('streams an export of 100,000 entries in flat memory', async () => {
    await t.app.get(DataSource).query(
      `INSERT INTO audit_logs (timestamp, action, details, result, severity)
       SELECT now() - (n || ' milliseconds')::interval, 'bulk.entry', jsonb_build_object('n', n, 'pad', repeat('x', 1000)), 'success', 'info'
       FROM generate_series(1, 100000) AS n`,
    );
    // Live heap, not garbage: a full collection before each sample.
    setFlagsFromString('--expose_gc');
    const gc = runInNewContext('gc') as () => void;
    const live = (): number => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    const before = live();
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, live());
    }, 250);
    const response = await fetch(`${t.baseUrl}/api/v1/admin/audit-logs/export?format=csv&action=bulk.`, { headers: admin.auth });
    expect(response.status).toBe(200);
    let bytes = 0;
    let lines = 0;
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      for (const byte of value) if (byte === 10) lines++;
    }
    clearInterval(sampler);
    expect(lines).toBe(100_001);
    expect(bytes).toBeGreaterThan(100 * 1024 * 1024);
    // Buffering the answer would hold all 100+ MiB of it (and its rows) at once.
    expect(peak - before).toBeLessThan(32 * 1024 * 1024);
  }, 180_000);
});
