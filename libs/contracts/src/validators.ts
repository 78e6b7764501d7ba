import { ValidateBy, type ValidationOptions } from 'class-validator';

/** Hand-written rules the generated DTOs use for schema features class-validator lacks. */

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface StringRecordLimits {
  readonly maxEntries?: number;
  readonly maxLength?: number;
}

/** `additionalProperties: {type: string}`: an object whose every value is a string. */
export function isStringRecord(value: unknown, limits: StringRecordLimits = {}): boolean {
  return (
    isPlainObject(value) &&
    (limits.maxEntries === undefined || Object.keys(value).length <= limits.maxEntries) &&
    Object.values(value).every((item) => typeof item === 'string' && (limits.maxLength === undefined || item.length <= limits.maxLength))
  );
}

/** `x-max-bytes`: the value's JSON encoding is at most `bytes` long. */
export function withinJsonBytes(value: unknown, bytes: number): boolean {
  try {
    const json = JSON.stringify(value) ?? '';
    // UTF-8 takes 1 to 3 bytes per UTF-16 unit: the length alone settles most values without counting.
    if (json.length > bytes) return false;
    return json.length * 3 <= bytes || Buffer.byteLength(json) <= bytes;
  } catch {
    return false;
  }
}

export function IsStringRecord(limits: StringRecordLimits = {}, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isStringRecord',
      validator: {
        validate: (value: unknown) => isStringRecord(value, limits),
        defaultMessage: () => `$property must be an object of strings${limits.maxLength ? ` of at most ${limits.maxLength} characters` : ''}`,
      },
    },
    options,
  );
}

export function MaxJsonBytes(bytes: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'maxJsonBytes',
      validator: {
        validate: (value: unknown) => withinJsonBytes(value, bytes),
        defaultMessage: () => `$property must be at most ${bytes} bytes as JSON`,
      },
    },
    options,
  );
}
