import type { SsrfGuard } from '@app/security';
import { type ToolDefinition, ToolFailure } from '../tool.types';
import { assertValidHeaders, exchange, type HttpAnswer } from './http-exchange';

const MAX_REDIRECTS = 5;
const MAX_TIMEOUT_MS = 60_000;

interface HttpInput {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeout?: number;
  maxResponseBytes?: number;
}

/** Where a redirect leads; the receiver wrote the Location, so a broken one is its failure, not ours. */
function redirectTarget(location: string, base: URL): URL {
  try {
    return new URL(location, base);
  } catch {
    throw new ToolFailure('INVALID_REDIRECT', `the redirect's Location is not a valid URL: ${location.slice(0, 200)}`);
  }
}

function withoutCredentials(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !['authorization', 'cookie', 'proxy-authorization'].includes(name.toLowerCase())));
}

/** HTTP requests to the outside world, never to this host's network (SSRF guard on every hop). */
export function httpRequestTool(guard: SsrfGuard, maxResponseBytes: number): ToolDefinition {
  return {
    id: 'tool_http_request',
    name: 'http_request',
    description: 'HTTP GET/POST/PUT/DELETE to public addresses (private, loopback and metadata addresses are refused)',
    version: '1.0.0',
    category: 'data',
    source: 'builtin',
    permissions: ['execute:tools', 'network:http'],
    inputSchema: {
      type: 'object',
      required: ['method', 'url'],
      additionalProperties: false,
      properties: {
        method: { type: 'string', enum: ['GET', 'POST', 'PUT', 'DELETE'] },
        url: { type: 'string', minLength: 1, maxLength: 2048 },
        headers: { type: 'object', maxProperties: 50, additionalProperties: { type: 'string', maxLength: 8192 } },
        body: { type: 'string', maxLength: 1048576 },
        timeout: { type: 'integer', minimum: 1, maximum: MAX_TIMEOUT_MS },
        maxResponseBytes: { type: 'integer', minimum: 1, maximum: maxResponseBytes },
      },
    },
    outputSchema: { type: 'object', properties: { status: { type: 'integer' }, headers: { type: 'object' }, body: { type: 'string' } } },
    examples: [{ name: 'GET a page', input: { method: 'GET', url: 'https://example.com/' } }],
    async run(raw, { signal }) {
      const input = raw as unknown as HttpInput;
      const limit = input.maxResponseBytes ?? maxResponseBytes;
      const requestSignal = input.timeout ? AbortSignal.any([signal, AbortSignal.timeout(input.timeout)]) : signal;
      const started = performance.now();
      let method: string = input.method;
      let body = input.body;
      let headers = input.headers ?? {};
      assertValidHeaders(headers);
      let destination = await guard.check(input.url);
      for (let redirects = 0; ; redirects++) {
        let answer: HttpAnswer;
        try {
          answer = await exchange(destination, headers, method, body, limit, requestSignal);
        } catch (error) {
          if (requestSignal.aborted && !signal.aborted) throw new ToolFailure('TIMEOUT', `no answer within ${input.timeout} ms`);
          throw error;
        }
        const isRedirect = answer.status >= 300 && answer.status < 400 && answer.location !== undefined;
        if (!isRedirect) {
          return {
            success: answer.status < 400,
            status: answer.status,
            headers: answer.headers,
            body: answer.body,
            metadata: { url: destination.url.toString(), redirects, bytes: answer.bytes, durationMs: Math.round(performance.now() - started) },
          };
        }
        if (redirects >= MAX_REDIRECTS) throw new ToolFailure('TOO_MANY_REDIRECTS', `more than ${MAX_REDIRECTS} redirects`);
        // Every hop is checked again: a public site may redirect to a private address.
        const next = await guard.check(redirectTarget(answer.location as string, destination.url));
        // Credentials are for the origin they were given to, as browsers treat them.
        if (next.url.origin !== destination.url.origin) headers = withoutCredentials(headers);
        destination = next;
        if (answer.status === 303 || ((answer.status === 301 || answer.status === 302) && method === 'POST')) {
          method = 'GET';
          body = undefined;
        }
      }
    },
  };
}
