import type { TraceSpan } from '@app/health';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import type { Attributes } from '@opentelemetry/api';
import type { StoredTransport } from './upstream-server.entity';

/** Starts a client span, the child of `parent`; undefined when requests are not traced. */
export type ClientSpanStarter = (name: string, parent: string, attributes: Attributes) => TraceSpan | undefined;

/** Where a request to the upstream goes, as OpenTelemetry names a peer (stdio is a pipe). */
export function peerAttributes(name: string, transport: StoredTransport): Attributes {
  const attributes: Attributes = { 'secure_mcp.upstream.name': name, 'network.transport': transport.type === 'stdio' ? 'pipe' : 'tcp' };
  if (transport.type === 'stdio' || !transport.url) return attributes;
  try {
    const url = new URL(transport.url);
    attributes['server.address'] = url.hostname;
    attributes['server.port'] = Number(url.port) || (url.protocol === 'https:' || url.protocol === 'wss:' ? 443 : 80);
  } catch {
    // A stored URL was checked when it was saved; one that no longer parses names no address.
  }
  return attributes;
}

/**
 * What failed, for `error.type`: the JSON-RPC code of an MCP error (also `rpc.response.status_code`,
 * as the MCP conventions ask), else the error's own name.
 */
export function errorOutcome(error: unknown): { errorType: string; errorMessage: string; attributes?: Attributes } {
  if (error instanceof McpError) return { errorType: String(error.code), errorMessage: error.message, attributes: { 'rpc.response.status_code': String(error.code) } };
  if (error instanceof Error) return { errorType: error.name === 'Error' ? '_OTHER' : error.name, errorMessage: error.message };
  return { errorType: '_OTHER', errorMessage: String(error) };
}
