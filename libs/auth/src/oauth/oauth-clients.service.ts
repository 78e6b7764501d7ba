import { AuditWriter } from '@app/audit';
import { ApiError, type RequestOrigin } from '@app/common';
import { AppConfig } from '@app/config';
import type { ListOAuthClientsQueryDto, OAuthClient, OAuthClientInformation, OAuthClientList } from '@app/contracts';
import { SessionsService } from '@app/sessions';
import { SecretBox } from '@app/security';
import { Injectable } from '@nestjs/common';
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { DataSource, type Repository } from 'typeorm';
import { type ClientAuthMethod, OAuthClientEntity } from './oauth-client.entity';
import { OAuthError } from './oauth-error';
import { hasControlCharacters, redirectUriProblem } from './redirect-uris';
import { parseScope } from './scopes';

const CLIENT_SECRET_PREFIX = 'mcp_cs_';
const MAX_REDIRECT_URIS = 10;
const AUTH_METHODS: readonly ClientAuthMethod[] = ['none', 'client_secret_post', 'client_secret_basic'];
const GRANT_TYPES = ['authorization_code', 'refresh_token'];
const DEFAULT_PAGE_SIZE = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const badMetadata = (description: string): OAuthError => new OAuthError('invalid_client_metadata', description);

function optionalText(body: Record<string, unknown>, field: string, maxLength: number): string | null {
  const value = body[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length > maxLength || hasControlCharacters(value)) throw badMetadata(`${field} must be a string of at most ${maxLength} printable characters`);
  return value.trim() === '' ? null : value.trim();
}

function stringList(body: Record<string, unknown>, field: string): string[] | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((item): item is string => typeof item === 'string')) throw badMetadata(`${field} must be an array of strings`);
  return value;
}

function redirectUrisOf(body: Record<string, unknown>): string[] {
  const uris = body.redirect_uris;
  if (!Array.isArray(uris) || uris.length === 0 || uris.length > MAX_REDIRECT_URIS) throw new OAuthError('invalid_redirect_uri', `redirect_uris must list 1 to ${MAX_REDIRECT_URIS} URIs`);
  return uris.map((uri: unknown, index) => {
    if (typeof uri !== 'string') throw new OAuthError('invalid_redirect_uri', `redirect_uris[${index}] must be a string`);
    const problem = redirectUriProblem(uri);
    if (problem) throw new OAuthError('invalid_redirect_uri', `redirect_uris[${index}] ${problem}`);
    return uri;
  });
}

function clientUriOf(body: Record<string, unknown>): string | null {
  const uri = optionalText(body, 'client_uri', 2000);
  if (uri === null) return null;
  try {
    if (new URL(uri).protocol === 'https:') return uri;
  } catch {
    // reported below
  }
  throw badMetadata('client_uri must be an https URL');
}

/** What a registration asks for, checked field by field (RFC 7591 §2); unknown fields are ignored. */
function registrationOf(body: unknown): Omit<OAuthClientEntity, 'id' | 'secretHash' | 'registeredFrom' | 'lastUsedAt' | 'createdAt'> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badMetadata('The body must be a JSON object of client metadata');
  const fields = body as Record<string, unknown>;
  const redirectUris = [...new Set(redirectUrisOf(fields))];
  const grantTypes = stringList(fields, 'grant_types') ?? [...GRANT_TYPES];
  if (!grantTypes.includes('authorization_code') || grantTypes.some((grant) => !GRANT_TYPES.includes(grant))) {
    throw badMetadata(`grant_types must include authorization_code and may add refresh_token; nothing else is offered`);
  }
  const responseTypes = stringList(fields, 'response_types') ?? ['code'];
  if (responseTypes.length === 0 || responseTypes.some((type) => type !== 'code')) throw badMetadata('response_types may only be ["code"]');
  // RFC 7591 §2: a client that names no method authenticates with a secret (client_secret_basic).
  const authMethod = fields.token_endpoint_auth_method ?? 'client_secret_basic';
  if (typeof authMethod !== 'string' || !AUTH_METHODS.includes(authMethod as ClientAuthMethod)) throw badMetadata(`token_endpoint_auth_method must be one of ${AUTH_METHODS.join(', ')}`);
  const scopeText = optionalText(fields, 'scope', 2000);
  const scope = parseScope(scopeText ?? undefined);
  if (scope === undefined) throw badMetadata('scope must be space-separated scope tokens');
  return {
    name: optionalText(fields, 'client_name', 200),
    redirectUris,
    grantTypes: [...new Set(grantTypes)],
    authMethod: authMethod as ClientAuthMethod,
    scope,
    clientUri: clientUriOf(fields),
    softwareId: optionalText(fields, 'software_id', 200),
    softwareVersion: optionalText(fields, 'software_version', 200),
  };
}

