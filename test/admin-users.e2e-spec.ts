import { AuditLogEntity } from '@app/audit';
import type { AdminUserList, CreatedUser, User } from '@app/contracts';
import { type LoggedInUser, login, newUserInput, registerAndLogin, registerAndLoginAs, useTestApp } from '@app/testing';
import { DataSource } from 'typeorm';
import { beforeAll, describe, expect, it } from 'vitest';

type Envelope = { error: string; message: string; details?: Array<{ field: string; code: string }> };

describe('admin: users', () => {
  const t = useTestApp();
  let admin: LoggedInUser;
  let plain: LoggedInUser;

  beforeAll(async () => {
    admin = await registerAndLoginAs(t, ['admin']);
    plain = await registerAndLogin(t.client);
  });

  const audit = (action: string, resource: string) => t.app.get(DataSource).getRepository(AuditLogEntity).findOneBy({ action, resource });

  it('needs admin:* for every route; others get 403, strangers 401', async () => {
    const id = plain.userId;
    const calls = [
      t.client.call<Envelope>('listUsers', { headers: plain.auth }),
      t.client.call<Envelope>('createUser', { headers: plain.auth, body: { email: 'x@example.test', name: 'x', roles: ['user'] } }),
      t.client.call<Envelope>('updateUserRoles', { headers: plain.auth, params: { id }, body: { roles: ['admin'] } }),
      t.client.call<Envelope>('updateUserStatus', { headers: plain.auth, params: { id }, body: { status: 'suspended' } }),
      t.client.call<Envelope>('listAuditLogs', { headers: plain.auth }),
      t.client.call<Envelope>('listWebhooks', { headers: plain.auth }),
    ];
    for (const response of await Promise.all(calls)) expect([response.status, response.body.error]).toEqual([403, 'FORBIDDEN']);
    expect((await t.client.call('listUsers')).status).toBe(401);
  });

  it('lists with role, status and search filters, paginated (limit at most 100)', async () => {
    const tag = `find${Date.now().toString(36)}`;
    const developer = await registerAndLoginAs(t, ['developer'], { name: `Dev ${tag}` });
    await registerAndLogin(t.client, { email: `${tag}.someone@example.test` });
    const bySearch = await t.client.call<AdminUserList>('listUsers', { headers: admin.auth, query: { search: tag.toUpperCase() } });
    expect(bySearch.status).toBe(200);
    expect(bySearch.body.users).toHaveLength(2);
    expect(bySearch.body.pagination).toEqual({ page: 1, limit: 50, total: 2, pages: 1 });
    const developers = await t.client.call<AdminUserList>('listUsers', { headers: admin.auth, query: { role: 'developer', search: tag } });
    expect(developers.body.users.map((user) => user.id)).toEqual([developer.userId]);
    const paged = await t.client.call<AdminUserList>('listUsers', { headers: admin.auth, query: { limit: 1, page: 2 } });
    expect(paged.body.users).toHaveLength(1);
    expect(paged.body.pagination.page).toBe(2);
    // LIKE wildcards in the search are literal.
    expect((await t.client.call<AdminUserList>('listUsers', { headers: admin.auth, query: { search: '%' } })).body.users).toHaveLength(0);
    const badQueries: Array<Record<string, string | number>> = [{ limit: 101 }, { role: 'root' }, { status: 'gone' }, { page: 0 }];
    for (const query of badQueries) {
      expect((await t.client.call<Envelope>('listUsers', { headers: admin.auth, query })).status).toBe(400);
    }
  });

  it('creates a user with a password: they can sign in at once; the password is in no log', async () => {
    const input = newUserInput();
    const created = await t.client.call<CreatedUser>('createUser', { headers: admin.auth, body: { email: input.email.toUpperCase(), name: input.name, roles: ['developer'], permissions: ['read:audit'], password: input.password } });
    expect(created.status).toBe(201);
    expect(created.body.passwordSetup).toBeUndefined();
    expect(created.body.user).toMatchObject({ email: input.email, roles: ['developer'], status: 'active' });
    expect(created.body.user.permissions).toContain('read:audit');
    const tokens = await login(t.client, input);
    expect(tokens.userId).toBe(created.body.user.id);
    const entry = await audit('admin.user.create', `user:${created.body.user.id}`);
    expect(entry?.userId).toBe(admin.userId);
    expect(JSON.stringify(entry)).not.toContain(input.password);
    const again = await t.client.call<Envelope>('createUser', { headers: admin.auth, body: { email: input.email, name: 'Again', roles: ['user'] } });
    expect([again.status, again.body.details?.[0].code]).toEqual([409, 'ALREADY_EXISTS']);
  });

  it('creates a user without a password: a one-time set-password token, spent once', async () => {
    const input = newUserInput();
    const created = await t.client.call<CreatedUser>('createUser', { headers: admin.auth, body: { email: input.email, name: input.name, roles: ['user'] } });
    expect(created.status).toBe(201);
    const setup = created.body.passwordSetup;
    expect(setup?.token).toMatch(/^pst_/);
    expect(Date.parse(setup?.expiresAt ?? '')).toBeGreaterThan(Date.now() + 71 * 3600_000);
    const stored: Array<{ token_hash: string }> = await t.app.get(DataSource).query('SELECT token_hash FROM password_setup_tokens WHERE user_id = $1', [created.body.user.id]);
    expect(stored[0].token_hash).not.toContain(setup?.token);
    expect(JSON.stringify(await audit('admin.user.create', `user:${created.body.user.id}`))).not.toContain(setup?.token);
    // No password yet: sign-in fails like any wrong password.
    expect((await t.client.call<Envelope>('loginUser', { body: { email: input.email, password: input.password } })).status).toBe(401);
    const set = await t.client.call('setPassword', { body: { token: setup?.token, password: input.password } });
    expect(set.status).toBe(200);
    expect((await login(t.client, input)).userId).toBe(created.body.user.id);
    const reused = await t.client.call<Envelope>('setPassword', { body: { token: setup?.token, password: 'An0ther!Passw0rd-x' } });
    expect(reused.status).toBe(401);
    expect((await t.client.call<Envelope>('setPassword', { body: { token: 'pst_not-a-real-token-at-all', password: input.password } })).status).toBe(401);
    expect((await t.client.call<Envelope>('setPassword', { body: { token: setup?.token, password: 'short' } })).status).toBe(400);
  });

  it('holds admin-made passwords to the registration policy', async () => {
    const input = newUserInput();
    const weak = await t.client.call<Envelope>('createUser', { headers: admin.auth, body: { email: input.email, name: input.name, roles: ['admin'], password: 'aaaaaaaaaaaa' } });
    expect([weak.status, weak.body.details?.[0]]).toEqual([400, expect.objectContaining({ field: 'password', code: 'INVALID_FORMAT' })]);
    const created = await t.client.call<CreatedUser>('createUser', { headers: admin.auth, body: { email: input.email, name: input.name, roles: ['user'] } });
    const token = created.body.passwordSetup?.token;
    const weakSet = await t.client.call<Envelope>('setPassword', { body: { token, password: '111111111111' } });
    expect([weakSet.status, weakSet.body.details?.[0]?.field]).toEqual([400, 'password']);
    // The refusal does not spend the token.
    expect((await t.client.call('setPassword', { body: { token, password: input.password } })).status).toBe(200);
  });

  it('refuses bad bodies with the envelope', async () => {
    const bodies = [
      {},
      { email: 'not-an-email', name: 'x', roles: ['user'] },
      { email: 'a@example.test', name: 'x', roles: [] },
      { email: 'a@example.test', name: 'x', roles: ['root'] },
      { email: 'a@example.test', name: 'x', roles: ['user'], permissions: ['DROP TABLE'] },
      { email: 'a@example.test', name: 'x', roles: ['user'], extra: true },
      { email: 'a@example.test', name: 'x', roles: ['user'], password: 'short' },
    ];
    for (const body of bodies) {
      const response = await t.client.call<Envelope>('createUser', { headers: admin.auth, body });
      expect([response.status, response.body.error]).toEqual([400, 'VALIDATION_ERROR']);
    }
    const roles = await t.client.call<Envelope>('updateUserRoles', { headers: admin.auth, params: { id: 'not-a-uuid' }, body: { roles: ['user'] } });
    expect(roles.status).toBe(400);
    const missing = await t.client.call<Envelope>('updateUserRoles', { headers: admin.auth, params: { id: '00000000-0000-4000-8000-000000000000' }, body: { roles: ['user'] } });
    expect(missing.status).toBe(404);
  });

  it('new roles take effect on the next request: the old token is refused, a new login has them', async () => {
    const dev = await registerAndLoginAs(t, ['developer']);
    expect((await t.client.call('listTools', { headers: dev.auth })).status).toBe(200);
    const changed = await t.client.call<User>('updateUserRoles', { headers: admin.auth, params: { id: dev.userId }, body: { roles: ['user'], permissions: [] } });
    expect(changed.status).toBe(200);
    expect(changed.body.roles).toEqual(['user']);
    expect(changed.body.permissions).not.toContain('filesystem:*');
    const stale = await t.client.call<Envelope>('getCurrentUser', { headers: dev.auth });
    expect([stale.status, stale.body.error]).toEqual([401, 'TOKEN_REVOKED']);
    const fresh = await login(t.client, dev.input);
    const me = await t.client.call<User>('getCurrentUser', { headers: fresh.auth });
    expect(me.status).toBe(200);
    expect(me.body.roles).toEqual(['user']);
    expect(await audit('admin.user.roles', `user:${dev.userId}`)).toMatchObject({ userId: admin.userId, severity: 'warning' });
  });

  it('suspending ends every session at once; the user cannot sign in until reactivated', async () => {
    const victim = await registerAndLogin(t.client);
    const second = await login(t.client, victim.input);
    const key = await t.client.call<{ key: string }>('createApiKey', { headers: victim.auth, body: { name: 'ci', scopes: ['read:tools'] } });
    const byKey = { authorization: `Bearer ${key.body.key}` };
    expect((await t.client.call('listTools', { headers: byKey })).status).toBe(200);
    const suspended = await t.client.call<User>('updateUserStatus', { headers: admin.auth, params: { id: victim.userId }, body: { status: 'suspended', reason: 'investigation' } });
    expect([suspended.status, suspended.body.status]).toEqual([200, 'suspended']);
    for (const tokens of [victim, second]) {
      expect((await t.client.call<Envelope>('getCurrentUser', { headers: tokens.auth })).status).toBe(401);
      expect((await t.client.call<Envelope>('refreshToken', { body: { refreshToken: tokens.refreshToken } })).status).toBe(401);
    }
    // The key was cached a moment ago; the change evicts it.
    expect((await t.client.call<Envelope>('listTools', { headers: byKey })).status).toBe(401);
    const active: Array<{ count: string }> = await t.app.get(DataSource).query(`SELECT count(*)::text AS count FROM sessions WHERE user_id = $1 AND status = 'active'`, [victim.userId]);
    expect(active[0].count).toBe('0');
    expect([401, 403]).toContain((await t.client.call<Envelope>('loginUser', { body: { email: victim.input.email, password: victim.input.password } })).status);
    expect((await audit('admin.user.status', `user:${victim.userId}`))?.details).toMatchObject({ from: 'active', to: 'suspended', sessionsEnded: 2, reason: 'investigation' });
    await t.client.call('updateUserStatus', { headers: admin.auth, params: { id: victim.userId }, body: { status: 'active' } });
    expect((await login(t.client, victim.input)).userId).toBe(victim.userId);
  });

  it('the last active admin cannot be demoted, suspended or deleted (409); with another admin it can', async () => {
    // Leave exactly one active admin: this suite's.
    await t.app.get(DataSource).query(`UPDATE users SET status = 'suspended' WHERE 'admin' = ANY(roles) AND id <> $1`, [admin.userId]);
    for (const [operation, body] of [
      ['updateUserRoles', { roles: ['user'] }],
      ['updateUserStatus', { status: 'suspended' }],
      ['updateUserStatus', { status: 'deleted' }],
    ] as const) {
      const response = await t.client.call<Envelope>(operation, { headers: admin.auth, params: { id: admin.userId }, body });
      expect([response.status, response.body.error, response.body.details?.[0].code]).toEqual([409, 'CONFLICT', 'LAST_ADMIN']);
    }
    // Two admins demoting each other at the same moment: one of them must stay.
    const other = await registerAndLoginAs(t, ['admin']);
    const [a, b] = await Promise.all([
      t.client.call<Envelope>('updateUserRoles', { headers: admin.auth, params: { id: other.userId }, body: { roles: ['user'] } }),
      t.client.call<Envelope>('updateUserRoles', { headers: other.auth, params: { id: admin.userId }, body: { roles: ['user'] } }),
    ]);
    // One wins; the other is refused by the guard (its rights are gone) or the last-admin rule.
    const statuses = [a.status, b.status].sort();
    expect(statuses[0]).toBe(200);
    expect([401, 409]).toContain(statuses[1]);
    const admins: Array<{ count: string }> = await t.app.get(DataSource).query(`SELECT count(*)::text AS count FROM users WHERE status = 'active' AND 'admin' = ANY(roles)`);
    expect(admins[0].count).toBe('1');
  });
});
