import type { CreatedApiKey } from '@app/contracts';
import { registerAndLogin, useTestApp, type LoggedInUser } from '@app/testing';
import { createHmac, createPrivateKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

type Envelope = { error: string };
const b64 = (value: object | string): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

function parts(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [h, p] = token.split('.');
  return { header: JSON.parse(Buffer.from(h, 'base64url').toString()), payload: JSON.parse(Buffer.from(p, 'base64url').toString()) };
}

function rs256(header: object, payload: object, key: KeyObject): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

/** Every forged, stale or misused credential is refused with 401 and the envelope. */
describe('token attacks: all refused with 401', () => {
  const t = useTestApp();
  let victim: LoggedInUser;
  let ourKey: KeyObject;
  let publicPem: string;
  const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 });

  beforeAll(async () => {
    victim = await registerAndLogin(t.client);
    ourKey = createPrivateKey(readFileSync(join(t.config.dataDir, 'jwt-private.pem'), 'utf8'));
    publicPem = readFileSync(join(t.config.dataDir, 'jwt-public.pem'), 'utf8');
  });

  async function expect401(authorization: string, code = 'UNAUTHORIZED'): Promise<void> {
    const response = await t.client.call<Envelope>('getCurrentUser', { headers: { authorization } });
    expect(response.status, authorization.slice(0, 80)).toBe(401);
    expect(response.body.error).toBe(code);
  }

  const valid = () => parts(victim.accessToken);
  const now = () => Math.floor(Date.now() / 1000);

  it('the untouched token works (the baseline for everything below)', async () => {
    expect((await t.client.call('getCurrentUser', { headers: victim.auth })).status).toBe(200);
  });

  it('alg: none, with and without a signature', async () => {
    const { header, payload } = valid();
    const none = { ...header, alg: 'none' };
    await expect401(`Bearer ${b64(none)}.${b64({ ...payload, roles: ['admin'] })}.`);
    await expect401(`Bearer ${b64(none)}.${b64(payload)}.${b64('sig')}`);
    await expect401(`Bearer ${b64({ ...header, alg: 'None' })}.${b64(payload)}.`);
  });

  it('HS256 signed with the public key (algorithm confusion)', async () => {
    const { header, payload } = valid();
    for (const secret of [publicPem, publicPem.trim()]) {
      const input = `${b64({ ...header, alg: 'HS256' })}.${b64({ ...payload, roles: ['admin'], permissions: ['*'] })}`;
      await expect401(`Bearer ${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`);
    }
  });

  it('an unknown kid, our kid with a foreign key, and a key embedded in the header', async () => {
    const { header, payload } = valid();
    await expect401(`Bearer ${rs256({ ...header, kid: 'attacker-key' }, payload, attacker.privateKey)}`);
    await expect401(`Bearer ${rs256(header, payload, attacker.privateKey)}`);
    const jwk = attacker.publicKey.export({ format: 'jwk' });
    await expect401(`Bearer ${rs256({ alg: 'RS256', typ: 'JWT', jwk }, payload, attacker.privateKey)}`);
    await expect401(`Bearer ${rs256({ alg: 'RS256', typ: 'JWT', jku: 'http://127.0.0.1:1/jwks.json', kid: 'x' }, payload, attacker.privateKey)}`);
  });

  it('a tampered payload under the original signature', async () => {
    const [h, , s] = victim.accessToken.split('.');
    const { payload } = valid();
    await expect401(`Bearer ${h}.${b64({ ...payload, roles: ['admin'], permissions: ['*'] })}.${s}`);
    await expect401(`Bearer ${h}.${b64({ ...payload, sub: '00000000-0000-4000-8000-000000000000' })}.${s}`);
  });

  it('expired (TOKEN_EXPIRED), and signed by us but for another audience, issuer or use', async () => {
    const { header, payload } = valid();
    await expect401(`Bearer ${rs256(header, { ...payload, iat: now() - 7200, exp: now() - 3600 }, ourKey)}`, 'TOKEN_EXPIRED');
    await expect401(`Bearer ${rs256(header, { ...payload, aud: 'another-service' }, ourKey)}`);
    await expect401(`Bearer ${rs256(header, { ...payload, iss: 'https://evil.example' }, ourKey)}`);
    await expect401(`Bearer ${rs256(header, { ...payload, token_use: 'refresh' }, ourKey)}`);
    const withoutUse: Record<string, unknown> = { ...payload };
    delete withoutUse.token_use;
    await expect401(`Bearer ${rs256(header, withoutUse, ourKey)}`);
    await expect401(`Bearer ${rs256(header, { ...payload, iat: now() + 3600, exp: now() + 7200 }, ourKey)}`);
  });

  it('the token of a logged-out session (TOKEN_REVOKED)', async () => {
    const user = await registerAndLogin(t.client);
    expect((await t.client.call('logoutUser', { headers: user.auth })).status).toBe(200);
    await expect401(user.auth.authorization, 'TOKEN_REVOKED');
  });

  it('a refresh token as an access token, and an access token as a refresh token', async () => {
    const user = await registerAndLogin(t.client);
    await expect401(`Bearer ${user.refreshToken}`);
    const asRefresh = await t.client.call<Envelope>('refreshToken', { body: { refreshToken: user.accessToken } });
    expect(asRefresh.status).toBe(401);
    const asRefreshHeader = await t.client.call<Envelope>('refreshToken', { headers: { authorization: `Bearer ${user.accessToken}` } });
    expect(asRefreshHeader.status).toBe(401);
    // Both still work for what they are.
    expect((await t.client.call('getCurrentUser', { headers: user.auth })).status).toBe(200);
    expect((await t.client.call('refreshToken', { body: { refreshToken: user.refreshToken } })).status).toBe(200);
  });

  it('revoked, expired and made-up API keys', async () => {
    const owner = await registerAndLogin(t.client);
    const revoked = await t.client.call<CreatedApiKey>('createApiKey', { headers: owner.auth, body: { name: 'r', scopes: ['read:tools'] } });
    await t.client.call('revokeApiKey', { headers: owner.auth, params: { id: revoked.body.id } });
    await expect401(`ApiKey ${revoked.body.key}`);
    await expect401(`Bearer ${revoked.body.key}`);
    const expired = await t.client.call<CreatedApiKey>('createApiKey', { headers: owner.auth, body: { name: 'e', scopes: ['read:tools'], expiresIn: 60 } });
    await t.app.get((await import('typeorm')).DataSource).query(`UPDATE api_keys SET expires_at = now() - interval '1 minute' WHERE id = $1`, [expired.body.id]);
    await expect401(`ApiKey ${expired.body.key}`);
    await expect401(`ApiKey mcp_sk_${'A'.repeat(43)}`);
    await expect401('ApiKey not-even-a-key');
  });

  it('malformed Authorization headers', async () => {
    for (const header of ['Bearer', 'Bearer ', 'Basic dXNlcjpwYXNzd29yZA==', 'Bearer a.b', 'Bearer a.b.c.d', `Bearer ${'x'.repeat(9000)}`, 'Bearer ....', `Bearer ${b64('[1]')}.${b64('[]')}.sig`, 'bearer' + ' '.repeat(3), 'Token abc']) {
      const response = await t.client.call<Envelope>('getCurrentUser', { headers: { authorization: header } });
      expect(response.status, header.slice(0, 40)).toBe(401);
    }
  });
});
