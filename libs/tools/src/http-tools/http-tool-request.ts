import { ApiError, type ErrorDetail } from '@app/common';
import { randomBytes } from 'node:crypto';
import type { JsonSchema } from '../tool.types';
import type { HttpToolMethod } from './http-tool.entity';

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]{0,63})\}/g;
const WITH_BODY: ReadonlySet<HttpToolMethod> = new Set(['POST', 'PUT', 'PATCH']);
const NO_NAMES: ReadonlySet<string> = new Set();
/** encodeURIComponent throws on these (String#isWellFormed is ES2024, past our target). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** An admin's url with `{placeholders}` in its path; everything else about it is fixed. */
export interface UrlTemplate {
  readonly text: string;
  readonly placeholders: readonly string[];
  readonly origin: string;
  /** The query parameters the url itself sets: no argument may set them again. */
  readonly fixedQuery: ReadonlySet<string>;
}

/** What goes on the wire for one run. */
export interface HttpToolRequest {
  readonly url: URL;
  readonly body?: string;
}

const urlProblem = (message: string, code = 'INVALID_VALUE'): ApiError => ApiError.validation(`url: ${message}`, [{ field: 'url', message, code }]);

/** Checks an admin's url template; placeholders may only stand in its path, so no argument can change where a request goes. */
export function parseUrlTemplate(text: string): UrlTemplate {
  const placeholders = [...new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1]))];
  if (/[{}]/.test(text.replace(PLACEHOLDER, ''))) throw urlProblem('braces only enclose placeholder names (letters, digits and _, starting with a letter or _)', 'INVALID_FORMAT');
  if (!/^https?:\/\//i.test(text)) throw urlProblem('must be an absolute http or https URL', 'INVALID_FORMAT');
  // Each placeholder as a marker no url holds by chance: where the parser puts it is where arguments would go.
  const nonce = randomBytes(6).toString('hex');
  const marker = (index: number): string => `ph${nonce}n${index}`;
  let url: URL;
  try {
    url = new URL(text.replace(PLACEHOLDER, (_, name: string) => marker(placeholders.indexOf(name))));
  } catch {
    throw urlProblem('must be an absolute http or https URL', 'INVALID_FORMAT');
  }
  if (url.username || url.password) throw urlProblem('must not hold credentials: send them in headers, which are sealed');
  if (text.includes('#')) throw urlProblem('must not have a fragment');
  const outsideThePath = `${url.host} ${url.search}`;
  for (const [index, name] of placeholders.entries()) {
    if (outsideThePath.includes(marker(index)) || !url.pathname.includes(marker(index))) throw urlProblem(`{${name}} must stand in the path: the scheme, host, port and query are fixed`);
  }
  return { text, placeholders, origin: url.origin, fixedQuery: new Set(url.searchParams.keys()) };
}

/** The schema when the admin gives none: each placeholder a required, non-empty string, and nothing else. */
export function derivedInputSchema(template: UrlTemplate): JsonSchema {
  return {
    type: 'object',
    properties: Object.fromEntries(template.placeholders.map((name) => [name, { type: 'string', minLength: 1, maxLength: 1024 }])),
    required: [...template.placeholders],
    additionalProperties: false,
  };
}

/** Why an admin's input schema cannot serve the template (empty: it can). */
export function inputSchemaProblems(schema: JsonSchema, template: UrlTemplate): ErrorDetail[] {
  if (schema.type !== 'object') return [{ field: 'inputSchema.type', message: 'the arguments are an object: type must be "object"', code: 'INVALID_VALUE' }];
  const required = Array.isArray(schema.required) ? schema.required : [];
  const properties = typeof schema.properties === 'object' && schema.properties !== null ? (schema.properties as Record<string, unknown>) : {};
  return template.placeholders
    .filter((name) => !required.includes(name) || !(name in properties))
    .map((name) => ({ field: 'inputSchema.required', message: `{${name}} of the url must be a required property`, code: 'REQUIRED' }));
}

const argumentProblem = (field: string, message: string, code: string): ApiError => ApiError.validation(`${field}: ${message}`, [{ field, message, code }]);

/** One path segment, percent-encoded; never a dot segment, which would climb the path. */
function segment(name: string, value: unknown): string {
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') throw argumentProblem(name, 'fills a path segment: a string, number or boolean', 'INVALID_TYPE');
  const text = String(value);
  if (text === '' || text === '.' || text === '..') throw argumentProblem(name, 'fills a path segment: not empty, . or ..', 'INVALID_VALUE');
  // Encoded, a / cannot climb the path here; but a service behind a proxy that decodes %2F would see one.
  if (text.split(/[/\\]/).some((part) => part === '.' || part === '..')) throw argumentProblem(name, 'fills a path segment: no . or .. between slashes', 'INVALID_VALUE');
  if (LONE_SURROGATE.test(text)) throw argumentProblem(name, 'fills a path segment: text without lone surrogates', 'INVALID_VALUE');
  return encodeURIComponent(text);
}

