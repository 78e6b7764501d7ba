import { type ArgumentMetadata, BadRequestException, HttpException, ValidationPipe, type ValidationError } from '@nestjs/common';
import { exceedsDepth, MAX_NESTING } from '../json/nesting-depth';
import { ApiError, type ErrorDetail } from './api-error';
import { cacheValidationMetadata } from './validation-metadata-cache';

// class-validator constraint names -> the detail codes clients see.
const DETAIL_CODES: Readonly<Record<string, string>> = {
  isDefined: 'REQUIRED',
  isNotEmpty: 'REQUIRED',
  whitelistValidation: 'UNKNOWN_FIELD',
  unknownValue: 'INVALID_TYPE',
  nestedValidation: 'INVALID_TYPE',
  isString: 'INVALID_TYPE',
  isInt: 'INVALID_TYPE',
  isNumber: 'INVALID_TYPE',
  isBoolean: 'INVALID_TYPE',
  isArray: 'INVALID_TYPE',
  isObject: 'INVALID_TYPE',
  isEmail: 'INVALID_FORMAT',
  matches: 'INVALID_FORMAT',
  isIso8601: 'INVALID_FORMAT',
  isUuid: 'INVALID_FORMAT',
  isUrl: 'INVALID_FORMAT',
  minLength: 'TOO_SHORT',
  maxLength: 'TOO_LONG',
  min: 'TOO_SMALL',
  max: 'TOO_LARGE',
  arrayMinSize: 'TOO_FEW_ITEMS',
  arrayMaxSize: 'TOO_MANY_ITEMS',
  arrayUnique: 'DUPLICATE_ITEMS',
  isIn: 'INVALID_VALUE',
};

const TYPE_RULES = new Set(['isString', 'isInt', 'isNumber', 'isBoolean', 'isArray', 'isObject', 'nestedValidation']);

/**
 * One entry per field, every message kept. The code names the root cause: a missing field fails
 * every rule on it (length, format...), and a value of the wrong type fails its length rules too.
 */
function detailOf(field: string, value: unknown, constraints: ReadonlyArray<[string, string]>): ErrorDetail {
  if (value === undefined && !constraints.some(([rule]) => rule === 'whitelistValidation')) return { field, message: `${field} is required`, code: 'REQUIRED' };
  const typeRule = constraints.find(([rule]) => TYPE_RULES.has(rule));
  if (typeRule) return { field, message: typeRule[1], code: 'INVALID_TYPE' };
  return { field, message: constraints.map(([, message]) => message).join('; '), code: DETAIL_CODES[constraints[0][0]] ?? 'INVALID_VALUE' };
}

function collect(errors: readonly ValidationError[], parent: string, into: ErrorDetail[]): void {
  for (const error of errors) {
    const field = parent === '' ? error.property : /^\d+$/.test(error.property) ? `${parent}[${error.property}]` : `${parent}.${error.property}`;
    const constraints = Object.entries(error.constraints ?? {});
    if (constraints.length > 0) into.push(detailOf(field === '' ? '(body)' : field, error.value, constraints));
    if (error.children?.length) collect(error.children, field, into);
  }
}

/** Flattens class-validator's tree into one envelope detail per field. */
export function validationDetails(errors: readonly ValidationError[]): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  collect(errors, '', details);
  return details;
}

type DtoAcceptor = (value: unknown) => object | undefined;
const ACCEPTORS = new WeakMap<DtoClass, DtoAcceptor>();

/**
 * Registers the generated acceptor of a DTO class (libs/contracts/src/generated/accept.ts): it
 * returns the instance the pipe would build for a value every rule of the class accepts, and
 * undefined otherwise, when the pipe validates in full and reports why.
 */
export function acceptWith<T extends object>(dto: abstract new (...args: never[]) => T, acceptor: (value: unknown) => T | undefined): void {
  ACCEPTORS.set(dto, acceptor);
}

/**
 * The strict global pipe. A body must be a JSON object (a missing one is validated as `{}`, so
 * required fields are reported); unknown properties are refused; values become the DTO's types.
 */
