#!/usr/bin/env node
// Generates libs/contracts/src/generated/ from openapi/openapi.yaml:
//   dto.ts         class-validator / class-transformer classes for request bodies, query and path params
//   types.ts       TypeScript types for component schemas and for every operation's JSON responses
//   accept.ts      for each DTO, the common case of the validation pipe without class-transformer (see AcceptorWriter)
//   operations.ts  the operation table (id, method, path, public) used by the contract tests
// `--check` writes nothing and exits 1 when the files on disk differ from what would be generated.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SPEC = join(ROOT, 'openapi/openapi.yaml');
const OUT = join(ROOT, 'libs/contracts/src/generated');
const HEADER = '// GENERATED from openapi/openapi.yaml by scripts/generate-contracts.mjs. Do not edit: run `npm run generate`.\n';
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
// Keywords the generated validation would not enforce: refused rather than silently promised.
const UNSUPPORTED_IN_REQUESTS = ['oneOf', 'anyOf', 'allOf', 'not', 'minProperties', 'dependentRequired'];

const pascal = (text) =>
  text
    .replace(/[^A-Za-z0-9]+(.)?/g, (_, next) => (next ? next.toUpperCase() : ''))
    .replace(/^./, (first) => first.toUpperCase());
const literal = (value) => JSON.stringify(value);
/** The schemes a `format: uri` string may have: http(s), unless the schema says otherwise (`x-url-schemes`). */
const urlSchemes = (schema) => literal(schema['x-url-schemes'] ?? ['http', 'https']).replaceAll('"', "'").replaceAll(',', ', ');
const propertyKey = (name) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : literal(name));

class Spec {
  constructor(document) {
    this.document = document;
  }

  refName(ref) {
    const match = /^#\/components\/schemas\/(.+)$/.exec(ref);
    if (!match) throw new Error(`only local schema refs are supported: ${ref}`);
    return match[1];
  }

  resolve(schema) {
    let current = schema;
    for (let depth = 0; current && current.$ref; depth++) {
      if (depth > 20) throw new Error(`ref cycle at ${schema.$ref}`);
      const resolved = this.resolvePointer(current.$ref);
      if (!resolved) throw new Error(`unresolved ref ${current.$ref}`);
      current = resolved;
    }
    return current;
  }

  resolvePointer(ref) {
    if (!ref.startsWith('#/')) throw new Error(`only local refs are supported: ${ref}`);
    return ref
      .slice(2)
      .split('/')
      .reduce((node, key) => (node === undefined ? undefined : node[key.replace(/~1/g, '/').replace(/~0/g, '~')]), this.document);
  }

  *operations() {
    for (const [path, item] of Object.entries(this.document.paths ?? {})) {
      for (const method of METHODS) {
        const operation = item[method];
        if (!operation) continue;
        if (!operation.operationId) throw new Error(`${method.toUpperCase()} ${path} has no operationId`);
        const parameters = [...(item.parameters ?? []), ...(operation.parameters ?? [])].map((p) => (p.$ref ? this.resolvePointer(p.$ref) : p));
        const servers = operation.servers ?? item.servers ?? this.document.servers ?? [{ url: '/' }];
        yield { path, method, operation, parameters, basePath: new URL(servers[0].url, 'http://x').pathname.replace(/\/+$/, '') };
      }
    }
  }
}

// ---------------------------------------------------------------- request DTO classes

class DtoWriter {
  constructor(spec) {
    this.spec = spec;
    this.classes = new Map(); // name -> source, in dependency order
    this.validators = new Set();
    this.transformers = new Set();
    this.custom = new Set(); // from libs/contracts/src/validators.ts
    this.members = new Map(); // class name -> what its acceptor needs of each property
  }

  classFor(name, schema, where, inQuery = false) {
    if (this.classes.has(name)) return name;
    this.classes.set(name, null); // reserve: guards recursion
    const resolved = this.spec.resolve(schema);
    this.assertSupported(resolved, where);
    if (resolved.type !== 'object' && !resolved.properties) throw new Error(`${where}: a request body or nested DTO must be an object`);
    const required = new Set(resolved.required ?? []);
    this.members.set(name, []);
    const members = Object.entries(resolved.properties ?? {}).map(([prop, propSchema]) =>
      this.member(name, prop, propSchema, required.has(prop), `${where}.${prop}`, inQuery),
    );
    const doc = resolved.description ? `/** ${resolved.description.trim().replace(/\*\//g, '* /')} */\n` : '';
    this.classes.delete(name);
    this.classes.set(name, `${doc}export class ${name} {\n${members.join('\n\n')}\n}\n`);
    return name;
  }