function queryValues(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap(queryValues);
  return [typeof value === 'object' ? JSON.stringify(value) : String(value)];
}

/**
 * The request a run sends: placeholders filled, the other arguments as query parameters (GET,
 * DELETE, and those named in `query`) or as the JSON body (POST, PUT, PATCH). Arguments that would
 * set a query parameter the url fixes are refused.
 */
export function buildRequest(template: UrlTemplate, method: HttpToolMethod, args: Readonly<Record<string, unknown>>, query: ReadonlySet<string> = NO_NAMES): HttpToolRequest {
  const used = new Set(template.placeholders);
  const url = new URL(template.text.replace(PLACEHOLDER, (_, name: string) => segment(name, args[name])));
  // Encoded segments cannot move the request; checked anyway, since this is what keeps it where the admin pointed it.
  if (url.origin !== template.origin) throw argumentProblem('(parameters)', 'would change where the request goes', 'INVALID_VALUE');
  const rest = Object.entries(args).filter(([name]) => !used.has(name));
  const withBody = WITH_BODY.has(method);
  for (const [name, value] of rest) {
    if (withBody && !query.has(name)) continue;
    if (template.fixedQuery.has(name)) throw argumentProblem(name, 'is a query parameter the tool fixes', 'NOT_ALLOWED');
    for (const text of queryValues(value)) url.searchParams.append(name, text);
  }
  return withBody ? { url, body: JSON.stringify(Object.fromEntries(rest.filter(([name]) => !query.has(name)))) } : { url };
}

/** A JSON body when the answer says it is JSON and parses; its text otherwise. */
export function answerBody(contentType: string | undefined, text: string): unknown {
  if (!contentType || !/^application\/(?:[\w.-]+\+)?json\b/i.test(contentType)) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** MCP hints a client may show: only a GET is known to read; PUT and DELETE repeat safely. */
export function annotationsOf(method: HttpToolMethod): Record<string, boolean> {
  if (method === 'GET') return { readOnlyHint: true, openWorldHint: true };
  if (method === 'PUT' || method === 'DELETE') return { readOnlyHint: false, idempotentHint: true, openWorldHint: true };
  return { readOnlyHint: false, openWorldHint: true };
}

/** One step of a response path: a key, an index, or every element (`*`). */
export type PathStep = { readonly key: string } | { readonly index: number } | { readonly every: true };

const PATH_STEP = /^(?:\.([A-Za-z_$][\w$-]*)|\.\*|\[\*\]|\[(\d{1,9})\]|\['((?:[^'\\]|\\.){1,200})'\])/;
const MAX_PATH_STEPS = 32;

/**
 * A response path (a small, linear part of JSONPath): `$` then `.key`, `['any key']`, `[0]`,
 * `[*]` or `.*`, e.g. `$.data.items[*].name`. Refused (400) when it is anything else.
 */
export function parseResponsePath(text: string): PathStep[] {
  const problem = (message: string): ApiError => ApiError.validation(`responsePath: ${message}`, [{ field: 'responsePath', message, code: 'INVALID_FORMAT' }]);
  if (!text.startsWith('$')) throw problem('starts with $');
  const steps: PathStep[] = [];
  for (let rest = text.slice(1); rest !== ''; ) {
    const match = PATH_STEP.exec(rest);
    if (!match) throw problem(`cannot read it from "${rest.slice(0, 40)}": use .key, ['key'], [0], [*] or .*`);
    if (match[1] !== undefined) steps.push({ key: match[1] });
    else if (match[2] !== undefined) steps.push({ index: Number(match[2]) });
    else if (match[3] !== undefined) steps.push({ key: match[3].replace(/\\(.)/g, '$1') });
    else steps.push({ every: true });
    if (steps.length > MAX_PATH_STEPS) throw problem(`at most ${MAX_PATH_STEPS} steps`);
    rest = rest.slice(match[0].length);
  }
  return steps;
}

/**
 * What a path selects of a JSON value: one value, or (once a step takes every element) the list of
 * what each element gives; what is not there is left out (a single missing value: null).
 */
export function selectPath(value: unknown, steps: readonly PathStep[]): unknown {
  let current: unknown[] = [value];
  let many = false;
  for (const step of steps) {
    const next: unknown[] = [];
    for (const node of current) {
      if ('every' in step) {
        // One by one: spreading a list of a million elements into push would overflow the stack.
        if (typeof node === 'object' && node !== null) for (const element of Array.isArray(node) ? node : Object.values(node)) next.push(element);
      } else if ('index' in step) {
        if (Array.isArray(node) && step.index < node.length) next.push(node[step.index]);
      } else if (typeof node === 'object' && node !== null && !Array.isArray(node) && Object.hasOwn(node, step.key)) {
        next.push((node as Record<string, unknown>)[step.key]);
      }
    }
    many ||= 'every' in step;
    current = next;
  }
  return many ? current : (current[0] ?? null);
}
