import { redactSecrets } from '@app/common';
import type { ToolDefinition } from '../tool.types';

export const REDACTED = '[REDACTED]';

type Schema = Readonly<Record<string, unknown>>;

/** Schemas that may apply at one place of the input; more is a hostile schema, and the place is hidden. */
const MAX_SCHEMAS_PER_VALUE = 64;
/** Input nested deeper than this is hidden whole rather than walked. */
const MAX_VALUE_DEPTH = 32;
/** Schema objects looked at when deciding whether a schema marks anything secret at all. */
const MAX_SCAN_NODES = 10_000;
const COMBINATORS = ['allOf', 'anyOf', 'oneOf', 'then', 'else'] as const;

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The markers a tool's input schema may use for a value that must never be stored or audited. */
function marksSecret(schema: Schema): boolean {
  return schema.writeOnly === true || schema['x-secret'] === true || schema.format === 'password';
}

/** Whether any schema object reachable from the root carries a marker (true when too big to tell). */
function mayMarkSecrets(root: unknown): boolean {
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null || seen.has(node)) continue;
    if (seen.size >= MAX_SCAN_NODES) return true;
    seen.add(node);
    if (isSchema(node) && marksSecret(node)) return true;
    stack.push(...Object.values(node));
  }
  return false;
}

/** `#`, `#/$defs/x`, `#/definitions/x`, `#/properties/a/items`: a JSON pointer into the root schema. */
function resolveLocalRef(root: Schema, ref: string): Schema | undefined {
  if (ref === '#') return root;
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    } catch {
      return undefined;
    }
    if (typeof node !== 'object' || node === null || !Object.prototype.hasOwnProperty.call(node, segment)) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return isSchema(node) ? node : undefined;
}

/**
 * The schemas that apply at one place: the given ones and, transitively, their local $ref targets
 * and combinator branches (every branch: a value is hidden if any branch could call it secret).
 * Null when there are more than MAX_SCHEMAS_PER_VALUE, which only a hostile schema needs.
 */
function expand(root: Schema, schemas: readonly Schema[]): Schema[] | null {
  const found = new Set<Schema>();
  const stack = [...schemas];
  while (stack.length > 0) {
    const schema = stack.pop() as Schema;
    if (found.has(schema)) continue;
    if (found.size >= MAX_SCHEMAS_PER_VALUE) return null;
    found.add(schema);
    const target = typeof schema.$ref === 'string' ? resolveLocalRef(root, schema.$ref) : undefined;
    if (target) stack.push(target);
    for (const keyword of COMBINATORS) {
      const branches = schema[keyword];
      if (isSchema(branches)) stack.push(branches);
      else if (Array.isArray(branches)) stack.push(...branches.filter(isSchema));
    }
  }
  return [...found];
}

const MAX_CACHED_PATTERNS = 1_000;
const patterns = new Map<string, RegExp | null>();

/** patternProperties, compiled once (ajv runs the same expressions on every validation anyway). */
function matchesPattern(pattern: string, key: string): boolean {
  let compiled = patterns.get(pattern);
  if (compiled === undefined) {
    try {
      compiled = new RegExp(pattern, 'u');
    } catch {
      compiled = null;
    }
    if (patterns.size >= MAX_CACHED_PATTERNS) patterns.clear();
    patterns.set(pattern, compiled);
  }
  return compiled?.test(key) ?? false;
}

/** The schemas for the member `key` of an object: its property, matching patterns, or the catch-alls. */
function memberSchemas(schemas: readonly Schema[], key: string): Schema[] {
  return schemas.flatMap((schema) => {
    const properties = isSchema(schema.properties) ? schema.properties : {};
    if (Object.prototype.hasOwnProperty.call(properties, key)) return [properties[key]].filter(isSchema);
    const patterns = isSchema(schema.patternProperties) ? Object.entries(schema.patternProperties).filter(([pattern]) => matchesPattern(pattern, key)) : [];
    if (patterns.length > 0) return patterns.map(([, inner]) => inner).filter(isSchema);
    return [schema.additionalProperties, schema.unevaluatedProperties].filter(isSchema);
  });
}

