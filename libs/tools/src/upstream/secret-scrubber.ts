import { inspect } from 'node:util';

/** How a secret value is answered, and what replaces it wherever it would show. */
export const MASK = '********';

/** Shorter values would mask innocent text (a `1` in every port number), and are no secret worth the name. */
const MIN_SECRET_LENGTH = 4;
/** Error builders cut long values (Node's ERR_INVALID_ARG_VALUE keeps 128 characters): a prefix this long is masked too. */
const TELLTALE_PREFIX = 24;

/** The ways a value shows up in an error message: as is, JSON-escaped, util.inspect-escaped, URL-encoded. */
function spellings(value: string): string[] {
  const quoted = [JSON.stringify(value), inspect(value)].map((text) => text.slice(1, -1));
  return [...new Set([value, ...quoted, encodeURIComponent(value)])];
}

/** Masks one spelling, whole or cut short after at least its first TELLTALE_PREFIX characters. */
function maskSpelling(text: string, spelling: string, mask: string): string {
  const head = spelling.slice(0, TELLTALE_PREFIX);
  let out = '';
  let from = 0;
  for (let at = text.indexOf(head, from); at !== -1; at = text.indexOf(head, from)) {
    let end = at + head.length;
    while (end < text.length && end - at < spelling.length && text[end] === spelling[end - at]) end++;
    out += text.slice(from, at) + mask;
    from = end;
  }
  return out + text.slice(from);
}

/**
 * A function that replaces every secret value (an upstream's env and header values) found in a
 * text by the mask, before the text is stored, logged or answered.
 */
export function secretScrubber(values: Iterable<string>, mask: string): (text: string) => string {
  const forms = [...new Set([...values].filter((value) => value.length >= MIN_SECRET_LENGTH && value !== mask).flatMap(spellings))]
    // Longest first, so that a secret containing another is masked whole.
    .sort((a, b) => b.length - a.length);
  if (forms.length === 0) return (text) => text;
  return (text) => forms.reduce((scrubbed, form) => maskSpelling(scrubbed, form, mask), text);
}