/** OAuth clients: registered by MCP clients themselves, found and authenticated at every grant. */
@Injectable()
export class OAuthClientsService {
  private readonly clients: Repository<OAuthClientEntity>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly secrets: SecretBox,
    private readonly audit: AuditWriter,
    private readonly config: AppConfig,
    private readonly sessions: SessionsService,
  ) {
    this.clients = dataSource.getRepository(OAuthClientEntity);
  }

  /** For admins: newest first, with the sessions each still holds. */
  async list(query: ListOAuthClientsQueryDto): Promise<OAuthClientList> {
    const page = query.page ?? 1;
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const [rows, total] = await this.clients.findAndCount({ order: { createdAt: 'DESC', id: 'ASC' }, skip: (page - 1) * limit, take: limit });
    const held = await this.liveSessions(rows.map((row) => row.id));
    return { clients: rows.map((row) => clientView(row, held.get(row.id)?.size ?? 0)), pagination: { page, limit, total, pages: Math.ceil(total / limit) } };
  }

  /**
   * Removes a client with everything it holds: codes and refresh tokens go with the row, and the
   * sessions signed in through it end on every instance, so its access tokens stop at once.
   */
  async remove(actorId: string, clientId: string, origin: RequestOrigin): Promise<void> {
    const client = await this.find(clientId);
    if (!client) throw ApiError.notFound('OAuth client');
    const sessionIds = [...((await this.liveSessions([client.id])).get(client.id) ?? [])];
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
    const secret = registration.authMethod === 'none' ? undefined : `${CLIENT_SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
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
      ...(client.scope ? { scope: client.scope.join(' ') } : {}),
    };
  }

  /** A registered client by its id; undefined for anything else (a malformed id never reaches SQL). */
  async find(clientId: string): Promise<OAuthClientEntity | undefined> {
    if (!UUID.test(clientId)) return undefined;
    return (await this.clients.findOne({ where: { id: clientId.toLowerCase() } })) ?? undefined;
  }

  /**
   * The client of a token request, authenticated as it registered: no secret for a public client,
   * its secret in the Basic header or the body otherwise (RFC 6749 §2.3.1).
   */
  async authenticate(body: Readonly<Record<string, string>>, authorization: string | undefined): Promise<OAuthClientEntity> {
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
    const method: ClientAuthMethod = basic ? 'client_secret_basic' : 'client_secret_post';
    if (secret === undefined || method !== client.authMethod || !client.secretHash || !this.sameSecret(secret, client.secretHash)) {
      throw new OAuthError('invalid_client', `Client authentication failed (this client uses ${client.authMethod})`);
    }
    return client;
  }

  async markUsed(client: OAuthClientEntity): Promise<void> {
    await this.clients.update({ id: client.id }, { lastUsedAt: () => 'now()' });
  }

  private sameSecret(secret: string, hash: string): boolean {
    const given = Buffer.from(this.secrets.mac(secret));
    const known = Buffer.from(hash);
    return given.length === known.length && timingSafeEqual(given, known);
  }
}

function clientView(row: OAuthClientEntity, activeSessions: number): OAuthClient {
  return {
    clientId: row.id,
    name: row.name,
    redirectUris: row.redirectUris,
    grantTypes: row.grantTypes,
    tokenEndpointAuthMethod: row.authMethod,
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
