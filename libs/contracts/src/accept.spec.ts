import { createValidationPipe } from '@app/common';
import { prng } from '@app/testing';
import { type ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import * as dto from './index';

/**
 * The generated acceptors (generated/accept.ts) must never accept what the full validation
 * refuses, and must build exactly what it builds. Each DTO of the contract gets a few hundred
 * values made from its schema (valid ones, boundaries, wrong types, unknown and missing fields);
 * whenever the fast path accepts one, the full path (Nest's ValidationPipe with the same options)
 * must accept it too and return an equal instance of the same class.
 */
type Schema = Record<string, unknown> & { $ref?: string; type?: string; properties?: Record<string, Schema>; required?: string[]; items?: Schema; enum?: unknown[] };

const SPEC = parse(readFileSync(join(__dirname, '../../../openapi/openapi.yaml'), 'utf8')) as { paths: Record<string, Record<string, Record<string, unknown>>>; components: { schemas: Record<string, Schema> } };
const pascal = (text: string): string => text.replace(/[^A-Za-z0-9]+(.)?/g, (_, next?: string) => (next ? next.toUpperCase() : '')).replace(/^./, (first) => first.toUpperCase());
const resolve = (schema: Schema): Schema => (schema.$ref ? resolve(SPEC.components.schemas[schema.$ref.split('/').pop() as string]) : schema);


const STRINGS = ['', 'a', 'echo', ' padded ', 'User@Example.TEST', ' user@example.test ', 'user@example.test', 'Str0ng!Passw0rd-x', '0d4c5f1e-7c2a-4d8b-9f3e-2b1a0c9d8e7f', 'not-a-uuid', '2026-01-01T00:00:00Z', '2026-13-01', 'http://127.0.0.1:9/hook', 'https://example.test/x', 'ftp://example.test', 'read:tools', 'filesystem:*', '*', '123456', '12345', '+15551234567', '30s', '10x', 'tool.executed,context.*', 'JBSWY3DPEHPK3PXP', 'data:image/png;base64,AAAA', 'my_server-1', 'bad__name', 'true', 'false', '1', '-1', '1.5', 'a,b,,c', '😀', '\uFE0Fx'];

function stringsFor(schema: Schema): unknown[] {
  const out: unknown[] = [...STRINGS, ...(schema.enum ?? [])];
  for (const bound of [schema.minLength, schema.maxLength].filter((n): n is number => typeof n === 'number' && n < 5000)) {
    for (const n of [bound - 1, bound, bound + 1].filter((length) => length >= 0)) out.push('x'.repeat(n), '😀'.repeat(Math.ceil(n / 2)), ` ${'y'.repeat(Math.max(0, n - 2))} `);
  }
  return out;
}

function numbersFor(schema: Schema): unknown[] {
  const out: unknown[] = [0, 1, -1, 1.5, 100, Number.MAX_SAFE_INTEGER, '5', 'abc'];
  for (const bound of [schema.minimum, schema.maximum].filter((n): n is number => typeof n === 'number')) out.push(bound - 1, bound, bound + 1, String(bound));
  return out;
}

/** Values for a property: mostly of its type, often odd. */
function candidates(raw: Schema, random: () => number, depth: number): unknown[] {
  const schema = resolve(raw);
  const odd = [null, true, 42, 'text', [], {}, { unknown: 1 }];
  switch (schema.type) {
    case 'string':
      return [...stringsFor(schema), ...odd];
    case 'integer':
    case 'number':
      return [...numbersFor(schema), ...odd];
    case 'boolean':
      return [true, false, 'true', 'false', 0, null];
    case 'array': {
      const items = candidates(schema.items as Schema, random, depth + 1);
      const pick = (): unknown => items[Math.floor(random() * items.length)];
      return [[], [pick()], [pick(), pick()], [pick(), pick(), pick()], Array.from({ length: 40 }, pick), 'a,b', ...odd];
    }
    default:
      if (schema.properties && depth < 4) return [sampleObject(schema, random, depth + 1), sampleObject(schema, random, depth + 1), sampleObject(schema, random, depth + 1), ...odd];
      return [{}, { message: 'hi', nested: { deep: [1, 2] } }, { constructor: 'x', prototype: 1, ok: true }, { a: 'b', c: 'd' }, { a: 1 }, ...odd];
  }
}

function sampleObject(schema: Schema, random: () => number, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const required = new Set(schema.required ?? []);
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    // Required fields are mostly there, optional ones half the time.
    if (random() < (required.has(name) ? 0.9 : 0.5)) {
      const values = candidates(property, random, depth);
      out[name] = values[Math.floor(random() * values.length)];
    }
  }
  if (random() < 0.1) out.unexpected = 'field';
  return out;
}

