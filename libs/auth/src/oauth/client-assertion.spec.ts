import { clientKeyPair, signClientAssertion } from '@app/testing';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeAssertion, publicKeysOf, verifyAssertion } from './client-assertion';

const CLIENT = 'https://agent.example/client.json';
const AUDIENCE = 'https://gateway.example/api/v1/oauth/token';
const expected = () => ({ clientId: CLIENT, audiences: ['https://gateway.example', AUDIENCE], nowSeconds: Math.floor(Date.now() / 1000) });

describe('client assertions (private_key_jwt, RFC 7523)', () => {
  const ec = clientKeyPair('ec', 'ec-1');
  const rsa = clientKeyPair('rsa', 'rsa-1');
  const ed = clientKeyPair('ed25519', 'ed-1');
  const keys = publicKeysOf({ keys: [ec.jwk, rsa.jwk, ed.jwk] });
  const check = (assertion: string) => verifyAssertion(decodeAssertion(assertion), keys, expected());

  it('accepts an assertion signed by a key of the client, with ES256, RS256, PS256 or EdDSA, and returns its jti', () => {
    expect(check(signClientAssertion(ec.privateKey, { clientId: CLIENT, audience: AUDIENCE, kid: 'ec-1', claims: { jti: 'one' } })).jti).toBe('one');
    for (const alg of ['RS256', 'PS256']) expect(() => check(signClientAssertion(rsa.privateKey, { clientId: CLIENT, audience: AUDIENCE, alg, kid: 'rsa-1' }))).not.toThrow();
    expect(() => check(signClientAssertion(ed.privateKey, { clientId: CLIENT, audience: AUDIENCE, alg: 'EdDSA' }))).not.toThrow();
    // The issuer is as good an audience as the endpoint, and aud may be a list.
    expect(() => check(signClientAssertion(ec.privateKey, { clientId: CLIENT, audience: AUDIENCE, claims: { aud: ['other', 'https://gateway.example'] } }))).not.toThrow();
  });

  it.each([
    ['another key', () => signClientAssertion(clientKeyPair('ec').privateKey, { clientId: CLIENT, audience: AUDIENCE }), /signature/],
    ['a kid the client does not have', () => signClientAssertion(ec.privateKey, { clientId: CLIENT, audience: AUDIENCE, kid: 'gone' }), /no key of the client has kid "gone"/],
    ['alg none', () => `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss: CLIENT, sub: CLIENT })).toString('base64url')}.`, /alg must be one of/],
    ['HS256 (a shared secret)', () => signClientAssertion(ec.privateKey, { clientId: CLIENT, audience: AUDIENCE, header: { alg: 'HS256' } }), /alg must be one of/],
    ['an RSA key claimed for ES256', () => signClientAssertion(rsa.privateKey, { clientId: CLIENT, audience: AUDIENCE, alg: 'RS256', header: { alg: 'ES256' }, kid: 'rsa-1' }), /no key of the client has kid "rsa-1" for ES256/],
    ['another client as iss', () => signClientAssertion(ec.privateKey, { clientId: CLIENT, audience: AUDIENCE, claims: { iss: 'https://evil.example/c.json' } }), /iss and sub/],
    ['another audience', () => signClientAssertion(ec.privateKey, { clientId: CLIENT, audience: 'https://elsewhere.example/token' }), /aud must name this server/],
    ['an expired one', () => signClientAssertion(ec.privateKey, { clientId: CLIENT, audience: AUDIENCE, claims: { exp: Math.floor(Date.now() / 1000) - 120 } }), /expired/],
    ['one made to last a day', () => signClientAssertion(ec.privateKey, { clientId: CLIENT, audience: AUDIENCE, claims: { exp: Math.floor(Date.now() / 1000) + 86_400 } }), /within 3600 s/],
    ['no exp', () => signClientAssertion(ec.privateKey, { clientId: CLIENT, audience: AUDIENCE, claims: { exp: undefined } }), /exp is required/],
    ['nbf in the future', () => signClientAssertion(ec.privateKey, { clientId: CLIENT, audience: AUDIENCE, claims: { nbf: Math.floor(Date.now() / 1000) + 600 } }), /nbf is in the future/],
    ['no jti', () => signClientAssertion(ec.privateKey, { clientId: CLIENT, audience: AUDIENCE, claims: { jti: undefined } }), /jti/],
    ['a crit header', () => signClientAssertion(ec.privateKey, { clientId: CLIENT, audience: AUDIENCE, header: { crit: ['b64'] } }), /crit/],
  ])('refuses %s (invalid_client)', (_what, make, reason) => {
    let thrown: unknown;
    try {
      check(make());
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'invalid_client', status: 401 });
    expect((thrown as Error).message).toMatch(reason);
  });

  it.each([
    ['two parts', 'a.b', /compact JWS/],
    ['a header that is not JSON', `${Buffer.from('nope').toString('base64url')}.e30.`, /header is not a base64url JSON object/],
    ['characters outside base64url', 'a+b.c.d', /compact JWS/],
    ['a huge one', `${'a'.repeat(9000)}.b.c`, /longer than 8192/],
  ])('refuses an assertion of %s before reading any key', (_what, assertion, reason) => {
    expect(() => decodeAssertion(assertion)).toThrow(reason);
  });

  it('takes only public signing keys of a sane size in a JWK Set', () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
    const withPrivate = ec.privateKey.export({ format: 'jwk' });
    expect(() => publicKeysOf({ keys: [withPrivate] })).toThrow(/private member "d"/);
    expect(() => publicKeysOf({ keys: [weak] })).toThrow(/fewer than 2048 bits/);
    expect(() => publicKeysOf({ keys: [{ ...ec.jwk, use: 'enc' }] })).toThrow(/not for signing/);
    expect(() => publicKeysOf({ keys: [{ kty: 'oct', k: 'c2VjcmV0' }] })).toThrow(/RSA, EC or OKP/);
    expect(() => publicKeysOf({ keys: [{ kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA' }] })).toThrow(/cannot be read/);
    expect(() => publicKeysOf({ keys: [] })).toThrow(/1 to 10 keys/);
    expect(() => publicKeysOf([ec.jwk])).toThrow(/JWK Set/);
    expect(publicKeysOf({ keys: [ec.jwk] })).toEqual([ec.jwk]);
  });
});
