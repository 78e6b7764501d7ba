import { AsyncLocalStorage } from 'node:async_hooks';
import type { ToolRunContext } from '../tool.types';

// An event bigger than this is passed on without being read: routing is lost, never the message.
const MAX_EVENT_CHARS = 8 * 1024 * 1024;
const EVENT_END = /\r\n\r\n|\n\n|\r\r/;

/** JSON with object keys sorted: the same message compares equal however it was parsed. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The JSON-RPC messages in one SSE event block (`data:` lines joined), if it holds one. */
export function messageOfEvent(block: string): Record<string, unknown> | undefined {
  const data = block
    .split(/\r\n|\n|\r/)
    .filter((line) => line.startsWith('data:'))
    .map((line) => line.slice(line.startsWith('data: ') ? 6 : 5))
    .join('\n');
  if (data === '') return undefined;
  try {
    const message: unknown = JSON.parse(data);
    return typeof message === 'object' && message !== null && !Array.isArray(message) ? (message as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Which caller an upstream's own messages (log notifications, sampling and elicitation requests)
 * belong to. One upstream connection serves every caller, so this is decided per transport:
 *
 * - Streamable HTTP sends a call's messages on the response stream of the POST that carried the
 *   call. The transport's fetch is ours: it reads each call's stream as it passes and notes which
 *   call every message arrived for. Routing is exact, whatever else runs at the same time.
 * - stdio and SSE have one stream for everything: a request goes to the caller only while exactly
 *   one call is in flight, and log messages are not relayed (they could be about anyone).
 */
export class CallerRouting {
  private readonly scope = new AsyncLocalStorage<ToolRunContext>();
  private readonly inFlight = new Set<ToolRunContext>();
  private readonly requests = new Map<string, ToolRunContext>();
  private readonly logs = new Map<string, ToolRunContext[]>();

  constructor(readonly exact: boolean) {}

  /** Runs one upstream call; what it sends and receives is attributed to `call`. */
  async run<T>(call: ToolRunContext, send: () => Promise<T>): Promise<T> {
    this.inFlight.add(call);
    try {
      return await this.scope.run(call, send);
    } finally {
      this.inFlight.delete(call);
      this.forget(call);
    }
  }

  /** The call whose messages the transport is sending right now (fetch runs in the call's async context). */
  current(): ToolRunContext | undefined {
    return this.scope.getStore();
  }

  /** The response as the SDK will read it; an event stream of a call is noted on the way. */
  route(response: Response, call: ToolRunContext | undefined): Response {
    if (!call || !response.body || !(response.headers.get('content-type') ?? '').includes('text/event-stream')) return response;
    const body = response.body.pipeThrough(this.tap(call));
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  }

  /** The call a request of the upstream (by its JSON-RPC id) belongs to. */
  callForRequest(id: string | number): ToolRunContext | undefined {
    if (!this.exact) return this.inFlight.size === 1 ? this.inFlight.values().next().value : undefined;
    const key = JSON.stringify(id);
    const call = this.requests.get(key);
    this.requests.delete(key);
    return call;
  }

  /** The call a log notification belongs to (exact transports only). */
  callForLog(params: unknown): ToolRunContext | undefined {
    const key = canonicalJson(params);
    const waiting = this.logs.get(key);
    const call = waiting?.shift();
    if (waiting?.length === 0) this.logs.delete(key);
    return call;
  }

  /** Notes a message seen on `call`'s stream, before the SDK reads it. */
  noteMessage(call: ToolRunContext, message: Record<string, unknown>): void {
    if (typeof message.method !== 'string') return;
    if ('id' in message && (typeof message.id === 'string' || typeof message.id === 'number')) this.requests.set(JSON.stringify(message.id), call);
    else if (message.method === 'notifications/message') {
      const key = canonicalJson(message.params);
      const waiting = this.logs.get(key);
      if (waiting) waiting.push(call);
      else this.logs.set(key, [call]);
    }
  }

  private tap(call: ToolRunContext): TransformStream<Uint8Array, Uint8Array> {
    const decoder = new TextDecoder();
    let buffered = '';
    let reading = true;
    const read = (text: string): void => {
      buffered += text;
      for (let end = buffered.search(EVENT_END); end >= 0; end = buffered.search(EVENT_END)) {
        const message = messageOfEvent(buffered.slice(0, end));
        const separator = buffered.slice(end).startsWith('\r\n\r\n') ? 4 : 2;
        buffered = buffered.slice(end + separator);
        if (message) this.noteMessage(call, message);
      }
      if (buffered.length > MAX_EVENT_CHARS) reading = false;
    };
    return new TransformStream<Uint8Array, Uint8Array>({
      transform: (chunk, controller) => {
        if (reading) read(decoder.decode(chunk, { stream: true }));
        controller.enqueue(chunk);
      },
    });
  }

  private forget(call: ToolRunContext): void {
    for (const [key, owner] of this.requests) if (owner === call) this.requests.delete(key);
    for (const [key, waiting] of this.logs) {
      const rest = waiting.filter((owner) => owner !== call);
      if (rest.length === 0) this.logs.delete(key);
      else if (rest.length !== waiting.length) this.logs.set(key, rest);
    }
  }
}
