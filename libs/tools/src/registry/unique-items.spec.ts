import type { EventBus } from '@app/events';
import Ajv from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import type { ToolDefinition } from '../tool.types';
import { UserConfigValidator } from '../upstream/user-config-rules';
import { schemaErrorDetails, ToolRegistry } from './tool-registry';
import { withLinearUniqueItems } from './unique-items';

const LARGE = 50_000;
const distinctRows = (count: number): Array<Record<string, unknown>> => Array.from({ length: count }, (_, index) => ({ id: index, name: `row ${index}`, tags: [index % 7, 'x'] }));

const dialects = [
  ['draft-07', () => withLinearUniqueItems(new Ajv({ allErrors: true, strict: false }))],
  ['2019-09', () => withLinearUniqueItems(new Ajv2019({ allErrors: true, strict: false }))],
  ['2020-12', () => withLinearUniqueItems(new Ajv2020({ allErrors: true, strict: false }))],
] as const;

describe('uniqueItems in one pass (Ajv compares items pairwise: quadratic on objects)', () => {
  describe.each(dialects)('%s', (_name, make) => {
    const validate = make().compile({ type: 'object', properties: { rows: { type: 'array', uniqueItems: true } } });

    it('finds two equal objects whatever the order of their keys, and names both items', () => {
      expect(validate({ rows: [{ a: 1, b: { c: [1, 2], d: null } }, { x: 1 }, { b: { d: null, c: [1, 2] }, a: 1 }] })).toBe(false);
      expect(validate.errors).toEqual([expect.objectContaining({ keyword: 'uniqueItems', instancePath: '/rows', params: { i: 2, j: 0 }, message: 'must NOT have duplicate items (items ## 0 and 2 are identical)' })]);
    });

    it('follows JSON Schema equality: 1 and 1.0 are one number; a string, an array order, null are not', () => {
      expect(validate(JSON.parse('{"rows":[1, 1.0]}'))).toBe(false);
      expect(validate(JSON.parse('{"rows":[{"n":2}, {"n":2.0}]}'))).toBe(false);
      expect(validate({ rows: [1, '1', [1, 2], [2, 1], null, 'null', true, 'true', {}, []] })).toBe(true);
      expect(validate({ rows: [[1, { a: 1, b: 2 }], [1, { b: 2, a: 1 }]] })).toBe(false);
    });

    it(`takes ${LARGE} distinct objects, and finds the one duplicate among them`, () => {
      expect(validate({ rows: distinctRows(LARGE) })).toBe(true);
      const rows = distinctRows(LARGE);
      rows.push({ tags: [12345 % 7, 'x'], name: 'row 12345', id: 12345 });
      expect(validate({ rows })).toBe(false);
      expect(validate.errors?.[0]?.params).toEqual({ i: LARGE, j: 12345 });
    });

    it('reads each item once, however many there are (Ajv read both items of every pair)', () => {
      let reads = 0;
      const rows = Array.from({ length: 2_000 }, (_, index) => Object.defineProperty({}, 'id', { enumerable: true, get: () => (reads++, index) }));
      expect(validate({ rows })).toBe(true);
      expect(reads).toBeLessThanOrEqual(2 * rows.length);
    });

    it('leaves uniqueItems: false alone', () => {
      const lenient = make().compile({ type: 'array', uniqueItems: false });
      expect(lenient([{ a: 1 }, { a: 1 }])).toBe(true);
    });
  });

  it('holds for tools: a large argument validates promptly, a duplicate is a DUPLICATE_ITEMS detail', () => {
    const registry = new ToolRegistry({ publish: () => undefined } as unknown as EventBus);
    const tool = registry.register({
      id: 'tool_rows',
      name: 'rows',
      description: '',
      version: '1',
      category: 'data',
      source: 'http',
      inputSchema: { type: 'object', properties: { rows: { type: 'array', uniqueItems: true, items: { type: 'object' } } } },
      permissions: [],
      run: async () => null,
    } as ToolDefinition);
    expect(tool.validate({ rows: distinctRows(LARGE) })).toBe(true);
    expect(tool.validate({ rows: [{ a: 1, b: 2 }, { b: 2, a: 1 }] })).toBe(false);
    expect(schemaErrorDetails(tool.validate.errors)).toEqual([{ field: 'rows', message: 'must NOT have duplicate items (items ## 0 and 1 are identical)', code: 'DUPLICATE_ITEMS' }]);
  });

  it('holds for users’ configurations of a server', () => {
    const validator = new UserConfigValidator();
    const schema = { type: 'object', properties: { teams: { type: 'array', uniqueItems: true } } };
    expect(validator.problems(schema, { teams: distinctRows(LARGE) })).toEqual([]);
    expect(validator.problems(schema, { teams: [{ a: 1, b: 2 }, { b: 2, a: 1 }] })).toEqual([{ field: 'config.teams', message: 'must NOT have duplicate items (items ## 0 and 1 are identical)', code: 'DUPLICATE_ITEMS' }]);
  });
});
