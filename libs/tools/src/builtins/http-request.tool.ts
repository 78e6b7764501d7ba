import { ApiError } from '@app/common';
import { request as httpRequest, type IncomingMessage, validateHeaderName, validateHeaderValue } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { type ToolDefinition, ToolFailure } from '../tool.types';
import { type Destination, pinnedRequestOptions, type SsrfGuard } from '@app/security';

const MAX_REDIRECTS = 5;
const MAX_TIMEOUT_MS = 60_000;
const DROPPED_RESPONSE_HEADERS = new Set(['set-cookie', 'set-cookie2']);

interface HttpInput {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeout?: number;
  maxResponseBytes?: number;
}

interface HttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly bytes: number;
  readonly location?: string;
}

/** One exchange with an already-checked destination, connecting to its pinned address. */
function exchange(destination: Destination, headers: Record<string, string>, method: string, body: string | undefined, limit: number, signal: AbortSignal): Promise<HttpAnswer> {
  const { url } = destination;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send({ ...pinnedRequestOptions(destination, method, { ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) }), signal });
    req.on('error', (error: NodeJS.ErrnoException) => reject(signal.aborted ? signal.reason : new ToolFailure('CONNECTION_FAILED', `${url.host}: ${error.code ?? error.message}`)));
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > limit) {
          req.destroy();
          reject(new ToolFailure('RESPONSE_TOO_LARGE', `response is larger than ${limit} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) {
          if (!DROPPED_RESPONSE_HEADERS.has(name) && value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
        }
        resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8'), bytes, location: res.headers.location });
      });
      res.on('error', (error) => reject(signal.aborted ? signal.reason : new ToolFailure('CONNECTION_FAILED', error.message)));
    });
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** node:http throws on a bad header name or value; we refuse it as input, before any DNS or connection. */
// Framing and connection headers are the tool's to set: a caller's Content-Length without a body
// made the exchange wait for its timeout, and Host would address another site on the pinned IP.
const RESERVED_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer', 'expect', 'proxy-connection']);

function assertValidHeaders(headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) {
    if (RESERVED_HEADERS.has(name.toLowerCase())) {
      throw ApiError.validation(`Header ${name} is set by the tool`, [{ field: `headers.${name}`, message: 'framing and connection headers are set by the tool', code: 'INVALID_VALUE' }]);
    }
    try {
      validateHeaderName(name);
      validateHeaderValue(name, value);
    } catch {
      // Quoted, so a CR/LF in the name cannot forge lines in the envelope or the logs; the value may be a secret.
      const shown = JSON.stringify(name).slice(0, 100);
      const field = /^[\w-]+$/.test(name) ? `headers.${name}` : `headers[${shown}]`;
      throw ApiError.validation(`Header ${shown} has an invalid name or value`, [{ field, message: 'header names must be HTTP tokens and values must not contain control or non-Latin-1 characters', code: 'INVALID_FORMAT' }]);
    }
  }
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