  queryClass(name, parameters, where, location) {
    const properties = {};
    const required = [];
    for (const parameter of parameters.filter((p) => p.in === location)) {
      properties[parameter.name] = { ...parameter.schema, description: parameter.description ?? parameter.schema?.description };
      if (parameter.required) required.push(parameter.name);
    }
    if (Object.keys(properties).length === 0) return undefined;
    return this.classFor(name, { type: 'object', properties, required }, where, true);
  }

  assertSupported(schema, where) {
    for (const keyword of UNSUPPORTED_IN_REQUESTS) {
      if (schema[keyword]) throw new Error(`${where}: '${keyword}' is not supported in request schemas; model it with explicit properties`);
    }
  }

  member(owner, prop, rawSchema, isRequired, where, inQuery) {
    const schema = this.spec.resolve(rawSchema);
    this.assertSupported(schema, where);
    const decorators = [];
    const use = (name) => this.validators.add(name);
    if (!isRequired && schema.nullable) {
      use('IsOptional');
      decorators.push('@IsOptional()');
    } else if (!isRequired) {
      // IsOptional would let null through too, and a service would then get null where the
      // contract allows only absence or a value (found by the fuzz: `password: null`).
      use('ValidateIf');
      decorators.push(`@ValidateIf((object: Record<string, unknown>) => object[${literal(prop)}] !== undefined)`);
    } else if (schema.nullable) {
      use('ValidateIf');
      decorators.push(`@ValidateIf((object: Record<string, unknown>) => object[${literal(prop)}] !== null)`);
    }
    decorators.push(...this.transforms(schema, inQuery));
    const { decorators: typeDecorators, tsType, nested } = this.typeRules(owner, prop, rawSchema, schema, where, inQuery);
    decorators.push(...typeDecorators);
    this.members.get(owner).push({ prop, schema, isRequired, inQuery, nested });
    const nullable = schema.nullable ? ' | null' : '';
    const doc = schema.description ? `  /** ${schema.description.trim().replace(/\s+/g, ' ').replace(/\*\//g, '* /')} */\n` : '';
    const declaration = `${propertyKey(prop)}${isRequired ? '!' : '?'}: ${tsType}${nullable};`;
    return `${doc}${decorators.map((d) => `  ${d}`).join('\n')}\n  ${declaration}`;
  }

  /** The value conversions of a property, as `(value) => ...` bodies, in the order they apply. */
  transformExpressions(schema, inQuery) {
    const steps = [];
    if (schema['x-trim']) steps.push('value.trim()');
    if (schema['x-lowercase']) steps.push('.toLowerCase()');
    const out = [];
    if (steps.length > 0) {
      const expression = schema['x-trim'] ? steps.join('') : `value${steps.join('')}`;
      out.push(`(typeof value === 'string' ? ${expression} : value)`);
    }
    // Query strings are text; convert only clean numerals so "abc" or "1e999" still fail validation.
    if (inQuery && (schema.type === 'integer' || schema.type === 'number')) out.push(`(typeof value === 'string' && /^-?\\d+(\\.\\d+)?$/.test(value) ? Number(value) : value)`);
    if (inQuery && schema.type === 'boolean') out.push(`(value === 'true' ? true : value === 'false' ? false : value)`);
    if (inQuery && schema.type === 'array') out.push(`(typeof value === 'string' ? value.split(',').filter((part) => part !== '') : value)`);
    return out;
  }

  transforms(schema, inQuery) {
    const expressions = this.transformExpressions(schema, inQuery);
    if (expressions.length > 0) this.transformers.add('Transform');
    return expressions.map((expression) => `@Transform(({ value }: { value: unknown }) => ${expression})`);
  }

