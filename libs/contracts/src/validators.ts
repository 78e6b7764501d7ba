import { ValidateBy, type ValidationOptions } from 'class-validator';

/** Hand-written rules the generated DTOs use for schema features class-validator lacks. */

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `additionalProperties: {type: string}`: an object whose every value is a string. */
export function IsStringRecord(limits: { maxEntries?: number; maxLength?: number } = {}, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isStringRecord',
      validator: {
        validate: (value: unknown) =>
          isPlainObject(value) &&
          (limits.maxEntries === undefined || Object.keys(value).length <= limits.maxEntries) &&
          Object.values(value).every((item) => typeof item === 'string' && (limits.maxLength === undefined || item.length <= limits.maxLength)),
        defaultMessage: () => `$property must be an object of strings${limits.maxLength ? ` of at most ${limits.maxLength} characters` : ''}`,
      },
    },
    options,
  );
}

/** `x-max-bytes`: the value's JSON encoding is at most `bytes` long. */
export function MaxJsonBytes(bytes: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'maxJsonBytes',
      validator: {
        validate: (value: unknown) => {
          try {
            return Buffer.byteLength(JSON.stringify(value) ?? '') <= bytes;
          } catch {
            return false;
          }
        },
        defaultMessage: () => `$property must be at most ${bytes} bytes as JSON`,
      },
    },
    options,
  );
}
