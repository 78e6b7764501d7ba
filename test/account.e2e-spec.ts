import { AuditLogEntity } from '@app/audit';
import type { CreatedApiKey, PasswordChanged, PasswordSetup, User } from '@app/contracts';
import { type LoggedInUser, login, registerAndLogin, registerAndLoginAs, useTestApp } from '@app/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { beforeAll, describe, expect, it } from 'vitest';

type Envelope = { error: string; message: string; details?: Array<{ field: string; code: string }> };

const NEW_PASSWORD = 'Fresh!Passw0rd-2026';

describe("a user's own account: profile and password", () => {
  const t = useTestApp();
  let admin: LoggedInUser;

  beforeAll(async () => {
    admin = await registerAndLoginAs(t, ['admin']);
  });

  const db = () => t.app.get(DataSource);
  const audits = (action: string, userId: string) => db().getRepository(AuditLogEntity).find({ where: { action, userId }, order: { timestamp: 'ASC' } });
  const changePassword = (headers: Record<string, string>, body: Record<string, unknown>) => t.client.call<PasswordChanged & Envelope>('changePassword', { headers, body });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const loginStatus = async (email: string, password: string) => (await t.client.call('loginUser', { body: { email, password } })).status;

  it('changes the password with the current one: other sessions end at once, this one goes on, API keys too', async () => {
    const user = await registerAndLogin(t.client);
    const elsewhere = await login(t.client, user.input);
    const key = await t.client.call<CreatedApiKey>('createApiKey', { headers: user.auth, body: { name: 'ci', scopes: ['read:tools'] } });

    const changed = await changePassword(user.auth, { currentPassword: user.input.password, newPassword: NEW_PASSWORD });
    expect(changed.status).toBe(200);
    expect(changed.body.endedSessions).toBe(1);

    expect((await t.client.call('getCurrentUser', { headers: bearer(elsewhere.accessToken) })).status).toBe(401);
    expect((await t.client.call('refreshToken', { body: { refreshToken: elsewhere.refreshToken } })).status).toBe(401);
    expect((await t.client.call('getCurrentUser', { headers: user.auth })).status).toBe(200);
    expect((await t.client.call('getCurrentUser', { headers: { authorization: `ApiKey ${key.body.key}` } })).status).toBe(200);
    expect(await loginStatus(user.input.email, user.input.password)).toBe(401);
    expect(await loginStatus(user.input.email, NEW_PASSWORD)).toBe(200);
    expect((await audits('auth.password.change', user.userId)).map((entry) => [entry.result, entry.details])).toEqual([['success', { endedSessions: 1 }]]);
  });

  it('refuses a wrong current password (audited), the same password again, a weak one, and callers that are not the account itself', async () => {
    const user = await registerAndLogin(t.client);
    const wrong = await changePassword(user.auth, { currentPassword: 'Not!The-Passw0rd', newPassword: NEW_PASSWORD });
    expect([wrong.status, wrong.body.details?.[0]?.field]).toEqual([400, 'currentPassword']);
    expect((await audits('auth.password.change', user.userId)).map((entry) => entry.result)).toEqual(['denied']);
    const same = await changePassword(user.auth, { currentPassword: user.input.password, newPassword: user.input.password });
    expect([same.status, same.body.details?.[0]?.code]).toEqual([400, 'UNCHANGED']);
    const weak = await changePassword(user.auth, { currentPassword: user.input.password, newPassword: 'alllowercase-and-long' });
    expect([weak.status, weak.body.details?.[0]?.field]).toEqual([400, 'newPassword']);
    for (const body of [{}, { currentPassword: user.input.password }, { currentPassword: user.input.password, newPassword: NEW_PASSWORD, extra: 1 }, { currentPassword: 7, newPassword: NEW_PASSWORD }]) {
      expect((await changePassword(user.auth, body)).status).toBe(400);
    }

    const other = await registerAndLogin(t.client);
    const key = await t.client.call<CreatedApiKey>('createApiKey', { headers: other.auth, body: { name: 'ci', scopes: ['read:tools'] } });
    expect((await changePassword({ authorization: `ApiKey ${key.body.key}` }, { currentPassword: other.input.password, newPassword: NEW_PASSWORD })).status).toBe(403);
    expect((await changePassword({}, { currentPassword: other.input.password, newPassword: NEW_PASSWORD })).status).toBe(401);
    expect(await loginStatus(other.input.email, other.input.password)).toBe(200);
  });

  it('an account without a password (single sign-on only) has none to change', async () => {
    const user = await registerAndLogin(t.client);
    await db().query(`UPDATE users SET password_hash = NULL, auth_source = 'saml' WHERE id = $1`, [user.userId]);
    const refused = await changePassword(user.auth, { currentPassword: user.input.password, newPassword: NEW_PASSWORD });
    expect([refused.status, refused.body.error]).toEqual([409, 'CONFLICT']);
  });

  it('changes the name in the profile, trimmed, with the account itself only', async () => {
    const user = await registerAndLogin(t.client);
    const renamed = await t.client.call<User>('updateCurrentUser', { headers: user.auth, body: { name: '  Ada Lovelace  ' } });
    expect([renamed.status, renamed.body.name]).toEqual([200, 'Ada Lovelace']);
    expect((await t.client.call<User>('getCurrentUser', { headers: user.auth })).body.name).toBe('Ada Lovelace');
    expect((await audits('user.profile.update', user.userId)).map((entry) => entry.details)).toEqual([{ before: { name: user.input.name }, after: { name: 'Ada Lovelace' } }]);
    for (const body of [{}, { name: '' }, { name: '   ' }, { name: 'x'.repeat(201) }, { name: 'ok', email: 'taken@example.test' }]) {
      expect((await t.client.call('updateCurrentUser', { headers: user.auth, body })).status).toBe(400);
    }
    const key = await t.client.call<CreatedApiKey>('createApiKey', { headers: user.auth, body: { name: 'ci', scopes: ['read:tools'] } });
    expect((await t.client.call('updateCurrentUser', { headers: { authorization: `ApiKey ${key.body.key}` }, body: { name: 'By a key' } })).status).toBe(403);
  });

  describe('an admin gives a user a one-time link to set a new password', () => {
    const reset = (id: string, headers = admin.auth) => t.client.call<PasswordSetup & Envelope>('resetUserPassword', { headers, params: { id } });
    const setPassword = (token: string, password: string) => t.client.call('setPassword', { body: { token, password } });

    it('the old password works until the token is spent; spending it ends every session; a newer token replaces an older one', async () => {
      const user = await registerAndLogin(t.client);
      const first = await reset(user.userId);
      expect(first.status).toBe(201);
      expect(first.body.url).toBe('/api/v1/auth/set-password');
      const second = await reset(user.userId);
      expect(await loginStatus(user.input.email, user.input.password)).toBe(200);

      expect((await setPassword(first.body.token, NEW_PASSWORD)).status).toBe(401);
      expect((await setPassword(second.body.token, NEW_PASSWORD)).status).toBe(200);
      expect((await setPassword(second.body.token, `${NEW_PASSWORD}x`)).status).toBe(401);
      expect((await t.client.call('getCurrentUser', { headers: user.auth })).status).toBe(401);
      expect(await loginStatus(user.input.email, user.input.password)).toBe(401);
      expect(await loginStatus(user.input.email, NEW_PASSWORD)).toBe(200);

      const [entry] = await db().getRepository(AuditLogEntity).find({ where: { action: 'admin.user.password_reset', resource: `user:${user.userId}` }, order: { timestamp: 'ASC' } });
      expect(entry).toMatchObject({ userId: admin.userId, result: 'success' });
      expect(JSON.stringify(entry.details)).not.toContain(first.body.token);
    });

    it('refuses a user that is not active, an unknown or malformed id, and anyone not an admin', async () => {
      const user = await registerAndLogin(t.client);
      expect((await reset(user.userId, user.auth)).status).toBe(403);
      expect((await t.client.call('resetUserPassword', { params: { id: user.userId } })).status).toBe(401);
      expect((await reset(randomUUID())).status).toBe(404);
      expect((await reset('not-a-uuid')).status).toBe(400);
      expect((await t.client.call('updateUserStatus', { headers: admin.auth, params: { id: user.userId }, body: { status: 'suspended' } })).status).toBe(200);
      const refused = await reset(user.userId);
      expect([refused.status, refused.body.error]).toEqual([409, 'CONFLICT']);
    });
  });
});

describe('password changes: the login limit applies', () => {
  const t = useTestApp({ RATE_LIMIT_LOGIN: '5/900' });

  it('allows five tries per 15 minutes per user (RATE_LIMIT_LOGIN), then 429 with Retry-After', async () => {
    const user = await registerAndLogin(t.client);
    const change = (body: Record<string, unknown>) => t.client.call('changePassword', { headers: user.auth, body });
    for (let attempt = 0; attempt < 5; attempt++) expect((await change({ currentPassword: `Wrong!Passw0rd-${attempt}`, newPassword: NEW_PASSWORD })).status).toBe(400);
    const limited = await change({ currentPassword: user.input.password, newPassword: NEW_PASSWORD });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another user's budget is their own.
    const other = await registerAndLogin(t.client);
    expect((await t.client.call('changePassword', { headers: other.auth, body: { currentPassword: other.input.password, newPassword: NEW_PASSWORD } })).status).toBe(200);
  });
});