  stringRules(schema, each) {
    const use = (name) => this.validators.add(name);
    const opts = each ? '{ each: true }' : '';
    const withOpts = (args) => [args, opts].filter(Boolean).join(', ');
    const out = [];
    if (schema.enum) {
      use('IsIn');
      out.push(`@IsIn(${literal(schema.enum)}${each ? ', { each: true }' : ''})`);
    } else if (schema.format === 'email') {
      use('IsEmail');
      out.push(`@IsEmail({}${each ? ', { each: true }' : ''})`);
    } else if (schema.format === 'uuid') {
      use('IsUUID');
      out.push(`@IsUUID(undefined${each ? ', { each: true }' : ''})`);
    } else if (schema.format === 'date-time') {
      use('IsISO8601');
      out.push(`@IsISO8601({ strict: true }${each ? ', { each: true }' : ''})`);
    } else if (schema.format === 'uri') {
      use('IsUrl');
      out.push(`@IsUrl({ require_tld: false, require_protocol: true, protocols: ${urlSchemes(schema)} }${each ? ', { each: true }' : ''})`);
    } else {
      use('IsString');
      out.push(`@IsString(${opts})`);
    }
    if (schema.minLength !== undefined) {
      use('MinLength');
      out.push(`@MinLength(${withOpts(String(schema.minLength))})`);
    }
    if (schema.maxLength !== undefined) {
      use('MaxLength');
      out.push(`@MaxLength(${withOpts(String(schema.maxLength))})`);
    }
    if (schema.pattern !== undefined) {
      use('Matches');
      new RegExp(schema.pattern); // fail generation, not requests, on a bad pattern
      const options = [each ? 'each: true' : '', schema['x-pattern-message'] ? `message: ${literal(schema['x-pattern-message'])}` : ''].filter(Boolean);
      out.push(`@Matches(new RegExp(${literal(schema.pattern)})${options.length ? `, { ${options.join(', ')} }` : ''})`);
    }
    return out;
  }

  numberRules(schema, each) {
    const use = (name) => this.validators.add(name);
    const opts = each ? ', { each: true }' : '';
    const out = [];
    if (schema.type === 'integer') {
      use('IsInt');
      out.push(`@IsInt(${each ? '{ each: true }' : ''})`);
    } else {
      use('IsNumber');
      out.push(`@IsNumber({ allowNaN: false, allowInfinity: false }${opts})`);
    }
    if (schema.minimum !== undefined) {
      use('Min');
      out.push(`@Min(${schema.minimum}${opts})`);
    }
    if (schema.maximum !== undefined) {
      use('Max');
      out.push(`@Max(${schema.maximum}${opts})`);
    }
    return out;
  }

  typeRules(owner, prop, rawSchema, schema, where, inQuery) {
    const use = (name) => this.validators.add(name);
    switch (schema.type) {
      case 'string':
        return { decorators: this.stringRules(schema, false), tsType: schema.enum ? schema.enum.map(literal).join(' | ') : 'string' };
      case 'integer':
      case 'number':
        return { decorators: this.numberRules(schema, false), tsType: 'number' };
      case 'boolean':
        use('IsBoolean');
        return { decorators: ['@IsBoolean()'], tsType: 'boolean' };
      case 'array':
        return this.arrayRules(owner, prop, schema, where, inQuery);
      case 'object':
      case undefined: {
        if (schema.properties) {
          const nested = rawSchema.$ref ? `${this.spec.refName(rawSchema.$ref)}Dto` : `${owner.replace(/Dto$/, '')}${pascal(prop)}Dto`;
          this.classFor(nested, rawSchema, where);
          use('IsObject');
          use('ValidateNested');
          this.transformers.add('Type');
          return { decorators: ['@IsObject()', '@ValidateNested()', `@Type(() => ${nested})`], tsType: nested, nested };
        }
        if (schema.type === undefined) throw new Error(`${where}: give the property a type`);
        use('IsObject');
        const decorators = ['@IsObject()'];
        const additional = schema.additionalProperties && typeof schema.additionalProperties === 'object' ? this.spec.resolve(schema.additionalProperties) : undefined;
        let tsType = 'Record<string, unknown>';
        if (additional?.type === 'string') {
          this.custom.add('IsStringRecord');
          const limits = [schema.maxProperties !== undefined ? `maxEntries: ${schema.maxProperties}` : '', additional.maxLength !== undefined ? `maxLength: ${additional.maxLength}` : ''].filter(Boolean);
          decorators.push(`@IsStringRecord({ ${limits.join(', ')} })`);
          tsType = 'Record<string, string>';
        } else if (additional) {
          throw new Error(`${where}: additionalProperties of type ${additional.type} is not supported in requests`);
        }
        if (schema['x-max-bytes'] !== undefined) {
          this.custom.add('MaxJsonBytes');
          decorators.push(`@MaxJsonBytes(${schema['x-max-bytes']})`);
        }
        return { decorators, tsType };
      }
      default:
        throw new Error(`${where}: unsupported type ${schema.type}`);
    }
  }

