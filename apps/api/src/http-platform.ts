import { API_VERSIONS, ApiError, NEGOTIATED_VERSION, sendError, VENDOR_MEDIA_TYPE, versionAsked } from '@app/common';
import type { MetricsService } from '@app/health';
import { userOf } from '@app/security';
import type { SessionActivity } from '@app/sessions';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';

export const API_PREFIX = '/api/v1';
const ROOT_OPERATIONS = new Set(['/health', '/health/detailed', '/ready', '/metrics']);
const SWAGGER_UI = /^\/api\/docs(\/|$|\?)/;

/**
 * `/api/...` is an alias of `/api/v1/...`, and the operations endpoints also answer at the root:
 * one set of routes, reached by rewriting the URL before routing.
 */
export function aliasRoutes(request: IncomingMessage): string {
  const url = request.url ?? '/';
  if (url.startsWith(`${API_PREFIX}/`) || url === API_PREFIX) return url;
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  if (ROOT_OPERATIONS.has(path)) return `${API_PREFIX}${url}`;
  if (url.startsWith('/api/') && !SWAGGER_UI.test(url)) return `${API_PREFIX}${url.slice(4)}`;
  return url;
}

function isFormBody(request: FastifyRequest): boolean {
  const type = request.headers['content-type'];
  return typeof type === 'string' && type.toLowerCase().startsWith('application/x-www-form-urlencoded');
}

export interface RouteRecord {
  readonly method: string;
  readonly url: string;
}

/** Cross-cutting HTTP hooks that sit below Nest: request id and security headers, content types, metrics, access log. */
export function installHttpHooks(fastify: FastifyInstance, metrics: MetricsService, activity: SessionActivity, logger: Logger, headers: Readonly<Record<string, string>>): void {
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    void reply.header('x-request-id', request.id).headers(headers);
    done();
  });

  // Only routes that opt in (SAML's form POST) take form bodies; everything else speaks JSON.
  fastify.addHook('preValidation', (request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void) => {
    const config = request.routeOptions.config as { acceptsForm?: boolean } | undefined;
    if (isFormBody(request) && !config?.acceptsForm) {
      done(new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', `Unsupported content type '${request.headers['content-type']}'; send application/json`));
      return;
    }
    done();
  });

  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const route = request.routeOptions.url;
    metrics.observeRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    const sessionId = userOf(request)?.sessionId;
    if (sessionId) activity.exchange(sessionId, reply.statusCode >= 400);
    if (logger.isLevelEnabled('info')) {
      logger.info(
        { requestId: request.id, method: request.method, route: route ?? null, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 100) / 100 },
        'request completed',
      );
    }
    done();
  });

  fastify.server.on('connection', (socket) => {
    metrics.connectionOpened();
    socket.once('close', () => metrics.connectionClosed());
  });
}

const ASKS_FOR_VERSION = /vnd\.secure-mcp\./i;

/**
 * The seed's version negotiation for the REST API: `Accept: application/vnd.secure-mcp.v1+json`
 * is answered in that media type, with `API-Version`; an Accept naming only versions this server
 * does not speak is 406. Any other Accept (or none) is left alone, at the cost of one test.
 * A 406 carries the CORS headers too (the e2e test checks it), so a browser can read it.
 */
export function installVersionNegotiation(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const accept = request.headers.accept;
    if (accept === undefined || !ASKS_FOR_VERSION.test(accept) || !request.url.startsWith(`${API_PREFIX}/`)) {
      done();
      return;
    }
    const asked = versionAsked(accept);
    void reply.header('vary', 'Accept');
    if (asked.kind === 'json') {
      done();
      return;
    }
    if (asked.kind === 'unsupported') {
      const served = API_VERSIONS.map(VENDOR_MEDIA_TYPE).join(', ');
      sendError(
        reply,
        request,
        new ApiError(406, 'NOT_ACCEPTABLE', `This server speaks version ${API_VERSIONS.join(', ')} of the API: accept ${served} or application/json`, {
          details: asked.versions.map((version) => ({ field: 'accept', message: `version ${version} is not served; ${served} is`, code: 'UNSUPPORTED_VERSION' })),
        }),
      );
      return;
    }
    (request as FastifyRequest & { [NEGOTIATED_VERSION]?: number })[NEGOTIATED_VERSION] = asked.version;
    // Set before the handler answers: a JSON answer keeps it (Fastify serializes any *json type); a stream or a page sets its own.
    void reply.header('api-version', String(asked.version)).type(VENDOR_MEDIA_TYPE(asked.version));
    done();
  });
}

