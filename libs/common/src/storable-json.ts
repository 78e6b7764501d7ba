const NUL = new RegExp(String.fromCharCode(0), 'g');
const REPLACEMENT = '\uFFFD';

/**
 * PostgreSQL text and jsonb cannot hold U+0000. Anything a caller sent that we keep as JSON
 * (audit details, tool parameters and results) goes through here, so a NUL in input can never
 * make a write fail and lose an audit entry.
 */
export function storableJson<T>(value: T): T {
  if (typeof value === 'string') return (value.includes('\u0000') ? value.replace(NUL, REPLACEMENT) : value) as T;
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((item: unknown) => storableJson(item)) as T;
  const copy: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) copy[storableJson(key)] = storableJson(inner);
  return copy as T;
}
