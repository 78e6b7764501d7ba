import { AuditLogEntity } from '@app/audit';
import { newUserInput, registerAndLogin, useTestApp } from '@app/testing';
import { DataSource } from 'typeorm';
import { describe, expect, it } from 'vitest';

type Envelope = { error: string; message: string };

function expectLimitHeaders(headers: Headers, limit: number): void {
  expect(headers.get('x-ratelimit-limit')).toBe(String(limit));
  expect(headers.get('x-ratelimit-remaining')).toBe('0');
  expect(Number(headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
  expect(Number(headers.get('retry-after'))).toBeGreaterThan(0);
}

describe('rate limits from configuration', () => {
  describe('register per IP and login per email-and-IP pair', () => {
    const t = useTestApp({ RATE_LIMIT_REGISTER: '2/3600', RATE_LIMIT_LOGIN: '3/900' });

    it('register: the third from one address in the window is 429 with the headers', async () => {
      const first = await t.client.call('registerUser', { body: newUserInput() });
      expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
      expect((await t.client.call('registerUser', { body: newUserInput() })).status).toBe(201);
      const third = await t.client.call<Envelope>('registerUser', { body: newUserInput() });
      expect(third.status).toBe(429);
      expect(third.body.error).toBe('RATE_LIMIT_EXCEEDED');
      expectLimitHeaders(third.headers, 2);
    });

    it('login: the fourth attempt on one email is 429, another email is not affected', async () => {
      const emailA = `a-${Date.now()}@example.test`;
      for (let i = 0; i < 3; i++) {
        const attempt = await t.client.call('loginUser', { body: { email: emailA, password: 'Wrong-Passw0rd!' } });
        expect(attempt.status).toBe(401);
        expect(attempt.headers.get('x-ratelimit-remaining')).toBe(String(2 - i));
      }
      const fourth = await t.client.call<Envelope>('loginUser', { body: { email: emailA, password: 'Wrong-Passw0rd!' } });
      expect(fourth.status).toBe(429);
      expectLimitHeaders(fourth.headers, 3);
      // The same email in another case is the same account.
      expect((await t.client.call('loginUser', { body: { email: emailA.toUpperCase(), password: 'x' } })).status).toBe(429);
      expect((await t.client.call('loginUser', { body: { email: `b-${Date.now()}@example.test`, password: 'x' } })).status).toBe(401);
    });
  });

  describe('per-IP login ceiling', () => {
    const t = useTestApp({ RATE_LIMIT_LOGIN_IP: '2/900' });

    it('one address cannot spray many accounts', async () => {
      for (let i = 0; i < 2; i++) expect((await t.client.call('loginUser', { body: { email: `spray${i}-${Date.now()}@example.test`, password: 'x' } })).status).toBe(401);
      const third = await t.client.call<Envelope>('loginUser', { body: { email: `spray3-${Date.now()}@example.test`, password: 'x' } });
      expect(third.status).toBe(429);
      expectLimitHeaders(third.headers, 2);
    });
  });

  describe('account lockout after repeated failures', () => {
    const t = useTestApp({ LOGIN_LOCKOUT: '3/900' });

    it('locks the account with Retry-After, even for the right password, and audits it', async () => {
      const victim = await registerAndLogin(t.client);
      const bystander = await registerAndLogin(t.client);
      for (let i = 0; i < 3; i++) {
        expect((await t.client.call('loginUser', { body: { email: victim.input.email, password: 'Wrong-Passw0rd!' } })).status).toBe(401);
      }
      const locked = await t.client.call<Envelope>('loginUser', { body: { email: victim.input.email, password: victim.input.password } });
      expect(locked.status).toBe(429);
      expect(locked.body.message).toContain('failed logins');
      const retryAfter = Number(locked.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      // The lock-out's own figures, not the route limit's (which still had attempts left).
      expectLimitHeaders(locked.headers, 3);
      expect((await t.client.call('loginUser', { body: { email: bystander.input.email, password: bystander.input.password } })).status).toBe(200);
      const audit = t.app.get(DataSource).getRepository(AuditLogEntity);
      expect(await audit.findOneBy({ action: 'auth.login', result: 'failure', severity: 'critical', userId: victim.userId })).not.toBeNull();
      expect(await audit.findOneBy({ action: 'auth.login', result: 'denied' })).not.toBeNull();
    });

    it('locks unknown emails the same way, so lockout does not reveal which accounts exist', async () => {
      const ghost = `ghost-${Date.now()}@example.test`;
      for (let i = 0; i < 3; i++) expect((await t.client.call('loginUser', { body: { email: ghost, password: 'Wrong-Passw0rd!' } })).status).toBe(401);
      expect((await t.client.call('loginUser', { body: { email: ghost, password: 'Wrong-Passw0rd!' } })).status).toBe(429);
    });
  });
});