  arrayRules(owner, prop, schema, where, inQuery) {
    const use = (name) => this.validators.add(name);
    use('IsArray');
    const decorators = ['@IsArray()'];
    if (schema.minItems !== undefined) {
      use('ArrayMinSize');
      decorators.push(`@ArrayMinSize(${schema.minItems})`);
    }
    if (schema.maxItems !== undefined) {
      use('ArrayMaxSize');
      decorators.push(`@ArrayMaxSize(${schema.maxItems})`);
    }
    if (schema.uniqueItems) {
      use('ArrayUnique');
      decorators.push('@ArrayUnique()');
    }
    if (!schema.items) throw new Error(`${where}: arrays need items`);
    const items = this.spec.resolve(schema.items);
    this.assertSupported(items, `${where}[]`);
    if (items.type === 'string') {
      decorators.push(...this.stringRules(items, true));
      return { decorators, tsType: items.enum ? `Array<${items.enum.map(literal).join(' | ')}>` : 'string[]' };
    }
    if (items.type === 'integer' || items.type === 'number') {
      if (inQuery) throw new Error(`${where}: numeric arrays in query strings are not supported`);
      decorators.push(...this.numberRules(items, true));
      return { decorators, tsType: 'number[]' };
    }
    if (items.type === 'boolean') {
      use('IsBoolean');
      decorators.push('@IsBoolean({ each: true })');
      return { decorators, tsType: 'boolean[]' };
    }
    if (items.type === 'object' && items.properties) {
      const nested = schema.items.$ref ? `${this.spec.refName(schema.items.$ref)}Dto` : `${owner.replace(/Dto$/, '')}${pascal(prop)}ItemDto`;
      this.classFor(nested, schema.items, `${where}[]`);
      use('ValidateNested');
      this.transformers.add('Type');
      decorators.push('@ValidateNested({ each: true })', `@Type(() => ${nested})`);
      return { decorators, tsType: `${nested}[]`, nested };
    }
    if (items.type === 'object') {
      use('IsObject');
      decorators.push('@IsObject({ each: true })');
      return { decorators, tsType: 'Array<Record<string, unknown>>' };
    }
    throw new Error(`${where}[]: unsupported item type ${items.type}`);
  }

  source() {
    const validators = [...this.validators].sort();
    const transformers = [...this.transformers].sort();
    const imports = [
      transformers.length ? `import { ${transformers.join(', ')} } from 'class-transformer';` : '',
      validators.length ? `import { ${validators.join(', ')} } from 'class-validator';` : '',
      this.custom.size ? `import { ${[...this.custom].sort().join(', ')} } from '../validators';` : '',
    ].filter(Boolean);
    // Nested classes must be declared before the classes that reference them via @Type.
    const bodies = [...this.classes.values()];
    return `${HEADER}/* eslint-disable */\n${imports.join('\n')}\n\n${bodies.join('\n')}`;
  }
}

// ---------------------------------------------------------------- request acceptors

/**
 * For each DTO class, a function that returns the class's instance for a value every one of its
 * rules accepts, built as the validation pipe would build it, and undefined for anything else. It
 * calls class-validator's own functions with the decorators' arguments, so it can only accept what
 * the decorators accept; whatever it does not accept goes through the full validation, which says
 * why. This spares the common case class-transformer's copy and class-validator's metadata walk.
 */
class AcceptorWriter {
  constructor(dto) {
    this.dto = dto;
    this.functions = new Set();
    this.constants = [];
    this.constantNames = new Map();
    this.custom = new Set();
  }

  constant(prefix, code) {
    const known = this.constantNames.get(code);
    if (known) return known;
    const name = `${prefix}_${this.constants.length}`;
    this.constants.push(`const ${name} = ${code};`);
    this.constantNames.set(code, name);
    return name;
  }

  use(name) {
    this.functions.add(name);
    return name;
  }

