import { AdminBootstrap } from '@app/auth';
import type { LoginResponse } from '@app/contracts';
import { runServerExpectingExit, useTestApp } from '@app/testing';
import { DataSource } from 'typeorm';
import { describe, expect, it } from 'vitest';

const ADMIN = { ADMIN_EMAIL: 'Root@Example.test', ADMIN_PASSWORD: 'Adm1n!Passw0rd-Strong' };

describe('first admin from ADMIN_EMAIL / ADMIN_PASSWORD', () => {
  const t = useTestApp(ADMIN);
  const admins = async (): Promise<Array<{ email: string; password_hash: string }>> =>
    t.app.get(DataSource).query(`SELECT email, password_hash FROM users WHERE 'admin' = ANY(roles)`);

  it('creates an admin who can log in with every permission', async () => {
    const response = await t.client.call<LoginResponse>('loginUser', { body: { email: 'root@example.test', password: ADMIN.ADMIN_PASSWORD } });
    expect(response.status).toBe(200);
    expect(response.body.user.roles).toEqual(['admin']);
    expect(response.body.user.permissions).toEqual(expect.arrayContaining(['admin:*', '*']));
  });

  it('is idempotent and never resets an existing password', async () => {
    const before = await admins();
    await t.app.get(AdminBootstrap).onApplicationBootstrap();
    expect(await admins()).toEqual(before);
    // With no admin left, the existing account is promoted, its password kept.
    await t.app.get(DataSource).query(`UPDATE users SET roles = '{user}' WHERE email = 'root@example.test'`);
    await t.app.get(DataSource).query(`UPDATE users SET password_hash = 'kept-as-is' WHERE email = 'root@example.test'`);
    await t.app.get(AdminBootstrap).onApplicationBootstrap();
    expect(await admins()).toEqual([{ email: 'root@example.test', password_hash: 'kept-as-is' }]);
  });

  it('refuses to start with a password that fails the policy', async () => {
    const { code, output } = await runServerExpectingExit({ DATABASE_URL: 'memory', LOG_LEVEL: 'silent', ADMIN_EMAIL: 'a@b.co', ADMIN_PASSWORD: 'weak' });
    expect(code).toBe(1);
    expect(output.trim().split('\n').at(-1)).toMatch(/^Failed to start: Invalid configuration: ADMIN_PASSWORD /);
  });
});
