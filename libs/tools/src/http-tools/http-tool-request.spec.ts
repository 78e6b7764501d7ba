import { ApiError } from '@app/common';
import { describe, expect, it } from 'vitest';
import { annotationsOf, answerBody, buildRequest, derivedInputSchema, inputSchemaProblems, parseResponsePath, parseUrlTemplate, selectPath } from './http-tool-request';

function refusal(run: () => unknown): { field: string; code: string } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    const detail = (error as ApiError).details?.[0];
    return { field: detail?.field ?? '', code: detail?.code ?? '' };
  }
  throw new Error('expected a refusal');
}

describe('parseUrlTemplate', () => {
  it('finds the placeholders of the path, once each, and the query the url fixes', () => {
    const template = parseUrlTemplate('https://api.example.com/v1/users/{login}/repos/{repo}/{login}?per_page=50&sort=updated');
    expect(template.placeholders).toEqual(['login', 'repo']);
    expect(template.origin).toBe('https://api.example.com');
    expect([...template.fixedQuery]).toEqual(['per_page', 'sort']);
  });

  it.each([
    ['a placeholder in the host', 'https://{tenant}.example.com/items'],
    ['a placeholder in the port', 'https://example.com:{port}/items'],
    ['a placeholder in the user info', 'https://{user}@example.com/items'],
    ['a placeholder in the query', 'https://example.com/items?q={q}'],
    ['a placeholder right after the scheme', 'https://{host}/items'],
    ['one slash after the scheme', 'http:/{host}.example.com/items'],
    ['backslashes after the scheme', 'http:\\\\{host}.example.com/items'],
    ['a relative url', '/items/{id}'],
    ['another scheme', 'ftp://example.com/{file}'],
    ['a javascript url', 'javascript:alert(1)'],
    ['credentials in the url', 'https://user:secret@example.com/items'],
    ['a fragment', 'https://example.com/items/{id}#top'],
    ['a stray brace', 'https://example.com/items/{id'],
    ['a brace around no name', 'https://example.com/items/{}'],
    ['a placeholder name with a dash', 'https://example.com/items/{item-id}'],
    ['not a url', 'https://exa mple.com/{id}'],
  ])('refuses %s', (_, url) => {
    expect(refusal(() => parseUrlTemplate(url)).field).toBe('url');
  });
});

describe('buildRequest', () => {
  const template = parseUrlTemplate('https://api.example.com/v1/items/{id}/notes?version=2');

  it('puts each placeholder in its segment, percent-encoded, and the other arguments in the query of a GET', () => {
    const { url, body } = buildRequest(template, 'GET', { id: 'a/b?c#d', limit: 10, tags: ['x', 'y'], filter: { kind: 'open' }, nothing: null });
    expect(url.pathname).toBe('/v1/items/a%2Fb%3Fc%23d/notes');
    expect(url.searchParams.get('version')).toBe('2');
    expect(url.searchParams.get('limit')).toBe('10');
    expect(url.searchParams.getAll('tags')).toEqual(['x', 'y']);
    expect(url.searchParams.get('filter')).toBe('{"kind":"open"}');
    expect(url.searchParams.has('nothing')).toBe(false);
    expect(body).toBeUndefined();
  });

  it('sends the other arguments as the JSON body of a POST, PUT or PATCH', () => {
    for (const method of ['POST', 'PUT', 'PATCH'] as const) {
      const { url, body } = buildRequest(template, method, { id: 7, title: 'hello', done: false });
      expect(url.toString()).toBe('https://api.example.com/v1/items/7/notes?version=2');
      expect(JSON.parse(body as string)).toEqual({ title: 'hello', done: false });
    }
    expect(buildRequest(template, 'POST', { id: 7 }).body).toBe('{}');
  });

  it('sends the arguments named as query parameters in the query of a POST, the rest in its body', () => {
    const { url, body } = buildRequest(template, 'POST', { id: 7, dryRun: true, tags: ['a', 'b'], title: 'hello' }, new Set(['dryRun', 'tags']));
    expect(url.search).toBe('?version=2&dryRun=true&tags=a&tags=b');
    expect(JSON.parse(body as string)).toEqual({ title: 'hello' });
    expect(refusal(() => buildRequest(template, 'PUT', { id: 7, version: '3' }, new Set(['version'])))).toEqual({ field: 'version', code: 'NOT_ALLOWED' });
  });

  it.each([
    ['..', 'INVALID_VALUE'],
    ['.', 'INVALID_VALUE'],
    ['', 'INVALID_VALUE'],
    [{ nested: true }, 'INVALID_TYPE'],
    [['a'], 'INVALID_TYPE'],
    [null, 'INVALID_TYPE'],
    [undefined, 'INVALID_TYPE'],
    ['a/../../admin', 'INVALID_VALUE'],
    ['..\\secret', 'INVALID_VALUE'],
    ['./x', 'INVALID_VALUE'],
    ['\ud800', 'INVALID_VALUE'],
    ['x\udc00', 'INVALID_VALUE'],
  ])('refuses %j as a path segment', (id, code) => {
    expect(refusal(() => buildRequest(template, 'GET', { id }))).toEqual({ field: 'id', code });
  });

  it('keeps every hostile segment on the same origin and inside its segment', () => {
    for (const id of ['%2e%2e', '..%2f..%2fadmin', '//evil.example', 'group/project', '\ud83d\ude00', '@evil.example', 'http://evil.example/', '\t..\n', '%00', '?admin=1', '#x']) {
      const { url } = buildRequest(template, 'GET', { id });
      expect(url.origin).toBe('https://api.example.com');
      expect(url.pathname.startsWith('/v1/items/')).toBe(true);
      expect(url.pathname.endsWith('/notes')).toBe(true);
      expect(url.pathname.split('/')).toHaveLength(5);
    }
  });

  it('refuses an argument that would set a query parameter the url fixes', () => {
    expect(refusal(() => buildRequest(template, 'GET', { id: '1', version: '3' }))).toEqual({ field: 'version', code: 'NOT_ALLOWED' });
  });
});

