import { ApiError } from '@app/common';
import { AppConfig } from '@app/config';
import { type Destination, pinnedRequestOptions, SsrfGuard } from '@app/security';
import { Injectable } from '@nestjs/common';
import { request } from 'node:https';
import { MAX_DOCUMENT_BYTES, privateHostsAllowed } from './client-id-metadata';

const FETCH_TIMEOUT_MS = 5_000;
const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;

/** Why a document could not be had; the message is shown to the user on the error page. */
export class MetadataFetchError extends Error {}

export interface FetchedDocument {
  readonly document: unknown;
  readonly cacheControl?: string;
}

/**
 * Fetches clients' metadata documents: https only, every address checked by the SSRF guard (a
 * client_id is whatever URL anyone puts in an authorization request), pinned, no redirects, a
 * deadline and a size cap. TLS trusts Node's roots, plus NODE_EXTRA_CA_CERTS for an intranet's CA.
 */
@Injectable()
export class ClientMetadataFetcher {
  private readonly guard: SsrfGuard;

  constructor(config: AppConfig) {
    this.guard = new SsrfGuard(privateHostsAllowed(config.oauth.clientIdMetadataHosts));
  }

  async fetch(url: URL): Promise<FetchedDocument> {
    const deadline = AbortSignal.timeout(FETCH_TIMEOUT_MS);
    let destination: Destination;
    try {
      destination = await this.guard.check(url);
    } catch (error) {
      throw new MetadataFetchError(error instanceof ApiError ? error.message : 'its address could not be checked');
    }
    const { status, contentType, cacheControl, body } = await getPinned(destination, deadline);
    if (status >= 300 && status < 400) throw new MetadataFetchError(`it answered ${status}: redirects are not followed`);
    if (status !== 200) throw new MetadataFetchError(`it answered ${status}`);
    if (!JSON_TYPE.test(contentType ?? '')) throw new MetadataFetchError(`it is not JSON (Content-Type ${contentType?.slice(0, 100) ?? 'missing'})`);
    try {
      return { document: JSON.parse(body.toString('utf8')) as unknown, cacheControl };
    } catch {
      throw new MetadataFetchError('it is not valid JSON');
    }
  }
}

interface RawAnswer {
  readonly status: number;
  readonly contentType?: string;
  readonly cacheControl?: string;
  readonly body: Buffer;
}

/** One GET to the checked address, with the TLS name of the URL's host; the body read up to the cap. */
function getPinned(destination: Destination, deadline: AbortSignal): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const fail = (message: string): void => reject(new MetadataFetchError(message));
    const req = request({ ...pinnedRequestOptions(destination, 'GET', { accept: 'application/json', 'user-agent': 'secure-mcp-server (client metadata)' }), signal: deadline });
    req.on('error', (error: NodeJS.ErrnoException) => fail(deadline.aborted ? `no complete answer within ${FETCH_TIMEOUT_MS} ms` : `it could not be fetched (${error.code ?? error.message})`));
    req.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_DOCUMENT_BYTES) {
          fail(`it is larger than ${MAX_DOCUMENT_BYTES} bytes`);
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, contentType: response.headers['content-type'], cacheControl: response.headers['cache-control'], body: Buffer.concat(chunks) }),
      );
      // A deadline or a dropped connection mid-body: the close comes without the end.
      response.on('error', () => undefined);
      response.on('close', () => {
        if (!response.complete) fail(deadline.aborted ? `no complete answer within ${FETCH_TIMEOUT_MS} ms` : 'the connection closed before the document was complete');
      });
    });
    req.end();
  });
}
