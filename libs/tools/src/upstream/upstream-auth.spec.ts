import { afterEach, describe, expect, it, vi } from 'vitest';
import { UpstreamCredentials } from './upstream-auth';
import { authProblems } from './upstream-input-rules';

const OAUTH = { type: 'oauth2', tokenUrl: 'https://auth.example.com/token', clientId: 'id', clientSecret: 'secret' } as const;

/** A token endpoint that answers numbered tokens living `expiresIn` seconds, each after `delayMs`. */
function endpoint(expiresIn?: number, delayMs = 0) {
  let issued = 0;
  const fetchImpl = vi.fn(async () => {
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    issued++;
    return new Response(JSON.stringify({ access_token: `t${issued}`, token_type: 'bearer', ...(expiresIn ? { expires_in: expiresIn } : {}) }), { status: 200 });
  });
  return fetchImpl as unknown as typeof fetch & { mock: { calls: unknown[][] } };
}

describe('UpstreamCredentials', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends nothing for none, and an API key in its header after its prefix', async () => {
    expect(await new UpstreamCredentials(undefined).headers()).toEqual({});
    expect(await new UpstreamCredentials({ type: 'none' }).headers()).toEqual({});
    expect(await new UpstreamCredentials({ type: 'api_key', key: 'k', header: 'X-Api-Key', prefix: '' }).headers()).toEqual({ 'X-Api-Key': 'k' });
    expect(await new UpstreamCredentials({ type: 'api_key', key: 'k', header: 'Authorization', prefix: 'Bearer' }).headers()).toEqual({ Authorization: 'Bearer k' });
    expect(new UpstreamCredentials({ type: 'api_key', key: 'k', header: 'Authorization', prefix: 'Bearer' }).renewable).toBe(false);
  });

  it('fetches one token for requests that wait together, and keeps it until shortly before it expires', async () => {
    vi.useFakeTimers({ now: 0, toFake: ['Date'] });
    const fetchImpl = endpoint(3600);
    const credentials = new UpstreamCredentials(OAUTH, fetchImpl);
    expect(credentials.renewable).toBe(true);
    const answers = await Promise.all([credentials.headers(), credentials.headers(), credentials.headers()]);
    expect(answers).toEqual(Array(3).fill({ Authorization: 'Bearer t1' }));
    expect(fetchImpl.mock.calls).toHaveLength(1);
    // A minute before the hour is up, the next request fetches another.
    vi.setSystemTime(3_539_999);
    expect(await credentials.headers()).toEqual({ Authorization: 'Bearer t1' });
    vi.setSystemTime(3_540_000);
    expect(await credentials.headers()).toEqual({ Authorization: 'Bearer t2' });
    credentials.invalidate();
    expect(await credentials.headers()).toEqual({ Authorization: 'Bearer t3' });
  });

  it('authenticates to the token endpoint with Basic by default, or in the form with client_secret_post', async () => {
    const requestOf = async (auth: typeof OAUTH & { clientAuthMethod?: 'client_secret_basic' | 'client_secret_post' }) => {
      const fetchImpl = endpoint(3600);
      await new UpstreamCredentials({ ...auth, clientSecret: 's/+ e' }, fetchImpl).headers();
      const init = fetchImpl.mock.calls[0][1] as RequestInit;
      return { headers: init.headers as Record<string, string>, form: Object.fromEntries(new URLSearchParams(init.body as string)) };
    };
    const basic = await requestOf(OAUTH);
    expect(basic.headers.authorization).toBe(`Basic ${Buffer.from('id:s%2F%2B%20e').toString('base64')}`);
    expect(basic.form).toEqual({ grant_type: 'client_credentials' });
    const post = await requestOf({ ...OAUTH, clientAuthMethod: 'client_secret_post' });
    expect(post.headers.authorization).toBeUndefined();
    expect(post.form).toEqual({ grant_type: 'client_credentials', client_id: 'id', client_secret: 's/+ e' });
  });

  it('renews a short-lived token a tenth of its life early, and assumes five minutes without expires_in', async () => {
    vi.useFakeTimers({ now: 0, toFake: ['Date'] });
    const short = new UpstreamCredentials(OAUTH, endpoint(10));
    await short.headers();
    vi.setSystemTime(8_999);
    expect(await short.headers()).toEqual({ Authorization: 'Bearer t1' });
    vi.setSystemTime(9_000);
    expect(await short.headers()).toEqual({ Authorization: 'Bearer t2' });
    const unsaid = new UpstreamCredentials(OAUTH, endpoint(undefined));
    await unsaid.headers();
    vi.setSystemTime(9_000 + 270_000 - 1);
    expect(await unsaid.headers()).toEqual({ Authorization: 'Bearer t1' });
    vi.setSystemTime(9_000 + 270_000);
    expect(await unsaid.headers()).toEqual({ Authorization: 'Bearer t2' });
  });

  it('tells why a token endpoint gave none, and tries again on the next request', async () => {
    const answers = [new Response('<html>oops</html>', { status: 500 }), new Response(JSON.stringify({ access_token: 'ok', token_type: 'Bearer' }), { status: 200 })];
    const credentials = new UpstreamCredentials(OAUTH, (async () => answers.shift() as Response) as unknown as typeof fetch);
    await expect(credentials.headers()).rejects.toThrow('the token endpoint answered HTTP 500');
    expect(await credentials.headers()).toEqual({ Authorization: 'Bearer ok' });
    const huge = new UpstreamCredentials(OAUTH, (async () => new Response('x'.repeat(70_000), { status: 200 })) as unknown as typeof fetch);
    await expect(huge.headers()).rejects.toThrow('more than 64 KiB');
  });
});

