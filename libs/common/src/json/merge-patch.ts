import { ApiError } from '../errors/api-error';

/** Deeper than any document the API takes; a patch nested further is refused rather than recursed into. */
const MAX_DEPTH = 32;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A JSON Merge Patch (RFC 7396) applied to a document: objects merge member by member, `null`
 * removes a member, anything else (arrays too) replaces it. Neither input is changed. Members are
 * defined, never assigned, so no key reaches a prototype.
 */
export function mergePatch(target: unknown, patch: unknown, depth = 0): unknown {
  if (!isObject(patch)) return patch;
  if (depth >= MAX_DEPTH) throw ApiError.validation(`The patch is nested deeper than ${MAX_DEPTH} levels`);
  const result: Record<string, unknown> = {};
  const define = (key: string, value: unknown): void => void Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true });
  if (isObject(target)) for (const [key, value] of Object.entries(target)) define(key, value);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else define(key, mergePatch(Object.hasOwn(result, key) ? result[key] : undefined, value, depth + 1));
  }
  return result;
}
