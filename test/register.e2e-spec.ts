import { AuditLogEntity } from '@app/audit';
import type { User } from '@app/contracts';
import { type EventEnvelope, EventBus } from '@app/events';
import { newUserInput, startTestApp, type TestApp } from '@app/testing';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Envelope = { error: string; details?: Array<{ field: string; code: string }> };

describe('POST /auth/register', () => {
  let t: TestApp;
  const created: EventEnvelope[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    t.app.get(EventBus).on('user.created', (event) => {
      created.push(event as EventEnvelope);
    });
  });

  afterAll(async () => {
    await t?.close();
  });

  const auditRows = (action: string) => t.app.get(DataSource).getRepository(AuditLogEntity).find({ where: { action }, order: { timestamp: 'ASC' } });

  it('creates a user with role user, a normalised email and no secrets in the answer', async () => {
    const input = newUserInput({ organization: ' Enterprise Corp ', phone: '+14155550100' });
    const response = await t.client.call<User>('registerUser', { body: { ...input, email: `  ${input.email.toUpperCase()} ` }, headers: { 'x-request-id': 'reg-1' } });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ email: input.email, name: input.name, organization: 'Enterprise Corp', phone: '+14155550100', roles: ['user'], mfaEnabled: false, status: 'active', lastLogin: null });
    expect(response.body.permissions).toEqual(expect.arrayContaining(['read:tools', 'execute:tools']));
    expect(response.text).not.toMatch(/argon2|passwordHash|password/);

    const audit = (await auditRows('user.register')).find((row) => row.userId === response.body.id);
    expect(audit).toMatchObject({ result: 'success', severity: 'info', requestId: 'reg-1', resource: `user:${response.body.id}` });
    expect(JSON.stringify(audit?.details)).not.toContain(input.password);
    await new Promise((resolve) => setImmediate(resolve));
    expect(created.map((event) => event.payload)).toContainEqual({ userId: response.body.id, email: input.email, roles: ['user'], source: 'register' });
  });

  it('stores the password as an argon2id hash', async () => {
    const input = newUserInput();
    const response = await t.client.call<User>('registerUser', { body: input });
    const [row] = await t.app.get(DataSource).query('SELECT password_hash FROM users WHERE id = $1', [response.body.id]);
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('refuses a taken email, whatever its case, with 409 CONFLICT and an audit entry', async () => {
    const input = newUserInput();
    expect((await t.client.call('registerUser', { body: input })).status).toBe(201);
    const again = await t.client.call<Envelope>('registerUser', { body: { ...input, email: input.email.toUpperCase(), name: 'Someone Else' } });
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('CONFLICT');
    expect(again.body.details).toEqual([expect.objectContaining({ field: 'email', code: 'ALREADY_EXISTS' })]);
    const failures = (await auditRows('user.register')).filter((row) => row.result === 'failure');
    expect(failures.some((row) => row.details.email === input.email)).toBe(true);
  });

  it('lets exactly one of many concurrent registrations of one email win', async () => {
    const input = newUserInput();
    const statuses = (await Promise.all(Array.from({ length: 8 }, () => t.client.call('registerUser', { body: input })))).map((r) => r.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(7);
  });

  it.each([
    ['Short1!', 'password'],
    ['alllowercase-and-long1!', 'password'],
    ['ALLUPPERCASE-AND-LONG1!', 'password'],
    ['NoDigitsHere-AtAll!', 'password'],
    ['NoSymbols1234567', 'password'],
  ])('password policy: %s is refused', async (password, field) => {
    const response = await t.client.call<Envelope>('registerUser', { body: newUserInput({ password }) });
    expect(response.status).toBe(400);
    expect(response.body.details).toEqual([expect.objectContaining({ field })]);
  });

  it('accepts any symbol, not only the seed regex set', async () => {
    const response = await t.client.call('registerUser', { body: newUserInput({ password: 'Correct~Horse#Battery9' }) });
    expect(response.status).toBe(201);
  });

  it.each(['+1', '14155550100', '+01234', '+1234567890123456', '+1 415 555 0100'])('phone %s is not E.164 -> 400', async (phone) => {
    const response = await t.client.call<Envelope>('registerUser', { body: newUserInput({ phone }) });
    expect(response.status).toBe(400);
    expect(response.body.details).toEqual([expect.objectContaining({ field: 'phone', code: 'INVALID_FORMAT' })]);
  });

  it('is served under the /api alias too', async () => {
    const response = await t.client.call('registerUser', { body: newUserInput(), basePath: '/api' });
    expect(response.status).toBe(201);
  });
});

describe('POST /auth/register when sign-up is closed, or kept to some email domains', () => {
  const ROOT = { email: 'root@corp.example', password: 'Str0ng!Passw0rd-root' };

  it('closed: 403 before any work is spent, audited as denied; an admin still creates accounts', async () => {
    const t = await startTestApp({ REGISTRATION_OPEN: 'false', ADMIN_EMAIL: ROOT.email, ADMIN_PASSWORD: ROOT.password });
    try {
      const input = newUserInput();
      const refused = await t.client.call<Envelope & { message: string }>('registerUser', { body: input });
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ error: 'FORBIDDEN', message: 'Registration is closed: an administrator creates accounts' });
      const denied = await t.app.get(DataSource).getRepository(AuditLogEntity).findOne({ where: { action: 'user.register', result: 'denied' } });
      expect(denied?.details).toEqual({ email: input.email, reason: 'registration closed' });
      expect((await t.client.call('loginUser', { body: { email: input.email, password: input.password } })).status).toBe(401);
      // A malformed sign-up is still told what is wrong with it.
      expect((await t.client.call('registerUser', { body: { email: 'not an email' } })).status).toBe(400);

      const admin = await t.client.call<{ accessToken: string }>('loginUser', { body: ROOT });
      const made = await t.client.call('createUser', { headers: { authorization: `Bearer ${admin.body.accessToken}` }, body: { email: input.email, name: input.name, roles: ['user'], password: input.password } });
      expect(made.status).toBe(201);
      expect((await t.client.call('loginUser', { body: { email: input.email, password: input.password } })).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('kept to domains: an address at one of them signs up, any other is refused with the domains named', async () => {
    const t = await startTestApp({ REGISTRATION_EMAIL_DOMAINS: 'Corp.Example, example.test' });
    try {
      expect((await t.client.call('registerUser', { body: newUserInput() })).status).toBe(201);
      expect((await t.client.call('registerUser', { body: newUserInput({ email: `someone.${Date.now()}@corp.example` }) })).status).toBe(201);
      for (const email of ['someone@elsewhere.example', 'someone@sub.corp.example', 'someone@corp.example.evil.test']) {
        const refused = await t.client.call<Envelope & { message: string }>('registerUser', { body: newUserInput({ email }) });
        expect(refused.status, email).toBe(403);
        expect(refused.body.message).toBe('Registration is open to addresses at corp.example, example.test only');
      }
      const denied = await t.app.get(DataSource).getRepository(AuditLogEntity).find({ where: { action: 'user.register', result: 'denied' } });
      expect(denied.map((row) => (row.details as { reason: string }).reason)).toEqual(['email domain not allowed', 'email domain not allowed', 'email domain not allowed']);
    } finally {
      await t.close();
    }
  });
});
