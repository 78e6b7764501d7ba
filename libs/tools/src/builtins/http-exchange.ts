import { ApiError } from '@app/common';
import { type Destination, pinnedRequestOptions } from '@app/security';
import { request as httpRequest, type IncomingMessage, validateHeaderName, validateHeaderValue } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { ToolFailure } from '../tool.types';

const DROPPED_RESPONSE_HEADERS = new Set(['set-cookie', 'set-cookie2']);

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly bytes: number;
  readonly location?: string;
}

/** One exchange with an already-checked destination, connecting to its pinned address. */
export function exchange(destination: Destination, headers: Record<string, string>, method: string, body: string | undefined, limit: number, signal: AbortSignal): Promise<HttpAnswer> {
  const { url } = destination;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send({ ...pinnedRequestOptions(destination, method, { ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) }), signal });
    req.on('error', (error: NodeJS.ErrnoException) => reject(signal.aborted ? signal.reason : new ToolFailure('CONNECTION_FAILED', `${url.host}: ${error.code ?? error.message}`)));
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > limit) {
          req.destroy();
          reject(new ToolFailure('RESPONSE_TOO_LARGE', `response is larger than ${limit} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) {
          if (!DROPPED_RESPONSE_HEADERS.has(name) && value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
        }
        resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8'), bytes, location: res.headers.location });
      });
      res.on('error', (error) => reject(signal.aborted ? signal.reason : new ToolFailure('CONNECTION_FAILED', error.message)));
    });
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** node:http throws on a bad header name or value; we refuse it as input, before any DNS or connection. */
// Framing and connection headers are the tool's to set: a caller's Content-Length without a body
// made the exchange wait for its timeout, and Host would address another site on the pinned IP.
export const RESERVED_HEADERS: ReadonlySet<string> = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer', 'expect', 'proxy-connection']);

export function assertValidHeaders(headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) {
    if (RESERVED_HEADERS.has(name.toLowerCase())) {
      throw ApiError.validation(`Header ${name} is set by the tool`, [{ field: `headers.${name}`, message: 'framing and connection headers are set by the tool', code: 'INVALID_VALUE' }]);
    }
    try {
      validateHeaderName(name);
      validateHeaderValue(name, value);
    } catch {
      // Quoted, so a CR/LF in the name cannot forge lines in the envelope or the logs; the value may be a secret.
      const shown = JSON.stringify(name).slice(0, 100);
      const field = /^[\w-]+$/.test(name) ? `headers.${name}` : `headers[${shown}]`;
      throw ApiError.validation(`Header ${shown} has an invalid name or value`, [{ field, message: 'header names must be HTTP tokens and values must not contain control or non-Latin-1 characters', code: 'INVALID_FORMAT' }]);
    }
  }
}


/**
 * Where a URL an admin configured goes, resolved once (no SSRF check: the admin chose it, as an
 * upstream server's url). An unknown host is the run's failure, not a gateway error.
 */
export async function trustedDestination(url: URL): Promise<Destination> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  const family = isIP(host);
  if (family === 4 || family === 6) return { url, address: host, family, port };
  try {
    const answer = await lookup(host);
    return { url, address: answer.address, family: answer.family === 6 ? 6 : 4, port };
  } catch (error) {
    throw new ToolFailure('CONNECTION_FAILED', `${host}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
