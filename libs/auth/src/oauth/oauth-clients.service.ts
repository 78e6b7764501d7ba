import { AuditWriter } from '@app/audit';
import { ApiError, offsetPagination, type RequestOrigin } from '@app/common';
import { AppConfig } from '@app/config';
import type { ListOAuthClientsQueryDto, OAuthClient, OAuthClientInformation, OAuthClientList } from '@app/contracts';
import { SessionsService } from '@app/sessions';
import { SecretBox } from '@app/security';
import { Injectable } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource, type Repository } from 'typeorm';
import { type ClientAuthMethod, OAuthClientEntity } from './oauth-client.entity';
import { OAuthError } from './oauth-error';
import { documentRegistration, freshUntil, hostAccepted, isMetadataClientId, metadataUrlProblem } from './client-id-metadata';
import { ClientMetadataFetcher, MetadataFetchError } from './client-metadata-fetcher';
import { type ClientRegistration, registrationOf } from './client-registration';
import { decodeAssertion, JWT_BEARER_ASSERTION, keysNamed } from './client-assertion';
import { ClientAssertions } from './client-assertions.service';

const CLIENT_SECRET_PREFIX = 'mcp_cs_';
const DEFAULT_PAGE_SIZE = 50;
const FAILURE_MEMORY_MS = 60_000;
// Failures and reads remembered per document URL (anyone can name any URL): bounded, oldest out first.
const MAX_REMEMBERED_DOCUMENTS = 1_000;
// Anyone can send an assertion naming a client: its document is read again for an unseen kid at most this often.
const REREAD_AFTER_MS = 10_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** OAuth clients: registered by MCP clients themselves, found and authenticated at every grant. */
@Injectable()
export class OAuthClientsService {
  private readonly clients: Repository<OAuthClientEntity>;
  private readonly failedDocuments = new Map<string, { readonly until: number; readonly reason: string }>();
  private readonly documentReads = new Map<string, number>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly secrets: SecretBox,
    private readonly audit: AuditWriter,
    private readonly config: AppConfig,
    private readonly sessions: SessionsService,
    private readonly fetcher: ClientMetadataFetcher,
    private readonly assertions: ClientAssertions,
  ) {
    this.clients = dataSource.getRepository(OAuthClientEntity);
  }

  /** For admins: newest first, with the sessions each still holds. */
  async list(query: ListOAuthClientsQueryDto): Promise<OAuthClientList> {
    const page = query.page ?? 1;
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const [rows, total] = await this.clients.findAndCount({ order: { createdAt: 'DESC', id: 'ASC' }, skip: (page - 1) * limit, take: limit });
    const held = await this.liveSessions(rows.map((row) => row.id));
    return { clients: rows.map((row) => clientView(row, held.get(row.id)?.size ?? 0)), pagination: offsetPagination(page, limit, total) };
  }

  /**
   * Removes a client with everything it holds: codes and refresh tokens go with the row, and the
   * sessions signed in through it end on every instance, so its access tokens stop at once.
   */
  async remove(actorId: string, clientId: string, origin: RequestOrigin): Promise<void> {
    const client = await this.find(clientId);
    if (!client) throw ApiError.notFound('OAuth client');
    // Also the sessions between spending a refresh token and storing the next: they hold no live token.
    const signedInThrough = (await this.dataSource.query(`SELECT id FROM sessions WHERE oauth_client_id = $1 AND status = 'active'`, [client.id])) as Array<{ id: string }>;
    const sessionIds = [...new Set([...((await this.liveSessions([client.id])).get(client.id) ?? []), ...signedInThrough.map((row) => row.id)])];
    for (const sessionId of sessionIds) await this.sessions.end(sessionId, 'OAuth client removed');
    await this.clients.delete({ id: client.id });
    await this.audit.record({
      action: 'admin.oauth_client.delete',
      result: 'success',
      userId: actorId,
      resource: `oauth-client:${client.id}`,
      details: { clientName: client.name, redirectUris: client.redirectUris, endedSessions: sessionIds.length },
      origin,
    });
  }

  /** Sessions signed in through each client whose refresh token can still be spent. */
  private async liveSessions(clientIds: readonly string[]): Promise<Map<string, Set<string>>> {
    const held = new Map<string, Set<string>>();
    if (clientIds.length === 0) return held;
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT client_id, session_id FROM refresh_tokens WHERE client_id = ANY($1) AND revoked_at IS NULL AND used_at IS NULL AND expires_at > now()`,
      [clientIds],
    )) as Array<{ client_id: string; session_id: string }>;
    for (const row of rows) held.set(row.client_id, (held.get(row.client_id) ?? new Set()).add(row.session_id));
    return held;
  }

  async register(body: unknown, origin: RequestOrigin): Promise<OAuthClientInformation> {
    if (!this.config.oauth.dynamicRegistration) throw new OAuthError('access_denied', 'Client registration is turned off on this server; ask an administrator');
    const registration = registrationOf(body);
    const secret = registration.authMethod.startsWith('client_secret_') ? `${CLIENT_SECRET_PREFIX}${randomBytes(32).toString('base64url')}` : undefined;
    const client = await this.clients.save(
      this.clients.create({ ...registration, id: randomUUID(), secretHash: secret ? this.secrets.mac(secret) : null, registeredFrom: origin.ipAddress?.slice(0, 64) ?? null, lastUsedAt: null }),
    );
    await this.audit.record({
      action: 'oauth.client.register',
      result: 'success',
      resource: `oauth-client:${client.id}`,
      details: { clientName: client.name, redirectUris: client.redirectUris, authMethod: client.authMethod },
      origin,
    });
    return {
      client_id: client.id,
      client_id_issued_at: Math.floor(client.createdAt.getTime() / 1000),
      ...(secret ? { client_secret: secret, client_secret_expires_at: 0 } : {}),
      ...(client.name ? { client_name: client.name } : {}),
      redirect_uris: client.redirectUris,
      grant_types: client.grantTypes,
      response_types: ['code'],
      token_endpoint_auth_method: client.authMethod,
      ...(client.jwksUri ? { jwks_uri: client.jwksUri } : {}),
      ...(client.jwks ? { jwks: { keys: client.jwks } } : {}),
      ...(client.scope ? { scope: client.scope.join(' ') } : {}),
    };
  }

  /**
   * A client by the client_id it uses: a registered client's id, or the URL of a metadata document
   * already fetched (token and revocation requests never fetch: the authorization request did).
   * Undefined for anything else; a malformed id never reaches SQL.
   */
  async find(clientId: string): Promise<OAuthClientEntity | undefined> {
    if (isMetadataClientId(clientId)) {
      // Taken while metadata documents, and this host, are: turning either off stops its grants too.
      if (!this.config.oauth.clientIdMetadata || metadataUrlProblem(clientId) || !hostAccepted(new URL(clientId), this.config.oauth.clientIdMetadataHosts)) return undefined;
      return (await this.clients.findOne({ where: { metadataUrl: clientId } })) ?? undefined;
    }
    if (!UUID.test(clientId)) return undefined;
    return (await this.clients.findOne({ where: { id: clientId.toLowerCase() } })) ?? undefined;
  }

  /**
   * The client of an authorization request. A URL client_id is looked up in its metadata document,
   * fetched again once the copy kept is stale; a document that cannot be had or used refuses the
   * request (what it said before is not trusted past its freshness).
   */
  async forAuthorization(clientId: string, origin: RequestOrigin): Promise<{ readonly client: OAuthClientEntity } | { readonly problem: string }> {
    if (!isMetadataClientId(clientId)) {
      const client = await this.find(clientId);
      return client ? { client } : { problem: 'This application is not registered with the server.' };
    }
    const refuse = (why: string): { problem: string } => ({ problem: `The application's metadata document (${clientId.slice(0, 200)}) cannot be used: ${why}.` });
    if (!this.config.oauth.clientIdMetadata) return refuse('this server does not accept metadata documents as client ids');
    const problem = metadataUrlProblem(clientId);
    if (problem) return refuse(`its URL ${problem}`);
    const url = new URL(clientId);
    if (!hostAccepted(url, this.config.oauth.clientIdMetadataHosts)) return refuse(`${url.host} is not a host this server takes clients from`);
    const kept = await this.clients.findOne({ where: { metadataUrl: clientId } });
    if (kept && isFresh(kept)) return { client: kept };
    const read = await this.readDocument(clientId, url, kept ?? undefined, origin);
    return 'client' in read ? read : refuse(read.reason);
  }

  /** Fetches a client's document and keeps what it says; a document that failed is not fetched again for a minute. */
  private async readDocument(metadataUrl: string, url: URL, kept: OAuthClientEntity | undefined, origin: RequestOrigin): Promise<{ readonly client: OAuthClientEntity } | { readonly reason: string }> {
    const recentFailure = this.failedDocuments.get(metadataUrl);
    if (recentFailure && recentFailure.until > Date.now()) return { reason: recentFailure.reason };
    this.rememberRead(metadataUrl);
    let registration: ClientRegistration;
    let expiresAt: Date;
    try {
      const fetched = await this.fetcher.fetch(url);
      registration = documentRegistration(fetched.document, metadataUrl);
      expiresAt = freshUntil(fetched.cacheControl, Date.now());
    } catch (error) {
      if (!(error instanceof MetadataFetchError) && !(error instanceof OAuthError)) throw error;
      const reason = error instanceof OAuthError ? error.description : error.message;
      this.rememberFailure(metadataUrl, reason);
      return { reason };
    }
    this.failedDocuments.delete(metadataUrl);
    return { client: await this.keepDocument(metadataUrl, registration, expiresAt, kept, origin) };
  }

  /**
   * A client known by its document proves itself with the keys its document gives now: a copy past
   * its freshness is read again, and refused if it cannot be (a client that took a key back must not
   * be proved by it until a browser next comes by); a kid the copy lacks (the client rotated its keys)
   * has the document read again, at most once every 10 s whatever the assertions say.
   */
  private async withCurrentDocument(client: OAuthClientEntity, metadataUrl: string, kid: unknown, origin: RequestOrigin): Promise<OAuthClientEntity> {
    const stale = !isFresh(client);
    const rotated = !stale && client.jwks !== null && typeof kid === 'string' && keysNamed(client.jwks, kid).length === 0 && this.mayReadAgain(metadataUrl);
    if (!stale && !rotated) return client;
    const read = await this.readDocument(metadataUrl, new URL(metadataUrl), client, origin);
    if ('client' in read) return read.client;
    if (stale) throw new OAuthError('invalid_client', `The client's metadata document cannot be used: ${read.reason}`);
    return client;
  }

  private mayReadAgain(metadataUrl: string): boolean {
    const last = this.documentReads.get(metadataUrl);
    return last === undefined || Date.now() - last >= REREAD_AFTER_MS;
  }

  private rememberRead(metadataUrl: string): void {
    this.documentReads.delete(metadataUrl);
    if (this.documentReads.size >= MAX_REMEMBERED_DOCUMENTS) this.documentReads.delete(this.documentReads.keys().next().value as string);
    this.documentReads.set(metadataUrl, Date.now());
  }

  /** Stores what a document says (one row per URL, however many requests fetched it at once), and audits what is new. */
  private async keepDocument(metadataUrl: string, registration: ClientRegistration, expiresAt: Date, kept: OAuthClientEntity | undefined, origin: RequestOrigin): Promise<OAuthClientEntity> {
    const [row] = (await this.dataSource.query(
      `INSERT INTO oauth_clients (id, name, redirect_uris, grant_types, auth_method, secret_hash, scope, client_uri, software_id, software_version, metadata_url, metadata_expires_at, registered_from, jwks, jwks_uri)
         VALUES ($1, $2, $3, $4, $5, NULL, $6, $7, $8, $9, $10, $11, NULL, $12::jsonb, $13)
       ON CONFLICT ON CONSTRAINT uq_oauth_clients_metadata_url DO UPDATE SET name = EXCLUDED.name, redirect_uris = EXCLUDED.redirect_uris, grant_types = EXCLUDED.grant_types,
         auth_method = EXCLUDED.auth_method, scope = EXCLUDED.scope, client_uri = EXCLUDED.client_uri, software_id = EXCLUDED.software_id,
         software_version = EXCLUDED.software_version, metadata_expires_at = EXCLUDED.metadata_expires_at, jwks = EXCLUDED.jwks, jwks_uri = EXCLUDED.jwks_uri
       RETURNING id, (xmax = 0) AS inserted`,
      [
        randomUUID(),
        registration.name,
        registration.redirectUris,
        registration.grantTypes,
        registration.authMethod,
        registration.scope,
        registration.clientUri,
        registration.softwareId,
        registration.softwareVersion,
        metadataUrl,
        expiresAt,
        registration.jwks ? JSON.stringify(registration.jwks) : null,
        registration.jwksUri,
      ],
    )) as Array<{ id: string; inserted: boolean }>;
    const client = (await this.clients.findOne({ where: { id: row.id } })) as OAuthClientEntity;
    const changed = kept !== undefined && (kept.redirectUris.join(' ') !== client.redirectUris.join(' ') || kept.name !== client.name || !sameKeys(kept, client));
    if (row.inserted || changed) {
      await this.audit.record({
        action: row.inserted ? 'oauth.client.register' : 'oauth.client.update',
        result: 'success',
        resource: `oauth-client:${client.id}`,
        details: {
          metadataUrl,
          clientName: client.name,
          redirectUris: client.redirectUris,
          authMethod: client.authMethod,
          ...(client.jwksUri ? { jwksUri: client.jwksUri } : {}),
          ...(changed ? { before: { clientName: kept.name, redirectUris: kept.redirectUris, authMethod: kept.authMethod, ...(sameKeys(kept, client) ? {} : { keysChanged: true }) } } : {}),
        },
        origin,
      });
    }
    return client;
  }

  // Anyone can put any URL in an authorization request: a document that failed is not fetched again for a minute.
  private rememberFailure(url: string, reason: string): void {
    if (this.failedDocuments.size >= MAX_REMEMBERED_DOCUMENTS) this.failedDocuments.delete(this.failedDocuments.keys().next().value as string);
    this.failedDocuments.set(url, { until: Date.now() + FAILURE_MEMORY_MS, reason });
  }

  /**
   * The client of a token request, authenticated as it registered: no secret for a public client,
   * its secret in the Basic header or the body otherwise (RFC 6749 §2.3.1).
   */
  async authenticate(body: Readonly<Record<string, string>>, authorization: string | undefined, origin: RequestOrigin): Promise<OAuthClientEntity> {
    if (body.client_assertion_type !== undefined || body.client_assertion !== undefined) return this.authenticateByAssertion(body, authorization, origin);
    const basic = basicCredentials(authorization);
    const clientId = basic?.clientId ?? body.client_id;
    if (basic && body.client_id !== undefined && body.client_id !== basic.clientId) throw new OAuthError('invalid_request', 'client_id in the body differs from the Authorization header');
    if (clientId === undefined) throw new OAuthError('invalid_client', 'client_id is required');
    const client = await this.find(clientId);
    if (!client) throw new OAuthError('invalid_client', 'Unknown client');
    const secret = basic?.secret ?? body.client_secret;
    if (client.authMethod === 'none') {
      if (secret !== undefined && secret !== '') throw new OAuthError('invalid_client', 'This client is public and has no secret');
      return client;
    }
    if (client.authMethod === 'private_key_jwt') throw new OAuthError('invalid_client', 'This client authenticates with a signed assertion (private_key_jwt)');
    const method: ClientAuthMethod = basic ? 'client_secret_basic' : 'client_secret_post';
    if (secret === undefined || method !== client.authMethod || !client.secretHash || !this.secrets.macMatches(secret, client.secretHash)) {
      throw new OAuthError('invalid_client', `Client authentication failed (this client uses ${client.authMethod})`);
    }
    const current = this.secrets.mac(secret);
    // Hashed under a key SECRETS_KEY replaced: hashed again under SECRETS_KEY, so the old key can go.
    if (client.secretHash !== current) await this.clients.update({ id: client.id, secretHash: client.secretHash }, { secretHash: current });
    return client;
  }

  /** A private_key_jwt client (RFC 7523 §2.2): the assertion alone names and proves it. */
  private async authenticateByAssertion(body: Readonly<Record<string, string>>, authorization: string | undefined, origin: RequestOrigin): Promise<OAuthClientEntity> {
    if (authorization !== undefined && authorization !== '') throw new OAuthError('invalid_request', 'A client authenticates one way: an assertion or the Authorization header, not both');
    if (body.client_secret !== undefined) throw new OAuthError('invalid_request', 'A client authenticates one way: an assertion or a secret, not both');
    if (body.client_assertion_type !== JWT_BEARER_ASSERTION) throw new OAuthError('invalid_client', `client_assertion_type must be ${JWT_BEARER_ASSERTION}`);
    if (typeof body.client_assertion !== 'string' || body.client_assertion === '') throw new OAuthError('invalid_client', 'client_assertion is required with client_assertion_type');
    const decoded = decodeAssertion(body.client_assertion);
    const subject = decoded.claims.sub;
    const clientId = body.client_id ?? (typeof subject === 'string' ? subject : undefined);
    if (clientId === undefined) throw new OAuthError('invalid_client', 'The assertion names no client (sub)');
    const found = await this.find(clientId);
    if (!found) throw new OAuthError('invalid_client', 'Unknown client');
    const client = found.metadataUrl ? await this.withCurrentDocument(found, found.metadataUrl, decoded.header.kid, origin) : found;
    if (client.authMethod !== 'private_key_jwt') throw new OAuthError('invalid_client', `Client authentication failed (this client uses ${client.authMethod})`);
    await this.assertions.verify(client, clientId, decoded);
    return client;
  }

  async markUsed(client: OAuthClientEntity): Promise<void> {
    await this.clients.update({ id: client.id }, { lastUsedAt: () => 'now()' });
  }

}