  stringChecks(schema, value) {
    // class-validator's string rules check the type themselves; the cast only satisfies their signatures.
    const v = `${value} as string`;
    const checks = [];
    if (schema.enum) checks.push(`${this.use('isIn')}(${value}, ${this.constant('ALLOWED', literal(schema.enum))})`);
    else if (schema.format === 'email') checks.push(`${this.use('isEmail')}(${v}, {})`);
    else if (schema.format === 'uuid') checks.push(`${this.use('isUUID')}(${v}, undefined)`);
    else if (schema.format === 'date-time') checks.push(`${this.use('isISO8601')}(${v}, { strict: true })`);
    else if (schema.format === 'uri') checks.push(`${this.use('isURL')}(${v}, { require_tld: false, require_protocol: true, protocols: ${urlSchemes(schema)} })`);
    else checks.push(`${this.use('isString')}(${value})`);
    if (schema.minLength !== undefined) checks.push(`${this.use('minLength')}(${v}, ${schema.minLength})`);
    if (schema.maxLength !== undefined) checks.push(`${this.use('maxLength')}(${v}, ${schema.maxLength})`);
    if (schema.pattern !== undefined) checks.push(`${this.use('matches')}(${v}, ${this.constant('PATTERN', `new RegExp(${literal(schema.pattern)})`)})`);
    return checks;
  }

  numberChecks(schema, v) {
    const checks = [schema.type === 'integer' ? `${this.use('isInt')}(${v})` : `${this.use('isNumber')}(${v}, { allowNaN: false, allowInfinity: false })`];
    if (schema.minimum !== undefined) checks.push(`${this.use('min')}(${v}, ${schema.minimum})`);
    if (schema.maximum !== undefined) checks.push(`${this.use('max')}(${v}, ${schema.maximum})`);
    return checks;
  }

  /** Statements that check `value` (and may replace it with what the pipe would build), returning undefined on any doubt. */
  valueStatements({ schema, nested }) {
    const fail = 'return undefined;';
    const all = (checks) => `if (!(${checks.join(' && ')})) ${fail}`;
    switch (schema.type) {
      case 'string':
        return [all(this.stringChecks(schema, 'value'))];
      case 'integer':
      case 'number':
        return [all(this.numberChecks(schema, 'value'))];
      case 'boolean':
        return [all([`${this.use('isBoolean')}(value)`])];
      case 'array': {
        const checks = [`${this.use('isArray')}(value)`];
        if (schema.minItems !== undefined) checks.push(`${this.use('arrayMinSize')}(value, ${schema.minItems})`);
        if (schema.maxItems !== undefined) checks.push(`${this.use('arrayMaxSize')}(value, ${schema.maxItems})`);
        if (schema.uniqueItems) checks.push(`${this.use('arrayUnique')}(value)`);
        const items = this.dto.spec.resolve(schema.items);
        const statements = [all(checks)];
        if (nested) {
          statements.push(`const built: unknown[] = [];`, `for (const item of value as unknown[]) {`, `  const instance = ${this.use('isObject')}(item) ? accept${nested}(item) : undefined;`, `  if (instance === undefined) ${fail}`, `  built.push(instance);`, `}`, `value = built;`);
          return statements;
        }
        let itemChecks;
        if (items.type === 'string') itemChecks = this.stringChecks(items, 'item');
        else if (items.type === 'integer' || items.type === 'number') itemChecks = this.numberChecks(items, 'item');
        else if (items.type === 'boolean') itemChecks = [`${this.use('isBoolean')}(item)`];
        else itemChecks = [`${this.use('isObject')}(item)`];
        // class-transformer copies an array.
        statements.push(`if (!(value as unknown[]).every((item) => ${itemChecks.join(' && ')})) ${fail}`, `value = [...(value as unknown[])];`);
        return statements;
      }
      default: {
        if (nested) return [`const instance = ${this.use('isObject')}(value) ? accept${nested}(value) : undefined;`, `if (instance === undefined) ${fail}`, `value = instance;`];
        const checks = [`${this.use('isObject')}(value)`];
        const additional = schema.additionalProperties && typeof schema.additionalProperties === 'object' ? this.dto.spec.resolve(schema.additionalProperties) : undefined;
        if (additional?.type === 'string') {
          this.custom.add('isStringRecord');
          checks.push(`isStringRecord(value, ${literal({ ...(schema.maxProperties !== undefined ? { maxEntries: schema.maxProperties } : {}), ...(additional.maxLength !== undefined ? { maxLength: additional.maxLength } : {}) })})`);
        }
        if (schema['x-max-bytes'] !== undefined) {
          this.custom.add('withinJsonBytes');
          checks.push(`withinJsonBytes(value, ${schema['x-max-bytes']})`);
        }
        return [all(checks)];
      }
    }
  }

