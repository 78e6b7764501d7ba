import type { ErrorObject, SchemaValidateFunction } from 'ajv';
import type AjvCore from 'ajv/dist/core';

/**
 * One text per JSON value, equal exactly when JSON Schema calls the values equal: object keys
 * sorted (their order means nothing), numbers as JavaScript writes them (1 and 1.0 are one number).
 */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
}

type UniqueItemsError = Partial<ErrorObject<'uniqueItems', { i: number; j: number }>>;

/** `uniqueItems` in one pass: each item's canonical JSON goes into a map, a repeat is a duplicate. */
const validateUniqueItems: SchemaValidateFunction = function validateUniqueItems(schema: unknown, data: unknown): boolean {
  const self = validateUniqueItems as SchemaValidateFunction & { errors?: UniqueItemsError[] };
  self.errors = undefined;
  if (schema !== true || !Array.isArray(data) || data.length < 2) return true;
  const seen = new Map<string, number>();
  for (let i = 0; i < data.length; i++) {
    const item: unknown = data[i];
    const key = canonicalJson(item);
    const j = seen.get(key);
    if (j !== undefined) {
      // Ajv's own wording and params, so a refusal reads as it always did.
      self.errors = [{ keyword: 'uniqueItems', message: `must NOT have duplicate items (items ## ${j} and ${i} are identical)`, params: { i, j } }];
      return false;
    }
    seen.set(key, i);
  }
  return true;
};

/**
 * Replaces Ajv's `uniqueItems`, which compares items pairwise: on an array of objects that is
 * quadratic, and 40,000 distinct items in a caller's arguments held the event loop ~27 s. Every
 * Ajv that compiles a schema from outside (a tool's input schema, a server's configuration
 * schema) goes through here before it compiles anything.
 */
export function withLinearUniqueItems<T extends AjvCore>(ajv: T): T {
  ajv.removeKeyword('uniqueItems');
  ajv.addKeyword({ keyword: 'uniqueItems', type: 'array', schemaType: 'boolean', errors: true, validate: validateUniqueItems });
  return ajv;
}
