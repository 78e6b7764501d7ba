import { AuditWriter } from '@app/audit';
import { ApiError, type RequestOrigin } from '@app/common';
import { AppConfig } from '@app/config';
import { EventBus } from '@app/events';
import { SecretBox } from '@app/security';
import { Injectable, Logger, Optional, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import type { UpstreamOrganizationConfigEntry, UpstreamUserConfigEntry } from '@app/contracts';
import { CallerOrganizations } from '../registry/caller-organizations';
import type { ToolRunContext } from '../tool.types';
import type { UpstreamConnection, UpstreamSettings } from './upstream-connection';
import { UpstreamOrganizationConfigEntity } from './upstream-organization-config.entity';
import type { UpstreamServerEntity } from './upstream-server.entity';
import { UpstreamUserConfigEntity } from './upstream-user-config.entity';
import { enforcedSchema, keepMaskedValues, placementProblems, renderTemplates, secretValuesOf, type StoredUserConfig, UserConfigValidator, type UserConfigValues } from './user-config-rules';
import { UserConnections } from './user-connections';

declare module '@app/events' {
  interface EventMap {
    /** A user's or an organization's configuration of a server changed or went: every instance closes the connection made with the old one. */
    'upstream.user_config.changed': { serverId: string; subject: ConfigSubject };
  }
}

/** Whose configuration: a user's own, or an organization's for every member without one of their own. */
export type ConfigSubject = { readonly kind: 'user'; readonly id: string } | { readonly kind: 'organization'; readonly id: string };

/** A subject as one string (user ids are UUIDs, so the prefix keeps the two apart). */
function holderOf(subject: ConfigSubject): string {
  return subject.kind === 'user' ? subject.id : `org:${subject.id}`;
}

/** What a stored configuration amounts to for a server's schema as it is now. */
type Known = { readonly values: UserConfigValues } | { readonly stale: string } | null;

/** The configuration a user's calls use, and whose it is. */
interface Resolved {
  readonly subject: ConfigSubject;
  readonly known: Exclude<Known, null>;
}

/** A user's configuration as they are shown it: which fields hold a value, and since when. */
export interface ConfiguredService {
  readonly fields: readonly string[];
  readonly updatedAt: Date;
}

const KNOWN_MAX = 10_000;

function unconfigured(server: UpstreamServerEntity, why = ''): ApiError {
  const message = `'${server.name}' acts as each of its users: give it your configuration first (POST /api/v1/services/${server.id}/configure)${why}`;
  return new ApiError(400, 'MCP_SERVICE_UNCONFIGURED', message, { details: [{ field: 'serviceId', message: why ? 'the configuration no longer fits this service' : 'you have not configured this service', code: 'UNCONFIGURED' }] });
}

/** Why a caller whose configuration resolved so may not reach a server that takes them; undefined when they may. */
function refusalOf(server: UpstreamServerEntity, resolved: Resolved | undefined): ApiError | undefined {
  if (!resolved) return server.userConfig?.required ? unconfigured(server) : undefined;
  return 'stale' in resolved.known ? unconfigured(server, `: ${resolved.known.stale}`) : undefined;
}

function staleMessage(subject: ConfigSubject, problem: string): string {
  return subject.kind === 'user'
    ? `your configuration no longer fits it (${problem}): configure it again`
    : `your organization's configuration no longer fits it (${problem}): ask its admins to configure it again, or give it one of your own`;
}

/**
 * The user's headers or env on top of the server's own. A name a template sets never keeps the
 * server's value, rendered or not: it may be the server's own credential (headers match in any case).
 */
function placed(base: Readonly<Record<string, string>> | undefined, templates: Readonly<Record<string, string>> | undefined, own: Record<string, string>, caseless: boolean): Record<string, string> {
  const nameOf = (name: string) => (caseless ? name.toLowerCase() : name);
  const targets = new Set([...Object.keys(templates ?? {}), ...Object.keys(own)].map(nameOf));
  return { ...Object.fromEntries(Object.entries(base ?? {}).filter(([name]) => !targets.has(nameOf(name)))), ...own };
}

/**
 * Configurations of upstream servers (MCP Online Platform's "Configure MCP Service"): each user's
 * own, and an organization's for its members without one; stored sealed, validated against the
 * server's schema, and the connections made with them (an organization's shared by its members).
 */
@Injectable()
export class UpstreamUserConfigs implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('UpstreamUserConfigs');
  private readonly configs: Repository<UpstreamUserConfigEntity>;
  private readonly organizationConfigs: Repository<UpstreamOrganizationConfigEntity>;
  private readonly organizations?: CallerOrganizations;
  readonly validator = new UserConfigValidator();
  private readonly connections: UserConnections;
  /** Per server and subject on this instance: its configuration, read once (until it changes). */
  private readonly known = new Map<string, Known>();
  /** Bumped by every change: a read that began before one is not kept. */
  private generation = 0;
  private unsubscribe?: () => void;

  constructor(
    dataSource: DataSource,
    config: AppConfig,
    private readonly secrets: SecretBox,
    private readonly audit: AuditWriter,
    private readonly events: EventBus,
    @Optional() organizations?: CallerOrganizations,
  ) {
    this.configs = dataSource.getRepository(UpstreamUserConfigEntity);
    this.organizationConfigs = dataSource.getRepository(UpstreamOrganizationConfigEntity);
    this.organizations = organizations;
    this.connections = new UserConnections(config.upstream.userConnectionsMax, config.upstream.userConnectionIdleMs);
  }

  onApplicationBootstrap(): void {
    const offChanged = this.events.on('upstream.user_config.changed', (event) => {
      if (event.origin !== this.events.instanceId) void this.forget(event.payload.serverId, event.payload.subject);
    });
    // What the registrant of a claimed account stored (their own credentials, say) is not its owner's:
    // gone before the claiming sign-in ends (a durable hook, which the publisher awaits).
    const offClaimed = this.events.onDurable((event) => {
      const payload = event.payload as { change?: string; userId?: string };
      return event.name === 'user.security' && payload.change === 'account.claimed' && payload.userId ? this.dropUser(payload.userId) : undefined;
    });
    this.unsubscribe = () => (offChanged(), offClaimed());
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    await this.connections.closeAll();
  }

  /**
   * Sends a run's call for a server that takes users' configurations: on the connection made with
   * the caller's own, else with their organization's; with neither, refused, or (configuration
   * optional) on the server's.
   */
  async route(server: UpstreamServerEntity, base: UpstreamSettings, run: ToolRunContext, send: (connection: UpstreamConnection | undefined) => Promise<unknown>, open: (settings: UpstreamSettings) => UpstreamConnection): Promise<unknown> {
    const userConfig = server.userConfig as StoredUserConfig;
    const resolved = await this.resolve(server, run.caller.id);
    const refusal = refusalOf(server, resolved);
    if (refusal) throw refusal;
    if (!resolved || 'stale' in resolved.known) return send(undefined);
    const { values } = resolved.known;
    return this.connections.run(server.id, holderOf(resolved.subject), () => open(this.settingsFor(base, userConfig, values)), (connection) => send(connection));
  }

  /**
   * The caller's connection to a server that takes users' configurations (opened if need be), made
   * with theirs or their organization's, for its resources, prompts and completions; `configured`
   * false when there is neither.
   */
  async connectionFor(server: UpstreamServerEntity, base: UpstreamSettings, userId: string, open: (settings: UpstreamSettings) => UpstreamConnection): Promise<{ readonly configured: boolean; readonly connection?: UpstreamConnection }> {
    const resolved = await this.resolve(server, userId);
    if (!resolved) return { configured: false };
    if ('stale' in resolved.known) return { configured: true };
    const userConfig = server.userConfig as StoredUserConfig;
    const { values } = resolved.known;
    return { configured: true, connection: await this.connections.run(server.id, holderOf(resolved.subject), () => open(this.settingsFor(base, userConfig, values)), async (connection) => connection) };
  }

  /** Why a user may not reach a server that takes configurations (none that fits, and one is required); undefined when they may. */
  async refusalFor(server: UpstreamServerEntity, userId: string): Promise<ApiError | undefined> {
    return refusalOf(server, await this.resolve(server, userId));
  }

  /** The configuration a user's calls use: their own (even one that no longer fits), else their organization's. */
  private async resolve(server: UpstreamServerEntity, userId: string): Promise<Resolved | undefined> {
    const own: ConfigSubject = { kind: 'user', id: userId };
    const known = await this.knownOf(server, own);
    if (known) return { subject: own, known };
    const organizationId = this.organizations ? await this.organizations.organizationOf(userId) : null;
    if (organizationId === null) return undefined;
    const shared: ConfigSubject = { kind: 'organization', id: organizationId };
    const sharedKnown = await this.knownOf(server, shared);
    return sharedKnown ? { subject: shared, known: sharedKnown } : undefined;
  }

  /** The settings of a user's connection: the server's, with the user's values where its templates say. */
  settingsFor(base: UpstreamSettings, userConfig: StoredUserConfig, values: UserConfigValues): UpstreamSettings {
    const { transport } = base;
    const own =
      transport.type === 'stdio'
        ? { ...transport, env: placed(transport.env, userConfig.env, renderTemplates(userConfig.env, values), false) }
        : { ...transport, headers: placed(transport.headers, userConfig.headers, renderTemplates(userConfig.headers, values), true) };
    // The server's values left out are still masked in what this connection logs or answers.
    const serverValues = [...Object.values(transport.env ?? {}), ...Object.values(transport.headers ?? {})];
    return { ...base, transport: own, secrets: [...serverValues, ...secretValuesOf(values)], viaCaller: undefined };
  }

  /** How many users' connections to the server are open on this instance. */
  connectionsTo(serverId: string): number {
    return this.connections.count(serverId);
  }

  /** The server changed, went or was disconnected: its users' connections close, their configurations are read afresh. */
  async dropServer(serverId: string): Promise<void> {
    this.generation++;
    for (const key of [...this.known.keys()]) if (key.startsWith(`${serverId} `)) this.known.delete(key);
    await this.connections.dropServer(serverId);
  }

  /** The services a subject configured: server id to what it configured. */
  async configuredBy(subject: ConfigSubject): Promise<Map<string, ConfiguredService>> {
    const rows =
      subject.kind === 'user'
        ? await this.configs.find({ where: { userId: subject.id }, select: { serverId: true, fields: true, updatedAt: true } })
        : await this.organizationConfigs.find({ where: { organizationId: subject.id }, select: { serverId: true, fields: true, updatedAt: true } });
    return new Map(rows.map((row) => [row.serverId, { fields: row.fields, updatedAt: row.updatedAt }]));
  }

  /**
   * Stores a subject's configuration of a server (validated against its schema; masked fields keep
   * their stored values; `verify`, when given, tried before anything is stored), closes the
   * connection made with the previous one everywhere, audits the fields (never the values).
   * `actor`: who gives it (the user themselves, or an organization's admin).
   */
  async configure(server: UpstreamServerEntity, subject: ConfigSubject, actor: string, given: Record<string, unknown>, origin: RequestOrigin, verify?: (values: UserConfigValues) => Promise<void>): Promise<ConfiguredService> {
    const userConfig = server.userConfig;
    if (!userConfig) throw ApiError.validation(`'${server.name}' takes no configuration of its users`, [{ field: 'serviceId', message: 'this service takes no configuration', code: 'NOT_CONFIGURABLE' }]);
    const stored = await this.storedValues(server.id, subject);
    const { values, problems: masked } = keepMaskedValues(given, stored);
    const invalid = masked.length > 0 ? masked : this.validator.problems(enforcedSchema(userConfig), values);
    const problems = invalid.length > 0 ? invalid : placementProblems(userConfig, values);
    if (problems.length > 0) throw ApiError.validation(problems.length === 1 ? problems[0].message : `${problems[0].message} (and ${problems.length - 1} more problems)`, problems);
    await verify?.(values);
    const fields = Object.keys(values).sort();
    const sealed = this.secrets.encrypt(JSON.stringify(values));
    if (subject.kind === 'user') await this.configs.upsert({ serverId: server.id, userId: subject.id, sealed, fields, updatedAt: new Date() }, ['serverId', 'userId']);
    else await this.organizationConfigs.upsert({ serverId: server.id, organizationId: subject.id, sealed, fields, updatedBy: actor, updatedAt: new Date() }, ['serverId', 'organizationId']);
    await this.changed(server.id, subject);
    const action = subject.kind === 'user' ? 'upstream.user_config.update' : 'upstream.organization_config.update';
    await this.audit.record({ action, result: 'success', userId: actor, resource: `upstream:${server.id}`, details: { name: server.name, ...whose(subject, actor), fields, replaced: stored !== undefined }, origin });
    return { fields, updatedAt: new Date() };
  }

  /**
   * Forgets a subject's configuration of a server (by the user, an organization's admin, or a
   * gateway admin's removal: `byAdmin`); 404 when there is none.
   */
  async remove(server: UpstreamServerEntity, subject: ConfigSubject, actor: string, origin: RequestOrigin, byAdmin = false): Promise<void> {
    const { affected } = subject.kind === 'user' ? await this.configs.delete({ serverId: server.id, userId: subject.id }) : await this.organizationConfigs.delete({ serverId: server.id, organizationId: subject.id });
    if (!affected) throw ApiError.notFound('Configuration of this service');
    await this.changed(server.id, subject);
    const action = `${byAdmin ? 'admin.' : ''}upstream.${subject.kind === 'user' ? 'user' : 'organization'}_config.delete`;
    await this.audit.record({ action, result: 'success', userId: actor, resource: `upstream:${server.id}`, details: { name: server.name, ...whose(subject, actor) }, origin });
  }

  /** A deleted organization's configurations go, and the connections its members shared close everywhere. */
  async dropOrganization(organizationId: string): Promise<void> {
    const rows = await this.organizationConfigs.find({ where: { organizationId }, select: { serverId: true } });
    await this.organizationConfigs.delete({ organizationId });
    for (const { serverId } of rows) await this.changed(serverId, { kind: 'organization', id: organizationId });
  }

  /** A user's configurations go, and the connections made with them close everywhere. */
  async dropUser(userId: string): Promise<void> {
    const rows = await this.configs.find({ where: { userId }, select: { serverId: true } });
    if (rows.length === 0) return;
    await this.configs.delete({ userId });
    for (const { serverId } of rows) await this.changed(serverId, { kind: 'user', id: userId });
    await this.audit.record({ action: 'upstream.user_config.delete', result: 'success', userId, resource: `user:${userId}`, details: { servers: rows.map((row) => row.serverId), reason: 'account claimed through single sign-on' } });
  }

  /** The users holding a configuration of a server, most recently changed first (an admin's view; never the values). */
  async holders(serverId: string, page: number, limit: number): Promise<{ entries: UpstreamUserConfigEntry[]; total: number }> {
    const [rows, [{ total }]] = await Promise.all([
      this.configs.query(
        `SELECT c.user_id AS "userId", u.email, c.fields, c.created_at AS "createdAt", c.updated_at AS "updatedAt"
           FROM upstream_user_configs c LEFT JOIN users u ON u.id = c.user_id
          WHERE c.server_id = $1 ORDER BY c.updated_at DESC, c.user_id LIMIT $2 OFFSET $3`,
        [serverId, limit, (page - 1) * limit],
      ) as Promise<Array<Omit<UpstreamUserConfigEntry, 'connected' | 'createdAt' | 'updatedAt'> & { createdAt: Date; updatedAt: Date }>>,
      this.configs.query(`SELECT count(*)::int AS total FROM upstream_user_configs WHERE server_id = $1`, [serverId]) as Promise<Array<{ total: number }>>,
    ]);
    const entries = rows.map((row) => ({ ...row, email: row.email ?? null, connected: this.connections.holds(serverId, row.userId), createdAt: new Date(row.createdAt).toISOString(), updatedAt: new Date(row.updatedAt).toISOString() }));
    return { entries, total };
  }

  /** The organizations holding a configuration of a server, most recently changed first (never the values). */
  async organizationHolders(serverId: string, page: number, limit: number): Promise<{ entries: UpstreamOrganizationConfigEntry[]; total: number }> {
    const [rows, total] = await this.organizationConfigs.findAndCount({
      where: { serverId },
      select: { organizationId: true, fields: true, updatedBy: true, createdAt: true, updatedAt: true },
      order: { updatedAt: 'DESC', organizationId: 'ASC' },
      skip: (page - 1) * limit,
      take: limit,
    });
    const entries = rows.map((row) => ({
      organizationId: row.organizationId,
      fields: row.fields,
      updatedBy: row.updatedBy,
      connected: this.connections.holds(serverId, holderOf({ kind: 'organization', id: row.organizationId })),
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    }));
    return { entries, total };
  }

  private async changed(serverId: string, subject: ConfigSubject): Promise<void> {
    await this.forget(serverId, subject);
    this.events.publish('upstream.user_config.changed', { serverId, subject });
  }

  private async forget(serverId: string, subject: ConfigSubject): Promise<void> {
    this.generation++;
    this.known.delete(`${serverId} ${holderOf(subject)}`);
    await this.connections.drop(serverId, holderOf(subject));
  }

  private async knownOf(server: UpstreamServerEntity, subject: ConfigSubject): Promise<Known> {
    const key = `${server.id} ${holderOf(subject)}`;
    const cached = this.known.get(key);
    if (cached !== undefined) return cached;
    const generation = this.generation;
    const values = await this.storedValues(server.id, subject);
    // One stored before every templated field was required, or left short by a new template, is stale.
    const problems = values === undefined ? [] : this.validator.problems(enforcedSchema(server.userConfig as StoredUserConfig), values);
    const known: Known = values === undefined ? null : problems.length > 0 ? { stale: staleMessage(subject, problems[0].message) } : { values };
    if (generation !== this.generation) return known;
    if (this.known.size >= KNOWN_MAX) this.known.clear();
    this.known.set(key, known);
    return known;
  }

  private async storedValues(serverId: string, subject: ConfigSubject): Promise<UserConfigValues | undefined> {
    const row =
      subject.kind === 'user'
        ? await this.configs.findOne({ where: { serverId, userId: subject.id }, select: { serverId: true, sealed: true } })
        : await this.organizationConfigs.findOne({ where: { serverId, organizationId: subject.id }, select: { serverId: true, sealed: true } });
    if (!row) return undefined;
    try {
      return JSON.parse(this.secrets.decrypt(row.sealed)) as UserConfigValues;
    } catch (error) {
      // Sealed under another SECRETS_KEY: as good as none, and the user can give it again.
      this.logger.warn(`a configuration of upstream ${serverId} cannot be opened: ${(error as Error).message}`);
      return undefined;
    }
  }
}

/** Who a configuration belongs to, for its audit entry (the actor is the entry's user). */
function whose(subject: ConfigSubject, actor: string): Record<string, string> {
  if (subject.kind === 'organization') return { organizationId: subject.id };
  return subject.id === actor ? {} : { user: subject.id };
}