  memberCase(member) {
    const { prop, schema, isRequired, inQuery } = member;
    const lines = [`case ${literal(prop)}: {`];
    for (const expression of this.dto.transformExpressions(schema, inQuery)) lines.push(`  value = ((value: any) => ${expression})(value);`);
    // The conditions of @IsOptional / @ValidateIf: a value they let through is not validated.
    if (!isRequired && schema.nullable) lines.push('  if (value === null || value === undefined) break;');
    else if (!isRequired) lines.push('  if (value === undefined) break;');
    else if (schema.nullable) lines.push('  if (value === null) break;');
    for (const statement of this.valueStatements(member)) lines.push(`  ${statement}`);
    lines.push('  break;', '}');
    return lines.map((line) => `      ${line}`).join('\n');
  }

  acceptor(name) {
    const members = this.dto.members.get(name);
    const required = members.filter((member) => member.isRequired).map((member) => `source[${literal(member.prop)}] === undefined`);
    return `function accept${name}(input: unknown): dto.${name} | undefined {
  if (!${this.use('isObject')}(input)) return undefined;
  const source = input as Record<string, unknown>;
  ${required.length > 0 ? `if (${required.join(' || ')}) return undefined;\n  ` : ''}const out = new dto.${name}() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
${members.map((member) => this.memberCase(member)).join('\n')}
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.${name};
}
`;
  }

  source() {
    const names = [...this.dto.members.keys()];
    const bodies = names.map((name) => this.acceptor(name));
    const imports = [
      `import { acceptWith } from '@app/common';`,
      `import { ${[...this.functions].sort().join(', ')} } from 'class-validator';`,
      this.custom.size ? `import { ${[...this.custom].sort().join(', ')} } from '../validators';` : '',
      `import * as dto from './dto';`,
    ].filter(Boolean);
    const registrations = names.map((name) => `acceptWith(dto.${name}, accept${name});`);
    return `${HEADER}/* eslint-disable */\n${imports.join('\n')}\n\n${this.constants.join('\n')}\n\n${bodies.join('\n')}\n${registrations.join('\n')}\n`;
  }
}

// ---------------------------------------------------------------- response and component types

class TypeWriter {
  constructor(spec) {
    this.spec = spec;
  }

  type(schema, indent = '') {
    if (!schema) return 'unknown';
    if (schema.$ref) return this.spec.refName(schema.$ref) + (schema.nullable ? ' | null' : '');
    const nullable = schema.nullable ? ' | null' : '';
    if (schema.allOf) return schema.allOf.map((part) => this.type(part, indent)).join(' & ') + nullable;
    if (schema.oneOf || schema.anyOf) return `(${(schema.oneOf ?? schema.anyOf).map((part) => this.type(part, indent)).join(' | ')})${nullable}`;
    if (schema.enum) return schema.enum.map(literal).join(' | ') + nullable;
    switch (schema.type) {
      case 'string':
        return `string${nullable}`;
      case 'integer':
      case 'number':
        return `number${nullable}`;
      case 'boolean':
        return `boolean${nullable}`;
      case 'array':
        return `Array<${this.type(schema.items, indent)}>${nullable}`;
      default:
        // No type and no shape: any JSON value.
        if (schema.type === undefined && !schema.properties && schema.additionalProperties === undefined) return 'unknown';
        return this.objectType(schema, indent) + nullable;
    }
  }

  objectType(schema, indent) {
    const required = new Set(schema.required ?? []);
    const inner = `${indent}  `;
    const lines = Object.entries(schema.properties ?? {}).map(([name, prop]) => {
      const doc = prop.description ? `${inner}/** ${prop.description.trim().replace(/\s+/g, ' ').replace(/\*\//g, '* /')} */\n` : '';
      return `${doc}${inner}${propertyKey(name)}${required.has(name) ? '' : '?'}: ${this.type(prop, inner)};`;
    });
    const additional = schema.additionalProperties;
    if (additional && typeof additional === 'object') lines.push(`${inner}[key: string]: ${this.type(additional, inner)};`);
    else if (!schema.properties || (additional !== false && schema.properties === undefined)) lines.push(`${inner}[key: string]: unknown;`);
    return lines.length ? `{\n${lines.join('\n')}\n${indent}}` : 'Record<string, unknown>';
  }

