import { AuditWriter } from '@app/audit';
import { ApiError, type RequestOrigin } from '@app/common';
import { AppConfig } from '@app/config';
import { EventBus } from '@app/events';
import { SecretBox } from '@app/security';
import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import type { UpstreamUserConfigEntry } from '@app/contracts';
import type { ToolRunContext } from '../tool.types';
import type { UpstreamConnection, UpstreamSettings } from './upstream-connection';
import type { UpstreamServerEntity } from './upstream-server.entity';
import { UpstreamUserConfigEntity } from './upstream-user-config.entity';
import { keepMaskedValues, placementProblems, renderTemplates, secretValuesOf, type StoredUserConfig, UserConfigValidator, type UserConfigValues } from './user-config-rules';
import { UserConnections } from './user-connections';

declare module '@app/events' {
  interface EventMap {
    /** A user's own configuration of a server changed or went: every instance closes the connection made with the old one. */
    'upstream.user_config.changed': { serverId: string; userId: string };
  }
}

/** What a user's stored configuration amounts to for a server's schema as it is now. */
type Known = { readonly values: UserConfigValues } | { readonly stale: string } | null;

/** A user's configuration as they are shown it: which fields hold a value, and since when. */
export interface ConfiguredService {
  readonly fields: readonly string[];
  readonly updatedAt: Date;
}

const KNOWN_MAX = 10_000;

function unconfigured(server: UpstreamServerEntity, why = ''): ApiError {
  const message = `'${server.name}' acts as each of its users: give it your configuration first (POST /api/v1/services/${server.id}/configure)${why}`;
  return new ApiError(400, 'MCP_SERVICE_UNCONFIGURED', message, { details: [{ field: 'serviceId', message: why ? 'your configuration no longer fits this service' : 'you have not configured this service', code: 'UNCONFIGURED' }] });
}

/** Headers on top of the server's own; a name given twice (in any case) is the user's. */
function withHeaders(base: Readonly<Record<string, string>> | undefined, own: Record<string, string>): Record<string, string> {
  const names = new Set(Object.keys(own).map((name) => name.toLowerCase()));
  return { ...Object.fromEntries(Object.entries(base ?? {}).filter(([name]) => !names.has(name.toLowerCase()))), ...own };
}

/**
 * Users' own configurations of upstream servers (MCP Online Platform's "Configure MCP Service"):
 * stored sealed, validated against the server's schema, and the connections made with them.
 */
