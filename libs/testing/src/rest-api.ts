import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The JWT-shaped token /redirect-with-token puts in its location. */
export const REDIRECT_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJnYXRld2F5LXRlc3QifQ.c2lnbmF0dXJlLW9mLXRoZS10ZXN0LXRva2Vu';

export interface RestApiRequest {
  readonly method: string;
  /** The path and query exactly as they arrived, percent-encoding kept. */
  readonly rawUrl: string;
  readonly path: string;
  readonly query: Record<string, string[]>;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface RestApi {
  readonly url: string;
  readonly requests: RestApiRequest[];
  /** While set, a request without exactly this Authorization gets 401 (as an API that rotated its tokens). */
  requireAuthorization(value: string | undefined): void;
  close(): Promise<void>;
}

/**
 * A real REST API on 127.0.0.1 for tests of HTTP tools. It answers every request with what it
 * received as JSON, except on these paths: `/status/<code>` (that status, a JSON problem),
 * `/flaky/<n>/<key>` (503 with Retry-After to the first n requests with that key, then 200), `/redirect` (302), `/slow` (after 3 s), `/big` (100,000 bytes), `/huge` (a 1.2 MB JSON document), `/deep/<n>` (a JSON object nested n deep), `/text` (plain text) and
 * `/echo-authorization` (the Authorization header it got, as an API that reflects it would).
 * Every path answers 401 to a request without the Authorization it is told to require.
 */
export async function startRestApi(): Promise<RestApi> {
  const requests: RestApiRequest[] = [];
  let required: string | undefined;
  const flakyCounts = new Map<string, number>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const rawUrl = request.url ?? '/';
      const parsed = new URL(rawUrl, 'http://api.test');
      const query: Record<string, string[]> = {};
      for (const [name, value] of parsed.searchParams) (query[name] ??= []).push(value);
      const seen: RestApiRequest = { method: request.method ?? '', rawUrl, path: parsed.pathname, query, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(seen);
      const json = (status: number, value: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      if (required !== undefined && request.headers.authorization !== required) return void json(401, { title: 'unauthorized' });
      const flaky = /^\/flaky\/(\d{1,3})\/([\w-]{1,40})$/.exec(parsed.pathname);
      if (flaky) {
        const seen = (flakyCounts.get(flaky[2]) ?? 0) + 1;
        flakyCounts.set(flaky[2], seen);
        if (seen <= Number(flaky[1])) return void response.writeHead(503, { 'content-type': 'application/json', 'retry-after': '0' }).end(JSON.stringify({ title: 'try again', attempt: seen }));
        return void json(200, { attempt: seen });
      }
      const status = /^\/status\/(\d{3})$/.exec(parsed.pathname);
      if (status) return void json(Number(status[1]), { title: 'refused', status: Number(status[1]) });
      if (parsed.pathname === '/redirect') return void response.writeHead(302, { location: 'http://elsewhere.test/' }).end();
      // A redirect whose location carries a token (a JWT), as an OAuth callback's may.
      if (parsed.pathname === '/redirect-with-token') return void response.writeHead(302, { location: `http://elsewhere.test/cb?access_token=${REDIRECT_TOKEN}` }).end();
      if (parsed.pathname === '/slow') return void setTimeout(() => json(200, { late: true }), 3_000);
      if (parsed.pathname === '/big') return void response.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(100_000));
      if (parsed.pathname === '/huge') return void json(200, { rows: 'x'.repeat(1_200_000) });
      if (parsed.pathname === '/text') return void response.writeHead(200, { 'content-type': 'text/plain' }).end('plain words');
      // Written as text: JSON.stringify itself cannot go that deep.
      const deep = /^\/deep\/(\d{1,6})$/.exec(parsed.pathname);
      if (deep) return void response.writeHead(200, { 'content-type': 'application/json' }).end(`${'{"a":'.repeat(Number(deep[1]))}1${'}'.repeat(Number(deep[1]))}`);
      if (parsed.pathname === '/echo-authorization') return void json(200, { youSent: request.headers.authorization ?? null });
      json(200, { method: seen.method, path: seen.path, query, body: parsedBody(seen.body) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    requireAuthorization: (value) => {
      required = value;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function parsedBody(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
