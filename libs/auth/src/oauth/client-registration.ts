import type { JsonWebKey } from 'node:crypto';
import { publicKeysOf } from './client-assertion';
import type { ClientAuthMethod, OAuthClientEntity } from './oauth-client.entity';
import { OAuthError } from './oauth-error';
import { hasControlCharacters, redirectUriProblem } from './redirect-uris';
import { parseScope } from './scopes';

const MAX_REDIRECT_URIS = 10;
const AUTH_METHODS: readonly ClientAuthMethod[] = ['none', 'client_secret_post', 'client_secret_basic', 'private_key_jwt'];
const GRANT_TYPES = ['authorization_code', 'refresh_token'];

const badMetadata = (description: string): OAuthError => new OAuthError('invalid_client_metadata', description);

function optionalText(body: Record<string, unknown>, field: string, maxLength: number): string | null {
  const value = body[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length > maxLength || hasControlCharacters(value)) throw badMetadata(`${field} must be a string of at most ${maxLength} printable characters`);
  return value.trim() === '' ? null : value.trim();
}

function stringList(body: Record<string, unknown>, field: string): string[] | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((item): item is string => typeof item === 'string')) throw badMetadata(`${field} must be an array of strings`);
  return value;
}

function redirectUrisOf(body: Record<string, unknown>): string[] {
  const uris = body.redirect_uris;
  if (!Array.isArray(uris) || uris.length === 0 || uris.length > MAX_REDIRECT_URIS) throw new OAuthError('invalid_redirect_uri', `redirect_uris must list 1 to ${MAX_REDIRECT_URIS} URIs`);
  return uris.map((uri: unknown, index) => {
    if (typeof uri !== 'string') throw new OAuthError('invalid_redirect_uri', `redirect_uris[${index}] must be a string`);
    const problem = redirectUriProblem(uri);
    if (problem) throw new OAuthError('invalid_redirect_uri', `redirect_uris[${index}] ${problem}`);
    return uri;
  });
}

function clientUriOf(body: Record<string, unknown>): string | null {
  const uri = optionalText(body, 'client_uri', 2000);
  if (uri === null) return null;
  try {
    if (new URL(uri).protocol === 'https:') return uri;
  } catch {
    // reported below
  }
  throw badMetadata('client_uri must be an https URL');
}

/** Where a private_key_jwt client's keys are: inline (`jwks`) or at an https URL (`jwks_uri`), one of the two. */
function keysOf(body: Record<string, unknown>, authMethod: ClientAuthMethod): { jwks: JsonWebKey[] | null; jwksUri: string | null } {
  if (authMethod !== 'private_key_jwt') return { jwks: null, jwksUri: null };
  const uri = optionalText(body, 'jwks_uri', 2000);
  const inline = body.jwks;
  if ((uri === null) === (inline === undefined || inline === null)) throw badMetadata('private_key_jwt needs the public keys: jwks_uri or jwks, one of the two');
  if (inline !== undefined && inline !== null) return { jwks: publicKeysOf(inline), jwksUri: null };
  let url: URL | undefined;
  try {
    url = new URL(uri as string);
  } catch {
    // reported below
  }
  if (!url || url.protocol !== 'https:' || url.username !== '' || url.password !== '' || url.hash !== '') throw badMetadata('jwks_uri must be an https URL without credentials or fragment');
  return { jwks: null, jwksUri: url.href };
}

/** What a client's metadata says of it, as stored. */
export type ClientRegistration = Omit<OAuthClientEntity, 'id' | 'secretHash' | 'registeredFrom' | 'lastUsedAt' | 'createdAt' | 'metadataUrl' | 'metadataExpiresAt'>;

interface RegistrationRules {
  /** The method of a client that names none. */
  readonly defaultAuthMethod: ClientAuthMethod;
  readonly authMethods: readonly ClientAuthMethod[];
}

// RFC 7591 §2: a client that names no method authenticates with a secret (client_secret_basic).
const REGISTRATION: RegistrationRules = { defaultAuthMethod: 'client_secret_basic', authMethods: AUTH_METHODS };

/** What a registration asks for, checked field by field (RFC 7591 §2); unknown fields are ignored. */
export function registrationOf(body: unknown, rules: RegistrationRules = REGISTRATION): ClientRegistration {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badMetadata('The body must be a JSON object of client metadata');
  const fields = body as Record<string, unknown>;
  const redirectUris = [...new Set(redirectUrisOf(fields))];
  const grantTypes = stringList(fields, 'grant_types') ?? [...GRANT_TYPES];
  if (!grantTypes.includes('authorization_code') || grantTypes.some((grant) => !GRANT_TYPES.includes(grant))) {
    throw badMetadata(`grant_types must include authorization_code and may add refresh_token; nothing else is offered`);
  }
  const responseTypes = stringList(fields, 'response_types') ?? ['code'];
  if (responseTypes.length === 0 || responseTypes.some((type) => type !== 'code')) throw badMetadata('response_types may only be ["code"]');
  const authMethod = fields.token_endpoint_auth_method ?? rules.defaultAuthMethod;
  if (typeof authMethod !== 'string' || !rules.authMethods.includes(authMethod as ClientAuthMethod)) throw badMetadata(`token_endpoint_auth_method must be one of ${rules.authMethods.join(', ')}`);
  const scopeText = optionalText(fields, 'scope', 2000);
  const scope = parseScope(scopeText ?? undefined);
  if (scope === undefined) throw badMetadata('scope must be space-separated scope tokens');
  return {
    name: optionalText(fields, 'client_name', 200),
    redirectUris,
    grantTypes: [...new Set(grantTypes)],
    authMethod: authMethod as ClientAuthMethod,
    ...keysOf(fields, authMethod as ClientAuthMethod),
    scope,
    clientUri: clientUriOf(fields),
    softwareId: optionalText(fields, 'software_id', 200),
    softwareVersion: optionalText(fields, 'software_version', 200),
  };
}
