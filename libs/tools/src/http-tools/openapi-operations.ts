import type { JsonSchema } from '../tool.types';
import type { HttpToolMethod } from './http-tool.entity';

/** What one operation of an OpenAPI document becomes: an HTTP tool's definition, or why not. */
export type OperationOutcome =
  | { readonly kind: 'tool'; readonly operation: string; readonly tool: OperationTool }
  | { readonly kind: 'skipped'; readonly operation: string; readonly reason: string };

export interface OperationTool {
  readonly name: string;
  readonly description: string;
  readonly method: HttpToolMethod;
  readonly url: string;
  readonly inputSchema: JsonSchema;
  /** Arguments sent as query parameters although the method has a body. */
  readonly query: readonly string[];
}

export interface OperationChoice {
  /** Prefixes every name (`<prefix>_<operation>`). */
  readonly prefix?: string;
  /** Only these operationIds; absent: every operation. */
  readonly operationIds?: readonly string[];
}

type Json = Record<string, unknown>;

const METHODS: readonly HttpToolMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const MAX_NAME = 63;
const MAX_REF_DEPTH = 32;
const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** OpenAPI's own keywords, which JSON Schema does not read (nullable is rewritten as a type). */
const DROPPED_KEYWORDS = new Set(['nullable', 'xml', 'discriminator']);
/** Values that are data, not schemas: never walked for references. */
const LITERAL_KEYWORDS = new Set(['example', 'examples', 'enum', 'const', 'default']);

class Unsupported extends Error {}

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `getTicketById`, `get /tickets/{id}` → `get_ticket_by_id`, `get_tickets_id`: an HTTP tool's name words. */
export function toolNameOf(prefix: string | undefined, words: string): string {
  const snake = words
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  const joined = [prefix, snake].filter(Boolean).join('_');
  const named = /^[a-z]/.test(joined) ? joined : `op_${joined}`;
  return named.slice(0, MAX_NAME).replace(/_+$/, '');
}

/** A local `$ref` (`#/components/...`) of the document, followed until it is no reference. */
function dereference(document: Json, value: unknown, depth = 0): unknown {
  if (!isObject(value) || typeof value.$ref !== 'string') return value;
  if (depth > MAX_REF_DEPTH) throw new Unsupported('a $ref chain is too long');
  if (!value.$ref.startsWith('#/')) throw new Unsupported(`only references inside the document are followed (${value.$ref.slice(0, 200)})`);
  const target = value.$ref
    .slice(2)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, key) => (isObject(node) && Object.hasOwn(node, key) ? node[key] : undefined), document);
  if (target === undefined) throw new Unsupported(`${value.$ref.slice(0, 200)} is not in the document`);
  return dereference(document, target, depth + 1);
}

/** Schema nodes written out for one operation: references can multiply a small document into a huge schema. */
const MAX_SCHEMA_NODES = 10_000;

/**
 * A schema with every local reference written out, as a tool's input schema stands alone;
 * OpenAPI 3.0's `nullable` becomes a JSON Schema type. A recursive schema cannot be written out,
 * nor one that grows past MAX_SCHEMA_NODES or nests deeper than MAX_REF_DEPTH (arrays included).
 */
function inlined(document: Json, schema: unknown, budget: { nodes: number } = { nodes: 0 }, trail: readonly unknown[] = []): unknown {
  if (trail.length > MAX_REF_DEPTH) throw new Unsupported('a schema is nested too deep');
  if (typeof schema !== 'object' || schema === null) return schema;
  if (++budget.nodes > MAX_SCHEMA_NODES) throw new Unsupported(`a schema grows past ${MAX_SCHEMA_NODES} parts once its references are written out`);
  if (Array.isArray(schema)) return schema.map((item) => inlined(document, item, budget, [...trail, schema]));
  const target = dereference(document, schema);
  if (trail.includes(target)) throw new Unsupported('a schema refers to itself');
  if (!isObject(target)) return target;
  // fromEntries defines keys as own properties: a `__proto__` key of the document stays data.
  const out: Json = Object.fromEntries(
    Object.entries(target)
      .filter(([key]) => !DROPPED_KEYWORDS.has(key))
      .map(([key, value]) => [key, LITERAL_KEYWORDS.has(key) ? value : inlined(document, value, budget, [...trail, target])]),
  );
  if (target.nullable === true && typeof out.type === 'string') return { ...out, type: [out.type, 'null'] };
  return out;
}

