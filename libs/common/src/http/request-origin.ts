import type { FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { validTraceparent } from './request-id';

/** Who is calling from where: what every door hands to services for audit and sessions. */
export interface RequestOrigin {
  readonly ipAddress?: string;
  readonly userAgent?: string;
  readonly requestId?: string;
  /** The caller's W3C trace context, when it sent a valid one: what the gateway does for it continues that trace. */
  readonly traceparent?: string;
  /** The API key the caller authenticated with (none for a sign-in's token): which key did what, in the audit log. */
  readonly apiKeyId?: string;
}

const API_KEY = Symbol('apiKeyId');

/** Marks a request as made with this API key; whoever authenticates it says so, and its origin carries it. */
export function noteApiKey(request: object, apiKeyId: string): void {
  (request as Record<symbol, string>)[API_KEY] = apiKeyId;
}

export function originOf(request: FastifyRequest): RequestOrigin {
  const userAgent = request.headers['user-agent'];
  const traceparent = request.headers.traceparent;
  return {
    ipAddress: request.ip,
    userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : undefined,
    requestId: String(request.id),
    traceparent: traceparent === undefined ? undefined : validTraceparent(traceparent),
    apiKeyId: (request as unknown as Record<symbol, string | undefined>)[API_KEY],
  };
}

/**
 * The client's address on a request Fastify never saw (a WebSocket upgrade), as `request.ip` would
 * give it: behind a trusted proxy, the first `X-Forwarded-For` entry; else the socket's peer.
 */
export function clientAddressOf(request: IncomingMessage, trustProxy: boolean): string | undefined {
  const forwarded = trustProxy ? request.headers['x-forwarded-for'] : undefined;
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  return first && isIP(first) !== 0 ? first : request.socket.remoteAddress;
}
