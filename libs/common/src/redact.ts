/** Key names whose values never reach logs or audit details. */
export const SECRET_KEY_PATTERN =
  /pass(word|phrase)?$|passwd|secret|token|authorization|cookie|api[-_]?key|credential|private[-_]?key|^otp$|mfa[-_]?code|backup[-_]?codes?|signature|samlresponse/i;

export const REDACTED = '[REDACTED]';
const MAX_DEPTH = 8;

/**
 * `value` with secret-named keys replaced; cycles and depth are bounded. A tree of plain objects,
 * arrays and primitives with nothing to hide is returned as it is (most are: every tool run's
 * audit entry comes here); anything else is a deep copy.
 */
export function redactSecrets<T>(value: T): T {
  return hidesNothing(value, 0) ? value : redactedCopy(value, 0, new WeakSet());
}

/** True when redaction would give an equal tree: plain objects and arrays, no secret-named key, within the depth (so no cycle). */
function hidesNothing(value: unknown, depth: number): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (depth >= MAX_DEPTH) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (!hidesNothing(item, depth + 1)) return false;
    return true;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  for (const key of Object.keys(value)) {
    const inner = (value as Record<string, unknown>)[key];
    if ((SECRET_KEY_PATTERN.test(key) && inner !== undefined && inner !== null) || !hidesNothing(inner, depth + 1)) return false;
  }
  return true;
}

function redactedCopy<T>(value: T, depth: number, seen: WeakSet<object>): T {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date || Buffer.isBuffer(value)) return value;
  if (seen.has(value) || depth >= MAX_DEPTH) return '[Truncated]' as unknown as T;
  seen.add(value);
  if (Array.isArray(value)) return value.map((item: unknown) => redactedCopy(item, depth + 1, seen)) as unknown as T;
  const copy: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    copy[key] = SECRET_KEY_PATTERN.test(key) && inner !== undefined && inner !== null ? REDACTED : redactedCopy(inner, depth + 1, seen);
  }
  return copy as T;
}
