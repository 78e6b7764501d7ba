import type { ErrorDetail } from '@app/common';
import type { ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { schemaErrorDetails } from '../registry/tool-registry';
import { withLinearUniqueItems } from '../registry/unique-items';
import { MASK } from './secret-scrubber';
import { envProblems, headerProblems } from './upstream-input-rules';

/** What each user gives a server for themselves, and where it goes (the API's UpstreamUserConfig). */
export interface StoredUserConfig {
  readonly schema: Record<string, unknown>;
  readonly env?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** Its tools run only for users who gave a configuration. */
  readonly required: boolean;
}

/** A user's configuration as stored (decrypted): field name to value. */
export type UserConfigValues = Readonly<Record<string, unknown>>;

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
const MAX_FIELDS = 32;
const SCALAR_TYPES = new Set(['string', 'number', 'integer', 'boolean']);

function detail(field: string, message: string, code = 'INVALID_VALUE'): ErrorDetail {
  return { field, message, code };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The field names a template uses, in order. */
export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((match) => match[1]);
}

/** A field's type must say how it becomes text in a header or a variable. */
function fieldProblems(name: string, property: unknown): ErrorDetail[] {
  const field = `userConfig.schema.properties.${name}`;
  if (!FIELD_NAME.test(name)) return [detail('userConfig.schema.properties', `field name ${JSON.stringify(name.slice(0, 100))} must be letters, digits and _ (up to 64), not starting with a digit`, 'INVALID_FORMAT')];
  if (!isRecord(property)) return [detail(field, `${name} must be a schema object`)];
  if (typeof property.type === 'string' && SCALAR_TYPES.has(property.type)) return [];
  if (property.type === 'array' && isRecord(property.items) && property.items.type === 'string') return [];
  return [detail(`${field}.type`, `${name} must be of type string, number, integer or boolean, or an array of strings`)];
}

function templateProblems(where: 'env' | 'headers', templates: Readonly<Record<string, string>> | undefined, fields: ReadonlySet<string>): ErrorDetail[] {
  return Object.entries(templates ?? {}).flatMap(([name, template]) =>
    placeholdersOf(template)
      .filter((field) => !fields.has(field))
      .map((field) => detail(`userConfig.${where}.${name}`, `{{${field}}} is not a field of userConfig.schema`, 'UNKNOWN_FIELD')),
  );
}

/**
 * What the contract cannot say of a server's user configuration: an object schema of fields that
 * become text, placed where the transport can carry them, with templates that name its fields, and
 * no header that the server's auth also sets.
 */
export function userConfigProblems(config: StoredUserConfigInput | null | undefined, transportType: string, authHeader: string | undefined): ErrorDetail[] {
  if (!config) return [];
  const { schema } = config;
  const properties = isRecord(schema.properties) ? schema.properties : undefined;
  if (schema.type !== 'object' || !properties) return [detail('userConfig.schema', 'the schema must be of type object, with properties')];
  const names = Object.keys(properties);
  const problems: ErrorDetail[] = [];
  if (names.length === 0 || names.length > MAX_FIELDS) problems.push(detail('userConfig.schema.properties', `the schema must have 1 to ${MAX_FIELDS} properties`));
  problems.push(...names.slice(0, MAX_FIELDS + 1).flatMap((name) => fieldProblems(name, properties[name])));
  const required = schema.required;
  if (required !== undefined && !(Array.isArray(required) && required.every((name) => typeof name === 'string' && names.includes(name)))) {
    problems.push(detail('userConfig.schema.required', 'required must list properties of the schema'));
  }
  const stdio = transportType === 'stdio';
  if (stdio && config.headers) problems.push(detail('userConfig.headers', 'a stdio server takes a user configuration in userConfig.env'));
  if (!stdio && config.env) problems.push(detail('userConfig.env', `a ${transportType} server takes a user configuration in userConfig.headers`));
  const placed = Object.keys((stdio ? config.env : config.headers) ?? {});
  if (placed.length === 0) problems.push(detail(stdio ? 'userConfig.env' : 'userConfig.headers', 'say where the configuration goes: at least one template using a field', 'REQUIRED'));
  const fields = new Set(names);
  problems.push(...templateProblems('env', config.env, fields), ...templateProblems('headers', config.headers, fields));
  problems.push(...relabel(headerProblems(config.headers), 'transport.headers', 'userConfig.headers'), ...relabel(envProblems(config.env), 'transport.env', 'userConfig.env'));
  const clash = authHeader?.toLowerCase();
  if (clash && Object.keys(config.headers ?? {}).some((name) => name.toLowerCase() === clash)) problems.push(detail('userConfig.headers', `auth sets the ${clash} header, which userConfig.headers also sets`, 'CONFLICT'));
  return problems;
}

/** The input shape userConfigProblems reads (required may be absent). */
export type StoredUserConfigInput = Omit<StoredUserConfig, 'required'> & { readonly required?: boolean };

function relabel(problems: ErrorDetail[], from: string, to: string): ErrorDetail[] {
  return problems.map((problem) => ({ ...problem, field: problem.field.replace(from, to) }));
}

/** A value as it goes into a header or a variable. */
function textOf(value: unknown): string {
  return Array.isArray(value) ? value.map(String).join(',') : String(value);
}

/**
 * The schema a configuration is held to: the admin's, with every field a template uses required.
 * A template left unrendered would send the server's own value (or nothing) where the user's
 * credential belongs, so a configuration without one of them is no configuration.
 */
export function enforcedSchema(config: Pick<StoredUserConfig, 'schema' | 'env' | 'headers'>): Record<string, unknown> {
  const used = [...Object.values(config.env ?? {}), ...Object.values(config.headers ?? {})].flatMap(placeholdersOf);
  const given = Array.isArray(config.schema.required) ? (config.schema.required as unknown[]).filter((name): name is string => typeof name === 'string') : [];
  const required = [...new Set([...given, ...used])];
  return required.length === given.length ? config.schema : { ...config.schema, required };
}

/**
 * The env or headers a user's configuration gives: each template with its fields' values; one
 * whose fields the user left out is not sent at all (enforcedSchema refuses such a configuration).
 */
export function renderTemplates(templates: Readonly<Record<string, string>> | undefined, values: UserConfigValues): Record<string, string> {
  // fromEntries makes own properties whatever the names (`__proto__` included).
  return Object.fromEntries(
    Object.entries(templates ?? {})
      .filter(([, template]) => placeholdersOf(template).every((field) => Object.hasOwn(values, field) && values[field] !== undefined))
      .map(([name, template]) => [name, template.replace(PLACEHOLDER, (_match, field: string) => textOf(values[field]))]),
  );
}

/** Headers the values would make that no HTTP request can carry (a character beyond \u00ff, say). */
export function placementProblems(config: StoredUserConfig, values: UserConfigValues): ErrorDetail[] {
  return headerProblems(renderTemplates(config.headers, values)).map((problem) => ({ ...problem, field: 'config', message: problem.message.replace('the value of header', 'with your values, header') }));
}

/** The values a configuration holds as text: what a connection made with it masks in anything it logs or answers. */
export function secretValuesOf(values: UserConfigValues): string[] {
  return Object.values(values)
    .flatMap((value) => (Array.isArray(value) ? value : [value]))
    .map(String);
}

function hasControlCharacter(text: string): boolean {
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) return true;
  }
  return false;
}