/**
 * What a browser-based MCP client (the MCP Inspector, a web agent) fetches to sign its user in:
 * the discovery documents, registration and the token endpoint. None of them uses cookies, so any
 * origin may call them (no credentials). The authorization endpoint is a navigation, not a fetch.
 */
const OPEN_CORS_PATHS = new Set([
  '/.well-known/oauth-protected-resource',
  '/.well-known/oauth-authorization-server',
  '/.well-known/jwks.json',
  `${API_PREFIX}/oauth/register`,
  `${API_PREFIX}/oauth/token`,
  `${API_PREFIX}/oauth/revoke`,
]);

const API_EXPOSED_HEADERS = ['X-Request-ID', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset', 'Retry-After'];

function isOpenCorsPath(url: string): boolean {
  const query = url.indexOf('?');
  return OPEN_CORS_PATHS.has(query === -1 ? url : url.slice(0, query));
}

/** Any origin may fetch the OAuth paths above: the headers, and the answer to a preflight. */
export function installOpenCors(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    if (!isOpenCorsPath(request.url)) {
      done();
      return;
    }
    void reply.header('access-control-allow-origin', '*').header('access-control-expose-headers', 'WWW-Authenticate, X-Request-ID');
    if (request.method !== 'OPTIONS') {
      done();
      return;
    }
    void reply
      .status(204)
      .headers({ 'access-control-allow-methods': 'GET, POST, OPTIONS', 'access-control-allow-headers': 'Authorization, Content-Type, MCP-Protocol-Version', 'access-control-max-age': '600' })
      .send();
  });
}

/**
 * CORS_ORIGINS for the rest of the API (with credentials), as an options delegate of
 * @fastify/cors, which runs before installOpenCors's hook: it leaves the open paths to that hook.
 */
export function configuredCors(corsOrigins: readonly string[]): (request: FastifyRequest, callback: (error: Error | null, options: Readonly<Record<string, unknown>>) => void) => void {
  const api = { origin: [...corsOrigins], credentials: true, exposedHeaders: API_EXPOSED_HEADERS };
  const open = { origin: false };
  return (request, callback) => callback(null, isOpenCorsPath(request.url) ? open : api);
}

/** Records every route Fastify registers, for the contract test's route <-> spec comparison. */
export function recordRoutes(fastify: FastifyInstance): RouteRecord[] {
  const routes: RouteRecord[] = [];
  fastify.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method: String(method), url: route.url });
  });
  return routes;
}

/**
 * Headers every answer carries: no content sniffing (an answer is what its type says), never
 * framed (no clickjacking of Swagger UI or the sign-in pages), no Referer with tokens in a URL,
 * and HSTS when the public URL is https.
 */
export function securityHeaders(publicUrl: string): Readonly<Record<string, string>> {
  return {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    ...(publicUrl.startsWith('https:') ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
  };
}

/**
 * Once shutdown begins, a request that still arrives (on a keep-alive connection, or before the
 * listener closes) is answered 503 in the envelope, with its request id, and the connection is
 * closed; `/ready` answers its own 503 Readiness. Fastify's stock 503 had neither shape nor id.
 * Returns the switch that begins it.
 */
export function installShutdownGate(fastify: FastifyInstance): () => void {
  let closing = false;
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    // Routes are registered under the prefix; `/ready` at the root is rewritten to it.
    if (!closing || request.routeOptions.url === `${API_PREFIX}/ready`) {
      done();
      return;
    }
    void reply.header('connection', 'close');
    sendError(reply, request, ApiError.unavailable('The server is shutting down; try again shortly'));
  });
  return () => {
    closing = true;
  };
}
