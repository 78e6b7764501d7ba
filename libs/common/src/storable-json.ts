const NUL = new RegExp(String.fromCharCode(0), 'g');
const SURROGATE = /[\ud800-\udfff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const REPLACEMENT = '\uFFFD';

function storableText(text: string): string {
  const withoutNul = text.includes('\u0000') ? text.replace(NUL, REPLACEMENT) : text;
  return SURROGATE.test(withoutNul) ? withoutNul.replace(LONE_SURROGATE, REPLACEMENT) : withoutNul;
}

/**
 * PostgreSQL text and jsonb cannot hold U+0000, nor a lone UTF-16 surrogate (no UTF-8 exists for
 * it). Anything a caller sent that we keep as JSON (audit details, tool parameters and results)
 * goes through here, so such input can never make a write fail and lose an audit entry.
 */
export function storableJson<T>(value: T): T {
  if (typeof value === 'string') return storableText(value) as T;
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((item: unknown) => storableJson(item)) as T;
  const copy: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) copy[storableJson(key)] = storableJson(inner);
  return copy as T;
}
