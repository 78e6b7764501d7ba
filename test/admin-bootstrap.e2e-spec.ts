import { AdminBootstrap, PasswordHasher } from '@app/auth';
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
    // With no admin left, the account whose password is ADMIN_PASSWORD is promoted, its hash kept.
    await t.app.get(DataSource).query(`UPDATE users SET roles = '{user}' WHERE email = 'root@example.test'`);
    await t.app.get(AdminBootstrap).onApplicationBootstrap();
    expect(await admins()).toEqual(before);
  });

  it('never promotes an account somebody else registered with that email, nor one that is not active', async () => {
    const db = t.app.get(DataSource);
    const [{ password_hash: ownHash }] = await admins();
    // Someone registered the address first, with a password the operator does not know.
    const squatterHash = await t.app.get(PasswordHasher).hash('Squatt3r!Passw0rd-x');
    await db.query(`UPDATE users SET roles = '{user}', password_hash = $1 WHERE email = 'root@example.test'`, [squatterHash]);
    await t.app.get(AdminBootstrap).onApplicationBootstrap();
    expect(await admins()).toEqual([]);
    const squatter = await t.client.call<LoginResponse>('loginUser', { body: { email: 'root@example.test', password: 'Squatt3r!Passw0rd-x' } });
    expect(squatter.body.user.roles).toEqual(['user']);
    const refusals: Array<{ result: string; details: { reason: string } }> = await db.query(`SELECT result, details FROM audit_logs WHERE action = 'user.bootstrap_admin' AND result = 'failure'`);
    expect(refusals.map((entry) => entry.details.reason)).toEqual(['ADMIN_PASSWORD is not its password']);
    // The owner's password, but a suspended account: it stays as it is.
    await db.query(`UPDATE users SET password_hash = $1, status = 'suspended' WHERE email = 'root@example.test'`, [ownHash]);
    await t.app.get(AdminBootstrap).onApplicationBootstrap();
    expect(await admins()).toEqual([]);
    await db.query(`UPDATE users SET status = 'active' WHERE email = 'root@example.test'`);
    await t.app.get(AdminBootstrap).onApplicationBootstrap();
    expect(await admins()).toEqual([{ email: 'root@example.test', password_hash: ownHash }]);
  });

  it('refuses to start with a password that fails the policy', async () => {
    const { code, output } = await runServerExpectingExit({ DATABASE_URL: 'memory', LOG_LEVEL: 'silent', ADMIN_EMAIL: 'a@b.co', ADMIN_PASSWORD: 'weak' });
    expect(code).toBe(1);
    expect(output.trim().split('\n').at(-1)).toMatch(/^Failed to start: Invalid configuration: ADMIN_PASSWORD /);
  });
});
