import { ApiError, type ErrorDetail, type RequestOrigin } from '@app/common';
import type { AuthenticatedUser } from '@app/security';
import type { InFlightRequests, RequestCancellation } from './in-flight-requests';

export type JsonRpcId = string | number | null;

export interface JsonRpcRequest {
  readonly jsonrpc: '2.0';
  readonly method: string;
  readonly params?: unknown;
  readonly id?: JsonRpcId;
}

export interface JsonRpcErrorObject {
  code: number;
  message: string;
  data?: { code: string; details?: ErrorDetail[]; [extra: string]: unknown };
}

export type JsonRpcResponse = { jsonrpc: '2.0'; id: JsonRpcId; result: unknown } | { jsonrpc: '2.0'; id: JsonRpcId; error: JsonRpcErrorObject };

export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
export const METHOD_NOT_FOUND = -32601;
export const INVALID_PARAMS = -32602;
export const INTERNAL_ERROR = -32603;

/** REST status -> JSON-RPC application error code, inside -32000..-32099. */
const APPLICATION_CODES: Readonly<Record<number, number>> = {
  401: -32001,
  403: -32003,
  404: -32004,
  409: -32009,
  412: -32012,
  413: -32013,
  429: -32029,
  502: -32052,
  503: -32053,
  504: -32054,
};

/** Who is calling and through which door; what every method handler receives. */
export interface RpcContext {
  readonly caller: AuthenticatedUser;
  readonly origin: RequestOrigin;
  readonly door: 'ws' | 'mcp';
  /** The connection's (or MCP session's) own session id. */
  readonly sessionId?: string;
  /** The context runs default to: bound by `context/update` on /ws, or the /mcp/{contextId} path. */
  contextId?: string | null;
  /** /mcp/{contextId} shows upstream tools under their own names. */
  readonly ownToolNames?: boolean;
  /** Event subscriptions of a WebSocket connection. */
  readonly subscriptions?: Set<string>;
  /** Sends the caller a notification about the request in hand (MCP progress and log messages), when the door can. */
  readonly notify?: (method: string, params: Record<string, unknown>) => void;
  /** Sends the client a request about the request in hand (sampling, elicitation) and waits for its answer, when the door can. */
  readonly ask?: (method: string, params: Record<string, unknown>, signal: AbortSignal) => Promise<Record<string, unknown>>;
  /** What the client declared in its `initialize` (MCP capabilities: sampling, elicitation, ...). */
  clientCapabilities?: Readonly<Record<string, unknown>>;
  /** The MCP protocol version the session agreed on in its `initialize` (unset before one). */
  protocolVersion?: string;
  /** The least severe log level the client wants (MCP logging/setLevel); every level when unset. */
  logLevel?: string;
  /** Keeps the level for the rest of the session (an MCP session lives on any instance). */
  readonly setLogLevel?: (level: string) => Promise<void>;
  /** A JSON-RPC response from the client (to a request the server sent): the door routes it. */
  readonly onResponse?: (response: JsonRpcResponse) => void;
  /** The door's cancellable requests in flight (`notifications/cancelled` finds them here). */
  readonly inFlight?: InFlightRequests;
  /** A door's per-message limit (the /ws message rate): called once per message, the error to answer instead of handling it. */
  readonly admit?: () => JsonRpcErrorObject | undefined;
  /** A per-message allowance that takes a round trip (an API key's own limit, kept in Redis): the error to answer instead. */
  readonly spend?: () => Promise<JsonRpcErrorObject | undefined>;
  /** A cancellation for a request this instance does not hold (another instance may). */
  readonly cancelElsewhere?: (requestId: string | number, reason: string) => void;
  /** Set for a cancellable method's handler: the client may cancel this request. */
  readonly cancellation?: RequestCancellation;
}

export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: JsonRpcErrorObject['data'],
  ) {
    super(message);
  }
}

export function errorResponse(id: JsonRpcId, error: JsonRpcErrorObject): JsonRpcResponse {
  return { jsonrpc: '2.0', id, error };
}

/** Any thrown value -> a JSON-RPC error object; internals never leak. */
export function toRpcError(error: unknown): JsonRpcErrorObject {
  if (error instanceof RpcError) return { code: error.code, message: error.message, ...(error.data ? { data: error.data } : {}) };
  if (error instanceof ApiError) {
    const data = { code: error.code, ...(error.details?.length ? { details: [...error.details] } : {}), ...(error.headers?.['Retry-After'] ? { retryAfter: Number(error.headers['Retry-After']) } : {}) };
    if (error.status === 400) return { code: INVALID_PARAMS, message: error.message, data };
    return { code: APPLICATION_CODES[error.status] ?? INTERNAL_ERROR, message: error.status >= 500 && !APPLICATION_CODES[error.status] ? 'Internal error' : error.message, data };
  }
  return { code: INTERNAL_ERROR, message: 'Internal error', data: { code: 'INTERNAL_ERROR' } };
}

function isId(value: unknown): value is JsonRpcId {
  return value === null || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

/** Shape check of one message; the reason when it is not a valid request or notification. */
export function validateRequest(message: unknown): { request?: JsonRpcRequest; id: JsonRpcId; problem?: string } {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return { id: null, problem: 'a request must be an object' };
  const candidate = message as Record<string, unknown>;
  const id = isId(candidate.id) ? candidate.id : null;
  if (candidate.jsonrpc !== '2.0') return { id, problem: 'jsonrpc must be "2.0"' };
  if (typeof candidate.method !== 'string' || candidate.method === '') return { id, problem: 'method must be a non-empty string' };
  if ('id' in candidate && !isId(candidate.id)) return { id: null, problem: 'id must be a string, a number or null' };
  if ('params' in candidate && (typeof candidate.params !== 'object' || candidate.params === null)) return { id, problem: 'params must be an object or an array' };
  return { request: candidate as unknown as JsonRpcRequest, id };
}

/** A client's answer to a request the server sent: an id, and a result or an error, no method. */
export function isResponse(message: unknown): message is JsonRpcResponse {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return false;
  const candidate = message as Record<string, unknown>;
  return candidate.jsonrpc === '2.0' && !('method' in candidate) && (typeof candidate.id === 'string' || typeof candidate.id === 'number') && ('result' in candidate || 'error' in candidate);
}

/** The answer to a message refused unread (over a limit): a request gets the error under its id; notifications and responses get none. */
export function refusedReply(message: unknown, error: JsonRpcErrorObject): JsonRpcResponse | null {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return errorResponse(null, error);
  const candidate = message as Record<string, unknown>;
  if (!('id' in candidate) || isResponse(message)) return null;
  return errorResponse(isId(candidate.id) ? candidate.id : null, error);
}

/** Parses a frame without ever throwing: the value, or the parse error to answer. */
export function parseFrame(text: string): { value?: unknown; error?: JsonRpcResponse } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return { error: errorResponse(null, { code: PARSE_ERROR, message: 'Parse error: the message is not valid JSON' }) };
  }
}
