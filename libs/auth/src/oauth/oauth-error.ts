import { traceIdOf } from '@app/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'invalid_redirect_uri'
  | 'invalid_client_metadata'
  | 'access_denied'
  | 'temporarily_unavailable';

/** An error the OAuth endpoints answer in RFC 6749's shape (which is also the envelope's). */
export class OAuthError extends Error {
  constructor(
    readonly code: OAuthErrorCode,
    readonly description: string,
    readonly status = code === 'invalid_client' ? 401 : code === 'access_denied' ? 403 : code === 'temporarily_unavailable' ? 503 : 400,
  ) {
    super(description);
    this.name = 'OAuthError';
  }
}

/**
 * `{error, error_description}` for OAuth clients, with the envelope's message, timestamp and ids
 * beside them: one body that both an RFC 6749 client and an envelope reader understand.
 */
export function sendOAuthError(reply: FastifyReply, request: FastifyRequest, error: OAuthError): void {
  const headers: Record<string, string> = { 'cache-control': 'no-store', pragma: 'no-cache' };
  if (error.status === 401) headers['www-authenticate'] = 'Basic realm="oauth"';
  void reply
    .status(error.status)
    .headers(headers)
    .type('application/json; charset=utf-8')
    .send({
      error: error.code,
      error_description: error.description,
      message: error.description,
      timestamp: new Date().toISOString(),
      requestId: String(request.id),
      traceId: traceIdOf(request),
    });
}