/** The absolute base every path goes under: the given one, else the document's first server. */
export function baseUrlOf(document: Json, given: string | undefined): string | undefined {
  const servers = Array.isArray(document.servers) ? document.servers : [];
  const first = isObject(servers[0]) && typeof servers[0].url === 'string' ? servers[0].url : undefined;
  const base = given ?? first;
  if (base === undefined || !/^https?:\/\//i.test(base) || base.includes('{')) return undefined;
  return base.replace(/\/+$/, '');
}

/** Every operation of the document's paths, in order, as a tool or with why it cannot be one. */
export function operationsOf(document: Json, baseUrl: string, choice: OperationChoice): OperationOutcome[] {
  const paths = isObject(document.paths) ? document.paths : {};
  const outcomes: OperationOutcome[] = [];
  for (const [path, rawItem] of Object.entries(paths)) {
    const item = isObject(rawItem) ? rawItem : {};
    for (const [key, operation] of Object.entries(item)) {
      const method = key.toUpperCase() as HttpToolMethod;
      if (!isObject(operation) || !['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE'].includes(method)) continue;
      const operationId = typeof operation.operationId === 'string' ? operation.operationId : undefined;
      if (choice.operationIds && (!operationId || !choice.operationIds.includes(operationId))) continue;
      const label = operationId ?? `${method} ${path}`;
      if (!METHODS.includes(method)) {
        outcomes.push({ kind: 'skipped', operation: label, reason: `${method} is not a method HTTP tools send` });
        continue;
      }
      try {
        outcomes.push({ kind: 'tool', operation: label, tool: toolOf(document, baseUrl, path, method, operation, item, choice.prefix) });
      } catch (error) {
        if (!(error instanceof Unsupported)) throw error;
        outcomes.push({ kind: 'skipped', operation: label, reason: error.message });
      }
    }
  }
  return outcomes;
}

function toolOf(document: Json, baseUrl: string, path: string, method: HttpToolMethod, operation: Json, item: Json, prefix: string | undefined): OperationTool {
  // The document names the path, never where it goes: the admin's base url keeps its origin.
  if (!staysUnder(baseUrl, path)) throw new Unsupported('the path does not start with / under the base url');
  const budget = { nodes: 0 };
  const properties = new Map<string, unknown>();
  const required: string[] = [];
  const query: string[] = [];
  const add = (name: string, schema: unknown, isRequired: boolean): void => {
    if (properties.has(name)) throw new Unsupported(`${name.slice(0, 100)} is both a parameter and a body property`);
    properties.set(name, schema);
    if (isRequired) required.push(name);
  };
  for (const raw of parametersOf(document, operation, item)) {
    const name = String(raw.name);
    const schema = inlined(document, raw.schema ?? { type: 'string' }, budget);
    const withDescription = typeof raw.description === 'string' && isObject(schema) && schema.description === undefined ? { ...schema, description: raw.description } : schema;
    if (raw.in === 'path') {
      if (!PARAMETER_NAME.test(name)) throw new Unsupported(`the path parameter ${name.slice(0, 100)} is not a name HTTP tools take (letters, digits and _)`);
      add(name, withDescription, true);
    } else if (raw.in === 'query') {
      add(name, withDescription, raw.required === true);
      query.push(name);
    } else if (raw.required === true) {
      throw new Unsupported(`the required ${String(raw.in)} parameter ${name.slice(0, 100)} cannot be sent (only path and query parameters are)`);
    }
  }
  const body = bodySchemaOf(document, operation, budget);
  if (body) {
    if (method === 'GET' || method === 'DELETE') throw new Unsupported(`a ${method} with a request body cannot be sent`);
    for (const [name, schema] of Object.entries(isObject(body.properties) ? body.properties : {})) add(name, schema, Array.isArray(body.required) && body.required.includes(name));
  }
  const summary = [operation.summary, operation.description].find((text): text is string => typeof text === 'string' && text.trim() !== '');
  return {
    name: toolNameOf(prefix, typeof operation.operationId === 'string' ? operation.operationId : `${method} ${path}`),
    description: (summary ?? `${method} ${path}`).slice(0, 1000),
    method,
    url: `${baseUrl}${path}`,
    inputSchema: { type: 'object', properties: Object.fromEntries(properties), ...(required.length > 0 ? { required } : {}), additionalProperties: false },
    query: method === 'GET' || method === 'DELETE' ? [] : query,
  };
}

function staysUnder(baseUrl: string, path: string): boolean {
  if (!path.startsWith('/')) return false;
  try {
    return new URL(`${baseUrl}${path}`.replace(/[{}]/g, '_')).origin === new URL(baseUrl).origin;
  } catch {
    return false;
  }
}

/** Path-level parameters, then the operation's, which replace those of the same name and place. */
function parametersOf(document: Json, operation: Json, item: Json): Json[] {
  const all = [...(Array.isArray(item.parameters) ? item.parameters : []), ...(Array.isArray(operation.parameters) ? operation.parameters : [])].map((parameter) => dereference(document, parameter));
  const byKey = new Map<string, Json>();
  for (const parameter of all) {
    if (!isObject(parameter) || typeof parameter.name !== 'string' || typeof parameter.in !== 'string') throw new Unsupported('a parameter without a name or a place');
    byKey.set(`${parameter.in}:${parameter.name}`, parameter);
  }
  return [...byKey.values()];
}

/** The JSON request body's schema, when there is one; a body that is not a JSON object cannot be built from arguments. */
function bodySchemaOf(document: Json, operation: Json, budget: { nodes: number }): Json | undefined {
  const requestBody = dereference(document, operation.requestBody);
  if (!isObject(requestBody) || !isObject(requestBody.content)) return undefined;
  const json = Object.entries(requestBody.content).find(([type]) => /^application\/(?:[\w.-]+\+)?json\b/i.test(type));
  if (!json) throw new Unsupported('the request body is not JSON');
  const schema = inlined(document, isObject(json[1]) ? json[1].schema : undefined, budget);
  if (!isObject(schema) || (schema.type !== 'object' && !isObject(schema.properties))) throw new Unsupported('the request body is not a JSON object');
  if (schema.allOf || schema.oneOf || schema.anyOf) throw new Unsupported('the request body combines schemas (allOf, oneOf, anyOf)');
  return schema;
}
