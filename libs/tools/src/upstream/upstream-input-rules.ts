import { type ErrorDetail, isLoopbackHost } from '@app/common';

/**
 * A server name prefixes its tools as `<name>__<tool>`. Lower-case letters, digits, `-` and `_`, 1 to
 * 63 characters, starting with a letter or digit, with no `__` and no trailing `_`: then the first
 * `__` of a tool name always ends the server's name, and no server can publish another's names.
 */
export const SERVER_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]|_(?![_]|$)){0,62}$/;

/** RFC 9110 token: what fetch accepts as a header name. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const NUL = '\u0000';

/** fetch refuses CR, LF and NUL in a value, and anything beyond a byte. */
function unsendableHeaderValue(value: string): boolean {
  for (let at = 0; at < value.length; at++) {
    const code = value.charCodeAt(at);
    if (code === 0 || code === 0x0a || code === 0x0d || code > 0xff) return true;
  }
  return false;
}

/** A child's environment is `NAME=value` strings ending in NUL. */
function unsendableEnvName(name: string): boolean {
  return name === '' || name.includes('=') || name.includes(NUL);
}

function detail(field: string, message: string, code = 'INVALID_FORMAT'): ErrorDetail {
  return { field, message, code };
}

// Names are shown in answers anyway; quoted so that control characters stay visible and inert.
function quoted(name: string): string {
  return JSON.stringify(name.slice(0, 100));
}

export function serverNameProblems(name: string): ErrorDetail[] {
  if (SERVER_NAME_PATTERN.test(name)) return [];
  return [detail('name', 'name must be lower-case letters, digits, - and single _ (up to 63), starting with a letter or digit and not ending with _')];
}

/** Headers that fetch could never send; values are never echoed, they are secrets. */
export function headerProblems(headers: Readonly<Record<string, string>> | undefined): ErrorDetail[] {
  return Object.entries(headers ?? {}).flatMap(([name, value]) => {
    if (!HEADER_NAME.test(name)) return [detail('transport.headers', `header name ${quoted(name)} is not a valid HTTP token`)];
    if (unsendableHeaderValue(value)) return [detail(`transport.headers.${name}`, `the value of header ${name} holds a character no HTTP header can carry (CR, LF, NUL or beyond \\u00ff)`)];
    return [];
  });
}

/** Environment entries no process can be given; values are never echoed, they are secrets. */
export function envProblems(env: Readonly<Record<string, string>> | undefined): ErrorDetail[] {
  return Object.entries(env ?? {}).flatMap(([name, value]) => {
    if (unsendableEnvName(name)) return [detail('transport.env', `environment variable name ${quoted(name)} must be non-empty without = or NUL`)];
    if (value.includes(NUL)) return [detail(`transport.env.${name}`, `the value of ${name} holds a NUL character, which no process environment can carry`)];
    return [];
  });
}

/** The API's UpstreamAuth as the rules read it. */
export interface AuthInput {
  readonly type: string;
  readonly key?: string;
  readonly header?: string;
  readonly prefix?: string;
  readonly tokenUrl?: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly clientAuthMethod?: string;
  readonly scopes?: readonly string[];
  readonly resource?: string;
}

const AUTH_FIELDS: Readonly<Record<string, readonly string[]>> = {
  none: [],
  api_key: ['key', 'header', 'prefix'],
  oauth2: ['tokenUrl', 'clientId', 'clientSecret', 'clientAuthMethod', 'scopes', 'resource'],
};
const REQUIRED_AUTH_FIELDS: Readonly<Record<string, readonly string[]>> = { none: [], api_key: ['key'], oauth2: ['tokenUrl', 'clientId', 'clientSecret'] };

/** The header an auth sets on every request, if any. */
export function authHeader(auth: AuthInput | null | undefined): string | undefined {
  if (auth?.type === 'api_key') return auth.header ?? 'Authorization';
  return auth?.type === 'oauth2' ? 'Authorization' : undefined;
}

/**
 * What the contract cannot say of a server's auth: the fields its type needs and no others, not on
 * stdio, a token endpoint that never sees the secret in clear text off the host, and no header
 * set twice. Secret values are never echoed.
 */
export function authProblems(auth: AuthInput | null | undefined, transport: { readonly type: string; readonly headers?: Readonly<Record<string, string>> }): ErrorDetail[] {
  if (!auth) return [];
  const own = AUTH_FIELDS[auth.type] ?? [];
  const given = Object.keys(auth).filter((field) => field !== 'type' && (auth as unknown as Record<string, unknown>)[field] !== undefined);
  const problems = [
    ...given.filter((field) => !own.includes(field)).map((field) => detail(`auth.${field}`, `${field} does not belong to auth type ${auth.type}`, 'INVALID_VALUE')),
    ...(REQUIRED_AUTH_FIELDS[auth.type] ?? []).filter((field) => !given.includes(field)).map((field) => detail(`auth.${field}`, `auth type ${auth.type} needs ${field}`, 'REQUIRED')),
  ];
  if (auth.type !== 'none' && transport.type === 'stdio') problems.push(detail('auth.type', 'a stdio server takes its secrets in transport.env, not in auth', 'INVALID_VALUE'));
  if (auth.key !== undefined && unsendableHeaderValue(`${auth.prefix ?? ''} ${auth.key}`)) problems.push(detail('auth.key', 'the key holds a character no HTTP header can carry (CR, LF, NUL or beyond \\u00ff)'));
  if (auth.tokenUrl !== undefined) {
    const url = new URL(auth.tokenUrl);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
      problems.push(detail('auth.tokenUrl', 'tokenUrl must be https (or http on a loopback address): the client secret goes there', 'INVALID_VALUE'));
    }
  }
  const header = authHeader(auth)?.toLowerCase();
  if (header && Object.keys(transport.headers ?? {}).some((name) => name.toLowerCase() === header)) {
    problems.push(detail(auth.type === 'api_key' ? 'auth.header' : 'auth.type', `auth sets the ${header} header, which transport.headers also sets`, 'CONFLICT'));
  }
  return problems;
}
