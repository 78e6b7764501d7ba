import { storableJson } from '@app/common';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text a webhook receiver controls, made fit for a PostgreSQL text column: U+0000 (which the
 * column refuses) and lone surrogates (which are not UTF-8) become U+FFFD.
 */
export function storableText(value: string): string {
  return storableJson(value).replace(LONE_SURROGATE, '\uFFFD');
}
