import { EventBus } from '@app/events';
import type { JsonRpcResponse } from '@app/rpc';
import { ClientRequestError } from '@app/tools';
import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';

declare module '@app/events' {
  interface EventMap {
    /** A client's answer that reached an instance which did not ask: the asking one settles it. */
    'client.answered': { sessionId: string; response: JsonRpcResponse };
  }
}

// JSON-RPC's "request cancelled" (MCP sends it when a request is abandoned).
const REQUEST_CANCELLED = -32800;
const STREAM_CLOSED = -32603;

interface Pending {
  readonly sessionId: string;
  readonly settle: (response: JsonRpcResponse) => void;
}

/** Sends one message to the client; false when it cannot be delivered (stream closed). */
export type ClientSender = (message: Record<string, unknown>) => boolean;

/**
 * Requests the server sends to a client (MCP sampling and elicitation on behalf of an upstream
 * tool) and the answers that come back. With several instances, the answer may be posted to any
 * of them: one that did not ask passes it on over the event bus.
 */
@Injectable()
export class ClientRequests implements OnModuleInit, OnModuleDestroy {
  private readonly pending = new Map<string, Pending>();
  private off?: () => void;

  constructor(private readonly events: EventBus) {}

  onModuleInit(): void {
    this.off = this.events.on('client.answered', (event) => void this.settle(event.payload.sessionId, event.payload.response));
  }

  onModuleDestroy(): void {
    this.off?.();
    for (const [id, pending] of this.pending) pending.settle({ jsonrpc: '2.0', id, error: { code: STREAM_CLOSED, message: 'The server is shutting down' } });
  }

  /** Sends `method` to the client of `sessionId` and resolves with its result; rejects with ClientRequestError. */
  ask(sessionId: string, method: string, params: Record<string, unknown>, send: ClientSender, signal: AbortSignal): Promise<Record<string, unknown>> {
    if (signal.aborted) return Promise.reject(new ClientRequestError(REQUEST_CANCELLED, 'The request was cancelled'));
    const id = `srv-${randomUUID()}`;
    return new Promise((resolve, reject) => {
      const abandon = (): void => {
        if (!this.pending.delete(id)) return;
        send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: 'The tool call ended or was cancelled' } });
        reject(new ClientRequestError(REQUEST_CANCELLED, 'The request was cancelled'));
      };
      signal.addEventListener('abort', abandon, { once: true });
      this.pending.set(id, {
        sessionId,
        settle: (response) => {
          signal.removeEventListener('abort', abandon);
          if ('error' in response) reject(new ClientRequestError(response.error.code, response.error.message, response.error.data));
          else resolve(isObject(response.result) ? response.result : {});
        },
      });
      if (!send({ jsonrpc: '2.0', id, method, params })) {
        this.pending.delete(id);
        signal.removeEventListener('abort', abandon);
        reject(new ClientRequestError(STREAM_CLOSED, 'The client can no longer be reached'));
      }
    });
  }

  /** An answer the client sent here: settled here, or handed to the instance that asked. */
  answer(sessionId: string, response: JsonRpcResponse): void {
    if (!this.settle(sessionId, response)) this.events.publish('client.answered', { sessionId, response });
  }

  /** Only the session that was asked can answer: another session's id settles nothing. */
  private settle(sessionId: string, response: JsonRpcResponse): boolean {
    const id = String(response.id);
    const pending = this.pending.get(id);
    if (!pending || pending.sessionId !== sessionId) return false;
    this.pending.delete(id);
    pending.settle(response);
    return true;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
