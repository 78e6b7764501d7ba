import { describe, expect, it } from 'vitest';
import { versionAsked } from './api-version';

describe('versionAsked (Accept negotiation of the API version)', () => {
  it.each([
    ['application/vnd.secure-mcp.v1+json', { kind: 'version', version: 1 }],
    ['APPLICATION/VND.SECURE-MCP.V1+JSON; charset=utf-8', { kind: 'version', version: 1 }],
    ['application/json, application/vnd.secure-mcp.v1+json', { kind: 'version', version: 1 }],
    ['application/vnd.secure-mcp.v2+json, application/vnd.secure-mcp.v1+json;q=0.5', { kind: 'version', version: 1 }],
    ['application/vnd.secure-mcp.v2+json', { kind: 'unsupported', versions: [2] }],
    ['application/vnd.secure-mcp.v2+json, application/vnd.secure-mcp.v3+json', { kind: 'unsupported', versions: [2, 3] }],
    ['application/vnd.secure-mcp.v2+json, application/json', { kind: 'json' }],
    ['application/vnd.secure-mcp.v2+json, */*;q=0.1', { kind: 'json' }],
    ['application/vnd.secure-mcp.v1+json;q=0, application/json', { kind: 'json' }],
    ['application/vnd.secure-mcp.v1+json;q=0', { kind: 'json' }],
    ['text/html', { kind: 'json' }],
    ['', { kind: 'json' }],
    ['application/vnd.secure-mcp.v99999+json', { kind: 'json' }],
    ['application/vnd.secure-mcp.v1+json;q=nonsense', { kind: 'version', version: 1 }],
  ])('%s', (accept, expected) => {
    expect(versionAsked(accept)).toEqual(expected);
  });
});
