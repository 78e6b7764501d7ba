import type { FastifyRequest } from 'fastify';
import { validTraceparent } from './request-id';

/** Who is calling from where: what every door hands to services for audit and sessions. */
export interface RequestOrigin {
  readonly ipAddress?: string;
  readonly userAgent?: string;
  readonly requestId?: string;
  /** The caller's W3C trace context, when it sent a valid one: what the gateway does for it continues that trace. */
  readonly traceparent?: string;
}

export function originOf(request: FastifyRequest): RequestOrigin {
  const userAgent = request.headers['user-agent'];
  const traceparent = request.headers.traceparent;
  return {
    ipAddress: request.ip,
    userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : undefined,
    requestId: String(request.id),
    traceparent: traceparent === undefined ? undefined : validTraceparent(traceparent),
  };
}