/** Control characters (tab aside) cannot go into a header, and have no business in a variable. */
function controlCharacterProblems(values: UserConfigValues): ErrorDetail[] {
  return Object.entries(values).flatMap(([name, value]) => {
    const texts = Array.isArray(value) ? value : [value];
    const bad = texts.some((text) => typeof text === 'string' && hasControlCharacter(text));
    return bad ? [detail(`config.${name}`, `${name} holds a control character`, 'INVALID_FORMAT')] : [];
  });
}

/**
 * Validates a user's configuration against a server's schema, compiled once per schema text
 * (Ajv keeps what it compiles by object; stored schemas are new objects each time they are read).
 */
export class UserConfigValidator {
  // uniqueItems is ours: Ajv's compares items pairwise, and an admin writes these schemas.
  private readonly ajv = withLinearUniqueItems(new Ajv2020({ allErrors: true, strict: false }));
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor() {
    addFormats(this.ajv);
  }

  /** Whether the schema compiles at all (an admin's mistake is a 400, not a user's surprise). */
  schemaProblems(schema: Record<string, unknown>): ErrorDetail[] {
    try {
      this.validatorOf(schema);
      return [];
    } catch (error) {
      return [detail('userConfig.schema', `the schema does not compile: ${(error as Error).message.slice(0, 300)}`)];
    }
  }

  /** Problems of a configuration against a schema; fields it does not declare are refused. */
  problems(schema: Record<string, unknown>, values: UserConfigValues): ErrorDetail[] {
    const validate = this.validatorOf(schema);
    if (!validate(values)) return schemaErrorDetails(validate.errors).map((problem) => ({ ...problem, field: problem.field === '(parameters)' ? 'config' : `config.${problem.field}` }));
    return controlCharacterProblems(values);
  }

  private validatorOf(schema: Record<string, unknown>): ValidateFunction {
    const closed = { ...schema, additionalProperties: false };
    const key = JSON.stringify(closed);
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(closed);
      this.ajv.removeSchema(closed);
      // A handful of servers' schemas; a bound keeps edits from piling up.
      if (this.compiled.size >= 256) this.compiled.clear();
      this.compiled.set(key, validate);
    }
    return validate;
  }
}

/**
 * A new configuration with each `********` replaced by the stored value of that field; a mask
 * with nothing stored under it is refused.
 */
export function keepMaskedValues(values: UserConfigValues, stored: UserConfigValues | undefined): { values: Record<string, unknown>; problems: ErrorDetail[] } {
  const problems: ErrorDetail[] = [];
  const kept: Array<[string, unknown]> = [];
  for (const [name, value] of Object.entries(values)) {
    if (value !== MASK) kept.push([name, value]);
    else if (stored !== undefined && Object.hasOwn(stored, name)) kept.push([name, stored[name]]);
    else problems.push(detail(`config.${name}`, `${name} has no stored value to keep: send it`, 'MASKED_VALUE'));
  }
  // Own properties whatever the names: a `__proto__` field is then one the schema refuses, not a prototype.
  return { values: Object.fromEntries(kept), problems };
}
