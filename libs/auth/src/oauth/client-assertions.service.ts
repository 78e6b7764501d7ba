import { AppConfig } from '@app/config';
import { Injectable } from '@nestjs/common';
import { createHash, type JsonWebKey } from 'node:crypto';
import { DataSource } from 'typeorm';
import { type decodeAssertion, keysNamed, publicKeysOf, verifyAssertion } from './client-assertion';
import { freshUntil, hostAccepted } from './client-id-metadata';
import { ClientMetadataFetcher, MetadataFetchError } from './client-metadata-fetcher';
import type { OAuthClientEntity } from './oauth-client.entity';
import { OAuthError } from './oauth-error';

// Anyone can send an assertion naming a client: its key URL is fetched at most once every 10 s,
// whatever the assertions say, so the server cannot be made to hammer it.
const REFETCH_AFTER_MS = 10_000;
const MAX_KEPT_KEY_SETS = 1_000;

interface KeptKeys {
  readonly keys: JsonWebKey[] | null;
  readonly failure?: string;
  readonly fetchedAt: number;
  readonly until: number;
}

type DecodedAssertion = ReturnType<typeof decodeAssertion>;

/**
 * Client authentication by signed assertion (private_key_jwt, RFC 7523): the client's keys, given
 * inline or fetched from its `jwks_uri` (kept as long as the answer's Cache-Control says, within
 * 5 minutes and a day; fetched again for a kid not seen yet, a client rotating its keys), and each
 * assertion taken once (its jti kept until it expires, on every instance: the database holds it).
 */
@Injectable()
export class ClientAssertions {
  private readonly keySets = new Map<string, KeptKeys>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly fetcher: ClientMetadataFetcher,
  ) {}

  async verify(client: OAuthClientEntity, clientId: string, decoded: DecodedAssertion): Promise<void> {
    let keys = await this.keysOf(client, false);
    const kid = decoded.header.kid;
    if (client.jwksUri && typeof kid === 'string' && keysNamed(keys, kid).length === 0) keys = await this.keysOf(client, true);
    const base = this.config.publicUrl;
    const { jti, expiresAt } = verifyAssertion(decoded, keys, { clientId, audiences: [base, `${base}/api/v1/oauth/token`, `${base}/api/v1/oauth/revoke`], nowSeconds: Math.floor(Date.now() / 1000) });
    await this.takeOnce(client.id, jti, expiresAt);
  }

  private async keysOf(client: OAuthClientEntity, lookAgain: boolean): Promise<JsonWebKey[]> {
    if (client.jwks) return client.jwks;
    if (!client.jwksUri) throw new OAuthError('invalid_client', 'This client has no public keys on record');
    const url = new URL(client.jwksUri);
    // A client known by its document takes its keys from the hosts documents may come from.
    if (client.metadataUrl && !hostAccepted(url, this.config.oauth.clientIdMetadataHosts)) throw new OAuthError('invalid_client', `The client's jwks_uri is on ${url.host}, not a host this server takes clients from`);
    const kept = this.keySets.get(client.jwksUri);
    const now = Date.now();
    const wanted = !kept || now >= kept.until || lookAgain;
    const mayFetch = !kept || now - kept.fetchedAt >= REFETCH_AFTER_MS;
    const current = wanted && mayFetch ? await this.fetchKeys(client.jwksUri, url) : kept;
    if (!current?.keys) throw new OAuthError('invalid_client', `The client's keys could not be had from its jwks_uri: ${current.failure ?? 'unknown reason'}`);
    return current.keys;
  }

  private async fetchKeys(uri: string, url: URL): Promise<KeptKeys> {
    const fetchedAt = Date.now();
    let kept: KeptKeys;
    try {
      const fetched = await this.fetcher.fetch(url);
      kept = { keys: publicKeysOf(fetched.document, (description) => new OAuthError('invalid_client', description)), fetchedAt, until: freshUntil(fetched.cacheControl, fetchedAt).getTime() };
    } catch (error) {
      if (!(error instanceof MetadataFetchError) && !(error instanceof OAuthError)) throw error;
      kept = { keys: null, failure: error instanceof OAuthError ? error.description : error.message, fetchedAt, until: fetchedAt + REFETCH_AFTER_MS };
    }
    this.keySets.delete(uri);
    if (this.keySets.size >= MAX_KEPT_KEY_SETS) this.keySets.delete(this.keySets.keys().next().value as string);
    this.keySets.set(uri, kept);
    return kept;
  }

  /** The first request with this jti wins; any other, here or on another instance, is refused. */
  private async takeOnce(clientRowId: string, jti: string, expiresAtSeconds: number): Promise<void> {
    const key = createHash('sha256').update(`${clientRowId}\n${jti}`).digest('hex');
    const taken = (await this.dataSource.query(`INSERT INTO oauth_client_assertions (key, expires_at) VALUES ($1, to_timestamp($2)) ON CONFLICT DO NOTHING RETURNING key`, [key, expiresAtSeconds])) as unknown[];
    if (taken.length === 0) throw new OAuthError('invalid_client', 'Client assertion refused: its jti was already used');
  }
}
