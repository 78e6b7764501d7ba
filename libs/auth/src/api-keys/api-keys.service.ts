import { AuditWriter } from '@app/audit';
import { ApiError, type RequestOrigin } from '@app/common';
import { AppConfig, type RateLimitRule } from '@app/config';
import type { ApiKey, CreateApiKeyRequestDto, CreatedApiKey, RotateApiKeyRequestDto, UpdateApiKeyRequestDto } from '@app/contracts';
import { EventBus } from '@app/events';
import { AddressAllowList, addressListProblems, type AuthenticatedUser, holdsPermission, RateLimiter, rateLimitExceeded, rateLimitRule, type RateLimitState, requireOwnSignIn, SecretBox, windowSeconds } from '@app/security';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource, In, IsNull, type Repository } from 'typeorm';
import { effectivePermissions, withoutAdminRights } from '../roles';
import { UserEntity } from '../user.entity';
import { ApiKeyEntity } from './api-key.entity';

declare module '@app/events' {
  interface EventMap {
    'apikey.revoked': { keyId: string; keyHash: string; userId: string };
    /** Where a key works from changed: cached copies are dropped, live connections opened with it checked again. */
    'apikey.updated': { keyId: string; keyHash: string; userId: string };
  }
}

export const API_KEY_PREFIX = 'mcp_sk_';
export const API_KEY_LIMIT_EXCEEDED = 'Rate limit of this API key exceeded';
const DISPLAY_PREFIX_LENGTH = 12;
const CACHE_TTL_MS = 30_000;
const CACHE_MAX_ENTRIES = 10_000;
const TOUCH_INTERVAL_MS = 60_000;
const REFUSAL_AUDIT_INTERVAL_MS = 60_000;

interface CachedKey {
  readonly user: AuthenticatedUser | null;
  readonly keyId: string | null;
  readonly cachedAt: number;
  /** The key stops working at this instant even while cached. */
  readonly expiresAt: number;
  /** Where the key works from; undefined: anywhere. */
  readonly allowed?: AddressAllowList;
}

