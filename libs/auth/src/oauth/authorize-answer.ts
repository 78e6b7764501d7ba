import type { FastifyReply, FastifyRequest } from 'fastify';
import { OAuthError, sendOAuthError } from './oauth-error';
import type { AuthorizeOutcome } from './oauth.service';

export const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

/** The sign-in page may not be framed (clickjacking) and its form goes only here and to the client. */
function pageHeaders(formTargets: readonly string[] = []): Record<string, string> {
  const formAction = [`'self'`, ...formTargets].join(' ');
  return {
    ...NO_STORE,
    'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
  };
}

function acceptsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept;
  return typeof accept === 'string' && accept.includes('text/html');
}

/** A redirect, or the page for a browser; a client that does not take HTML gets a refusal as JSON. */
export async function answerAuthorize(request: FastifyRequest, reply: FastifyReply, outcome: AuthorizeOutcome): Promise<void> {
  if (outcome.cookies) void reply.header('set-cookie', [...outcome.cookies]);
  if (outcome.kind === 'redirect') {
    await reply.status(outcome.status).headers(NO_STORE).header('location', outcome.location).send();
    return;
  }
  if (outcome.status >= 400 && !acceptsHtml(request)) {
    const code = outcome.status === 400 ? 'invalid_request' : 'access_denied';
    sendOAuthError(reply, request, new OAuthError(code, outcome.problem ?? 'The request was refused', outcome.status));
    return;
  }
  await reply.status(outcome.status).headers(pageHeaders(outcome.formTargets)).type('text/html; charset=utf-8').send(outcome.html);
}
