/** Key names whose values never reach logs or audit details. */
export const SECRET_KEY_PATTERN =
  /pass(word|phrase)?$|passwd|secret|token|authorization|cookie|api[-_]?key|credential|private[-_]?key|^otp$|mfa[-_]?code|backup[-_]?codes?|signature|samlresponse/i;

export const REDACTED = '[REDACTED]';
const MAX_DEPTH = 8;

/** A deep copy of `value` with secret-named keys replaced; cycles and depth are bounded. */
export function redactSecrets<T>(value: T, depth = 0, seen: WeakSet<object> = new WeakSet()): T {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date || Buffer.isBuffer(value)) return value;
  if (seen.has(value) || depth >= MAX_DEPTH) return '[Truncated]' as unknown as T;
  seen.add(value);
  if (Array.isArray(value)) return value.map((item: unknown) => redactSecrets(item, depth + 1, seen)) as unknown as T;
  const copy: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    copy[key] = SECRET_KEY_PATTERN.test(key) && inner !== undefined && inner !== null ? REDACTED : redactSecrets(inner, depth + 1, seen);
  }
  return copy as T;
}
