import { registerAndLogin, useTestApp } from '@app/testing';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';

const pem = (key: { export(options: { type: 'pkcs8' | 'spki'; format: 'pem' }): string | Buffer }, type: 'pkcs8' | 'spki') => key.export({ type, format: 'pem' }).toString();
const current = generateKeyPairSync('rsa', { modulusLength: 2048 });
const retired = generateKeyPairSync('rsa', { modulusLength: 2048 });

function kidOf(publicKey: typeof retired.publicKey): string {
  const jwk = publicKey.export({ format: 'jwk' });
  return createHash('sha256').update(JSON.stringify({ e: jwk.e, kty: 'RSA', n: jwk.n })).digest('base64url');
}

/** Rotation: a new signing key, and the retired public key still accepted while its tokens live. */
describe('JWT key rotation by kid', () => {
  const t = useTestApp({
    JWT_PRIVATE_KEY: pem(current.privateKey, 'pkcs8'),
    JWT_PUBLIC_KEY: pem(current.publicKey, 'spki'),
    JWT_PREVIOUS_PUBLIC_KEYS: pem(retired.publicKey, 'spki').replace(/\n/g, '\\n'),
  });
  let token: string;

  beforeAll(async () => {
    token = (await registerAndLogin(t.client)).accessToken;
  });

  it('signs with the configured key and publishes both keys', async () => {
    const header = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()) as { kid: string };
    expect(header.kid).toBe(kidOf(current.publicKey));
    const jwks = await t.client.call<{ keys: Array<{ kid: string }> }>('getJwks');
    expect(jwks.body.keys.map((key) => key.kid)).toEqual([kidOf(current.publicKey), kidOf(retired.publicKey)]);
  });

  it('accepts a token signed by the retired key under its own kid', async () => {
    const [, payload] = token.split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: kidOf(retired.publicKey) })).toString('base64url');
    const signature = sign('sha256', Buffer.from(`${header}.${payload}`), retired.privateKey).toString('base64url');
    const response = await t.client.call('getCurrentUser', { headers: { authorization: `Bearer ${header}.${payload}.${signature}` } });
    expect(response.status).toBe(200);
  });

  it('still refuses a retired-key token presented under the current kid', async () => {
    const [h, payload] = token.split('.');
    const signature = sign('sha256', Buffer.from(`${h}.${payload}`), retired.privateKey).toString('base64url');
    expect((await t.client.call('getCurrentUser', { headers: { authorization: `Bearer ${h}.${payload}.${signature}` } })).status).toBe(401);
  });
});
