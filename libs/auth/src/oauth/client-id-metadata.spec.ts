import { clientKeyPair } from '@app/testing';
import { describe, expect, it } from 'vitest';
import { documentRegistration, freshUntil, hostAccepted, isMetadataClientId, metadataUrlProblem, privateHostsAllowed } from './client-id-metadata';
import { OAuthError } from './oauth-error';

const URL_ID = 'https://app.example.com/oauth/client.json';
const DOCUMENT = { client_id: URL_ID, client_name: 'Example Agent', redirect_uris: ['http://127.0.0.1:33418/callback', 'https://app.example.com/cb'] };

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(OAuthError);
    return (error as OAuthError).description;
  }
  throw new Error('expected a refusal');
}

describe('client ids that are metadata document URLs', () => {
  it('are https URLs; a registered id is not one', () => {
    expect(isMetadataClientId(URL_ID)).toBe(true);
    expect(isMetadataClientId('0190d5a4-7c5e-7000-8000-000000000000')).toBe(false);
    expect(isMetadataClientId('http://app.example.com/client.json')).toBe(false);
  });

  it('are accepted with a path, a port or a query', () => {
    for (const id of [URL_ID, 'https://app.example.com:8443/c', 'https://app.example.com/c?v=2']) expect(metadataUrlProblem(id)).toBeUndefined();
  });

  it.each([
    ['https://app.example.com/', 'must have a path'],
    ['https://app.example.com', 'must have a path'],
    ['https://app.example.com/a/../client.json', 'normal form'],
    ['https://app.example.com/a/./client.json', 'normal form'],
    ['https://app.example.com/a/%2e%2e/client.json', 'normal form'],
    ['https://APP.example.com/client.json', 'normal form'],
    ['https://app.example.com:443/client.json', 'normal form'],
    ['https://app.example.com/client.json#x', 'fragment'],
    ['https://user:pass@app.example.com/client.json', 'credentials'],
    ['https://app.example.com/client json', 'spaces'],
    ['https://app.example.com/client\njson', 'control'],
    ['https://', 'not a URL'],
    [`https://app.example.com/${'a'.repeat(2000)}`, 'at most'],
  ])('refuse %s', (id, problem) => {
    expect(metadataUrlProblem(id)).toContain(problem);
  });
});

describe('the hosts the configuration takes documents from', () => {
  const url = new URL(URL_ID);

  it('are any host when none is listed', () => {
    expect(hostAccepted(url, [])).toBe(true);
  });

  it('match a host, a host and port, or a domain below a wildcard', () => {
    expect(hostAccepted(url, ['app.example.com'])).toBe(true);
    expect(hostAccepted(url, ['*.example.com'])).toBe(true);
    expect(hostAccepted(url, ['app.example.com:443'])).toBe(false);
    expect(hostAccepted(new URL('https://app.example.com:8443/c'), ['app.example.com:8443'])).toBe(true);
    expect(hostAccepted(url, ['example.com', 'other.example.com', '*.app.example.com'])).toBe(false);
    expect(hostAccepted(new URL('https://evil-example.com/c'), ['*.example.com'])).toBe(false);
  });

  it('let only exact hosts past the SSRF guard', () => {
    expect(privateHostsAllowed(['*.corp.example', 'agents.corp.example', '127.0.0.1:9443'])).toEqual(['agents.corp.example', '127.0.0.1:9443']);
  });
});

describe('a fetched document', () => {
  it('is a public client with its redirect URIs, name and the code grant', () => {
    expect(documentRegistration(DOCUMENT, URL_ID)).toMatchObject({ name: 'Example Agent', redirectUris: DOCUMENT.redirect_uris, authMethod: 'none', grantTypes: ['authorization_code', 'refresh_token'] });
  });

  it('may instead prove itself with a key whose public half it gives (private_key_jwt), by URL or inline', () => {
    const jwksUri = 'https://app.example.com/oauth/jwks.json';
    expect(documentRegistration({ ...DOCUMENT, token_endpoint_auth_method: 'private_key_jwt', jwks_uri: jwksUri }, URL_ID)).toMatchObject({ authMethod: 'private_key_jwt', jwksUri, jwks: null });
    const { jwk } = clientKeyPair('ec');
    expect(documentRegistration({ ...DOCUMENT, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] } }, URL_ID)).toMatchObject({ authMethod: 'private_key_jwt', jwksUri: null, jwks: [jwk] });
    // Keys beside another method are not kept: they would prove nothing.
    expect(documentRegistration({ ...DOCUMENT, jwks_uri: jwksUri }, URL_ID)).toMatchObject({ authMethod: 'none', jwksUri: null, jwks: null });
  });

  it.each([
    [null, 'not a JSON object'],
    [[DOCUMENT], 'not a JSON object'],
    ['text', 'not a JSON object'],
    [{ ...DOCUMENT, client_id: 'https://other.example.com/client.json' }, 'client_id'],
    [{ ...DOCUMENT, client_id: `${URL_ID}/` }, 'client_id'],
    [(({ client_id: _, ...rest }) => rest)(DOCUMENT), 'client_id'],
    [{ ...DOCUMENT, client_secret: 's3cret' }, 'client_secret'],
    [{ ...DOCUMENT, client_secret_expires_at: 0 }, 'client_secret_expires_at'],
    [{ ...DOCUMENT, token_endpoint_auth_method: 'client_secret_basic' }, 'token_endpoint_auth_method'],
    [{ ...DOCUMENT, token_endpoint_auth_method: 'private_key_jwt' }, 'jwks_uri or jwks'],
    [{ ...DOCUMENT, token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'http://app.example.com/jwks.json' }, 'jwks_uri must be an https URL'],
    [{ ...DOCUMENT, redirect_uris: [] }, 'redirect_uris'],
    [{ ...DOCUMENT, redirect_uris: ['javascript:alert(1)'] }, 'scheme'],
    [{ ...DOCUMENT, redirect_uris: ['http://app.example.com/cb'] }, 'http is allowed only'],
    [{ ...DOCUMENT, grant_types: ['client_credentials'] }, 'grant_types'],
  ])('is refused: %j', (document, problem) => {
    expect(refusal(() => documentRegistration(document, URL_ID))).toContain(problem);
  });
});

describe('how long a document is kept', () => {
  const now = Date.UTC(2026, 11, 6);
  const kept = (cacheControl?: string): number => (freshUntil(cacheControl, now).getTime() - now) / 1000;

  it('follows max-age between five minutes and a day, an hour without one', () => {
    expect(kept('public, max-age=7200')).toBe(7200);
    expect(kept('max-age="600"')).toBe(600);
    expect(kept('max-age=10')).toBe(300);
    expect(kept('max-age=9999999')).toBe(86_400);
    expect(kept(undefined)).toBe(3600);
    expect(kept('s-maxage=60')).toBe(3600);
  });

  it('is the least time when the document says not to store it', () => {
    expect(kept('no-store')).toBe(300);
    expect(kept('no-cache, max-age=7200')).toBe(300);
  });
});
