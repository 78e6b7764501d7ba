import type { UpstreamServer } from '@app/contracts';
import type { ApiResponse, ContractClient } from './contract-client';
import type { LoggedInUser } from './factories';

/** Adds a Streamable HTTP upstream (an admin's call); the caller checks the answer. */
export function addHttpUpstream(client: ContractClient, admin: LoggedInUser, name: string, url: string): Promise<ApiResponse<UpstreamServer>> {
  return client.call<UpstreamServer>('createServer', { headers: admin.auth, body: { name, transport: { type: 'streamable-http', url } } });
}

/**
 * Opens an MCP session over raw HTTP (initialize with these capabilities) and returns the headers
 * that continue it; the client accepts JSON and event streams.
 */
export async function openRawMcpSession(baseUrl: string, accessToken: string, capabilities: Record<string, unknown> = {}): Promise<Record<string, string>> {
  const headers = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  const body = JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities, clientInfo: { name: 'raw', version: '1' } } });
  const init = await fetch(`${baseUrl}/mcp`, { method: 'POST', headers, body });
  if (init.status !== 200) throw new Error(`initialize answered ${init.status}: ${await init.text()}`);
  return { ...headers, 'mcp-session-id': init.headers.get('mcp-session-id') as string };
}

/** The JSON-RPC answer to one request, as a raw MCP client reads it. */
export interface RawMcpAnswer {
  readonly result?: Record<string, unknown>;
  readonly error?: { readonly code: number; readonly message: string; readonly data?: Record<string, unknown> };
}

/** Sends one JSON-RPC request on an MCP session opened with openRawMcpSession (answered as plain JSON). */
export async function rawMcpRequest(baseUrl: string, headers: Record<string, string>, method: string, params: Record<string, unknown> = {}): Promise<RawMcpAnswer> {
  const answer = await fetch(`${baseUrl}/mcp`, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
  return (await answer.json()) as RawMcpAnswer;
}