interface Case {
  readonly name: string;
  readonly dto: new () => object;
  readonly schema: Schema;
  readonly type: ArgumentMetadata['type'];
}

function cases(): Case[] {
  const found: Case[] = [];
  const classes = dto as unknown as Record<string, new () => object>;
  for (const item of Object.values(SPEC.paths)) {
    for (const operation of Object.values(item)) {
      const id = operation.operationId as string | undefined;
      if (!id) continue;
      const body = (operation.requestBody as { content?: Record<string, { schema?: Schema }> } | undefined)?.content?.['application/json']?.schema;
      if (body && !operation['x-raw-body']) {
        const name = body.$ref ? `${body.$ref.split('/').pop()}Dto` : `${pascal(id)}BodyDto`;
        if (classes[name]) found.push({ name, dto: classes[name], schema: resolve(body), type: 'body' });
      }
      for (const location of ['query', 'path'] as const) {
        const parameters = ((operation.parameters ?? []) as Array<{ in: string; name: string; required?: boolean; schema: Schema }>).filter((parameter) => parameter.in === location);
        const name = `${pascal(id)}${location === 'query' ? 'Query' : 'Params'}Dto`;
        if (parameters.length === 0 || !classes[name]) continue;
        const schema: Schema = { type: 'object', properties: Object.fromEntries(parameters.map((p) => [p.name, p.schema])), required: parameters.filter((p) => p.required).map((p) => p.name) };
        found.push({ name, dto: classes[name], schema, type: location === 'path' ? 'param' : 'query' });
      }
    }
  }
  return found;
}

/** Query strings arrive as text: the same sample, every scalar as a string. */
function asQuery(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, item === null || typeof item === 'object' ? item : String(item)]));
}

describe('generated DTO acceptors', () => {
  const pipe = createValidationPipe();
  const fastPath = (value: unknown, metatype: unknown): object | undefined => (pipe as unknown as { accepted(value: unknown, dto: unknown): object | undefined }).accepted(value, metatype);
  const full = (value: unknown, metadata: ArgumentMetadata): Promise<unknown> => ValidationPipe.prototype.transform.call(pipe, value, metadata) as Promise<unknown>;

  it('accept only what the full validation accepts, and build the same instance', async () => {
    const random = prng(20261203);
    let accepted = 0;
    let compared = 0;
    const checked = cases();
    expect(checked.length).toBeGreaterThan(30);
    for (const { name, dto: metatype, schema, type } of checked) {
      for (let i = 0; i < 300; i++) {
        const sample = sampleObject(schema, random);
        const value = type === 'body' ? sample : asQuery(sample);
        const metadata: ArgumentMetadata = { type, metatype, data: undefined };
        const fast = fastPath(structuredClone(value), metatype);
        const slow = await full(structuredClone(value), metadata).then(
          (result) => ({ result }),
          () => undefined,
        );
        compared++;
        if (fast === undefined) continue;
        accepted++;
        expect(slow, `${name} accepted ${JSON.stringify(value)}, which the full validation refuses`).toBeDefined();
        expect(fast, `${name} built a different instance from ${JSON.stringify(value)}`).toStrictEqual(slow?.result);
        expect(Object.getPrototypeOf(fast)).toBe(metatype.prototype);
      }
    }
    // The samples reach both sides: plenty are accepted, plenty refused.
    expect(accepted).toBeGreaterThan(compared / 10);
    expect(accepted).toBeLessThan(compared);
  });

  it('take the common requests without the full validation', () => {
    const execute = dto.ExecuteToolRequestDto as unknown as new () => object;
    expect(typeof execute).toBe('function');
    const run = fastPath({ parameters: { message: 'hi' }, options: { timeout: 5000, async: false } }, dto.ExecuteToolRequestDto);
    expect(run).toBeInstanceOf(dto.ExecuteToolRequestDto);
    expect((run as dto.ExecuteToolRequestDto).options).toBeInstanceOf(dto.ExecuteToolRequestOptionsDto);
    expect(fastPath({ email: ' Someone@Example.TEST ', password: 'Str0ng!Passw0rd-x', name: ' A ' }, dto.RegisterRequestDto)).toEqual(
      Object.assign(new dto.RegisterRequestDto(), { email: 'someone@example.test', password: 'Str0ng!Passw0rd-x', name: 'A' }),
    );
    expect(fastPath({ parameters: { message: 'hi' }, extra: true }, dto.ExecuteToolRequestDto)).toBeUndefined();
    expect(fastPath({ options: { timeout: 0 } }, dto.ExecuteToolRequestDto)).toBeUndefined();
  });
});