@Injectable()
export class UpstreamUserConfigs implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('UpstreamUserConfigs');
  private readonly configs: Repository<UpstreamUserConfigEntity>;
  readonly validator = new UserConfigValidator();
  private readonly connections: UserConnections;
  /** Per server and user on this instance: their configuration, read once (until it changes). */
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
  ) {
    this.configs = dataSource.getRepository(UpstreamUserConfigEntity);
    this.connections = new UserConnections(config.upstream.userConnectionsMax, config.upstream.userConnectionIdleMs);
  }

  onApplicationBootstrap(): void {
    this.unsubscribe = this.events.on('upstream.user_config.changed', (event) => {
      if (event.origin !== this.events.instanceId) void this.forget(event.payload.serverId, event.payload.userId);
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    await this.connections.closeAll();
  }

  /**
   * Sends a run's call for a server that takes users' configurations: on the caller's own
   * connection when they gave one; otherwise refused, or (configuration optional) on the server's.
   */
  async route(server: UpstreamServerEntity, base: UpstreamSettings, run: ToolRunContext, send: (connection: UpstreamConnection | undefined) => Promise<unknown>, open: (settings: UpstreamSettings) => UpstreamConnection): Promise<unknown> {
    const userConfig = server.userConfig as StoredUserConfig;
    const userId = run.caller.id;
    const known = await this.knownOf(server, userId);
    if (known === null || 'stale' in known) {
      if (known === null && !userConfig.required) return send(undefined);
      throw unconfigured(server, known ? `: ${known.stale}` : '');
    }
    return this.connections.run(server.id, userId, () => open(this.settingsFor(base, userConfig, known.values)), (connection) => send(connection));
  }

  /**
   * The caller's own connection to a server that takes users' configurations (opened if need be),
   * for its resources, prompts and completions; `configured` false when they gave none.
   */
  async connectionFor(server: UpstreamServerEntity, base: UpstreamSettings, userId: string, open: (settings: UpstreamSettings) => UpstreamConnection): Promise<{ readonly configured: boolean; readonly connection?: UpstreamConnection }> {
    const known = await this.knownOf(server, userId);
    if (known === null) return { configured: false };
    if ('stale' in known) return { configured: true };
    const userConfig = server.userConfig as StoredUserConfig;
    return { configured: true, connection: await this.connections.run(server.id, userId, () => open(this.settingsFor(base, userConfig, known.values)), async (connection) => connection) };
  }

  /** The settings of a user's connection: the server's, with the user's values where its templates say. */
  settingsFor(base: UpstreamSettings, userConfig: StoredUserConfig, values: UserConfigValues): UpstreamSettings {
    const { transport } = base;
    const placed =
      transport.type === 'stdio' ? { ...transport, env: { ...transport.env, ...renderTemplates(userConfig.env, values) } } : { ...transport, headers: withHeaders(transport.headers, renderTemplates(userConfig.headers, values)) };
    return { ...base, transport: placed, secrets: secretValuesOf(values), viaCaller: undefined };
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

  /** The caller's configured services: server id to what they configured. */
  async configuredBy(userId: string): Promise<Map<string, ConfiguredService>> {
    const rows = await this.configs.find({ where: { userId }, select: { serverId: true, fields: true, updatedAt: true } });
    return new Map(rows.map((row) => [row.serverId, { fields: row.fields, updatedAt: row.updatedAt }]));
  }

  /**
   * Stores a user's configuration of a server (validated against its schema; masked fields keep
   * their stored values; `verify`, when given, tried before anything is stored), closes the
   * connection made with the previous one everywhere, audits the fields (never the values).
   */
  async configure(server: UpstreamServerEntity, userId: string, given: Record<string, unknown>, origin: RequestOrigin, verify?: (values: UserConfigValues) => Promise<void>): Promise<ConfiguredService> {
    const userConfig = server.userConfig;
    if (!userConfig) throw ApiError.validation(`'${server.name}' takes no configuration of its users`, [{ field: 'serviceId', message: 'this service takes no configuration', code: 'NOT_CONFIGURABLE' }]);
    const stored = await this.storedValues(server.id, userId);
    const { values, problems: masked } = keepMaskedValues(given, stored);
    const invalid = masked.length > 0 ? masked : this.validator.problems(userConfig.schema, values);
    const problems = invalid.length > 0 ? invalid : placementProblems(userConfig, values);
    if (problems.length > 0) throw ApiError.validation(problems.length === 1 ? problems[0].message : `${problems[0].message} (and ${problems.length - 1} more problems)`, problems);
    await verify?.(values);
    const fields = Object.keys(values).sort();
    await this.configs.upsert({ serverId: server.id, userId, sealed: this.secrets.encrypt(JSON.stringify(values)), fields, updatedAt: new Date() }, ['serverId', 'userId']);
    await this.changed(server.id, userId);
    await this.audit.record({ action: 'upstream.user_config.update', result: 'success', userId, resource: `upstream:${server.id}`, details: { name: server.name, fields, replaced: stored !== undefined }, origin });
    return { fields, updatedAt: new Date() };
  }

  /** Forgets a user's configuration of a server (theirs, or an admin's removal); 404 when there is none. */
  async remove(server: UpstreamServerEntity, userId: string, origin: RequestOrigin, admin?: string): Promise<void> {
    const { affected } = await this.configs.delete({ serverId: server.id, userId });
    if (!affected) throw ApiError.notFound('Configuration of this service');
    await this.changed(server.id, userId);
    const action = admin ? 'admin.upstream.user_config.delete' : 'upstream.user_config.delete';
    await this.audit.record({ action, result: 'success', userId: admin ?? userId, resource: `upstream:${server.id}`, details: { name: server.name, ...(admin ? { user: userId } : {}) }, origin });
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

  private async changed(serverId: string, userId: string): Promise<void> {
    await this.forget(serverId, userId);
    this.events.publish('upstream.user_config.changed', { serverId, userId });
  }

  private async forget(serverId: string, userId: string): Promise<void> {
    this.generation++;
    this.known.delete(`${serverId} ${userId}`);
    await this.connections.drop(serverId, userId);
  }

  private async knownOf(server: UpstreamServerEntity, userId: string): Promise<Known> {
    const key = `${server.id} ${userId}`;
    const cached = this.known.get(key);
    if (cached !== undefined) return cached;
    const generation = this.generation;
    const values = await this.storedValues(server.id, userId);
    const problems = values === undefined ? [] : this.validator.problems((server.userConfig as StoredUserConfig).schema, values);
    const known: Known = values === undefined ? null : problems.length > 0 ? { stale: `your configuration no longer fits it (${problems[0].message}): configure it again` } : { values };
    if (generation !== this.generation) return known;
    if (this.known.size >= KNOWN_MAX) this.known.clear();
    this.known.set(key, known);
    return known;
  }

  private async storedValues(serverId: string, userId: string): Promise<UserConfigValues | undefined> {
    const row = await this.configs.findOne({ where: { serverId, userId }, select: { serverId: true, sealed: true } });
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
