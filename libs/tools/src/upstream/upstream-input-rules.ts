import type { ErrorDetail } from '@app/common';

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
