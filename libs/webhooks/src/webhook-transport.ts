import type { Destination } from '@app/security';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

const SNIPPET_BYTES = 1024;

export interface DeliveryAttempt {
  readonly statusCode: number | null;
  readonly durationMs: number;
  readonly snippet: string | null;
  readonly error: string | null;
}

/** POSTs to an address already checked by the SSRF guard (pinned: no second DNS answer). */
export function postPinned(destination: Destination, body: string, headers: Record<string, string>, timeoutMs: number): Promise<DeliveryAttempt> {
  const started = performance.now();
  const { url } = destination;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const done = (statusCode: number | null, snippet: string | null, error: string | null) =>
      resolve({ statusCode, durationMs: Math.round(performance.now() - started), snippet, error });
    const req = send({
      host: destination.address,
      family: destination.family,
      port: destination.port,
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      servername: url.protocol === 'https:' ? url.hostname.replace(/^\[|\]$/g, '') : undefined,
      headers: { ...headers, host: url.host, 'content-length': String(Buffer.byteLength(body)) },
      timeout: timeoutMs,
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error: NodeJS.ErrnoException) => done(null, null, error.code ?? error.message));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      res.on('data', (chunk: Buffer) => {
        if (kept < SNIPPET_BYTES) {
          chunks.push(chunk);
          kept += chunk.length;
        }
      });
      res.on('end', () => done(res.statusCode ?? null, Buffer.concat(chunks).toString('utf8').slice(0, SNIPPET_BYTES), null));
      res.on('error', (error) => done(res.statusCode ?? null, null, error.message));
    });
    req.end(body);
  });
}
