import { loadConfig } from '@app/config';
import type { LoginResponse, MfaEnrollment } from '@app/contracts';
import { registerAndLogin, TestSamlIdp, useTwoInstances } from '@app/testing';
import { generate } from 'otplib';
import { describe, expect, it } from 'vitest';

const base = loadConfig();
const idp = TestSamlIdp.create({ entityId: 'secure-mcp-lb', acsUrl: 'https://mcp.example.test/api/v1/auth/saml/callback' });
const currentStep = () => Math.floor(Date.now() / 30_000);

/**
 * Two instances on one PostgreSQL and one Redis, as behind a load balancer: a code, an mfaToken or a
 * SAML response accepted by one instance is spent for the other too, and the MFA attempt budget is
 * one budget.
 */
describe.skipIf(base.database.kind !== 'postgres' || !base.redisUrl)('MFA and SAML across two instances', () => {
  const pair = useTwoInstances({ ...idp.env() });

  /** Enrolled on A with the current step's code; the next step's code is the one left to use. */
  async function enrolled(): Promise<{ email: string; password: string; secret: string; next: string }> {
    const user = await registerAndLogin(pair.a.client);
    const enabled = await pair.a.client.call<MfaEnrollment>('enableMfa', { headers: user.auth, body: { type: 'totp' } });
    const secret = enabled.body.secret as string;
    const step = currentStep();
    const verified = await pair.a.client.call('verifyMfaSetup', { headers: user.auth, body: { code: await generate({ secret, epoch: step * 30 }), type: 'totp' } });
    expect(verified.status).toBe(200);
    return { email: user.input.email, password: user.input.password, secret, next: await generate({ secret, epoch: (step + 1) * 30 }) };
  }

  it('a TOTP code accepted by one instance is refused by the other', async () => {
    const user = await enrolled();
    const onA = await pair.a.client.call('loginUser', { body: { email: user.email, password: user.password, mfaCode: user.next } });
    expect(onA.status).toBe(200);
    const onB = await pair.b.client.call('loginUser', { body: { email: user.email, password: user.password, mfaCode: user.next } });
    expect(onB.status).toBe(401);
  });

  it('an mfaToken from one instance works once, on the other', async () => {
    const user = await enrolled();
    const challenge = await pair.a.client.call<{ mfaToken: string }>('loginUser', { body: { email: user.email, password: user.password } });
    const onB = await pair.b.client.call<LoginResponse>('verifyMfaLogin', { body: { mfaToken: challenge.body.mfaToken, code: user.next } });
    expect(onB.status).toBe(200);
    const again = await pair.a.client.call('verifyMfaLogin', { body: { mfaToken: challenge.body.mfaToken, code: user.next } });
    expect(again.status).toBe(401);
  });

  it('failed codes on both instances count against one budget', async () => {
    const user = await enrolled();
    const valid = await Promise.all([-1, 0, 1, 2].map((offset) => generate({ secret: user.secret, epoch: (currentStep() + offset) * 30 })));
    const wrong = ['000000', '000001', '000002', '000003', '000004'].find((code) => !valid.includes(code)) as string;
    for (const app of [pair.a, pair.b, pair.a, pair.b, pair.a]) expect((await app.client.call('loginUser', { body: { email: user.email, password: user.password, mfaCode: wrong } })).status).toBe(401);
    const locked = await pair.b.client.call('loginUser', { body: { email: user.email, password: user.password, mfaCode: user.next } });
    expect(locked.status).toBe(429);
  });

  it('a SAML login started on one instance finishes on the other, once', async () => {
    const redirect = await fetch(`${pair.a.baseUrl}/api/v1/auth/saml/login`, { redirect: 'manual' });
    const request = await idp.readAuthnRequest(redirect.headers.get('location') as string);
    const form = new URLSearchParams({ SAMLResponse: idp.response({ email: `lb.${Date.now()}@corp.example.test`, inResponseTo: request.id }) }).toString();
    const post = (app: { baseUrl: string }) => fetch(`${app.baseUrl}/api/v1/auth/saml/callback`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
    expect((await post(pair.b)).status).toBe(200);
    expect((await post(pair.a)).status).toBe(401);
  });
});
