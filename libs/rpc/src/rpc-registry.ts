import { ApiError, exceedsDepth, MAX_NESTING } from '@app/common';
import { holdsPermission } from '@app/security';
import { Injectable, Logger } from '@nestjs/common';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import {
  errorResponse,
  INVALID_PARAMS,
  INVALID_REQUEST,
  isResponse,
  type JsonRpcResponse,
  METHOD_NOT_FOUND,
  parseFrame,
  refusedReply,
  RpcError,
  type RpcContext,
  toRpcError,
  validateRequest,
} from './json-rpc';

export interface RpcMethod {
  /** JSON Schema of params (an object); validated before the handler runs. */
  readonly params?: Record<string, unknown>;
  /** Which doors offer it; both when omitted. */
  readonly doors?: ReadonlyArray<RpcContext['door']>;
  /** The client may cancel it (`notifications/cancelled`); a cancelled request gets no response. */
  readonly cancellable?: boolean;
  /**
   * What the caller must hold (all of it), as its REST twin's `@RequirePermissions` says: checked
   * before params and handler, on every door, so a narrowed credential cannot do over a socket
   * what REST refuses it.
   */
  readonly permissions?: readonly string[];
  handle(params: Record<string, unknown>, context: RpcContext): Promise<unknown> | unknown;
}

interface Registered extends RpcMethod {
  readonly validate?: ValidateFunction;
}

const MAX_BATCH = 100;

/**
 * The JSON-RPC methods every realtime door serves, registered by the domain libs (tools.rpc.ts,
 * contexts.rpc.ts): a method is one call into the same service REST uses.
 */
@Injectable()
export class RpcRegistry {
  private readonly logger = new Logger('Rpc');
  private readonly ajv = new Ajv({ allErrors: true, strict: false });
  private readonly methods = new Map<string, Registered>();

  constructor() {
    addFormats(this.ajv);
  }

  register(name: string, method: RpcMethod): void {
    this.methods.set(name, { ...method, validate: method.params ? this.ajv.compile(method.params) : undefined });
  }

  has(name: string, door: RpcContext['door']): boolean {
    const method = this.methods.get(name);
    return method !== undefined && (!method.doors || method.doors.includes(door));
  }

  /** One frame in (text), the reply out: an object, an array for a batch, or null for none. */
  async handleFrame(text: string, context: RpcContext): Promise<JsonRpcResponse | JsonRpcResponse[] | null> {
    const parsed = parseFrame(text);
    if (parsed.error) return this.unhandled(parsed.error, context);
    return this.handleMessage(parsed.value, context);
  }

  /** One message or a batch; with `context.admit`, each message of a batch counts against the door's limit. */
  async handleMessage(message: unknown, context: RpcContext): Promise<JsonRpcResponse | JsonRpcResponse[] | null> {
    if (!Array.isArray(message)) return this.handleOne(message, context);
    if (message.length === 0) return this.unhandled(errorResponse(null, { code: INVALID_REQUEST, message: 'Invalid request: empty batch' }), context);
    if (message.length > MAX_BATCH) return this.unhandled(errorResponse(null, { code: INVALID_REQUEST, message: `Invalid request: a batch holds at most ${MAX_BATCH} messages` }), context);
    const replies = (await Promise.all(message.map((item: unknown) => this.handleOne(item, context)))).filter((reply): reply is JsonRpcResponse => reply !== null);
    return replies.length > 0 ? replies : null;
  }

