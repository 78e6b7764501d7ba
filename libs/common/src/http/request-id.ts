import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';

// A caller's id is echoed only when it is short and plain, so it is safe in logs and headers.
const SAFE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;
/** W3C Trace Context, version 00, ids not all zeros: trace id, parent span id, flags. */
export const VALID_TRACEPARENT = /^00-((?!0{32})[0-9a-f]{32})-((?!0{16})[0-9a-f]{16})-([0-9a-f]{2})$/;

/** A caller's traceparent as it sent it, when it is a valid one. */
export function validTraceparent(value: unknown): string | undefined {
  return typeof value === 'string' && VALID_TRACEPARENT.test(value) ? value : undefined;
}

/** Fastify's genReqId: echo a valid incoming X-Request-ID, else mint one. */
export function requestIdFor(request: IncomingMessage): string {
  const incoming = request.headers['x-request-id'];
  if (typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming)) return incoming;
  // A random UUID without its dashes (slices: a regex replace cost more than the UUID).
  const uuid = randomUUID();
  return `req_${uuid.slice(0, 8)}${uuid.slice(9, 13)}${uuid.slice(14, 18)}${uuid.slice(19, 23)}${uuid.slice(24)}`;
}

/** The W3C trace id of the request when the caller sent one, else a fresh one for this answer. */
export function traceIdOf(request: FastifyRequest): string {
  const header = request.headers.traceparent;
  const match = typeof header === 'string' ? TRACEPARENT.exec(header) : null;
  return match ? match[1] : randomBytes(16).toString('hex');
}
