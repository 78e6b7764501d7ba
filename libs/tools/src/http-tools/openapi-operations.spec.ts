import { describe, expect, it } from 'vitest';
import { baseUrlOf, operationsOf, toolNameOf } from './openapi-operations';

const DOCUMENT = {
  openapi: '3.0.3',
  servers: [{ url: 'https://crm.example.com/api/' }],
  components: {
    parameters: { TicketId: { name: 'ticketId', in: 'path', required: true, schema: { type: 'integer' } } },
    schemas: {
      Priority: { type: 'string', enum: ['low', 'high'], nullable: true },
      NewComment: { type: 'object', required: ['text'], properties: { text: { type: 'string' }, priority: { $ref: '#/components/schemas/Priority' } } },
      Node: { type: 'object', properties: { child: { $ref: '#/components/schemas/Node' } } },
    },
  },
  paths: {
    '/tickets/{ticketId}': {
      parameters: [{ $ref: '#/components/parameters/TicketId' }],
      get: { operationId: 'getTicket', summary: 'Reads a ticket', parameters: [{ name: 'expand', in: 'query', description: 'What to include', schema: { type: 'string' } }] },
      delete: { summary: 'Deletes a ticket' },
      head: { operationId: 'headTicket' },
    },
    '/tickets/{ticketId}/comments': {
      parameters: [{ $ref: '#/components/parameters/TicketId' }],
      post: {
        operationId: 'addComment',
        parameters: [{ name: 'notify', in: 'query', schema: { type: 'boolean' } }],
        requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/NewComment' } } } },
      },
    },
    '/tickets/search': { post: { operationId: 'searchTickets', parameters: [{ name: 'X-Tenant', in: 'header', required: true, schema: { type: 'string' } }] } },
    '/trees': { put: { operationId: 'putTree', requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Node' } } } } } },
    '/files': { post: { operationId: 'upload', requestBody: { content: { 'multipart/form-data': { schema: { type: 'object' } } } } } },
    '/lists': { post: { operationId: 'postList', requestBody: { content: { 'application/json': { schema: { type: 'array', items: { type: 'string' } } } } } } },
    '/remote': { get: { operationId: 'remote', parameters: [{ $ref: 'https://elsewhere.example.com/params.json#/Id' }] } },
    '/users/{user-id}': { get: { operationId: 'getUser', parameters: [{ name: 'user-id', in: 'path', required: true }] } },
  },
};

describe('operationsOf an OpenAPI document', () => {
  const outcomes = operationsOf(DOCUMENT, 'https://crm.example.com/api', { prefix: 'crm' });
  const tool = (operation: string) => {
    const found = outcomes.find((outcome) => outcome.operation === operation);
    if (found?.kind !== 'tool') throw new Error(`${operation} is ${JSON.stringify(found)}`);
    return found.tool;
  };
  const reason = (operation: string) => {
    const found = outcomes.find((outcome) => outcome.operation === operation);
    return found?.kind === 'skipped' ? found.reason : `not skipped: ${JSON.stringify(found)}`;
  };

  it('makes a GET of path and query parameters, references followed', () => {
    expect(tool('getTicket')).toEqual({
      name: 'crm_get_ticket',
      description: 'Reads a ticket',
      method: 'GET',
      url: 'https://crm.example.com/api/tickets/{ticketId}',
      inputSchema: { type: 'object', properties: { ticketId: { type: 'integer' }, expand: { type: 'string', description: 'What to include' } }, required: ['ticketId'], additionalProperties: false },
      query: [],
    });
  });

  it('names an operation without an operationId by its method and path', () => {
    expect(tool('DELETE /tickets/{ticketId}')).toMatchObject({ name: 'crm_delete_tickets_ticket_id', method: 'DELETE', description: 'Deletes a ticket' });
  });

  it('makes a POST of path, query and body properties, the query ones named, nullable written as JSON Schema', () => {
    expect(tool('addComment')).toEqual({
      name: 'crm_add_comment',
      description: 'POST /tickets/{ticketId}/comments',
      method: 'POST',
      url: 'https://crm.example.com/api/tickets/{ticketId}/comments',
      inputSchema: {
        type: 'object',
        properties: { ticketId: { type: 'integer' }, notify: { type: 'boolean' }, text: { type: 'string' }, priority: { type: ['string', 'null'], enum: ['low', 'high'] } },
        required: ['ticketId', 'text'],
        additionalProperties: false,
      },
      query: ['notify'],
    });
  });

  it('skips what an HTTP tool cannot send, saying why', () => {
    expect(reason('headTicket')).toContain('HEAD is not a method');
    expect(reason('searchTickets')).toContain('required header parameter X-Tenant');
    expect(reason('putTree')).toContain('refers to itself');
    expect(reason('upload')).toContain('not JSON');
    expect(reason('postList')).toContain('not a JSON object');
    expect(reason('remote')).toContain('only references inside the document');
    expect(reason('getUser')).toContain('user-id');
  });

  it('takes only the operations asked for', () => {
    expect(operationsOf(DOCUMENT, 'https://x.test', { operationIds: ['addComment', 'nothing'] }).map((outcome) => outcome.operation)).toEqual(['addComment']);
  });

  it('never throws on a hostile document', () => {
    const hostile: unknown[] = [
      { paths: { '/a': { get: { parameters: 'x' } } } },
      { paths: { '/a': { get: { parameters: [null, 7] } } } },
      { paths: { '/a': { get: { parameters: [{ $ref: '#/a/b' }] } } } },
      { paths: { '/a': { parameters: [{ $ref: '#/paths/~1a/parameters/0' }], get: {} } } },
      { paths: { '/a': { post: { requestBody: { $ref: '#/paths/~1a/post/requestBody' } } } } },
      { paths: { '/a': null, '/b': [], '/c': { get: null } } },
      { paths: 'nope' },
    ];
    for (const document of hostile) expect(() => operationsOf(document as Record<string, unknown>, 'https://x.test', {})).not.toThrow();
  });

  it('keeps a __proto__ property of a parsed document as data, never as a prototype', () => {
    const document = JSON.parse('{"paths":{"/a":{"post":{"operationId":"a","requestBody":{"content":{"application/json":{"schema":{"type":"object","properties":{"__proto__":{"type":"string","__proto__":{"polluted":true}}}}}}}}}}}') as Record<string, unknown>;
    const [outcome] = operationsOf(document, 'https://x.test', {});
    expect(outcome.kind).toBe('tool');
    const properties = (outcome.kind === 'tool' ? outcome.tool.inputSchema.properties : {}) as Record<string, unknown>;
    expect(Object.hasOwn(properties, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(properties)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('names and base urls', () => {
  it('turns operation ids and paths into tool names', () => {
    expect(toolNameOf(undefined, 'listPullRequestsForRepo')).toBe('list_pull_requests_for_repo');
    expect(toolNameOf('gh', 'repos/get-content')).toBe('gh_repos_get_content');
    expect(toolNameOf(undefined, '2fa.enable')).toBe('op_2fa_enable');
    expect(toolNameOf(undefined, 'x'.repeat(100))).toHaveLength(63);
    expect(toolNameOf('p', `a_${'b'.repeat(59)}_c`)).toMatch(/^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/);
  });

  it('takes the given base url, else the first server url when it is absolute', () => {
    expect(baseUrlOf(DOCUMENT, undefined)).toBe('https://crm.example.com/api');
    expect(baseUrlOf(DOCUMENT, 'http://10.0.0.5:8080/v2/')).toBe('http://10.0.0.5:8080/v2');
    expect(baseUrlOf({ servers: [{ url: '/api' }] }, undefined)).toBeUndefined();
    expect(baseUrlOf({ servers: [{ url: 'https://{region}.example.com' }] }, undefined)).toBeUndefined();
    expect(baseUrlOf({}, 'ftp://x')).toBeUndefined();
  });
});

describe('documents built to harm', () => {
  it('stops a schema that references multiply into millions of parts, at once', () => {
    const schemas: Record<string, unknown> = { S12: { type: 'string' } };
    for (let level = 11; level >= 0; level--) schemas[`S${level}`] = { type: 'object', properties: Object.fromEntries(Array.from({ length: 10 }, (_, index) => [`p${index}`, { $ref: `#/components/schemas/S${level + 1}` }])) };
    const document = { components: { schemas }, paths: { '/x': { post: { operationId: 'boom', requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/S0' } } } } } } } };
    const started = Date.now();
    const [outcome] = operationsOf(document, 'https://x.test', {});
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(outcome).toMatchObject({ kind: 'skipped', reason: expect.stringContaining('grows past') });
  });

  it('stops arrays nested deeper than any schema needs, without overflowing', () => {
    let deep: unknown = { type: 'string' };
    for (let level = 0; level < 20_000; level++) deep = [deep];
    const document = { paths: { '/x': { post: { operationId: 'deep', requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { a: { allOf: deep } } } } } } } } } };
    expect(operationsOf(document, 'https://x.test', {})[0]).toMatchObject({ kind: 'skipped', reason: expect.stringContaining('nested too deep') });
  });

  it('never lets a path leave the base url for another host or port', () => {
    for (const path of ['.evil.net/steal', ':8443/x', '@evil.net/x', 'x']) {
      const document = { paths: { [path]: { get: { operationId: 'steal' } } } };
      expect(operationsOf(document, 'https://api.example.com', {})[0], path).toMatchObject({ kind: 'skipped', reason: expect.stringContaining('does not start with /') });
    }
    expect(operationsOf({ paths: { '/fine/{id}': { get: { operationId: 'fine', parameters: [{ name: 'id', in: 'path', required: true }] } } } }, 'https://api.example.com/v1', {})[0]).toMatchObject({ kind: 'tool' });
  });
});