  /** Calls a method directly (the MCP door's own protocol methods use the same registry). */
  async call(name: string, params: unknown, context: RpcContext): Promise<unknown> {
    const method = this.methods.get(name);
    if (!method || (method.doors && !method.doors.includes(context.door))) throw new RpcError(METHOD_NOT_FOUND, `Method not found: ${name.slice(0, 100)}`);
    const missing = method.permissions?.filter((permission) => !holdsPermission(context.caller.permissions, permission)) ?? [];
    if (missing.length > 0) throw ApiError.forbidden(`Missing permission: ${missing.join(', ')}`);
    const input = (params ?? {}) as Record<string, unknown>;
    if (Array.isArray(params)) throw new RpcError(INVALID_PARAMS, 'Invalid params: named params (an object) are expected');
    // Validators and handlers recurse: params nested thousands deep must not reach them (REST's limit and detail).
    if (exceedsDepth(input, MAX_NESTING)) {
      throw new RpcError(INVALID_PARAMS, 'Invalid params: nested too deeply', { code: 'VALIDATION_ERROR', details: [{ field: '(params)', message: `nesting deeper than ${MAX_NESTING} levels`, code: 'TOO_DEEP' }] });
    }
    if (method.validate && !method.validate(input)) {
      const details = (method.validate.errors ?? []).map((error) => ({
        field: [error.instancePath.slice(1).replace(/\//g, '.'), (error.params as { missingProperty?: string; additionalProperty?: string }).missingProperty ?? (error.params as { additionalProperty?: string }).additionalProperty ?? ''].filter(Boolean).join('.') || '(params)',
        message: error.message ?? 'is invalid',
        code: error.keyword === 'required' ? 'REQUIRED' : error.keyword === 'additionalProperties' ? 'UNKNOWN_FIELD' : error.keyword === 'type' ? 'INVALID_TYPE' : 'INVALID_VALUE',
      }));
      throw new RpcError(INVALID_PARAMS, 'Invalid params', { code: 'VALIDATION_ERROR', details });
    }
    return method.handle(input, context);
  }

  // A frame refused as a whole still counts as one message: garbage must not be free.
  private unhandled(reply: JsonRpcResponse, context: RpcContext): JsonRpcResponse {
    const refusal = context.admit?.();
    return refusal ? errorResponse(null, refusal) : reply;
  }

  private async handleOne(message: unknown, context: RpcContext): Promise<JsonRpcResponse | null> {
    // Counted before anything else, answers to our requests included (they may travel the event bus).
    const refusal = context.admit?.();
    if (refusal) return refusedReply(message, refusal);
    // Only doors that have one wait for it: no extra turn for every other message.
    if (context.spend) {
      const spent = await context.spend();
      if (spent) return refusedReply(message, spent);
    }
    // Answers to our own requests are not requests: the door routes them, and nothing is replied.
    if (context.onResponse && isResponse(message)) {
      context.onResponse(message);
      return null;
    }
    const { request, id, problem } = validateRequest(message);
    if (!request) return errorResponse(id, { code: INVALID_REQUEST, message: `Invalid request: ${problem}` });
    const isNotification = !('id' in request);
    // MCP narrows JSON-RPC: a request's id is a string or an integer, never null.
    if (context.door === 'mcp' && !isNotification && !(typeof request.id === 'string' || Number.isInteger(request.id))) {
      return errorResponse(id, { code: INVALID_REQUEST, message: 'Invalid request: an MCP request id is a string or an integer' });
    }
    const inFlight = context.inFlight;
    const cancellation = inFlight && context.sessionId && request.id !== undefined && request.id !== null && this.methods.get(request.method)?.cancellable ? inFlight.begin(context.sessionId, request.id) : undefined;
    try {
      // Spread last: `{ ...context, more }` is a slow path on Node 20.
      const result = await this.call(request.method, request.params, cancellation ? { cancellation, ...context } : context);
      return isNotification || cancellation?.cancelled ? null : { jsonrpc: '2.0', id: request.id ?? null, result: result ?? {} };
    } catch (error) {
      if (!(error instanceof RpcError) && !(error instanceof ApiError)) this.logger.error({ err: error, method: request.method }, 'method failed unexpectedly');
      return isNotification || cancellation?.cancelled ? null : errorResponse(request.id ?? null, toRpcError(error));
    } finally {
      if (cancellation) inFlight?.end(context.sessionId as string, request.id as string | number, cancellation);
    }
  }
}
