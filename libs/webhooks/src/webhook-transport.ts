import { type Destination, pinnedRequestOptions } from '@app/security';
import type { IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { storableText } from './storable-text';

const SNIPPET_BYTES = 1024;
const ERROR_CHARS = 500;

export interface DeliveryAttempt {
  readonly statusCode: number | null;
  readonly durationMs: number;
  readonly snippet: string | null;
  readonly error: string | null;
}

/**
 * The hard deadline of one attempt: DNS check, connect, headers and the whole body. A socket idle
 * timeout is not one: a receiver writing a byte now and then would hold the attempt for ever.
 */
export class AttemptDeadline {
  readonly signal: AbortSignal;

  constructor(readonly ms: number) {
    this.signal = AbortSignal.timeout(ms);
  }

  get message(): string {
    return `timeout: no complete answer within ${this.ms} ms`;
  }

  /** Settles with `work`, or rejects with the deadline's message once it passes. */
  race<T>(work: Promise<T>): Promise<T> {
    if (this.signal.aborted) return Promise.reject(new Error(this.message));
    return new Promise<T>((resolve, reject) => {
      const expire = (): void => reject(new Error(this.message));
      this.signal.addEventListener('abort', expire, { once: true });
      work.then(resolve, reject).finally(() => this.signal.removeEventListener('abort', expire));
    });
  }
}

/** POSTs to an address already checked by the SSRF guard (pinned: no second DNS answer). */
export function postPinned(destination: Destination, body: string, headers: Record<string, string>, deadline: AttemptDeadline): Promise<DeliveryAttempt> {
  const started = performance.now();
  const { url } = destination;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  if (deadline.signal.aborted) return Promise.resolve({ statusCode: null, durationMs: 0, snippet: null, error: deadline.message });
  return new Promise((resolve) => {
    let res: IncomingMessage | undefined;
    const snippet = new SnippetCollector();
    let settled = false;
    // Everything the receiver controls (body, error text) is made storable before it leaves here.
    const done = (error: string | null): void => {
      if (settled) return;
      settled = true;
      deadline.signal.removeEventListener('abort', expire);
      resolve({ statusCode: res?.statusCode ?? null, durationMs: Math.round(performance.now() - started), snippet: res ? snippet.text() : null, error: error === null ? null : storableText(error).slice(0, ERROR_CHARS) });
    };
    const req = send(pinnedRequestOptions(destination, 'POST', { ...headers, 'content-length': String(Buffer.byteLength(body)) }));
    const expire = (): void => {
      done(deadline.message);
      res?.destroy();
      req.destroy();
    };
    deadline.signal.addEventListener('abort', expire, { once: true });
    req.on('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
    req.on('response', (response) => {
      res = response;
      response.on('data', (chunk: Buffer) => snippet.add(chunk));
      response.on('end', () => done(null));
      response.on('error', (error) => done(error.message));
      // Without an end (the connection dropped mid-body) the answer is not complete.
      response.on('close', () => done(response.complete ? null : 'the connection closed before the answer was complete'));
    });
    req.end(body);
  });
}

/** Keeps the first SNIPPET_BYTES of a body and reads (and drops) the rest. */
class SnippetCollector {
  private readonly chunks: Buffer[] = [];
  private kept = 0;

  add(chunk: Buffer): void {
    if (this.kept >= SNIPPET_BYTES) return;
    const part = chunk.subarray(0, SNIPPET_BYTES - this.kept);
    this.chunks.push(part);
    this.kept += part.length;
  }

  // Invalid UTF-8 (or a character cut at the limit) decodes to U+FFFD.
  text(): string {
    return storableText(Buffer.concat(this.chunks).toString('utf8'));
  }
}
