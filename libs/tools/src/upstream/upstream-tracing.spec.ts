import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { errorOutcome, peerAttributes } from './upstream-tracing';

describe('upstream client spans', () => {
  it('name the peer: a pipe for stdio, the address and port of a URL (default ports by scheme)', () => {
    expect(peerAttributes('files', { type: 'stdio', command: 'npx' })).toEqual({ 'secure_mcp.upstream.name': 'files', 'network.transport': 'pipe' });
    expect(peerAttributes('remote', { type: 'streamable-http', url: 'http://10.0.0.5:8080/mcp' })).toEqual({
      'secure_mcp.upstream.name': 'remote',
      'network.transport': 'tcp',
      'server.address': '10.0.0.5',
      'server.port': 8080,
    });
    expect(peerAttributes('tls', { type: 'sse', url: 'https://mcp.example.com/sse' })).toMatchObject({ 'server.address': 'mcp.example.com', 'server.port': 443 });
    expect(peerAttributes('socket', { type: 'websocket', url: 'ws://[::1]/ws' })).toMatchObject({ 'server.address': '[::1]', 'server.port': 80 });
    expect(peerAttributes('broken', { type: 'streamable-http', url: 'not a url' })).toEqual({ 'secure_mcp.upstream.name': 'broken', 'network.transport': 'tcp' });
  });

  it("say what failed: an MCP error's JSON-RPC code, else the error's own name", () => {
    expect(errorOutcome(new McpError(ErrorCode.RequestTimeout, 'too slow'))).toEqual({ errorType: '-32001', errorMessage: 'MCP error -32001: too slow', attributes: { 'rpc.response.status_code': '-32001' } });
    expect(errorOutcome(new TypeError('fetch failed'))).toEqual({ errorType: 'TypeError', errorMessage: 'fetch failed' });
    expect(errorOutcome(new Error('plain'))).toEqual({ errorType: '_OTHER', errorMessage: 'plain' });
    expect(errorOutcome('a string')).toEqual({ errorType: '_OTHER', errorMessage: 'a string' });
  });
});
