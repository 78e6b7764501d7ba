import type { FastifyRequest } from 'fastify';

/** Who is calling from where: what every door hands to services for audit and sessions. */
export interface RequestOrigin {
  readonly ipAddress?: string;
  readonly userAgent?: string;
  readonly requestId?: string;
}

export function originOf(request: FastifyRequest): RequestOrigin {
  const userAgent = request.headers['user-agent'];
  return { ipAddress: request.ip, userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : undefined, requestId: String(request.id) };
}
