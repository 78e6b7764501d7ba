import { describe, expect, it } from 'vitest';
import { envProblems, headerProblems, serverNameProblems } from './upstream-input-rules';

describe('upstream input rules', () => {
  it('server names: no `__`, no trailing `_`, lower-case, 1 to 63 characters', () => {
    for (const good of ['a', 'fake', 'fake_x', 'a-b_c-1', '0', 'x'.repeat(63), 'a_b_c', 'a-']) expect(serverNameProblems(good), good).toEqual([]);
    for (const bad of ['fake__x', 'a__', 'a_', '_a', '-a', 'A', 'a b', '', 'x'.repeat(64), 'a___b', 'tool_a__b']) {
      expect(serverNameProblems(bad), bad).toEqual([expect.objectContaining({ field: 'name', code: 'INVALID_FORMAT' })]);
    }
  });

  it('headers: names must be tokens, values free of CR, LF, NUL and wide characters; values never echoed', () => {
    expect(headerProblems({ authorization: 'Bearer x', 'x-api-key': 'k\tv é' })).toEqual([]);
    expect(headerProblems(undefined)).toEqual([]);
    const problems = headerProblems({ a: 'b\r\nc: d', 'bad name': 'v', n: 'x\u0000y', w: 'a\u20acb', ok: 'fine' });
    expect(problems.map((problem) => problem.field)).toEqual(['transport.headers.a', 'transport.headers', 'transport.headers.n', 'transport.headers.w']);
    expect(JSON.stringify(problems)).not.toMatch(/b\\r\\nc|x\\u0000y|a€b/);
    expect(problems[1].message).toContain('"bad name"');
  });

  it('env: names non-empty without = or NUL, values without NUL; values never echoed', () => {
    expect(envProblems({ A: 'multi\nline\r\nvalue', B: '' })).toEqual([]);
    const problems = envProblems({ A: 'b\u0000c-SECRET', '': 'x', 'X=Y': 'z', 'N\u0000': 'v' });
    expect(problems.map((problem) => problem.field)).toEqual(['transport.env.A', 'transport.env', 'transport.env', 'transport.env']);
    expect(JSON.stringify(problems)).not.toContain('SECRET');
  });
});