class StrictValidationPipe extends ValidationPipe {
  private readonly settled = new SettledParameters();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const isDto = typeof metadata.metatype === 'function' && metadata.metatype !== Object && !PRIMITIVES.has(metadata.metatype);
    const key = isDto && (metadata.type === 'param' || metadata.type === 'query') ? SettledParameters.keyOf(value) : undefined;
    if (key !== undefined) {
      const known = this.settled.get(metadata.metatype as DtoClass, key);
      if (known) return known;
      const transformed = await this.validated(value, metadata, isDto);
      this.settled.remember(metadata.metatype as DtoClass, key, transformed);
      return transformed;
    }
    return this.validated(value, metadata, isDto);
  }

  /** The common case without class-transformer and class-validator's walk: see `acceptWith`. */
  private accepted(value: unknown, dto: DtoClass): object | undefined {
    const acceptor = ACCEPTORS.get(dto);
    if (!acceptor) return undefined;
    // As ValidationPipe does first: nothing is an absent body, and prototype keys go, in place.
    const input = value === null || value === undefined ? {} : value;
    this.stripProtoKeys(input);
    try {
      return acceptor(input);
    } catch {
      // A rule that throws (validator.js on a lone surrogate): the full validation says why.
      return undefined;
    }
  }

  private async validated(value: unknown, metadata: ArgumentMetadata, isDto: boolean): Promise<unknown> {
    if (metadata.type === 'body' && isDto && value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) {
      throw ApiError.validation('Request body must be a JSON object', [{ field: '(body)', message: 'body must be a JSON object', code: 'INVALID_TYPE' }]);
    }
    // Validators recurse; a hostile body nested thousands deep must not reach them.
    if (isDto && exceedsDepth(value, MAX_NESTING)) {
      throw ApiError.validation('Request is nested too deeply', [{ field: `(${metadata.type})`, message: `nesting deeper than ${MAX_NESTING} levels`, code: 'TOO_DEEP' }]);
    }
    const accepted = isDto && this.toValidate(metadata) ? this.accepted(value, metadata.metatype as DtoClass) : undefined;
    if (accepted !== undefined) return accepted;
    try {
      return await super.transform(value, metadata);
    } catch (error) {
      if (error instanceof HttpException || error instanceof ApiError) throw error;
      // A rule that throws (validator.js's isEmail on a lone surrogate) means the value is unusable, not that the server failed.
      const field = illFormedField(value) ?? `(${metadata.type})`;
      throw ApiError.validation('Request validation failed', [{ field, message: 'value could not be validated: it is not well-formed text', code: 'INVALID_VALUE' }]);
    }
  }
}

type DtoClass = abstract new (...args: never[]) => object;

const MAX_SETTLED_PER_CLASS = 256;
const MAX_SETTLED_KEY_LENGTH = 256;

/**
 * Path and query parameters the pipe has already accepted, per DTO class: the same `{ id: 'echo' }`
 * arrives on every call of a route, and validating it is a pure function of its values. Only flat
 * objects of primitives are kept (a hit is a fresh instance, so nothing is shared between
 * requests); refusals are never kept. A class that sees too many distinct values starts over.
 */
class SettledParameters {
  private readonly byClass = new Map<DtoClass, Map<string, Readonly<Record<string, unknown>>>>();

  /** An unambiguous key for a flat object of primitives (JSON keeps strings apart; typeof keeps null and undefined apart). */
  static keyOf(value: unknown): string | undefined {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    const entries: Array<[string, string, unknown]> = [];
    for (const [name, item] of Object.entries(value)) {
      if (item !== null && typeof item === 'object') return undefined;
      entries.push([name, typeof item, item]);
    }
    const key = JSON.stringify(entries);
    return key.length > MAX_SETTLED_KEY_LENGTH ? undefined : key;
  }

  get(dto: DtoClass, key: string): object | undefined {
    const fields = this.byClass.get(dto)?.get(key);
    return fields ? Object.assign(Object.create(dto.prototype) as object, fields) : undefined;
  }

  remember(dto: DtoClass, key: string, transformed: unknown): void {
    if (transformed === null || typeof transformed !== 'object' || Object.getPrototypeOf(transformed) !== dto.prototype) return;
    const fields: Record<string, unknown> = {};
    for (const [name, item] of Object.entries(transformed)) {
      if (item !== null && typeof item === 'object') return;
      fields[name] = item;
    }
    let known = this.byClass.get(dto);
    if (!known || known.size >= MAX_SETTLED_PER_CLASS) {
      known = new Map();
      this.byClass.set(dto, known);
    }
    known.set(key, Object.freeze(fields));
  }
}

const LONE_SURROGATE = /\p{Cs}/u;

/** The path of the first string that is not well-formed Unicode (a lone surrogate), if any. */
function illFormedField(root: unknown): string | undefined {
  const stack: Array<[unknown, string]> = [[root, '']];
  while (stack.length > 0) {
    const [value, path] = stack.pop() as [unknown, string];
    if (typeof value === 'string' && LONE_SURROGATE.test(value)) return path || '(body)';
    if (value === null || typeof value !== 'object') continue;
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) stack.push([child, Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key]);
  }
  return undefined;
}

const PRIMITIVES = new Set<unknown>([String, Number, Boolean, Array]);

export function createValidationPipe(): ValidationPipe {
  cacheValidationMetadata();
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    // Values are kept in the errors (never in the answer) to tell a missing field from a bad one.
    validationError: { target: false, value: true },
    stopAtFirstError: false,
    exceptionFactory: (errors: ValidationError[]) => {
      const details = validationDetails(errors);
      return details.length > 0
        ? ApiError.validation('Request validation failed', details)
        : new BadRequestException('Request validation failed');
    },
  });
}