describe('input schemas', () => {
  const template = parseUrlTemplate('https://example.com/orgs/{org}/members/{user}');

  it('derives one required non-empty string per placeholder, and nothing else', () => {
    expect(derivedInputSchema(template)).toEqual({
      type: 'object',
      properties: { org: { type: 'string', minLength: 1, maxLength: 1024 }, user: { type: 'string', minLength: 1, maxLength: 1024 } },
      required: ['org', 'user'],
      additionalProperties: false,
    });
  });

  it('wants every placeholder as a required property of an object schema', () => {
    expect(inputSchemaProblems({ type: 'object', properties: { org: {}, user: {} }, required: ['org', 'user'] }, template)).toEqual([]);
    expect(inputSchemaProblems({ type: 'array' }, template)[0].field).toBe('inputSchema.type');
    expect(inputSchemaProblems({ type: 'object', properties: { org: {}, user: {} }, required: ['org'] }, template).map((problem) => problem.message)).toEqual(['{user} of the url must be a required property']);
    expect(inputSchemaProblems({ type: 'object', required: ['org', 'user'] }, template)).toHaveLength(2);
  });
});

describe('answers', () => {
  it('parses JSON answers, keeps the text of the rest and of JSON that does not parse', () => {
    expect(answerBody('application/json; charset=utf-8', '{"a":1}')).toEqual({ a: 1 });
    expect(answerBody('application/problem+json', '{"title":"x"}')).toEqual({ title: 'x' });
    expect(answerBody('application/json', '{broken')).toBe('{broken');
    expect(answerBody('text/plain', '{"a":1}')).toBe('{"a":1}');
    expect(answerBody(undefined, 'plain')).toBe('plain');
  });

  it('says only a GET reads, and PUT and DELETE repeat safely', () => {
    expect(annotationsOf('GET')).toMatchObject({ readOnlyHint: true });
    expect(annotationsOf('DELETE')).toMatchObject({ readOnlyHint: false, idempotentHint: true });
    expect(annotationsOf('POST')).not.toHaveProperty('idempotentHint');
  });
});

describe('response paths', () => {
  const answer = { data: { items: [{ name: 'a', tags: ['x'] }, { name: 'b' }, { other: 1 }], 'odd key': { 'it\'s': 42 }, count: 3 } };
  const select = (path: string) => selectPath(answer, parseResponsePath(path));

  it('selects a value, an element, every element, and keys no dot path can write', () => {
    expect(select('$')).toEqual(answer);
    expect(select('$.data.count')).toBe(3);
    expect(select('$.data.items[1].name')).toBe('b');
    expect(select('$.data.items[*].name')).toEqual(['a', 'b']);
    expect(select('$.data.items.*.tags[0]')).toEqual(['x']);
    expect(select("$.data['odd key']['it\\'s']")).toBe(42);
    expect(select('$.data.missing')).toBeNull();
    expect(select('$.data.items[9]')).toBeNull();
    expect(select('$.data.items[*].missing')).toEqual([]);
  });

  it('never reads what is not the value\'s own', () => {
    expect(select('$.data.constructor')).toBeNull();
    expect(select('$.data.items.length')).toBeNull();
    expect(selectPath(JSON.parse('{"__proto__": {"x": 1}}'), parseResponsePath("$['__proto__'].x"))).toBe(1);
  });

  it('walks a long list without overflowing', () => {
    const long = { items: Array.from({ length: 1_000_000 }, (_, index) => index) };
    expect((selectPath(long, parseResponsePath('$.items[*]')) as number[]).length).toBe(1_000_000);
  });

  it.each(['data', '$.', '$..name', '$.items[-1]', '$.items[?(@.x)]', "$['unclosed", '$.a b', `$${'.a'.repeat(33)}`, '$[1:2]'])('refuses %j', (path) => {
    expect(refusal(() => parseResponsePath(path))).toEqual({ field: 'responsePath', code: 'INVALID_FORMAT' });
  });
});
