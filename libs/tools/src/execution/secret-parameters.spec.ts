import { describe, expect, it } from 'vitest';
import type { ToolDefinition } from '../tool.types';
import { REDACTED, redactParameters } from './secret-parameters';

function tool(inputSchema: Record<string, unknown>, secretFields?: string[]): ToolDefinition {
  return { id: 'tool_t', name: 't', description: '', version: '1', category: 'data', source: 'upstream', inputSchema, permissions: [], ...(secretFields ? { secretFields } : {}), run: async () => null };
}

const pin = { type: 'string', writeOnly: true };

describe('redactParameters: schema-marked secrets at any depth', () => {
  it('hides a writeOnly property nested in an object (the pin of the report)', () => {
    const schema = { type: 'object', properties: { config: { type: 'object', properties: { pin, label: { type: 'string' } } } } };
    const stored = redactParameters(tool(schema), { config: { pin: 'PIN-4242-SECRET', label: 'kept' } });
    expect(stored).toEqual({ config: { pin: REDACTED, label: 'kept' } });
    expect(JSON.stringify(stored)).not.toContain('PIN-4242-SECRET');
  });

  it('honours writeOnly, x-secret and format password, at the top level too', () => {
    const schema = { properties: { a: { type: 'string', writeOnly: true }, b: { type: 'string', 'x-secret': true }, c: { type: 'string', format: 'password' }, d: { type: 'string' } } };
    expect(redactParameters(tool(schema), { a: 'A-SECRET', b: 'B-SECRET', c: 'C-SECRET', d: 'plain' })).toEqual({ a: REDACTED, b: REDACTED, c: REDACTED, d: 'plain' });
  });

  it('hides secrets inside array items, tuples and additional or pattern properties', () => {
    const schema = {
      properties: {
        list: { type: 'array', items: { type: 'object', properties: { token: pin, id: { type: 'number' } } } },
        tuple: { type: 'array', prefixItems: [{ type: 'string' }, pin] },
        old: { type: 'array', items: [{ type: 'string' }], additionalItems: pin },
        map: { type: 'object', additionalProperties: pin },
        byPattern: { type: 'object', patternProperties: { '^key_': pin } },
      },
    };
    const stored = redactParameters(tool(schema), {
      list: [
        { token: 'T1-SECRET', id: 1 },
        { token: 'T2-SECRET', id: 2 },
      ],
      tuple: ['name', 'TUPLE-SECRET'],
      old: ['name', 'OLD-SECRET', 'OLD-SECRET-2'],
      map: { x: 'MAP-SECRET' },
      byPattern: { key_a: 'PATTERN-SECRET', other: 'plain' },
    });
    expect(stored).toEqual({
      list: [
        { token: REDACTED, id: 1 },
        { token: REDACTED, id: 2 },
      ],
      tuple: ['name', REDACTED],
      old: ['name', REDACTED, REDACTED],
      map: { x: REDACTED },
      byPattern: { key_a: REDACTED, other: 'plain' },
    });
  });

  it('follows allOf, anyOf, oneOf, if/then/else and local $ref ($defs, definitions, #)', () => {
    const schema = {
      $defs: { credentials: { type: 'object', properties: { password: { type: 'string', format: 'password' }, user: { type: 'string' } } } },
      definitions: { apiKey: { type: 'string', 'x-secret': true } },
      properties: {
        viaAllOf: { allOf: [{ type: 'object' }, { properties: { s: pin } }] },
        viaAnyOf: { anyOf: [{ type: 'string' }, { type: 'object', properties: { s: pin } }] },
        viaOneOf: { oneOf: [{ type: 'object', properties: { s: pin } }, { type: 'null' }] },
        viaThen: { if: { type: 'object' }, then: { properties: { s: pin } }, else: { properties: { t: pin } } },
        viaDefs: { $ref: '#/$defs/credentials' },
        viaDefinitions: { $ref: '#/definitions/apiKey' },
        viaPointer: { $ref: '#/properties/viaDefs' },
      },
    };
    const stored = redactParameters(tool(schema), {
      viaAllOf: { s: 'S1-SECRET' },
      viaAnyOf: { s: 'S2-SECRET' },
      viaOneOf: { s: 'S3-SECRET' },
      viaThen: { s: 'S4-SECRET', t: 'S5-SECRET' },
      viaDefs: { password: 'S6-SECRET', user: 'ada' },
      viaDefinitions: 'S7-SECRET',
      viaPointer: { password: 'S8-SECRET', user: 'alan' },
    });
    expect(JSON.stringify(stored)).not.toMatch(/S\d-SECRET/);
    expect(stored).toMatchObject({ viaDefs: { password: REDACTED, user: 'ada' }, viaPointer: { user: 'alan' }, viaDefinitions: REDACTED });
  });

  it('ends on a cyclic schema: a recursive tree through $ref "#" and a $ref loop', () => {
    const schema = { $defs: { a: { $ref: '#/$defs/b' }, b: { allOf: [{ $ref: '#/$defs/a' }] } }, properties: { name: { type: 'string' }, secret: pin, children: { type: 'array', items: { $ref: '#' } }, loop: { $ref: '#/$defs/a' } } };
    const deep: Record<string, unknown> = { name: 'leaf', secret: 'LEAF-SECRET' };
    let tree = deep;
    for (let level = 0; level < 10; level++) tree = { name: `n${level}`, secret: `N${level}-SECRET`, children: [tree] };
    const stored = redactParameters(tool(schema), { ...tree, loop: { x: 1 } });
    expect(JSON.stringify(stored)).not.toContain('SECRET');
    expect(stored).toMatchObject({ name: 'n9', loop: { x: 1 } });
  });

  it('stays bounded on hostile schemas: a combinator explosion is hidden, deep input is cut', () => {
    // 2^20 paths of allOf if expanded naively; at most a few dozen schemas are ever looked at.
    const defs: Record<string, unknown> = { d0: pin };
    for (let i = 1; i <= 20; i++) defs[`d${i}`] = { allOf: [{ $ref: `#/$defs/d${i - 1}` }, { anyOf: [{ $ref: `#/$defs/d${i - 1}` }] }] };
    const wide = { $defs: defs, properties: { x: { $ref: '#/$defs/d20' } } };
    const started = performance.now();
    expect(redactParameters(tool(wide), { x: 'X-SECRET' })).toEqual({ x: REDACTED });
    const fan = { properties: { x: { anyOf: Array.from({ length: 500 }, () => ({ type: 'object' })).concat([{ type: 'object' }]) } }, $defs: { s: pin } };
    // Too many schemas for one value: the value is hidden rather than half-read.
    expect(redactParameters(tool(fan), { x: { a: 1 } })).toEqual({ x: REDACTED });
    const nested = { properties: { n: { $ref: '#/$defs/node' } }, $defs: { node: { type: 'object', properties: { s: pin }, additionalProperties: { $ref: '#/$defs/node' } } } };
    let value: Record<string, unknown> = { s: 'DEEP-SECRET' };
    for (let i = 0; i < 5_000; i++) value = { c: value };
    expect(JSON.stringify(redactParameters(tool(nested), { n: value }))).not.toContain('DEEP-SECRET');
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('keeps the declared secretFields and secret-named keys, and leaves unmarked schemas alone', () => {
    const schema = { properties: { message: { type: 'string' }, nested: { type: 'object' } } };
    expect(redactParameters(tool(schema, ['message']), { message: 'hidden', nested: { apiKey: 'K-SECRET', other: 1 } })).toEqual({ message: REDACTED, nested: { apiKey: '[REDACTED]', other: 1 } });
    const input = { message: 'hello', nested: { a: [1, 2] } };
    expect(redactParameters(tool(schema), input)).toEqual(input);
  });

  it('hides every parameter when the root itself is marked secret', () => {
    expect(redactParameters(tool({ type: 'object', writeOnly: true }), { a: 1, b: 'x' })).toEqual({ a: REDACTED, b: REDACTED });
  });

  it('ignores refs it cannot resolve, and a bad pattern', () => {
    const schema = { properties: { a: { $ref: 'https://example.com/schema' }, b: { $ref: '#/nowhere/%E0' }, c: { type: 'object', patternProperties: { '(': pin } }, s: pin } };
    expect(redactParameters(tool(schema), { a: 'x', b: 'y', c: { k: 'v' }, s: 'S' })).toEqual({ a: 'x', b: 'y', c: { k: 'v' }, s: REDACTED });
  });

  it('answers the same on every run of one tool, also past the bound on remembered names', () => {
    const definition = tool({ type: 'object', properties: { pin }, patternProperties: { '^k': pin }, additionalProperties: { type: 'object', properties: { pin } } });
    for (let run = 0; run < 2; run++) {
      for (let i = 0; i < 300; i++) {
        expect(redactParameters(definition, { pin: 'P', [`k${i}`]: 'K', [`x${i}`]: { pin: 'Q', label: 'kept' } })).toEqual({ pin: REDACTED, [`k${i}`]: REDACTED, [`x${i}`]: { pin: REDACTED, label: 'kept' } });
      }
    }
  });
});
