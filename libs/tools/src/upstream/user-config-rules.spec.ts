import { describe, expect, it } from 'vitest';
import { enforcedSchema, keepMaskedValues, placementProblems, placeholdersOf, renderTemplates, secretValuesOf, UserConfigValidator, userConfigProblems } from './user-config-rules';

const schema = { type: 'object', properties: { token: { type: 'string', minLength: 3 }, org: { type: 'string' }, teams: { type: 'array', items: { type: 'string' } }, port: { type: 'integer' } }, required: ['token'] };

describe('user configuration rules', () => {
  it('finds the fields a template names, spaces inside the braces allowed', () => {
    expect(placeholdersOf('Bearer {{token}} for {{ org }}')).toEqual(['token', 'org']);
    expect(placeholdersOf('no fields {here}')).toEqual([]);
  });

  it('fills templates with text of each value, and leaves out one whose field is missing', () => {
    const headers = { Authorization: 'Bearer {{token}}', 'X-Org': '{{org}}', 'X-Teams': '{{teams}}', 'X-Port': '{{port}}', 'X-Fixed': 'always' };
    expect(renderTemplates(headers, { token: 'abc', teams: ['a', 'b'], port: 8080 })).toEqual({ Authorization: 'Bearer abc', 'X-Teams': 'a,b', 'X-Port': '8080', 'X-Fixed': 'always' });
    // A value that looks like a placeholder is not filled again.
    expect(renderTemplates({ A: '{{token}}' }, { token: '{{org}}', org: 'x' })).toEqual({ A: '{{org}}' });
  });

  it('requires every field a template uses, whatever the admin listed: an unrendered template would leave the server its say', () => {
    const validator = new UserConfigValidator();
    const open = { type: 'object', properties: { token: { type: 'string' }, note: { type: 'string' } } };
    const enforced = enforcedSchema({ schema: open, headers: { Authorization: 'Bearer {{token}}' } });
    expect(enforced).toMatchObject({ required: ['token'] });
    expect(validator.problems(enforced, {})).toEqual([expect.objectContaining({ field: 'config.token', code: 'REQUIRED' })]);
    expect(validator.problems(enforced, { token: 'abc' })).toEqual([]);
    expect(enforcedSchema({ schema, env: { TOKEN: '{{token}}', ORG: '{{ org }}' } })).toMatchObject({ required: ['token', 'org'] });
    // Nothing to add: the admin's schema as it is.
    expect(enforcedSchema({ schema, headers: { A: '{{token}}' } })).toBe(schema);
  });

  it('accepts a well-formed configuration and names each problem of a bad one', () => {
    expect(userConfigProblems({ schema, headers: { Authorization: 'Bearer {{token}}' } }, 'streamable-http', undefined)).toEqual([]);
    expect(userConfigProblems({ schema, env: { TOKEN: '{{token}}' } }, 'stdio', undefined)).toEqual([]);
    const fields = (config: Parameters<typeof userConfigProblems>[0], type = 'streamable-http', auth?: string) => userConfigProblems(config, type, auth).map((problem) => `${problem.field} ${problem.code}`);
    expect(fields({ schema, headers: { A: '{{nope}}' } })).toEqual(['userConfig.headers.A UNKNOWN_FIELD']);
    expect(fields({ schema, env: { A: '{{token}}' } })).toEqual(['userConfig.env INVALID_VALUE', 'userConfig.headers REQUIRED']);
    expect(fields({ schema, headers: { A: '{{token}}' } }, 'stdio')).toEqual(['userConfig.headers INVALID_VALUE', 'userConfig.env REQUIRED']);
    expect(fields({ schema, headers: { authorization: '{{token}}' } }, 'sse', 'Authorization')).toEqual(['userConfig.headers CONFLICT']);
    expect(fields({ schema: { type: 'object', properties: {} }, headers: { A: 'x' } })).toEqual(['userConfig.schema.properties INVALID_VALUE']);
    expect(fields({ schema: { type: 'object', properties: { a: { type: 'array', items: { type: 'number' } } } }, headers: { A: '{{a}}' } })).toEqual(['userConfig.schema.properties.a.type INVALID_VALUE']);
    expect(fields({ schema: { type: 'object', properties: { '1st': { type: 'string' } } }, headers: { A: 'x' } })).toEqual(['userConfig.schema.properties INVALID_FORMAT']);
    expect(fields({ schema: { ...schema, required: 'token' }, headers: { A: '{{token}}' } })).toEqual(['userConfig.schema.required INVALID_VALUE']);
    expect(fields({ schema, headers: { 'Bad Name': '{{token}}' } })).toEqual(['userConfig.headers INVALID_FORMAT']);
    expect(fields({ schema, env: { 'A=B': '{{token}}' } }, 'stdio')).toEqual(['userConfig.env INVALID_FORMAT']);
    const many = Object.fromEntries(Array.from({ length: 33 }, (_, index) => [`f${index}`, { type: 'string' }]));
    expect(fields({ schema: { type: 'object', properties: many }, headers: { A: 'x' } })).toEqual(['userConfig.schema.properties INVALID_VALUE']);
  });

  it('validates values against the schema, closed to fields it does not declare, and refuses control characters', () => {
    const validator = new UserConfigValidator();
    expect(validator.problems(schema, { token: 'abcd', teams: ['x'] })).toEqual([]);
    expect(validator.problems(schema, {}).map((problem) => problem.field)).toEqual(['config.token']);
    expect(validator.problems(schema, { token: 'abcd', other: 1 }).map((problem) => problem.field)).toEqual(['config.other']);
    expect(validator.problems(schema, { token: 'ab\ncd' }).map((problem) => problem.code)).toEqual(['INVALID_FORMAT']);
    expect(validator.problems(schema, { token: 'abcd', teams: ['ok', 'b\u0000d'] }).map((problem) => problem.field)).toEqual(['config.teams']);
    expect(validator.problems(schema, { token: 'a\tb' })).toEqual([]);
    expect(validator.schemaProblems({ type: 'object', properties: { a: { type: 'string', pattern: '(' } } })).toHaveLength(1);
    expect(validator.schemaProblems(schema)).toEqual([]);
  });

  it('refuses values that would make a header no request can carry', () => {
    const config = { schema, headers: { 'X-Org': '{{org}}' }, required: true };
    expect(placementProblems(config, { token: 'abc', org: 'caf\u00e9' })).toEqual([]);
    expect(placementProblems(config, { token: 'abc', org: '\u65e5\u672c' }).map((problem) => problem.field)).toEqual(['config']);
  });

  it('takes a field named __proto__ as a field (which the schema then refuses), never as a prototype', () => {
    const given = JSON.parse('{"token":"abcd","__proto__":{"polluted":true}}') as Record<string, unknown>;
    const { values } = keepMaskedValues(given, undefined);
    expect(Object.getPrototypeOf(values)).toBe(Object.prototype);
    expect(Object.keys(values)).toEqual(['token', '__proto__']);
    expect(new UserConfigValidator().problems(schema, values).map((problem) => problem.field)).toEqual(['config.__proto__']);
    expect(renderTemplates({ __proto__: '{{token}}' } as unknown as Record<string, string>, { token: 'x' })).toEqual({});
    expect(Object.keys(renderTemplates(JSON.parse('{"__proto__":"{{token}}"}') as Record<string, string>, { token: 'x' }))).toEqual(['__proto__']);
  });

  it('keeps a stored value where the mask stands, and refuses a mask with nothing under it', () => {
    expect(keepMaskedValues({ token: '********', org: 'new' }, { token: 'old', org: 'old' })).toEqual({ values: { token: 'old', org: 'new' }, problems: [] });
    expect(keepMaskedValues({ token: '********' }, undefined).problems.map((problem) => problem.code)).toEqual(['MASKED_VALUE']);
  });

  it('masks every value of a configuration, array items one by one', () => {
    expect(secretValuesOf({ token: 'abc', teams: ['red', 'blue'], port: 8080 })).toEqual(['abc', 'red', 'blue', '8080']);
  });
});