/** The schemas for item `index` of an array: tuple positions (either dialect), then the rest. */
function itemSchemas(schemas: readonly Schema[], index: number): Schema[] {
  return schemas.flatMap((schema) => {
    const tuple = Array.isArray(schema.prefixItems) ? schema.prefixItems : Array.isArray(schema.items) ? schema.items : undefined;
    if (tuple && index < tuple.length) return [tuple[index]].filter(isSchema);
    return [Array.isArray(schema.items) ? schema.additionalItems : schema.items, schema.unevaluatedItems].filter(isSchema);
  });
}

/** A copy of `value` with every part a schema marks secret replaced; walked along the value, so it ends. */
function redactValue(root: Schema, value: unknown, schemas: readonly Schema[], depth: number): unknown {
  if (schemas.length === 0 || value === null || value === undefined) return value;
  const applicable = expand(root, schemas);
  if (applicable === null || applicable.some(marksSecret)) return REDACTED;
  if (typeof value !== 'object') return value;
  if (depth >= MAX_VALUE_DEPTH) return REDACTED;
  if (Array.isArray(value)) return value.map((item: unknown, index) => redactValue(root, item, itemSchemas(applicable, index), depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) copy[key] = redactValue(root, inner, memberSchemas(applicable, key), depth + 1);
  return copy;
}

/** What a member of the top-level object needs: hidden whole, or walked with these schemas. */
type MemberPlan = { readonly hidden: true } | { readonly hidden: false; readonly schemas: readonly Schema[] };

const MAX_PLANNED_MEMBERS = 256;

/**
 * A tool's redaction plan, worked out once: runs send the same few parameter names again and
 * again, and expanding the schema for each of them on every run cost more than the run's rows.
 */
class RedactionPlan {
  private readonly members = new Map<string, MemberPlan>();
  private readonly declared: ReadonlySet<string>;
  private readonly root: Schema;
  /** The root's schemas; null when the root hides everything (marked, or too tangled to read). */
  private readonly top: readonly Schema[] | null;

  constructor(definition: ToolDefinition) {
    this.declared = new Set(definition.secretFields ?? []);
    this.root = definition.inputSchema as Schema;
    // Most schemas mark nothing: then there is nothing to walk.
    const top = mayMarkSecrets(this.root) ? expand(this.root, [this.root]) : [];
    this.top = top === null || top.some(marksSecret) ? null : top;
  }

  redact(parameters: Record<string, unknown>): Record<string, unknown> {
    if (this.top === null) return Object.fromEntries(Object.keys(parameters).map((key) => [key, REDACTED]));
    const copy: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(parameters)) {
      const plan = this.member(key, this.top);
      copy[key] = plan.hidden ? REDACTED : typeof value === 'object' && value !== null ? redactValue(this.root, value, plan.schemas, 1) : value;
    }
    return copy;
  }

  private member(key: string, top: readonly Schema[]): MemberPlan {
    let plan = this.members.get(key);
    if (!plan) {
      const schemas = this.declared.has(key) ? null : top.length === 0 ? [] : expand(this.root, memberSchemas(top, key));
      plan = schemas === null || schemas.some(marksSecret) ? { hidden: true } : { hidden: false, schemas };
      // Names come from callers (additionalProperties may allow any): the plan stays bounded.
      if (this.members.size >= MAX_PLANNED_MEMBERS) this.members.clear();
      this.members.set(key, plan);
    }
    return plan;
  }
}

const plans = new WeakMap<ToolDefinition, RedactionPlan>();

/**
 * Parameters as they may be stored and audited: the tool's declared secret fields, values its
 * input schema marks secret (writeOnly, x-secret, format password) at any depth, through nested
 * properties, array items, allOf/anyOf/oneOf/if-then-else and local $ref, and secret-named keys.
 */
export function redactParameters(definition: ToolDefinition, parameters: Record<string, unknown>): Record<string, unknown> {
  let plan = plans.get(definition);
  if (!plan) plans.set(definition, (plan = new RedactionPlan(definition)));
  return redactSecrets(plan.redact(parameters));
}
