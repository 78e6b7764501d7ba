import type { ToolExecution } from '@app/contracts';
import { type LoggedInUser, registerAndLoginAs, useTestApp } from '@app/testing';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Answer = ToolExecution & { error: string | { code: string }; message: string };

interface Receiver {
  server: Server;
  port: number;
  seen: Array<{ path: string; headers: IncomingHttpHeaders; body: string }>;
}

async function receiver(): Promise<Receiver> {
  const seen: Receiver['seen'] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://x');
      seen.push({ path: url.pathname, headers: request.headers, body });
      if (url.pathname === '/redirect') return void response.writeHead(302, { location: url.searchParams.get('to') ?? '/' }).end();
      if (url.pathname === '/loop') return void response.writeHead(302, { location: '/loop' }).end();
      if (url.pathname === '/no-location') return void response.writeHead(302).end('nowhere');
      if (url.pathname === '/slow') return void setTimeout(() => response.end('late'), 3_000);
      if (url.pathname === '/big') return void response.end('x'.repeat(100_000));
      response.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'session=should-not-leak' }).end(JSON.stringify({ method: request.method, path: url.pathname, body }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, seen };
}

/** http_request reaches what it should and nothing on this host's network that it should not. */
describe('http_request tool and its SSRF guard', () => {
  const env: Record<string, string> = {};
  let first: Receiver;
  let second: Receiver;

  beforeAll(async () => {
    first = await receiver();
    second = await receiver();
    // Local receivers are private addresses: allow-listed explicitly, by port.
    env.HTTP_TOOL_ALLOWLIST = `127.0.0.1:${first.port},127.0.0.1:${second.port}`;
  });

  const t = useTestApp(env);
  let developer: LoggedInUser;

  beforeAll(async () => {
    developer = await registerAndLoginAs(t, ['developer']);
  });

  afterAll(async () => {
    for (const r of [first, second]) {
      r?.server.closeAllConnections();
      await new Promise((resolve) => r?.server.close(resolve));
    }
  });

  const http = (parameters: Record<string, unknown>) => t.client.call<Answer>('executeTool', { headers: developer.auth, params: { id: 'http_request' }, body: { parameters } });
  const base = () => `http://127.0.0.1:${first.port}`;

  it('GETs and POSTs an allow-listed receiver, without passing Set-Cookie back', async () => {
    const get = await http({ method: 'GET', url: `${base()}/hello` });
    expect(get.body).toMatchObject({ status: 'completed', result: { success: true, status: 200, body: '{"method":"GET","path":"/hello","body":""}' } });
    expect(JSON.stringify(get.body.result)).not.toContain('should-not-leak');
    const post = await http({ method: 'POST', url: `${base()}/data`, headers: { 'content-type': 'text/plain', 'x-trace': 'abc' }, body: 'payload' });
    expect(post.body.result).toMatchObject({ status: 200, body: '{"method":"POST","path":"/data","body":"payload"}' });
    expect(first.seen.at(-1)?.headers['x-trace']).toBe('abc');
  });

  it('follows allowed redirects and drops credentials across origins', async () => {
    const same = await http({ method: 'GET', url: `${base()}/redirect?to=/landing` });
    expect(same.body.result).toMatchObject({ status: 200, metadata: { redirects: 1 } });
    const cross = await http({ method: 'GET', url: `${base()}/redirect?to=http://127.0.0.1:${second.port}/other`, headers: { authorization: 'Bearer upstream-token', 'x-keep': '1' } });
    expect(cross.body.result).toMatchObject({ status: 200, metadata: { redirects: 1 } });
    const arrived = second.seen.at(-1);
    expect(arrived?.path).toBe('/other');
    expect(arrived?.headers.authorization).toBeUndefined();
    expect(arrived?.headers['x-keep']).toBe('1');
  });

  it('caps the response size and honours its own timeout', async () => {
    expect((await http({ method: 'GET', url: `${base()}/big`, maxResponseBytes: 1000 })).body).toMatchObject({ status: 'failed', error: { code: 'RESPONSE_TOO_LARGE' } });
    expect((await http({ method: 'GET', url: `${base()}/slow`, timeout: 200 })).body).toMatchObject({ status: 'failed', error: { code: 'TIMEOUT' } });
  });

  const hostile = (): string[] => [
    'http://127.0.0.1:1/',
    `http://127.0.0.1:${first.port + 10_000 > 65535 ? 1 : first.port + 10_000}/`,
    'http://localhost/',
    'http://[::1]/',
    'http://0.0.0.0/',
    'http://[::]/',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.1/',
    'http://172.16.0.1/',
    'http://192.168.1.1/',
    'http://100.64.0.1/',
    'http://224.0.0.1/',
    'http://2130706433/',
    'http://0x7f000001/',
    'http://0177.0.0.1/',
    'http://127.1/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:a9fe:a9fe]/',
    'http://[fe80::1]/',
    // IPv4-compatible and IPv4-translated IPv6: the allow-listed 127.0.0.1:port is not reachable this way.
    `http://[::127.0.0.1]:${first.port}/`,
    `http://[::7f00:1]:${first.port}/`,
    `http://[::ffff:0:127.0.0.1]:${first.port}/`,
    `http://[0:0:0:0:0:0:127.0.0.1]:${first.port}/`,
    'http://[::169.254.169.254]/latest/meta-data/',
    'http://[::a9fe:a9fe]/',
    'http://[::ffff:0:a9fe:a9fe]/',
    'http://[64:ff9b::a9fe:a9fe]/',
    `${base()}/redirect?to=${encodeURIComponent(`http://[::127.0.0.1]:${second.port}/other`)}`,
    `${base()}/redirect?to=${encodeURIComponent('http://[::ffff:0:a9fe:a9fe]/latest/meta-data/')}`,
    'http://[fc00::1]/',
    'file:///etc/passwd',
    'gopher://127.0.0.1:25/_HELO',
    'ftp://127.0.0.1/',
    'http://metadata.google.internal/computeMetadata/v1/',
    `http://127.0.0.1:${first.port}@169.254.169.254/`,
    `http://169.254.169.254#@127.0.0.1:${first.port}/`,
    `${base()}/redirect?to=http://10.0.0.1/admin`,
    `${base()}/redirect?to=http://169.254.169.254/latest/meta-data/iam/`,
    `${base()}/redirect?to=file:///etc/passwd`,
  ];

  it('refuses more than twenty hostile destinations with 403, before connecting', async () => {
    const urls = hostile();
    expect(urls.length).toBeGreaterThanOrEqual(20);
    for (const url of urls) {
      const before = first.seen.length;
      const response = await http({ method: 'GET', url });
      expect(response.status, url).toBe(403);
      expect(response.body.error, url).toBe('FORBIDDEN');
      expect(response.body.message, url).toMatch(/^Destination not allowed/);
      // Only the redirecting hop itself may have reached the allow-listed receiver.
      expect(first.seen.length - before, url).toBeLessThanOrEqual(url.includes('/redirect') ? 1 : 0);
    }
  });

  const badHeaders: Array<Record<string, string>> = [{ 'x-a': 'b\r\nX: y' }, { 'a b': 'c' }, { '': 'x' }, { 'x-a': 'ü€' }, { 'x-a': 'nul\u0000' }, { 'x\r\ny': 'z' }, { 'x:y': 'z' }];

  it.each(badHeaders)('refuses the header %o with 400 naming it, before DNS or any connection', async (headers) => {
    const [name] = Object.keys(headers);
    const before = first.seen.length;
    // An allow-listed receiver (it must see nothing) and a name that does not resolve (403 if DNS came first).
    for (const url of [`${base()}/hello`, 'http://no-such-host.invalid/']) {
      const response = await http({ method: 'GET', url, headers: { accept: 'text/plain', ...headers }, timeout: 3000 });
      expect(response.status, url).toBe(400);
      expect(response.body.error, url).toBe('VALIDATION_ERROR');
      expect(response.body.message, url).toContain(JSON.stringify(name));
      expect((response.body as unknown as { details: Array<{ field: string }> }).details[0].field, url).toContain('headers');
    }
    expect(first.seen.length).toBe(before);
  });

  it.each(['Content-Length', 'transfer-encoding', 'Host', 'connection', 'upgrade'])('refuses the framing header %s: the tool sets those', async (name) => {
    const before = first.seen.length;
    const response = await http({ method: 'GET', url: `${base()}/hello`, headers: { [name]: name.toLowerCase() === 'content-length' ? '5' : 'x' }, timeout: 3000 });
    expect([response.status, response.body.error]).toEqual([400, 'VALIDATION_ERROR']);
    expect((response.body as unknown as { details: Array<{ field: string }> }).details[0].field).toBe(`headers.${name}`);
    expect(first.seen.length).toBe(before);
  });

  it('still sends headers that are valid, Latin-1 included', async () => {
    const ok = await http({ method: 'GET', url: `${base()}/hello`, headers: { 'x-latin': 'caf\u00e9', "x-token!#$%&'*+.^_`|~": 'v' } });
    expect(ok.body).toMatchObject({ status: 'completed', result: { status: 200 } });
    expect(first.seen.at(-1)?.headers["x-token!#$%&'*+.^_`|~"]).toBe('v');
  });

  it.each(['http://[::1', 'http://127.0.0.1:99999/', 'http://exa mple.com/', '//'])('a redirect to the invalid Location %s fails the run cleanly', async (location) => {
    const response = await http({ method: 'GET', url: `${base()}/redirect?to=${encodeURIComponent(location)}` });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'failed', error: { code: 'INVALID_REDIRECT' } });
  });

  it('ends cleanly on a redirect loop, a redirect without Location and one to another scheme', async () => {
    const before = first.seen.length;
    expect((await http({ method: 'GET', url: `${base()}/loop` })).body).toMatchObject({ status: 'failed', error: { code: 'TOO_MANY_REDIRECTS' } });
    // The first request and five redirects, then it stops.
    expect(first.seen.length - before).toBe(6);
    const bare = await http({ method: 'GET', url: `${base()}/no-location` });
    expect(bare.body).toMatchObject({ status: 'completed', result: { status: 302, body: 'nowhere', metadata: { redirects: 0 } } });
    const gopher = await http({ method: 'GET', url: `${base()}/redirect?to=${encodeURIComponent('gopher://127.0.0.1:70/')}` });
    expect([gopher.status, gopher.body.error]).toEqual([403, 'FORBIDDEN']);
  });

  it('refuses a malformed URL with 400 and a missing permission with 403', async () => {
    expect((await http({ method: 'GET', url: 'not a url' })).status).toBe(400);
    const user = await registerAndLoginAs(t, ['user']);
    const denied = await t.client.call<Answer>('executeTool', { headers: user.auth, params: { id: 'http_request' }, body: { parameters: { method: 'GET', url: `${base()}/hello` } } });
    expect(denied.status).toBe(403);
  });
});