  source(operations) {
    const parts = [HEADER];
    for (const [name, schema] of Object.entries(this.spec.document.components?.schemas ?? {})) {
      const doc = schema.description ? `/** ${schema.description.trim().replace(/\s+/g, ' ')} */\n` : '';
      const isObject = (schema.type === 'object' || schema.properties) && !schema.allOf && !schema.oneOf && !schema.anyOf && !schema.nullable;
      parts.push(isObject ? `${doc}export interface ${name} ${this.objectType(schema, '')}\n` : `${doc}export type ${name} = ${this.type(schema)};\n`);
    }
    for (const { operation } of operations) {
      for (const [status, rawResponse] of Object.entries(operation.responses ?? {})) {
        const response = rawResponse.$ref ? this.spec.resolvePointer(rawResponse.$ref) : rawResponse;
        const schema = response?.content?.['application/json']?.schema;
        if (!schema || !/^2\d\d$/.test(status)) continue;
        parts.push(`export type ${pascal(operation.operationId)}Response${status} = ${this.type(schema)};\n`);
      }
    }
    return parts.join('\n');
  }
}

// ---------------------------------------------------------------- operation table

function operationsSource(operations, document) {
  const rootSecurity = document.security ?? [];
  const rows = operations.map(({ path, method, operation, basePath }) => {
    const security = operation.security ?? rootSecurity;
    const isPublic = security.length === 0 || security.some((requirement) => Object.keys(requirement).length === 0);
    return `  { operationId: ${literal(operation.operationId)}, method: ${literal(method.toUpperCase())}, basePath: ${literal(basePath)}, path: ${literal(path)}, public: ${isPublic} },`;
  });
  return `${HEADER}
export interface ContractOperation {
  readonly operationId: string;
  readonly method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'PATCH';
  /** The server's path: '/api/v1', or '' for operations served at the root. */
  readonly basePath: string;
  /** Relative to basePath, with {param} placeholders. */
  readonly path: string;
  /** True when the operation declares no security requirement (a @Public() route). */
  readonly public: boolean;
}

export const CONTRACT_OPERATIONS: readonly ContractOperation[] = [
${rows.join('\n')}
];
`;
}

// ---------------------------------------------------------------- main

function generate() {
  const document = parse(readFileSync(SPEC, 'utf8'));
  const spec = new Spec(document);
  const operations = [...spec.operations()];
  const dto = new DtoWriter(spec);
  for (const { path, method, operation, parameters } of operations) {
    const where = `${method.toUpperCase()} ${path}`;
    const base = pascal(operation.operationId);
    const body = operation.requestBody?.$ref ? spec.resolvePointer(operation.requestBody.$ref) : operation.requestBody;
    // x-raw-body: the handler reads the body itself (JSON-RPC answers errors in its own shape).
    const bodySchema = operation['x-raw-body'] ? undefined : body?.content?.['application/json']?.schema;
    if (bodySchema) dto.classFor(bodySchema.$ref ? `${spec.refName(bodySchema.$ref)}Dto` : `${base}BodyDto`, bodySchema, `${where} body`);
    dto.queryClass(`${base}QueryDto`, parameters, `${where} query`, 'query');
    dto.queryClass(`${base}ParamsDto`, parameters, `${where} path`, 'path');
  }
  return {
    'dto.ts': dto.source(),
    'accept.ts': new AcceptorWriter(dto).source(),
    'types.ts': new TypeWriter(spec).source(operations),
    'operations.ts': operationsSource(operations, document),
    'index.ts': `${HEADER}import './accept';\nexport * from './dto';\nexport * from './operations';\nexport * from './types';\n`,
  };
}

function main() {
  const check = process.argv.includes('--check');
  let files;
  try {
    files = generate();
  } catch (error) {
    console.error(`generate-contracts: ${error.message}`);
    process.exit(1);
  }
  const drifted = [];
  for (const [name, content] of Object.entries(files)) {
    const target = join(OUT, name);
    const current = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
    if (current === content) continue;
    drifted.push(relative(ROOT, target));
    if (!check) {
      mkdirSync(OUT, { recursive: true });
      writeFileSync(target, content);
    }
  }
  if (check && drifted.length > 0) {
    console.error(`generate-contracts: out of date with openapi/openapi.yaml: ${drifted.join(', ')}. Run \`npm run generate\`.`);
    process.exit(1);
  }
  console.log(check ? 'generate-contracts: up to date' : `generate-contracts: ${drifted.length ? `wrote ${drifted.join(', ')}` : 'nothing changed'}`);
}

main();
