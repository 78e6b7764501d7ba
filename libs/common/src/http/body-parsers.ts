import type { FastifyInstance } from 'fastify';
import { parse as parseJson } from 'secure-json-parse';
import { API_VERSIONS, VENDOR_MEDIA_TYPE } from './api-version';

// What secure-json-parse throws for a refused key; broken text throws JSON.parse's own SyntaxError.
const PROTOTYPE_REFUSAL = 'Object contains forbidden prototype property';

type ClientError = Error & { statusCode: number };

function clientError(message: string): ClientError {
  return Object.assign(new Error(message), { statusCode: 400 });
}

/** Form fields as Nest's own parser gives them: a repeated field becomes an array. */
function formFields(text: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const [name, value] of new URLSearchParams(text)) {
    const known = fields[name];
    fields[name] = known === undefined ? value : Array.isArray(known) ? [...known, value] : [known, value];
  }
  return fields;
}

/**
 * The body parsers, installed in place of Nest's (the app is created with `bodyParser: false`).
 * Fastify's JSON parser answers "not valid JSON" both for broken text and for valid JSON with a
 * `__proto__` or `constructor.prototype` key (refused against prototype poisoning). This one keeps
 * the two apart, so a client learns which it sent: the exception filter maps each to its answer.
 * Forms are parsed for SAML's POST binding.
 */
export function installBodyParsers(fastify: FastifyInstance): void {
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => done(null, formFields(body as string)));
  fastify.removeContentTypeParser('application/json');
  // A body may name the API's version as its type (the seed's negotiation), or be a JSON Merge
  // Patch (RFC 7396, for PATCH); it is JSON all the same.
  fastify.addContentTypeParser(['application/json', 'application/merge-patch+json', ...API_VERSIONS.map(VENDOR_MEDIA_TYPE)], { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (text.length === 0) return done(clientError(`Body cannot be empty when content-type is set to '${request.headers['content-type']}'`), undefined);
    try {
      done(null, parseJson(text, null, { protoAction: 'error', constructorAction: 'error' }));
    } catch (error) {
      done(clientError(error instanceof Error && error.message === PROTOTYPE_REFUSAL ? PROTOTYPE_REFUSAL : 'Body is not valid JSON'), undefined);
    }
  });
}