function isFresh(client: OAuthClientEntity): boolean {
  return client.metadataExpiresAt !== null && client.metadataExpiresAt.getTime() > Date.now();
}

/** Whether two copies of a document prove the client the same way (a change of keys is worth an audit entry). */
function sameKeys(a: OAuthClientEntity, b: OAuthClientEntity): boolean {
  return a.authMethod === b.authMethod && a.jwksUri === b.jwksUri && JSON.stringify(a.jwks) === JSON.stringify(b.jwks);
}

function clientView(row: OAuthClientEntity, activeSessions: number): OAuthClient {
  return {
    clientId: row.id,
    metadataDocument: row.metadataUrl,
    name: row.name,
    redirectUris: row.redirectUris,
    grantTypes: row.grantTypes,
    tokenEndpointAuthMethod: row.authMethod,
    jwksUri: row.jwksUri,
    inlineKeys: row.jwks?.length ?? 0,
    scope: row.scope?.join(' ') ?? null,
    clientUri: row.clientUri,
    softwareId: row.softwareId,
    softwareVersion: row.softwareVersion,
    registeredFrom: row.registeredFrom,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    activeSessions,
  };
}

function basicCredentials(authorization: string | undefined): { readonly clientId: string; readonly secret: string } | undefined {
  if (authorization === undefined) return undefined;
  const [scheme, value] = authorization.split(' ', 2);
  if (scheme.toLowerCase() !== 'basic' || !value) throw new OAuthError('invalid_client', 'Client authentication must use the Basic scheme');
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new OAuthError('invalid_client', 'Malformed Basic credentials');
  try {
    // RFC 6749 §2.3.1: both parts are form-urlencoded before they are joined.
    return { clientId: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')), secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')) };
  } catch {
    throw new OAuthError('invalid_client', 'Malformed Basic credentials');
  }
}
