import { type LoggedInUser, registerAndLogin, useTestApp } from '@app/testing';
import { beforeAll, describe, expect, it } from 'vitest';

const V1 = 'application/vnd.secure-mcp.v1+json';
const V2 = 'application/vnd.secure-mcp.v2+json';

/** The seed's version negotiation: `Accept: application/vnd.secure-mcp.v1+json`, spoken over real HTTP. */
describe('API version negotiation by media type', () => {
  const t = useTestApp({ CORS_ORIGINS: 'https://console.example.com' });
  let user: LoggedInUser;

  beforeAll(async () => {
    user = await registerAndLogin(t.client);
  });

  async function send(path: string, headers: Record<string, string>, init: { method?: string; body?: string } = {}) {
    const response = await fetch(`${t.baseUrl}${path}`, { method: init.method ?? 'GET', headers, body: init.body });
    const text = await response.text();
    return { status: response.status, type: response.headers.get('content-type') ?? '', version: response.headers.get('api-version'), vary: response.headers.get('vary'), cors: response.headers.get('access-control-allow-origin'), text, body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : undefined };
  }
  const bearer = () => ({ authorization: `Bearer ${user.accessToken}` });

  it('answers a request for version 1 in its media type, with the same body as JSON', async () => {
    const asked = await send('/api/v1/users/me', { ...bearer(), accept: V1 });
    expect(asked.status).toBe(200);
    expect(asked.type).toBe(`${V1}; charset=utf-8`);
    expect(asked.version).toBe('1');
    expect(asked.vary).toMatch(/accept/i);
    const plain = await send('/api/v1/users/me', bearer());
    expect(plain.type).toBe('application/json; charset=utf-8');
    expect(plain.version).toBeNull();
    expect(asked.body).toEqual(plain.body);
    // The unversioned alias, and an Accept listing several types, negotiate alike.
    expect((await send('/api/users/me', { ...bearer(), accept: `text/html, ${V1};q=0.9, */*;q=0.1` })).type).toBe(`${V1}; charset=utf-8`);
  });

  it('answers errors in the media type asked for, in the error envelope', async () => {
    const anonymous = await send('/api/v1/users/me', { accept: V1 });
    expect(anonymous.status).toBe(401);
    expect(anonymous.type).toBe(`${V1}; charset=utf-8`);
    expect(anonymous.body).toMatchObject({ error: 'UNAUTHORIZED', requestId: expect.any(String) });
    const invalid = await send('/api/v1/contexts', { ...bearer(), accept: V1, 'content-type': V1 }, { method: 'POST', body: JSON.stringify({ name: '' }) });
    expect(invalid.status).toBe(400);
    expect(invalid.type).toBe(`${V1}; charset=utf-8`);
    expect(invalid.body).toMatchObject({ error: 'VALIDATION_ERROR' });
  });

  it('takes a body sent as version 1, and refuses one sent as a version it does not speak', async () => {
    const created = await send('/api/v1/contexts', { ...bearer(), accept: V1, 'content-type': `${V1}; charset=utf-8` }, { method: 'POST', body: JSON.stringify({ name: 'versioned' }) });
    expect(created.status).toBe(201);
    expect(created.type).toBe(`${V1}; charset=utf-8`);
    expect(created.body).toMatchObject({ name: 'versioned' });
    const unknown = await send('/api/v1/contexts', { ...bearer(), 'content-type': V2 }, { method: 'POST', body: JSON.stringify({ name: 'future' }) });
    expect(unknown.status).toBe(415);
    expect(unknown.body).toMatchObject({ error: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('answers 406 to an Accept that names only versions it does not speak, before anything else runs', async () => {
    for (const accept of [V2, `${V2}, application/vnd.secure-mcp.v3+json`, `${V1};q=0, ${V2}`]) {
      const refused = await send('/api/v1/users/me', { accept });
      expect(refused.status, accept).toBe(406);
      expect(refused.type).toBe('application/json; charset=utf-8');
      expect(refused.body).toMatchObject({ error: 'NOT_ACCEPTABLE', message: expect.stringContaining(V1), details: expect.arrayContaining([expect.objectContaining({ field: 'accept', code: 'UNSUPPORTED_VERSION' })]) });
    }
    // A browser on an allowed origin can read it (CORS headers are on it).
    const fromBrowser = await send('/api/v1/users/me', { accept: V2, origin: 'https://console.example.com' });
    expect(fromBrowser.status).toBe(406);
    expect(fromBrowser.cors).toBe('https://console.example.com');
    // Anything JSON beside it is served as JSON.
    const fallback = await send('/api/v1/users/me', { ...bearer(), accept: `${V2}, application/json` });
    expect(fallback.status).toBe(200);
    expect(fallback.type).toBe('application/json; charset=utf-8');
  });

  it('leaves what is not the REST API, and answers that are not JSON, to their own types', async () => {
    const metrics = await send('/metrics', { accept: V1 });
    expect(metrics.status).toBe(200);
    expect(metrics.type).toMatch(/^text\/plain/);
    const resource = await send('/.well-known/oauth-protected-resource', { accept: V2 });
    expect(resource.status).toBe(200);
    expect(resource.type).toMatch(/^application\/json/);
    const spec = await send('/api/v1/openapi.yaml', { accept: V1 });
    expect(spec.status).toBe(200);
    expect(spec.type).toMatch(/yaml/);
  });
});