describe('authProblems', () => {
  const http = { type: 'streamable-http' };
  const fields = (auth: Parameters<typeof authProblems>[0], transport: Parameters<typeof authProblems>[1] = http) => authProblems(auth, transport).map((problem) => problem.field);

  it('accepts what can work', () => {
    expect(fields(undefined)).toEqual([]);
    expect(fields({ type: 'none' }, { type: 'stdio' })).toEqual([]);
    expect(fields({ type: 'api_key', key: 'k' })).toEqual([]);
    expect(fields(OAUTH)).toEqual([]);
    expect(fields({ ...OAUTH, tokenUrl: 'http://127.0.0.1:9/token' })).toEqual([]);
    expect(fields({ ...OAUTH, tokenUrl: 'http://localhost/token' })).toEqual([]);
    expect(fields({ ...OAUTH, tokenUrl: 'http://[::1]:8080/token' })).toEqual([]);
    expect(fields({ type: 'api_key', key: 'k', header: 'X-Key' }, { type: 'sse', headers: { Authorization: 'x' } })).toEqual([]);
  });

  it('names what cannot', () => {
    expect(fields({ ...OAUTH, tokenUrl: 'http://10.0.0.1/token' })).toEqual(['auth.tokenUrl']);
    expect(fields({ ...OAUTH, tokenUrl: 'ftp://127.0.0.1/token' })).toEqual(['auth.tokenUrl']);
    expect(fields({ type: 'oauth2' })).toEqual(['auth.tokenUrl', 'auth.clientId', 'auth.clientSecret']);
    expect(fields({ type: 'api_key', key: 'k', clientId: 'c' })).toEqual(['auth.clientId']);
    expect(fields({ type: 'api_key', key: 'k' }, { type: 'stdio' })).toEqual(['auth.type']);
    expect(fields({ type: 'api_key', key: 'a\u0100' })).toEqual(['auth.key']);
    expect(fields(OAUTH, { type: 'websocket', headers: { AUTHORIZATION: 'x' } })).toEqual(['auth.type']);
    expect(fields({ type: 'api_key', key: 'k', header: 'x-key' }, { type: 'sse', headers: { 'X-Key': 'x' } })).toEqual(['auth.header']);
  });
});
