import type { AuditLogList, CreatedWebhook, Pagination, SessionList, ToolExecutionList, WebhookDeliveryList } from '@app/contracts';
import { type LoggedInUser, login, registerAndLogin, registerAndLoginAs, useTestApp } from '@app/testing';
import { DataSource } from 'typeorm';
import { beforeAll, describe, expect, it } from 'vitest';

type Envelope = { error: string; details?: Array<{ field: string; code: string }> };
type Query = Record<string, string | number>;
type Listing = (query: Query) => Promise<{ status: number; body: { pagination: Pagination } & Envelope }>;

/**
 * Long listings (a tool's runs, the audit log, sessions, a webhook's deliveries): numbered pages
 * reach the first 10,000 entries, a cursor every entry without gaps or repeats, and counts stop at
 * 10,000 matches (a tool's runs are counted exactly by the run counts); so no page costs the
 * database more than 10,000 rows, however long the history.
 */
describe('long listings: cursors, page depth and capped counts', () => {
  const t = useTestApp({ WEBHOOK_ALLOWLIST: '127.0.0.1' });
  let admin: LoggedInUser;
  let user: LoggedInUser;

  beforeAll(async () => {
    admin = await registerAndLoginAs(t, ['admin']);
    user = await registerAndLogin(t.client);
  });

  const db = () => t.app.get(DataSource);
  const audit = (query: Query) => t.client.call<AuditLogList & Envelope>('listAuditLogs', { headers: admin.auth, query });
  const sessions = (auth: Record<string, string>, query: Query) => t.client.call<SessionList & Envelope>('listSessions', { headers: auth, query });
  const deliveries = (id: string, query: Query) => t.client.call<WebhookDeliveryList & Envelope>('listWebhookDeliveries', { headers: admin.auth, params: { id }, query });
  const history = (auth: Record<string, string>, query: Query) => t.client.call<ToolExecutionList & Envelope>('listToolExecutions', { headers: auth, params: { id: 'echo' }, query });

  /** Every page of a listing by following nextCursor, with the pagination of each. */
  async function walk<B extends { pagination: Pagination }, T>(read: (query: Query) => Promise<{ status: number; body: B }>, itemsOf: (body: B) => T[], query: Query): Promise<{ items: T[]; pages: Pagination[] }> {
    const items: T[] = [];
    const pages: Pagination[] = [];
    let cursor: string | null | undefined;
    do {
      const response = await read(cursor ? { ...query, cursor } : query);
      expect(response.status).toBe(200);
      items.push(...itemsOf(response.body));
      pages.push(response.body.pagination);
      cursor = response.body.pagination.nextCursor;
    } while (cursor && pages.length < 1000);
    return { items, pages };
  }

  it('walks a run history by cursor: every run once, newest first, pages numbered, totals exact', async () => {
    for (let n = 0; n < 12; n++) expect((await t.client.call('executeTool', { headers: user.auth, params: { id: 'echo' }, body: { parameters: { message: `run ${n}` } } })).status).toBe(200);
    const { items, pages } = await walk((query) => history(user.auth, query), (body) => body.executions, { limit: 5 });
    expect(items.map((run) => (run.result as { message: string }).message)).toEqual(Array.from({ length: 12 }, (_, n) => `run ${11 - n}`));
    expect(pages.map(({ page, total, pages: count, totalExact }) => [page, total, count, totalExact])).toEqual([
      [1, 12, 3, true],
      [2, 12, 3, true],
      [3, 12, 3, true],
    ]);
    expect(pages[2].nextCursor).toBeNull();
    // The numbered pages agree with the cursor's.
    const second = await history(user.auth, { limit: 5, page: 2 });
    expect(second.body.executions).toEqual(items.slice(5, 10));
    // Another user's history has none of these.
    const other = await registerAndLogin(t.client);
    expect((await history(other.auth, { limit: 5 })).body).toMatchObject({ executions: [], pagination: { total: 0, nextCursor: null } });
  });

  it('continues after the cursor while new runs arrive: no repeats, no gaps', async () => {
    const walker = await registerAndLogin(t.client);
    const runEcho = async (message: string) => expect((await t.client.call('executeTool', { headers: walker.auth, params: { id: 'echo' }, body: { parameters: { message } } })).status).toBe(200);
    for (let n = 0; n < 6; n++) await runEcho(`old ${n}`);
    const first = await history(walker.auth, { limit: 3 });
    for (let n = 0; n < 4; n++) await runEcho(`new ${n}`);
    const rest = await walk((query) => history(walker.auth, query), (body) => body.executions, { limit: 3, cursor: first.body.pagination.nextCursor as string });
    const messages = [...first.body.executions, ...rest.items].map((run) => (run.result as { message: string }).message);
    expect(messages).toEqual(['old 5', 'old 4', 'old 3', 'old 2', 'old 1', 'old 0']);
  });

  it('orders entries with the same timestamp by id and keeps microseconds: a cursor walk equals the numbered pages and the table', async () => {
    // 25 entries in one microsecond, 25 one microsecond apart: ties and sub-millisecond order.
    await db().query(
      `INSERT INTO audit_logs (timestamp, action, details, result, severity)
       SELECT CASE WHEN n <= 25 THEN timestamptz '2026-01-01 00:00:00.000007+00' ELSE timestamptz '2026-01-01 00:00:00+00' + n * interval '1 microsecond' END,
              'keyset.tie', jsonb_build_object('n', n), 'success', 'info'
         FROM generate_series(1, 50) AS n`,
    );
    const expected: Array<{ id: string }> = await db().query(`SELECT id::text FROM audit_logs WHERE action = 'keyset.tie' ORDER BY timestamp DESC, id DESC`);
    const { items, pages } = await walk(audit, (body) => body.logs, { action: 'keyset.tie', limit: 7 });
    expect(items.map((log) => log.id)).toEqual(expected.map((row) => row.id));
    expect(pages).toHaveLength(8);
    expect(pages.map((page) => page.page)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const numbered: string[] = [];
    for (let page = 1; page <= 8; page++) numbered.push(...(await audit({ action: 'keyset.tie', limit: 7, page })).body.logs.map((log) => log.id));
    expect(numbered).toEqual(expected.map((row) => row.id));
  });

  it('counts at most 10,000 matching audit entries and says so; smaller filters stay exact', async () => {
    await db().query(
      `INSERT INTO audit_logs (timestamp, action, details, result, severity)
       SELECT now() - n * interval '1 millisecond', 'keyset.bulk', '{}', 'success', CASE WHEN n % 1000 = 0 THEN 'warning' ELSE 'info' END
         FROM generate_series(1, 10050) AS n`,
    );
    const capped = await audit({ action: 'keyset.bulk', limit: 1000 });
    expect(capped.body.pagination).toMatchObject({ page: 1, limit: 1000, total: 10_000, pages: 10, totalExact: false });
    const exact = await audit({ action: 'keyset.bulk', severity: 'warning' });
    expect(exact.body.pagination).toMatchObject({ total: 10, pages: 1, totalExact: true, nextCursor: null });
    expect(exact.body.logs).toHaveLength(10);
    // The last numbered page, then the cursor beyond it: every entry is reachable.
    const last = await audit({ action: 'keyset.bulk', limit: 1000, page: 10 });
    expect(last.body.logs).toHaveLength(1000);
    const beyond = await audit({ action: 'keyset.bulk', limit: 1000, cursor: last.body.pagination.nextCursor as string });
    expect(beyond.body.logs).toHaveLength(50);
    expect(beyond.body.pagination).toMatchObject({ page: 11, nextCursor: null });
    const [{ oldest }] = await db().query(`SELECT id::text AS oldest FROM audit_logs WHERE action = 'keyset.bulk' ORDER BY timestamp ASC, id ASC LIMIT 1`);
    expect(beyond.body.logs.at(-1)?.id).toBe(oldest);
  });

  it('walks sessions by cursor, own and as an admin, as the table orders them', async () => {
    const member = await registerAndLogin(t.client);
    for (let n = 0; n < 6; n++) await login(t.client, member.input);
    const expected: Array<{ id: string }> = await db().query(`SELECT id::text FROM sessions WHERE user_id = $1 ORDER BY started_at DESC, id DESC`, [member.userId]);
    expect(expected).toHaveLength(7);
    const own = await walk((query) => sessions(member.auth, query), (body) => body.sessions, { limit: 3 });
    expect(own.items.map((session) => session.id)).toEqual(expected.map((row) => row.id));
    expect(own.pages.map(({ page, total, totalExact }) => [page, total, totalExact])).toEqual([
      [1, 7, true],
      [2, 7, true],
      [3, 7, true],
    ]);
    const asAdmin = await walk((query) => sessions(admin.auth, query), (body) => body.sessions, { limit: 2, userId: member.userId });
    expect(asAdmin.items.map((session) => session.id)).toEqual(expected.map((row) => row.id));
    const everyone: Array<{ id: string }> = await db().query(`SELECT id::text FROM sessions ORDER BY started_at DESC, id DESC`);
    expect((await walk((query) => sessions(admin.auth, query), (body) => body.sessions, { limit: 4 })).items.map((session) => session.id)).toEqual(everyone.map((row) => row.id));
  });

  it("walks a webhook's deliveries by cursor, failed ones by their own index, and counts at most 10,000", async () => {
    const created = await t.client.call<CreatedWebhook>('createWebhook', { headers: admin.auth, body: { url: 'http://127.0.0.1:9/hook', events: ['user.created'], active: false } });
    expect(created.status).toBe(201);
    const hook = created.body.id;
    await db().query(
      `INSERT INTO webhook_deliveries (webhook_id, event, event_id, payload, status, attempts, created_at)
       SELECT $1, 'user.created', gen_random_uuid(), '{}', CASE WHEN n % 500 = 0 THEN 'failed' ELSE 'delivered' END, 1, now() - n * interval '1 millisecond'
         FROM generate_series(1, 10050) AS n`,
      [hook],
    );
    const failed: Array<{ id: string }> = await db().query(`SELECT id::text FROM webhook_deliveries WHERE webhook_id = $1 AND status = 'failed' ORDER BY created_at DESC, id DESC`, [hook]);
    const walked = await walk((query) => deliveries(hook, query), (body) => body.deliveries, { status: 'failed', limit: 6 });
    expect(walked.items.map((delivery) => delivery.id)).toEqual(failed.map((row) => row.id));
    expect(walked.pages[0]).toMatchObject({ total: 20, pages: 4, totalExact: true });
    const all = await deliveries(hook, { limit: 100 });
    expect(all.body.pagination).toMatchObject({ total: 10_000, pages: 100, totalExact: false });
    const last = await deliveries(hook, { limit: 100, page: 100 });
    const beyond = await deliveries(hook, { limit: 100, cursor: last.body.pagination.nextCursor as string });
    expect(beyond.body.deliveries).toHaveLength(50);
    expect(beyond.body.pagination.nextCursor).toBeNull();
    expect((await deliveries(hook, { limit: 100, page: 101 })).body.details?.[0]).toMatchObject({ field: 'page', code: 'OUT_OF_RANGE' });
    expect((await deliveries(hook, { cursor: 'forged' })).body.details?.[0]).toMatchObject({ field: 'cursor' });
  });

  it('refuses pages past 10,000 entries, a cursor with a page, and cursors it did not make, with 400', async () => {
    const deep: Array<[Listing, Query]> = [
      [audit, { page: 11, limit: 1000 }],
      [audit, { page: 101 }],
      [(query) => history(user.auth, query), { page: 101, limit: 100 }],
      [(query) => history(user.auth, query), { page: 501 }],
      [(query) => sessions(user.auth, query), { page: 501 }],
      [(query) => sessions(admin.auth, query), { page: 101, limit: 100 }],
    ];
    for (const [read, query] of deep) {
      const response = await read(query);
      expect([response.status, response.body.error, response.body.details?.[0]]).toEqual([400, 'VALIDATION_ERROR', expect.objectContaining({ field: 'page', code: 'OUT_OF_RANGE' })]);
    }
    expect((await audit({ page: 10, limit: 1000 })).status).toBe(200);
    expect((await history(user.auth, { page: 100, limit: 100 })).status).toBe(200);

    const cursor = (await history(user.auth, { limit: 1 })).body.pagination.nextCursor as string;
    expect((await history(user.auth, { limit: 1, cursor, page: 2 })).body.details?.[0]).toMatchObject({ field: 'page' });
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const id = '0190a000-0000-7000-8000-000000000000';
    const forged = [
      'not a cursor',
      '!!!!',
      Buffer.from('not json').toString('base64url'),
      encode({ at: '2026-01-01 00:00:00+00', id, page: 2 }),
      encode(['2026-01-01 00:00:00+00', id]),
      encode(['2026-02-30 00:00:00+00', id, 2]),
      encode(['2026-01-01 24:00:00+00', id, 2]),
      encode(['2026-01-01T00:00:00Z', id, 2]),
      encode(['2026-01-01 00:00:00+99', id, 2]),
      encode(["2026-01-01 00:00:00+00'; --", id, 2]),
      encode(['2026-01-01 00:00:00+00', 'not-a-uuid', 2]),
      encode(['2026-01-01 00:00:00+00', id, 1]),
      encode(['2026-01-01 00:00:00+00', id, 2.5]),
      encode(['2026-01-01 00:00:00+00', id, '2']),
      encode([null, id, 2]),
      'x'.repeat(201),
    ];
    for (const bad of forged) {
      for (const response of [await history(user.auth, { cursor: bad }), await audit({ cursor: bad }), await sessions(user.auth, { cursor: bad })]) {
        expect([response.status, response.body.error, response.body.details?.[0]?.field]).toEqual([400, 'VALIDATION_ERROR', 'cursor']);
      }
    }
    // A well-formed cursor past every entry is simply the end.
    const past = encode(['1970-01-01 00:00:00+00', id, 2]);
    expect((await audit({ cursor: past })).body).toMatchObject({ logs: [], pagination: { page: 2, nextCursor: null } });
  });
});