function newSecret(): string {
  return `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** The answer that shows a key's secret, the only one. */
/** What an audit entry says of a new key (never its secret). */
function keyDetails(key: ApiKeyEntity): Record<string, unknown> {
  return { name: key.name, scopes: key.scopes, allowedIps: key.allowedIps, rateLimit: key.rateLimit, expiresAt: key.expiresAt?.toISOString() ?? null };
}

function createdView(key: ApiKeyEntity, secret: string): CreatedApiKey {
  const { id, name, prefix, scopes, allowedIps, rateLimit, createdAt, expiresAt } = view(key);
  return { id, name, key: secret, prefix, scopes, allowedIps, rateLimit, createdAt, expiresAt };
}

/** A key's own limit as stored; 400 for a window outside 1 s to 24 h (the pattern lets `0s` and `999999h` through). */
function checkedRateLimit(limit: { readonly requests: number; readonly window: string }): { requests: number; window: string } {
  const seconds = windowSeconds(limit.window) ?? 0;
  if (seconds < 1 || seconds > 86_400) throw ApiError.validation('rateLimit.window must be 1 s to 24 h', [{ field: 'rateLimit.window', message: 'must be 1 s to 24 h', code: 'INVALID_VALUE' }]);
  return { requests: limit.requests, window: limit.window };
}

function sameEntries(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((entry) => b.includes(entry));
}

/** The list as stored: trimmed, lower case, once each; 400 naming each entry that is not an address or network. */
function checkedAllowedIps(entries: readonly string[]): string[] {
  const allowedIps = [...new Set(entries.map((entry) => entry.trim().toLowerCase()))];
  const problems = addressListProblems(allowedIps, 'allowedIps');
  if (problems.length > 0) throw ApiError.validation('allowedIps holds entries that are neither addresses nor CIDR networks', problems);
  return allowedIps;
}

function view(key: ApiKeyEntity): ApiKey {
  const now = Date.now();
  const status = key.revokedAt ? 'revoked' : key.expiresAt && key.expiresAt.getTime() <= now ? 'expired' : 'active';
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    allowedIps: key.allowedIps,
    rateLimit: key.rateLimit ?? null,
    createdAt: key.createdAt.toISOString(),
    expiresAt: key.expiresAt?.toISOString() ?? null,
    lastUsed: key.lastUsedAt?.toISOString() ?? null,
    status,
  };
}

/**
 * API keys: shown once, stored as a keyed hash, acting with their scopes capped by what the owner
 * holds now. Lookups are cached briefly; a revocation evicts the key on every instance at once.
 */
@Injectable()
export class ApiKeysService implements OnModuleDestroy {
  private readonly logger = new Logger('ApiKeys');
  private readonly keys: Repository<ApiKeyEntity>;
  private readonly users: Repository<UserEntity>;
  private readonly cache = new Map<string, CachedKey>();
  /** Keys' own limits by key id (only keys that have one). */
  private readonly limits = new Map<string, RateLimitRule>();
  private readonly lastTouched = new Map<string, number>();
  private readonly lastRefusalAudited = new Map<string, number>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly dataSource: DataSource,
    private readonly secrets: SecretBox,
    private readonly audit: AuditWriter,
    private readonly events: EventBus,
    private readonly config: AppConfig,
    private readonly limiter: RateLimiter,
  ) {
    this.keys = dataSource.getRepository(ApiKeyEntity);
    this.users = dataSource.getRepository(UserEntity);
    // By hash and by id: an instance with other keys configured (a rotation under way) caches under another hash.
    const offRevoked = events.on('apikey.revoked', (event) => this.forgetKey(event.payload.keyId, event.payload.keyHash));
    const offUpdated = events.on('apikey.updated', (event) => this.forgetKey(event.payload.keyId, event.payload.keyHash));
    // A key acts with its owner's current rights: a change of roles or status drops cached keys.
    const offUser = events.on('user.updated', (event) => this.forgetOwner(event.payload.userId));
    const offTokens = events.on('user.tokens.revoked', (event) => this.forgetOwner(event.payload.userId));
    this.unsubscribe = () => {
      offRevoked();
      offUpdated();
      offUser();
      offTokens();
    };
  }

  private forgetKey(keyId: string, keyHash: string): void {
    this.cache.delete(keyHash);
    for (const [hash, entry] of this.cache) if (entry.keyId === keyId) this.cache.delete(hash);
    this.limits.delete(keyId);
  }

  /**
   * Spends one from a key's own limit for a message on a live connection opened with it (/ws);
   * the state past the limit, or undefined while within it (or without one).
   */
  async spendFor(keyId: string): Promise<RateLimitState | undefined> {
    const rule = this.limits.get(keyId);
    if (!rule) return undefined;
    const state = await this.limiter.consume(`apikey:${keyId}`, rule);
    return state.allowed ? undefined : state;
  }

  private forgetOwner(userId: string): void {
    for (const [hash, entry] of this.cache) if (entry.user?.id === userId) this.cache.delete(hash);
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  async create(owner: AuthenticatedUser, input: CreateApiKeyRequestDto, origin: RequestOrigin): Promise<CreatedApiKey> {
    this.requireLoginSession(owner);
    const beyond = input.scopes.filter((scope) => !holdsPermission(owner.permissions, scope));
    if (beyond.length > 0) {
      throw new ApiError(403, 'FORBIDDEN', 'An API key cannot hold permissions its owner does not have', {
        details: beyond.map((scope) => ({ field: 'scopes', message: `you do not hold ${scope}`, code: 'NOT_HELD' })),
      });
    }
    const { key, secret } = await this.issue(owner.id, input);
    await this.audit.record({ action: 'apikey.create', result: 'success', userId: owner.id, sessionId: owner.sessionId, resource: `apikey:${key.id}`, details: keyDetails(key), origin });
    await this.events.publishDurable('user.security', { userId: owner.id, change: 'apikey.created', actorId: owner.id });
    return createdView(key, secret);
  }

  /** An admin issues a key to a user (a service account that never signs in), within the user's rights. */
  async createFor(actor: AuthenticatedUser, userId: string, input: CreateApiKeyRequestDto, origin: RequestOrigin): Promise<CreatedApiKey> {
    // A leaked key (or an application's token) must not mint keys that outlive its revocation.
    this.requireLoginSession(actor);
    const owner = await this.users.findOne({ where: { id: userId } });
    if (!owner) throw ApiError.notFound('User');
    if (owner.status !== 'active') throw ApiError.conflict(`The user is ${owner.status}: activate the account first`);
    const held = effectivePermissions(owner.roles, owner.permissions);
    const beyond = input.scopes.filter((scope) => !holdsPermission(held, scope));
    if (beyond.length > 0) {
      throw ApiError.validation('An API key cannot hold permissions its owner does not have', beyond.map((scope) => ({ field: 'scopes', message: `the user does not hold ${scope}`, code: 'NOT_HELD' })));
    }
    const { key, secret } = await this.issue(owner.id, input);
    await this.audit.record({ action: 'admin.apikey.create', result: 'success', userId: actor.id, sessionId: actor.sessionId, resource: `apikey:${key.id}`, details: { owner: owner.id, ...keyDetails(key) }, origin });
    await this.events.publishDurable('user.security', { userId: owner.id, change: 'apikey.created', actorId: actor.id });
    return createdView(key, secret);
  }

  private async issue(userId: string, input: CreateApiKeyRequestDto): Promise<{ key: ApiKeyEntity; secret: string }> {
    const allowedIps = checkedAllowedIps(input.allowedIps ?? []);
    this.checkLifetime(input.expiresIn);
    const secret = newSecret();
    const key = await this.keys.save(
      this.keys.create({
        userId,
        name: input.name,
        ...this.secretFields(secret),
        scopes: input.scopes,
        allowedIps,
        rateLimit: input.rateLimit ? checkedRateLimit(input.rateLimit) : null,
        expiresAt: input.expiresIn ? new Date(Date.now() + input.expiresIn * 1000) : null,
      }),
    );
    return { key, secret };
  }

  /**
   * A new key with the old one's settings; the old secret stops now, or after the grace period
   * (never past its own expiry). Someone else's key answers 404, a revoked or expired one 409.
   */
  async rotate(owner: AuthenticatedUser, keyId: string, input: RotateApiKeyRequestDto | undefined, origin: RequestOrigin): Promise<CreatedApiKey> {
    const old = await this.liveKeyOf(owner, keyId);
    if (input?.expiresIn !== undefined) this.checkLifetime(input.expiresIn);
    const now = Date.now();
    const graceMs = (input?.gracePeriod ?? 0) * 1000;
    const oldUntil = graceMs > 0 ? new Date(Math.min(old.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY, now + graceMs)) : null;
    const secret = newSecret();
    const replacement = await this.dataSource.transaction(async (manager) => {
      const keys = manager.getRepository(ApiKeyEntity);
      // Only a key still live is rotated: a revocation that lands meanwhile wins.
      const ended = await keys
        .createQueryBuilder()
        .update()
        .set(oldUntil ? { expiresAt: oldUntil } : { revokedAt: () => 'now()' })
        .where('id = :keyId AND user_id = :userId AND revoked_at IS NULL', { keyId, userId: owner.id })
        .execute();
      if (!ended.affected) throw ApiError.conflict('The API key is revoked; make a new one');
      return keys.save(
        keys.create({
          userId: owner.id,
          name: old.name,
          ...this.secretFields(secret),
          scopes: old.scopes,
          allowedIps: old.allowedIps,
          rateLimit: old.rateLimit,
          expiresAt: input?.expiresIn ? new Date(now + input.expiresIn * 1000) : this.capped(old.expiresAt, now),
        }),
      );
    });
    // Every instance drops its cached copy of the old key; ended at once, its live connections close.
    await this.events.publishAndWait(oldUntil ? 'apikey.updated' : 'apikey.revoked', { keyId, keyHash: old.keyHash, userId: owner.id });
    await this.audit.record({
      action: 'apikey.rotate',
      result: 'success',
      userId: owner.id,
      sessionId: owner.sessionId,
      resource: `apikey:${keyId}`,
      details: { replacedBy: replacement.id, oldValidUntil: oldUntil?.toISOString() ?? null, expiresAt: replacement.expiresAt?.toISOString() ?? null },
      origin,
    });
    await this.events.publishDurable('user.security', { userId: owner.id, change: 'apikey.rotated', actorId: owner.id });
    return createdView(replacement, secret);
  }

  async list(owner: AuthenticatedUser): Promise<ApiKey[]> {
    this.requireLoginSession(owner);
    const keys = await this.keys.find({ where: { userId: owner.id }, order: { createdAt: 'DESC' } });
    return keys.map(view);
  }

  /** Renames a live key or changes where it works from; someone else's answers 404, a revoked or expired one 409. */
  async update(owner: AuthenticatedUser, keyId: string, input: UpdateApiKeyRequestDto, origin: RequestOrigin): Promise<ApiKey> {
    const key = await this.liveKeyOf(owner, keyId);
    const allowedIps = input.allowedIps === undefined ? undefined : checkedAllowedIps(input.allowedIps);
    const rateLimit = input.rateLimit === undefined ? undefined : input.rateLimit && checkedRateLimit(input.rateLimit);
    if (input.name === undefined && allowedIps === undefined && rateLimit === undefined) return view(key);
    const before = { name: key.name, allowedIps: key.allowedIps, rateLimit: key.rateLimit };
    const addressesChanged = allowedIps !== undefined && !sameEntries(allowedIps, key.allowedIps);
    const limitChanged = rateLimit !== undefined && JSON.stringify(rateLimit) !== JSON.stringify(key.rateLimit);
    // Only a key still live is changed: a revocation that lands meanwhile wins.
    const result = await this.keys
      .createQueryBuilder()
      .update()
      .set({ ...(input.name !== undefined ? { name: input.name } : {}), ...(allowedIps !== undefined ? { allowedIps } : {}), ...(rateLimit !== undefined ? { rateLimit } : {}) })
      .where('id = :keyId AND user_id = :userId AND revoked_at IS NULL', { keyId, userId: owner.id })
      .returning('*')
      .execute();
    if ((result.raw as unknown[]).length === 0) throw ApiError.conflict('The API key is revoked; make a new one');
    const updated = this.keys.create({ ...key, name: input.name ?? key.name, allowedIps: allowedIps ?? key.allowedIps, rateLimit: rateLimit === undefined ? key.rateLimit : rateLimit });
    // Every instance drops its cached copy (and re-checks connections opened with the key).
    if (addressesChanged || limitChanged) await this.events.publishAndWait('apikey.updated', { keyId, keyHash: key.keyHash, userId: owner.id });
    await this.audit.record({
      action: 'apikey.update',
      result: 'success',
      userId: owner.id,
      sessionId: owner.sessionId,
      resource: `apikey:${keyId}`,
      details: { before, after: { name: updated.name, allowedIps: updated.allowedIps, rateLimit: updated.rateLimit } },
      origin,
    });
    if (addressesChanged) await this.events.publishDurable('user.security', { userId: owner.id, change: 'apikey.updated', actorId: owner.id });
    return view(updated);
  }

  async revoke(owner: AuthenticatedUser, keyId: string, origin: RequestOrigin): Promise<void> {
    this.requireLoginSession(owner);
    await this.revokeKey(owner.id, keyId);
    await this.audit.record({ action: 'apikey.revoke', result: 'success', userId: owner.id, sessionId: owner.sessionId, resource: `apikey:${keyId}`, origin });
    await this.events.publishDurable('user.security', { userId: owner.id, change: 'apikey.revoked', actorId: owner.id });
  }

  /** A user's keys, as the user sees them (an admin's view); 404 for an unknown user. */
  async listFor(userId: string): Promise<ApiKey[]> {
    if (!(await this.users.findOne({ where: { id: userId }, select: { id: true } }))) throw ApiError.notFound('User');
    const keys = await this.keys.find({ where: { userId }, order: { createdAt: 'DESC' } });
    return keys.map(view);
  }

  /** An admin revokes a user's key (one that leaked), as the user could; the user hears of it. */
  async revokeFor(actor: AuthenticatedUser, userId: string, keyId: string, origin: RequestOrigin): Promise<void> {
    await this.revokeKey(userId, keyId);
    await this.audit.record({ action: 'admin.apikey.revoke', result: 'success', userId: actor.id, sessionId: actor.sessionId, resource: `apikey:${keyId}`, details: { owner: userId }, origin });
    await this.events.publishDurable('user.security', { userId, change: 'apikey.revoked', actorId: actor.id });
  }

  /** Revokes a live key of the user's on every instance; a missing, revoked or someone else's key is 404 (no existence leak). */
  private async revokeKey(userId: string, keyId: string): Promise<void> {
    if ((await this.revokeWhere(userId, 'id = :keyId AND user_id = :userId AND revoked_at IS NULL', { keyId, userId })) === 0) throw ApiError.notFound('API key');
  }

  /** Revokes every live key of a user on every instance (an account claimed through SSO); how many. */
  revokeAllOf(userId: string): Promise<number> {
    return this.revokeWhere(userId, 'user_id = :userId AND revoked_at IS NULL', { userId });
  }

  private async revokeWhere(userId: string, where: string, parameters: Record<string, string>): Promise<number> {
    const result = await this.keys.createQueryBuilder().update().set({ revokedAt: () => 'now()' }).where(where, parameters).returning('id, key_hash').execute();
    const revoked = result.raw as Array<{ id: string; key_hash: string }>;
    for (const key of revoked) {
      this.cache.delete(key.key_hash);
      await this.events.publishAndWait('apikey.revoked', { keyId: key.id, keyHash: key.key_hash, userId });
    }
    return revoked.length;
  }

  /**
   * The caller a key stands for, or null when it is unknown, revoked, expired or its owner inactive.
   * A key limited to some addresses is refused (403) from `address` when it is not one of them. A
   * request (`spend`) spends from the key's own limit, 429 past it; a check of a live connection does not.
   */
  async authenticate(secret: string, address: string | undefined, spend = true): Promise<AuthenticatedUser | null> {
    if (!secret.startsWith(API_KEY_PREFIX) || secret.length > 128) return null;
    const hash = this.secrets.mac(secret);
    const now = Date.now();
    let cached = this.cache.get(hash);
    if (!cached || now - cached.cachedAt > CACHE_TTL_MS) {
      cached = await this.load(secret, hash, now);
      this.remember(hash, cached);
    }
    if (!cached.user || cached.expiresAt <= now) return null;
    if (cached.allowed && !cached.allowed.allows(address)) {
      this.auditRefusal(cached.keyId as string, cached.user, address, now);
      throw ApiError.forbidden(`This API key is not accepted from ${address ?? 'an unknown address'}`);
    }
    // Checked before awaiting: most keys have no limit of their own, and pay nothing for it.
    if (spend && this.limits.has(cached.keyId as string)) {
      const state = await this.spendFor(cached.keyId as string);
      if (state) throw rateLimitExceeded(state, API_KEY_LIMIT_EXCEEDED);
    }
    this.touch(cached.keyId as string, now);
    return cached.user;
  }

  private async load(secret: string, hash: string, now: number): Promise<CachedKey> {
    const key = await this.keys.findOne({ where: { keyHash: In(this.secrets.macs(secret)), revokedAt: IsNull() } });
    // Hashed under a key SECRETS_KEY replaced: hashed again under SECRETS_KEY, which caches and revocations use.
    if (key && key.keyHash !== hash) {
      await this.keys.update({ id: key.id, keyHash: key.keyHash }, { keyHash: hash });
      key.keyHash = hash;
    }
    const owner = key ? await this.users.findOne({ where: { id: key.userId } }) : null;
    if (!key || !owner || owner.status !== 'active') return { user: null, keyId: null, cachedAt: now, expiresAt: 0 };
    // A key proves no second factor: with ADMIN_REQUIRES_MFA it never carries admin rights.
    const ownerPermissions = this.config.adminRequiresMfa ? withoutAdminRights(owner.roles, owner.permissions) : effectivePermissions(owner.roles, owner.permissions);
    // Never more than the owner holds now: a scope the owner lost is dropped.
    const permissions = key.scopes.filter((scope) => holdsPermission(ownerPermissions, scope));
    this.keepLimitOf(key);
    return {
      user: { id: owner.id, email: owner.email, roles: owner.roles, permissions, via: 'api-key', apiKeyId: key.id, ...(key.expiresAt ? { expiresAt: key.expiresAt.getTime() } : {}) },
      keyId: key.id,
      cachedAt: now,
      expiresAt: key.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY,
      allowed: key.allowedIps.length > 0 ? new AddressAllowList(key.allowedIps) : undefined,
    };
  }

  // A key used from elsewhere may well have leaked: worth an audit entry, but one a minute per key, not one per request.
  private auditRefusal(keyId: string, owner: AuthenticatedUser, address: string | undefined, now: number): void {
    if (now - (this.lastRefusalAudited.get(keyId) ?? 0) < REFUSAL_AUDIT_INTERVAL_MS) return;
    this.lastRefusalAudited.set(keyId, now);
    void this.audit
      .record({ action: 'apikey.address_refused', result: 'denied', userId: owner.id, resource: `apikey:${keyId}`, details: { address: address ?? null }, origin: { ipAddress: address, apiKeyId: keyId } })
      .catch((error: Error) => this.logger.warn(`refusal not audited: ${error.message}`));
  }

  /** The key's own rule, by id: for its requests and for the messages of connections opened with it. */
  private keepLimitOf(key: ApiKeyEntity): void {
    if (key.rateLimit) this.limits.set(key.id, rateLimitRule(key.rateLimit));
    else this.limits.delete(key.id);
  }

  private remember(hash: string, entry: CachedKey): void {
    if (this.cache.size >= CACHE_MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(hash, entry);
  }

  // last_used_at is written at most once a minute per key, never on every request.
  private touch(keyId: string, now: number): void {
    if (now - (this.lastTouched.get(keyId) ?? 0) < TOUCH_INTERVAL_MS) return;
    this.lastTouched.set(keyId, now);
    this.keys.update({ id: keyId }, { lastUsedAt: new Date(now) }).catch((error: Error) => this.logger.warn(`last-used not recorded: ${error.message}`));
  }

  /** With API_KEY_MAX_TTL_SECONDS, a new key must say when it expires, within that. */
  private checkLifetime(expiresIn: number | undefined): void {
    const max = this.config.apiKeyMaxTtlSeconds;
    if (max === undefined) return;
    if (expiresIn === undefined) throw ApiError.validation('API keys on this server must expire', [{ field: 'expiresIn', message: `required, at most ${max} seconds`, code: 'REQUIRED' }]);
    if (expiresIn > max) throw ApiError.validation('API keys on this server live shorter', [{ field: 'expiresIn', message: `at most ${max} seconds`, code: 'INVALID_VALUE' }]);
  }

  /** An expiry a rotated key inherits, within API_KEY_MAX_TTL_SECONDS from now (a key older than the rule may have none). */
  private capped(expiresAt: Date | null, now: number): Date | null {
    const max = this.config.apiKeyMaxTtlSeconds;
    if (max === undefined) return expiresAt;
    return new Date(Math.min(expiresAt?.getTime() ?? Number.POSITIVE_INFINITY, now + max * 1000));
  }

  /** One of the owner's keys that still works: someone else's answers 404 (as a missing one), a revoked or expired one 409. */
  private async liveKeyOf(owner: AuthenticatedUser, keyId: string): Promise<ApiKeyEntity> {
    this.requireLoginSession(owner);
    const key = await this.keys.findOne({ where: { id: keyId, userId: owner.id } });
    if (!key) throw ApiError.notFound('API key');
    const { status } = view(key);
    if (status !== 'active') throw ApiError.conflict(`The API key is ${status}; make a new one`);
    return key;
  }

  private secretFields(secret: string): Pick<ApiKeyEntity, 'prefix' | 'keyHash'> {
    return { prefix: secret.slice(0, DISPLAY_PREFIX_LENGTH), keyHash: this.secrets.mac(secret) };
  }

  // A leaked key must not be able to mint or list more keys, nor an application one that outlives its grant.
  private requireLoginSession(user: AuthenticatedUser): void {
    requireOwnSignIn(user, 'API keys are managed');
  }
}
