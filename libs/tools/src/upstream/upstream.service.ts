import { type AuditResult, AuditWriter } from '@app/audit';
import { ApiError, createValidationPipe, mergePatch, offsetPagination, type ErrorDetail, type RequestOrigin, sqlState } from '@app/common';
import { AppConfig } from '@app/config';
import { type ListServersQueryDto, type UpstreamOrganizationConfigList, type UpstreamServer, UpstreamServerInputDto, type UpstreamServerPatchDto, type UpstreamUserConfigList } from '@app/contracts';
import { EventBus } from '@app/events';
import { MetricsService, Tracing, type UpstreamMetricState } from '@app/health';
import { SecretBox } from '@app/security';
import { Injectable, Logger, Optional, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ErrorCode, type GetPromptResult, McpError, type Prompt, type ReadResourceResult, type Resource, type ResourceTemplate } from '@modelcontextprotocol/sdk/types.js';
import { basename } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { DataSource, type Repository } from 'typeorm';
import { CallerOrganizations, checkOrganizationsExist } from '../registry/caller-organizations';
import { ToolRegistry } from '../registry/tool-registry';
import type { ToolCategory, ToolDefinition } from '../tool.types';
import { listAllPrompts, listAllResources, listAllResourceTemplates } from './paging';
import { maskedAuth, sealAuth, unsealAuth } from './sealed-auth';
import { MASK } from './secret-scrubber';
import { filterTools, type ToolFilter } from './tool-filter';
import { approvedListing, fingerprintTools, splitByApproval, swapToolFingerprints, toolChanges, upstreamName } from './tool-fingerprints';
import { type ConnectionChange, type ConnectionStatus, type CredentialReport, UpstreamConnection, type UpstreamSettings } from './upstream-connection';
import { copiesOf, type SharedUpstream, UpstreamPool } from './upstream-pool';
import { withSafeIcons } from './upstream-icons';
import { authHeader, authProblems, envProblems, headerProblems, serverNameProblems } from './upstream-input-rules';
import { type StoredTransport, UpstreamServerEntity } from './upstream-server.entity';
import { rateLimitProblems, sameRateLimits, storedRateLimits, toolRateLimits } from './upstream-rate-limits';
import { clientCertificate, maskedTls, sealTls, unsealTls } from './upstream-tls';
import { UpstreamUserConfigs } from './upstream-user-configs';
import { type StoredUserConfig, userConfigProblems } from './user-config-rules';

declare module '@app/events' {
  interface EventMap {
    /** An upstream's configuration changed: every instance reconciles its own connection. */
    'upstream.changed': { serverId: string; action: 'created' | 'updated' | 'deleted' | 'connect' | 'disconnect' };
    /** A subscribed upstream resource changed; `subscribers` are the MCP sessions to tell, wherever they are. */
    'resource.updated': { uri: string; subscribers: string[] };
    /** What an upstream's tools say changed (audited once, by the instance that saw it first); a webhook event. */
    'upstream.tools.changed': { serverId: string; name: string; added: string[]; removed: string[]; changed: string[] };
    /** An admin approved a held server's listing: every instance serves what it now holds back. */
    'upstream.tools.approved': { serverId: string };
    /**
     * This instance's connection to a server settled in another state, or its circuit opened or
     * closed: webhook events, for admins. Each instance tells of its own connection (`instance`).
     */
    'server.connected': { serverId: string; server: string; instance: string; tools: number };
    'server.disconnected': { serverId: string; server: string; instance: string };
    'server.error': { serverId: string; server: string; instance: string; error: string };
    'circuit.opened': { serverId: string; server: string; instance: string; failures: number; error: string | null; cooldownMs: number };
    'circuit.closed': { serverId: string; server: string; instance: string };
    /** Credentials were found in an upstream's answer (masked or withheld); a webhook event, for the caller and admins. */
    'upstream.credentials.found': {
      serverId: string;
      server: string;
      userId?: string;
      tool?: string;
      executionId?: string;
      uri?: string;
      prompt?: string;
      kinds: readonly string[];
      refused: boolean;
    };
  }
}

export { MASK };
const DEFAULTS = { timeouts: { connectMs: 10_000, requestMs: 60_000 }, healthCheck: { intervalMs: 30_000 } };

/** The fields of a server's configuration as PUT takes them (UpstreamServerInput): what a PATCH merges into. */
const INPUT_FIELDS = [
  'name',
  'description',
  'transport',
  'enabled',
  'timeouts',
  'healthCheck',
  'replicas',
  'rateLimits',
  'cache',
  'auth',
  'userConfig',
  'organizations',
  'permissions',
  'toolFilter',
  'confirmTools',
  'credentialScan',
  'toolChanges',
  'metadata',
] as const satisfies ReadonlyArray<keyof UpstreamServerInputDto>;

/** The API's UpstreamUserConfig as stored: required unless it says otherwise. */
function storedUserConfig(input: NonNullable<UpstreamServerInputDto['userConfig']>): StoredUserConfig {
  return { schema: input.schema, ...(input.env ? { env: input.env } : {}), ...(input.headers ? { headers: input.headers } : {}), required: input.required ?? true };
}

/** Every endpoint a server's requests go to: its url and its copies' (none for stdio). */
function endpointsOf(url: string | undefined, replicaUrls: readonly string[] | undefined): string[] {
  return url === undefined ? [] : [url, ...(replicaUrls ?? [])];
}

/** Whether every endpoint of `after` is on a server (scheme, host and port) one of `before` was on; false when either has none. */
function reachesOnly(before: readonly string[], after: readonly string[]): boolean {
  const known = new Set(before.map((url) => new URL(url).origin));
  return before.length > 0 && after.length > 0 && after.every((url) => known.has(new URL(url).origin));
}

/** MCP's completion/complete params: a prompt or resource-template reference and the argument so far. */
export interface CompletionRequest {
  readonly ref: { readonly type: 'ref/prompt' | 'ref/resource'; readonly name?: string; readonly uri?: string };
  readonly argument: { readonly name: string; readonly value: string };
  readonly context?: { readonly arguments?: Record<string, string> };
}

/**
 * The upstreams a caller reaches through resources, prompts and completion: every one (`all`,
 * prompts named `<server>__<prompt>`) or those of a set of server ids (a context's, prompts under
 * their own names; an empty set reaches none). A server that takes users' configurations is
 * reached on the caller's own connection (`userId`).
 */
export interface UpstreamScope {
  readonly servers: 'all' | ReadonlySet<string>;
  readonly userId?: string;
  /** Servers the caller may not use (kept to organizations it is not in), whatever `servers` says. */
  readonly outOfReach?: ReadonlySet<string>;
  /** The caller's request and session, for the audit entries of what it reads (a resource, a prompt). */
  readonly origin?: RequestOrigin;
  readonly sessionId?: string;
}

/** A connected upstream: its name, its connection and its SDK client. */
interface Live {
  readonly name: string;
  readonly connection: SharedUpstream;
  readonly client: Client;
}

const resourcesOf = ({ client, connection }: Live): Promise<Resource[]> => listAllResources(client, connection.settings.requestMs);
const templatesOf = ({ client, connection }: Live): Promise<ResourceTemplate[]> => listAllResourceTemplates(client, connection.settings.requestMs);
const promptsOf = ({ client, connection }: Live): Promise<Prompt[]> => listAllPrompts(client, connection.settings.requestMs);

/** An upstream's refusal as ours (its secrets masked): bad params stay the caller's fault (400), anything else is a bad gateway. */
async function proxied<T>(call: Promise<T>, upstream: SharedUpstream): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (!(error instanceof McpError)) throw error;
    const message = upstream.scrub(error.message.replace(/^(MCP error -?\d+: )+/, '')).slice(0, 500);
    if (error.code === ErrorCode.InvalidParams) throw ApiError.validation(message);
    throw new ApiError(502, 'BAD_GATEWAY', `Upstream '${upstream.settings.name}' failed: ${message}`);
  }
}

/**
 * Upstream MCP servers: configuration in the database (secrets sealed), one live connection per
 * server on every instance, tools registered as `<server>__<tool>`.
 */
@Injectable()
export class UpstreamService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Upstreams');
  private stopping = false;
  private readonly servers: Repository<UpstreamServerEntity>;
  private readonly validation = createValidationPipe();
  private readonly connections = new Map<string, SharedUpstream>();
  /** Per resource URI: the MCP sessions subscribed through this instance, and the upstream holding the subscription. */
  private readonly subscribers = new Map<string, Set<string>>();
  private readonly subscribedAt = new Map<string, SharedUpstream>();
  private unsubscribe?: () => void;
  private unsubscribeApprovals?: () => void;
  private unwatch?: () => void;
  /** Per server on this instance: its last listing, the tools held back from it, and the check of it in flight. */
  private readonly listings = new Map<string, { readonly server: UpstreamServerEntity; readonly definitions: ToolDefinition[]; readonly turn: number }>();
  private readonly held = new Map<string, string[]>();
  /** Per server on this instance: the tools of its last listing that its filter keeps out. */
  private readonly filtered = new Map<string, string[]>();
  private readonly approvals = new Map<string, Promise<void>>();
  /** Per server, a follow queued and not yet started (see follow). */
  private readonly queuedFollows = new Map<string, Promise<void>>();
  /** Per server, the latest work on its connection under way here (see inTurn). */
  private readonly following = new Map<string, Promise<unknown>>();
  /** Servers that take users' configurations: each user reaches them on a connection of their own, made from these settings. */
  private readonly userConfigured = new Map<string, { readonly server: UpstreamServerEntity; readonly settings: UpstreamSettings }>();
  private readonly organizations?: CallerOrganizations;

  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: ToolRegistry,
    private readonly secrets: SecretBox,
    private readonly audit: AuditWriter,
    private readonly events: EventBus,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    private readonly tracing: Tracing,
    private readonly userConfigs: UpstreamUserConfigs,
    @Optional() organizations?: CallerOrganizations,
  ) {
    this.servers = dataSource.getRepository(UpstreamServerEntity);
    this.organizations = organizations;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.unwatch = this.metrics.watchUpstreams(() => this.metricStates());
    this.unsubscribe = this.events.on('upstream.changed', (event) => {
      if (event.origin !== this.events.instanceId) void this.reconcile(event.payload.serverId);
    });
    this.unsubscribeApprovals = this.events.on('upstream.tools.approved', (event) => {
      if (event.origin !== this.events.instanceId) this.relist(event.payload.serverId);
    });
    // Enabled servers come back at start, without holding the start up; one that cannot be made
    // (a secret whose key was removed) is logged and left disconnected, never stopping the rest.
    for (const server of await this.servers.find({ where: { enabled: true } })) {
      try {
        void this.connection(server)
          .connect()
          .catch((error: Error) => this.logger.warn(`${server.name}: ${error.message}`));
      } catch (error) {
        this.logger.error(`${server.name}: not connected at start: ${(error as Error).message}`);
      }
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    // Connections closed by a shutdown (a deploy) are not outages to tell anyone about.
    this.stopping = true;
    this.unsubscribe?.();
    this.unsubscribeApprovals?.();
    this.unwatch?.();
    await Promise.all([...this.connections.values()].map((connection) => connection.disconnect()));
  }

  /** Every configured server by name, with its connection on this instance (none when it has not been connected here). */
  async withConnections(): Promise<Array<{ readonly server: UpstreamServerEntity; readonly connection?: SharedUpstream }>> {
    return (await this.servers.find({ order: { name: 'ASC' } })).map((server) => ({ server, connection: this.connections.get(server.id) }));
  }

  /** Each configured server's connection on this instance, for the upstream gauges. */
  private metricStates(): UpstreamMetricState[] {
    return [...this.connections.values()].map((connection) => ({
      server: connection.settings.name,
      connected: connection.status === 'connected',
      circuit: connection.breaker.state,
      tools: connection.status === 'connected' ? connection.tools.length : 0,
      userConnections: this.userConfigs.connectionsTo(connection.settings.id),
      replicasUp: copiesOf(connection).filter((copy) => copy.status === 'connected').length,
      ...certificateValidTo(connection.settings.transport),
    }));
  }

  /** Every server by name, or those the filters keep (all of them at once); `status` is this instance's connection. */
  async list(filter: ListServersQueryDto = {}): Promise<UpstreamServer[]> {
    const q = filter.q?.toLowerCase();
    return (await this.servers.find({ order: { name: 'ASC' } }))
      .filter((server) => (filter.enabled === undefined || server.enabled === filter.enabled) && (filter.groupId === undefined || server.groupId === filter.groupId))
      .filter((server) => filter.tag === undefined || (Array.isArray(server.metadata?.tags) && server.metadata.tags.includes(filter.tag)))
      .filter((server) => q === undefined || server.name.includes(q) || (server.description ?? '').toLowerCase().includes(q))
      .map((server) => this.view(server))
      .filter((view) => filter.status === undefined || view.status === filter.status);
  }

  async get(id: string): Promise<UpstreamServer> {
    return this.view(await this.find(id));
  }

  async create(input: UpstreamServerInputDto, actor: string, origin: RequestOrigin): Promise<UpstreamServer> {
    this.check(input);
    await checkOrganizationsExist(input.organizations, this.organizations);
    const transport = this.sealTransport(input, undefined, false);
    const auth = sealAuth(this.secrets, input.auth, undefined, { sameServer: false });
    let server: UpstreamServerEntity;
    try {
      server = await this.servers.save(this.servers.create({ ...this.fields(input), transport, auth }));
    } catch (error) {
      if (sqlState(error) === '23505') throw ApiError.conflict(`An upstream server named '${input.name}' already exists`, [{ field: 'name', message: 'name is taken', code: 'ALREADY_EXISTS' }]);
      throw error;
    }
    await this.audit.record({ action: 'upstream.create', result: 'success', userId: actor, resource: `upstream:${server.id}`, details: { name: server.name, transport: transport.type }, origin });
    this.events.publish('upstream.changed', { serverId: server.id, action: 'created' });
    // A server that cannot be reached is still created; its status says why.
    if (server.enabled) await this.connection(server).connect().catch(() => undefined);
    await this.approvals.get(server.id);
    return this.view(server);
  }

  async update(id: string, input: UpstreamServerInputDto, actor: string, origin: RequestOrigin): Promise<UpstreamServer> {
    const existing = await this.find(id);
    await checkOrganizationsExist(input.organizations, this.organizations);
    const server = await this.saveChange(this.servers, existing, input);
    return this.updated(server, { name: server.name }, actor, origin);
  }

  /**
   * A JSON Merge Patch of the configuration as PUT takes it (masked secrets included, so they are
   * kept as PUT keeps them), checked as a PUT body. The row is locked from read to write, so
   * concurrent patches of one server apply one after the other, on any instance.
   */
  async patch(id: string, patch: UpstreamServerPatchDto, actor: string, origin: RequestOrigin): Promise<UpstreamServer> {
    const fields = Object.keys(patch);
    if (fields.length === 0) throw ApiError.validation('The patch changes nothing: send the fields to change');
    await this.find(id);
    // Only organizations the patch names can be missing: a deleted one leaves the stored list.
    if (patch.organizations) await checkOrganizationsExist(patch.organizations, this.organizations);
    const { server, changed } = await this.dataSource.transaction(async (manager) => {
      const servers = manager.getRepository(UpstreamServerEntity);
      const existing = await servers.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!existing) throw ApiError.notFound('Upstream server');
      const current = this.inputOf(existing);
      const merged = mergePatch(current, { ...patch });
      // What is already so is no change: nothing saved, audited or reconnected.
      if (isDeepStrictEqual(merged, current)) return { server: existing, changed: false };
      const input = (await this.validation.transform(merged, { type: 'body', metatype: UpstreamServerInputDto })) as UpstreamServerInputDto;
      return { server: await this.saveChange(servers, existing, input), changed: true };
    });
    return changed ? this.updated(server, { name: server.name, fields }, actor, origin) : this.view(server);
  }

  /** A server's new configuration, checked and its secrets sealed (masked ones keep what was stored). */
  private async saveChange(servers: Repository<UpstreamServerEntity>, existing: UpstreamServerEntity, input: UpstreamServerInputDto): Promise<UpstreamServerEntity> {
    this.check(input, existing);
    // Stored headers and keys go on only to servers they already went to, whichever endpoint moved.
    const sameServer = existing.transport.type === input.transport.type && reachesOnly(endpointsOf(existing.transport.url, existing.replicas.urls), endpointsOf(input.transport.url, input.replicas?.urls));
    const transport = this.sealTransport(input, existing.transport, sameServer);
    const auth = sealAuth(this.secrets, input.auth, existing.auth, { sameServer });
    try {
      return await servers.save({ ...existing, ...this.fields(input), transport, auth });
    } catch (error) {
      if (sqlState(error) === '23505') throw ApiError.conflict(`An upstream server named '${input.name}' already exists`);
      throw error;
    }
  }

  private async updated(server: UpstreamServerEntity, details: Record<string, unknown>, actor: string, origin: RequestOrigin): Promise<UpstreamServer> {
    await this.audit.record({ action: 'upstream.update', result: 'success', userId: actor, resource: `upstream:${server.id}`, details, origin });
    this.events.publish('upstream.changed', { serverId: server.id, action: 'updated' });
    await this.follow(server.id);
    await this.approvals.get(server.id);
    return this.view(server);
  }

  /** The stored configuration as a PUT body would give it: secrets masked, nothing null that PUT would refuse. */
  private inputOf(server: UpstreamServerEntity): Record<string, unknown> {
    // The stored health check, not the view's: a ping timeout left to its default stays so.
    const view: Record<string, unknown> = { ...this.view(server), healthCheck: server.healthCheck };
    return Object.fromEntries(INPUT_FIELDS.flatMap((field) => (view[field] === null || view[field] === undefined ? [] : [[field, view[field]]])));
  }

  async remove(id: string, actor: string, origin: RequestOrigin): Promise<void> {
    const server = await this.find(id);
    await this.inTurn(id, async () => {
      await this.dropConnection(id);
      await this.servers.delete({ id });
    });
    await this.audit.record({ action: 'upstream.delete', result: 'success', userId: actor, resource: `upstream:${id}`, details: { name: server.name }, origin });
    this.events.publish('upstream.changed', { serverId: id, action: 'deleted' });
  }

  /** Connects and waits for the tools; 502 with the reason when it cannot. */
  async connect(id: string, actor: string, origin: RequestOrigin): Promise<UpstreamServer> {
    const server = await this.find(id);
    try {
      // With the row as it is when its turn comes: a change queued before it is applied first.
      await this.inTurn(id, async () => this.connection(await this.find(id)).connect());
    } finally {
      await this.audit.record({ action: 'upstream.connect', result: this.connections.get(id)?.status === 'connected' ? 'success' : 'failure', userId: actor, resource: `upstream:${id}`, details: { name: server.name }, origin });
    }
    this.events.publish('upstream.changed', { serverId: id, action: 'connect' });
    await this.approvals.get(id);
    return this.view(server);
  }

  /**
   * What the server lists now (on this instance) becomes its approved listing: the tools held back
   * are served, here and, through the event, on every other instance.
   */
  async approveTools(id: string, actor: string, origin: RequestOrigin): Promise<UpstreamServer> {
    const server = await this.find(id);
    const listing = this.connections.get(id)?.status === 'connected' ? this.listings.get(id) : undefined;
    if (!listing) throw ApiError.conflict(`'${server.name}' is not connected on this instance: connect it, then approve what it lists`);
    const approved = fingerprintTools(listing.definitions, server.name);
    const released = this.held.get(id) ?? [];
    await this.servers.update({ id }, { approvedTools: approved });
    await this.audit.record({ action: 'upstream.tools.approve', result: 'success', userId: actor, resource: `upstream:${id}`, details: { name: server.name, released, tools: Object.keys(approved).sort() }, origin });
    this.events.publish('upstream.tools.approved', { serverId: id });
    this.relist(id);
    await this.approvals.get(id);
    return this.view(server);
  }

  async disconnect(id: string, actor: string, origin: RequestOrigin): Promise<UpstreamServer> {
    const server = await this.find(id);
    await this.inTurn(id, () => this.dropConnection(id));
    await this.audit.record({ action: 'upstream.disconnect', result: 'success', userId: actor, resource: `upstream:${id}`, details: { name: server.name }, origin });
    this.events.publish('upstream.changed', { serverId: id, action: 'disconnect' });
    return this.view(server);
  }

  /** What a user is told of a server on this instance: its state, version, tools, and what else it serves them. */
  servedBy(server: UpstreamServerEntity): { status: UpstreamServer['status']; version: string | null; tools: string[]; resources: boolean; prompts: boolean } {
    const connection = this.connections.get(server.id);
    const served = connection?.status === 'connected';
    return {
      status: connection?.status ?? 'disconnected',
      version: connection?.connectedClient()?.getServerVersion()?.version ?? null,
      tools: this.toolsOf(server, connection),
      resources: served && (connection?.resources ?? 0) > 0,
      prompts: served && (connection?.prompts ?? 0) > 0,
    };
  }

  /** Only the names this server holds in the registry: a name another owner holds was skipped. */
  private toolsOf(server: UpstreamServerEntity, connection: SharedUpstream | undefined): string[] {
    return (connection?.tools ?? []).map((tool) => `${server.name}__${tool.name}`).filter((name) => this.registry.find(name)?.definition.server?.id === server.id);
  }

  /** The users holding a configuration of a server (404 when there is no such server). */
  async userConfigsOf(id: string, page: number, limit: number): Promise<UpstreamUserConfigList> {
    await this.find(id);
    const { entries, total } = await this.userConfigs.holders(id, page, limit);
    return { configs: entries, pagination: offsetPagination(page, limit, total) };
  }

  /** An admin's removal of a user's configuration of a server. */
  async removeUserConfig(id: string, userId: string, actor: string, origin: RequestOrigin): Promise<void> {
    await this.userConfigs.remove(await this.find(id), { kind: 'user', id: userId }, actor, origin, true);
  }

  /** The organizations holding a configuration of a server for their members (404 when there is no such server). */
  async organizationConfigsOf(id: string, page: number, limit: number): Promise<UpstreamOrganizationConfigList> {
    await this.find(id);
    const { entries, total } = await this.userConfigs.organizationHolders(id, page, limit);
    return { configs: entries, pagination: offsetPagination(page, limit, total) };
  }

  /** An admin's removal of an organization's configuration of a server. */
  async removeOrganizationConfig(id: string, organizationId: string, actor: string, origin: RequestOrigin): Promise<void> {
    await this.userConfigs.remove(await this.find(id), { kind: 'organization', id: organizationId }, actor, origin, true);
  }

  /**
   * Connects to a server with a user's configuration and leaves again (for stdio, starts and stops
   * its process): 502 with the reason when the server does not take it.
   */
  async verifyUserConfig(server: UpstreamServerEntity, values: Readonly<Record<string, unknown>>): Promise<void> {
    if (!server.userConfig) return;
    const trial = this.newConnection(this.userConfigs.settingsFor(this.settingsOf(server), server.userConfig, values));
    try {
      await trial.connect();
    } catch (error) {
      const reason = error instanceof ApiError ? error.message.replace(/^Could not connect to upstream '[^']*': /, '') : trial.scrub(String(error));
      throw new ApiError(502, 'BAD_GATEWAY', `'${server.name}' did not take a connection with this configuration, so it was not stored: ${reason}`.slice(0, 1000));
    } finally {
      await trial.disconnect();
    }
  }

  /** A configured server (404 when there is none). */
  serverOf(id: string): Promise<UpstreamServerEntity> {
    return this.find(id);
  }

  /** The live connection of a server on this instance. */
  connectionOf(serverId: string): SharedUpstream | undefined {
    return this.connections.get(serverId);
  }

  /** Whether an upstream in scope offers resources (and their subscriptions) or prompts (the MCP door's capabilities). */
  offers(scope: UpstreamScope): { resources: boolean; subscribe: boolean; prompts: boolean } {
    const live = this.shared(scope);
    return {
      resources: live.some(({ connection }) => connection.resources > 0),
      subscribe: live.some(({ connection }) => connection.resources > 0 && connection.subscribable),
      prompts: live.some(({ connection }) => connection.prompts > 0),
    };
  }

  /** The resources of the upstreams in scope, every page of each (URIs are the upstreams' own). */
  async listResources(scope: UpstreamScope): Promise<Resource[]> {
    return (await Promise.all((await this.live(scope)).map((live) => resourcesOf(live).catch(() => [])))).flat().map(withSafeIcons);
  }

  async listResourceTemplates(scope: UpstreamScope): Promise<ResourceTemplate[]> {
    return (await Promise.all((await this.live(scope)).map((live) => templatesOf(live).catch(() => [])))).flat().map(withSafeIcons);
  }

  /** Reads a resource from the upstream in scope that lists it; undefined when none serves it. `traceparent`: the caller's request, when traced. */
  async readResource(uri: string, scope: UpstreamScope, traceparent?: string): Promise<ReadResourceResult | undefined> {
    const read = ({ client, connection }: Live): Promise<ReadResourceResult> =>
      connection.traced('resources/read', undefined, traceparent, { 'mcp.resource.uri': uri }, (forwarded) => client.readResource(forwarded ? { uri, _meta: { traceparent: forwarded } } : { uri }));
    const listed = await this.listerOf(uri, scope);
    // An upstream's refusal is a bad gateway (or the caller's bad params), its secrets masked; not our internal error.
    const guarded = (live: Live, answer: ReadResourceResult) => live.connection.guard(answer, { userId: scope.userId, uri });
    if (listed) return this.audited(scope, 'upstream.resource.read', listed, { uri }, proxied(read(listed), listed.connection).then((answer) => guarded(listed, answer)));
    // Templated URIs are not listed: the first upstream in scope that can read it answers.
    for (const live of await this.live(scope)) {
      const answer = await read(live).catch(() => undefined);
      if (answer) return this.audited(scope, 'upstream.resource.read', live, { uri }, Promise.resolve(answer).then((read) => guarded(live, read)));
    }
    return undefined;
  }

  /**
   * What a caller read through an upstream (a resource, a filled prompt) is audited, as a run is:
   * who, what, from which server, and whether it was answered; durable before the answer.
   */
  private async audited<T>(scope: UpstreamScope, action: string, live: Live, details: Record<string, unknown>, reading: Promise<T>): Promise<T> {
    let result: AuditResult = 'success';
    let failure: string | undefined;
    try {
      return await reading;
    } catch (error) {
      result = 'failure';
      failure = (error as Error).message;
      throw error;
    } finally {
      await this.audit.record({
        action,
        result,
        userId: scope.userId ?? null,
        sessionId: scope.sessionId ?? null,
        resource: `upstream:${live.connection.settings.id}`,
        details: { server: live.name, ...details, ...(failure ? { error: failure.slice(0, 500) } : {}) },
        origin: scope.origin,
      });
    }
  }

  /**
   * Subscribes an MCP session to a resource's updates; undefined when no upstream in scope lists
   * it. This instance holds one upstream subscription per resource, whatever the number of
   * sessions; the updates reach each session's stream on whichever instance holds it (the
   * `resource.updated` event).
   */
  async subscribeResource(uri: string, subscriber: string, scope: UpstreamScope): Promise<Record<string, never> | undefined> {
    const listed = await this.listerOf(uri, scope);
    if (!listed) return undefined;
    // One subscription per resource serves every session here: not one made with a user's own credential.
    if (this.connections.get(listed.connection.settings.id) !== listed.connection) throw ApiError.validation(`Upstream '${listed.name}' is reached with your own configuration: its resources cannot be subscribed to through the gateway; read them again instead`);
    await listed.connection.subscribe(uri);
    const subscribers = this.subscribers.get(uri) ?? new Set<string>();
    subscribers.add(subscriber);
    this.subscribers.set(uri, subscribers);
    this.subscribedAt.set(uri, listed.connection);
    return {};
  }

  async unsubscribeResource(uri: string, subscriber: string): Promise<Record<string, never>> {
    const subscribers = this.subscribers.get(uri);
    if (!subscribers?.delete(subscriber) || subscribers.size > 0) return {};
    this.subscribers.delete(uri);
    const connection = this.subscribedAt.get(uri);
    this.subscribedAt.delete(uri);
    await connection?.unsubscribe(uri);
    return {};
  }

  /** A session that ended leaves all its subscriptions. */
  async dropSubscriber(subscriber: string): Promise<void> {
    for (const [uri, subscribers] of [...this.subscribers]) if (subscribers.has(subscriber)) await this.unsubscribeResource(uri, subscriber);
  }

  private async listerOf(uri: string, scope: UpstreamScope): Promise<Live | undefined> {
    for (const live of await this.live(scope)) {
      const resources = await resourcesOf(live).catch(() => []);
      if (resources.some((resource) => resource.uri === uri)) return live;
    }
    return undefined;
  }

  /**
   * Prompts of the upstreams in scope, every page of each: named `<server>__<prompt>` for the
   * whole gateway; scoped to some servers (a context's), they keep their own names.
   */
  async listPrompts(scope: UpstreamScope): Promise<Prompt[]> {
    const lists = await Promise.all(
      (await this.live(scope)).map(async (live) => (await promptsOf(live).catch(() => [])).map((prompt) => withSafeIcons({ ...prompt, name: scope.servers === 'all' ? `${live.name}__${prompt.name}` : prompt.name }))),
    );
    return lists.flat();
  }

  /** A prompt from the upstream in scope that serves it; undefined when none does. */
  async getPrompt(name: string, args: Record<string, string> | undefined, scope: UpstreamScope, traceparent?: string): Promise<GetPromptResult | undefined> {
    const owner = await this.promptOwner(name, scope);
    if (!owner) return undefined;
    const { client, connection } = owner.live;
    const request = { name: owner.name, arguments: args };
    const getting = proxied(
      connection.traced('prompts/get', owner.name, traceparent, { 'gen_ai.prompt.name': owner.name }, (forwarded) => client.getPrompt(forwarded ? { ...request, _meta: { traceparent: forwarded } } : request)),
      connection,
    ).then((answer) => connection.guard(answer, { userId: scope.userId, prompt: owner.name }));
    return this.audited(scope, 'upstream.prompt.get', owner.live, { prompt: owner.name }, getting);
  }

  /**
   * completion/complete: the upstream that serves the prompt (named as in prompts/list) or the
   * resource template completes the argument; one that offers no completions has none to give.
   */
  async complete(params: CompletionRequest, scope: UpstreamScope, traceparent?: string): Promise<unknown> {
    const { ref } = params;
    if (ref.type === 'ref/prompt') {
      const owner = await this.promptOwner(ref.name ?? '', scope);
      if (!owner) throw ApiError.validation(`Unknown prompt: ${(ref.name ?? '').slice(0, 200)}`);
      return this.completeWith(owner.live, { ...params, ref: { type: 'ref/prompt', name: owner.name } }, traceparent);
    }
    for (const live of await this.live(scope)) {
      const templates = await templatesOf(live).catch(() => []);
      if (templates.some((template) => template.uriTemplate === ref.uri)) return this.completeWith(live, params, traceparent);
    }
    throw ApiError.validation(`Unknown resource template: ${(ref.uri ?? '').slice(0, 200)}`);
  }

  private completeWith(live: Live, params: CompletionRequest, traceparent: string | undefined): Promise<unknown> {
    if (!live.client.getServerCapabilities()?.completions) return Promise.resolve({ completion: { values: [], hasMore: false } });
    const request = params as Parameters<typeof live.client.complete>[0];
    return proxied(
      live.connection.traced('completion/complete', undefined, traceparent, {}, (forwarded) => live.client.complete(forwarded ? { ...request, _meta: { traceparent: forwarded } } : request)),
      live.connection,
    );
  }

  /** The upstream serving a prompt and the prompt's own name there, as getPrompt finds them. */
  private async promptOwner(name: string, scope: UpstreamScope): Promise<{ live: Live; name: string } | undefined> {
    if (scope.servers !== 'all') {
      for (const live of await this.live(scope)) {
        const prompts = await promptsOf(live).catch(() => []);
        if (prompts.some((prompt) => prompt.name === name)) return { live, name };
      }
      return undefined;
    }
    const live = (await this.live(scope)).find((server) => name.startsWith(`${server.name}__`));
    return live ? { live, name: name.slice(live.name.length + 2) } : undefined;
  }

  /** The upstreams in scope as the caller reaches them. */
  private async live(scope: UpstreamScope): Promise<Live[]> {
    const reached = await Promise.all(this.shared(scope).map((live) => this.asCaller(live, scope.userId)));
    return reached.filter((live): live is Live => live !== undefined);
  }

  /**
   * A server that takes users' configurations, as the caller reaches it: on their own connection
   * when they gave one; without one, on the server's only if the configuration is optional (else
   * its resources and prompts would be read as the server's identity, not theirs).
   */
  private async asCaller(live: Live, userId: string | undefined): Promise<Live | undefined> {
    const configured = this.userConfigured.get(live.connection.settings.id);
    if (!configured) return live;
    const { server, settings } = configured;
    const own =
      userId === undefined
        ? { configured: false }
        : await this.userConfigs.connectionFor(server, settings, userId, (userSettings) => this.newConnection(userSettings)).catch((error: Error) => {
            this.logger.debug(`${server.name}: a user's connection did not open: ${error.message}`);
            return { configured: true };
          });
    const connection = 'connection' in own ? own.connection : undefined;
    const client = connection?.connectedClient();
    if (connection && client) return { name: live.name, connection, client };
    return own.configured || server.userConfig?.required ? undefined : live;
  }

  /** The server's own connections in scope. */
  private shared(scope: UpstreamScope): Live[] {
    return [...this.connections.values()].flatMap((connection) => {
      if ((scope.servers !== 'all' && !scope.servers.has(connection.settings.id)) || scope.outOfReach?.has(connection.settings.id)) return [];
      const client = connection.connectedClient();
      return client ? [{ name: connection.settings.name, connection, client }] : [];
    });
  }

  /** Follows another instance's change; never rejects (it runs unawaited): what fails is logged. */
  private async reconcile(serverId: string): Promise<void> {
    try {
      await this.follow(serverId);
    } catch (error) {
      this.logger.error(`server ${serverId}: its change was not followed here: ${(error as Error).message}`);
    }
  }

  /**
   * Makes this instance's connection follow the stored configuration, read when its turn comes:
   * whatever order changes end in, the last stored wins.
   */
  private follow(serverId: string): Promise<void> {
    // One not yet started reads the row when it starts: it serves a later change as well.
    const queued = this.queuedFollows.get(serverId);
    if (queued) return queued;
    const followed = this.inTurn(serverId, async () => {
      this.queuedFollows.delete(serverId);
      const server = await this.servers.findOne({ where: { id: serverId } });
      if (!server) await this.dropConnection(serverId);
      else await this.replaceConnection(server);
    });
    this.queuedFollows.set(serverId, followed);
    return followed;
  }

  /** Work on a server's connection here, one at a time per server (changes, connects, disconnects, removal). */
  private inTurn<T>(serverId: string, work: () => Promise<T>): Promise<T> {
    const next = (this.following.get(serverId) ?? Promise.resolve()).catch(() => undefined).then(work);
    this.following.set(serverId, next);
    void next
      .catch(() => undefined)
      .then(() => {
        if (this.following.get(serverId) === next) this.following.delete(serverId);
      });
    return next;
  }

  private connection(server: UpstreamServerEntity): SharedUpstream {
    let connection = this.connections.get(server.id);
    if (!connection) {
      const settings = this.settingsOf(server);
      // Only the shared connection tells operators of its state: users' own connections are theirs.
      const changed = (change: ConnectionChange): void => void this.connectionChanged(server, change);
      const publishTools = (listed: ToolDefinition[], reason: string): void => {
        const definitions = filterTools(server.toolFilter, server.name, listed);
        const kept = new Set(definitions);
        this.filtered.set(server.id, listed.filter((definition) => !kept.has(definition)).map((definition) => definition.name));
        this.serveListing(server, definitions, reason);
        // A listing, not a disconnection (which publishes none).
        if (definitions.length > 0) void this.auditToolChanges(server, definitions);
      };
      const resourceUpdated = (uri: string): void => void this.events.publish('resource.updated', { uri, subscribers: [...(this.subscribers.get(uri) ?? [])] });
      // Copies never take users' configurations (refused in check): each user has a connection of their own.
      connection =
        server.replicas.count > 1
          ? new UpstreamPool({ ...settings, changed }, server.replicas, publishTools, (copy, listed) => this.newConnection(copy, listed, resourceUpdated), this.config.upstream.breakerCooldownMs)
          : this.newConnection(
              server.userConfig ? { ...settings, changed, viaCaller: (run, send) => this.userConfigs.route(server, settings, run, send, (own) => this.newConnection(own)) } : { ...settings, changed },
              publishTools,
              resourceUpdated,
            );
      this.registry.setServerAccess(server.id, server.organizations, server.permissions);
      this.connections.set(server.id, connection);
      if (server.userConfig) this.userConfigured.set(server.id, { server, settings });
      else this.userConfigured.delete(server.id);
    }
    return connection;
  }

  /** A connection with these settings; a user's own (no listing to publish, no subscriptions) by default. */
  private newConnection(settings: UpstreamSettings, publishTools: (definitions: ToolDefinition[], reason: string) => void = () => undefined, resourceUpdated?: (uri: string) => void): UpstreamConnection {
    return new UpstreamConnection(
      settings,
      this.config.version,
      { threshold: this.config.upstream.breakerThreshold, cooldownMs: this.config.upstream.breakerCooldownMs },
      publishTools,
      resourceUpdated,
      (name, parent, attributes) => this.tracing.start(name, parent, attributes, 'client'),
    );
  }

  /** Published durably (webhooks) and to admins' subscriptions; logged when that cannot be done. */
  private async connectionChanged(server: UpstreamServerEntity, change: ConnectionChange): Promise<void> {
    if (this.stopping) return;
    const about = { serverId: server.id, server: server.name, instance: this.events.instanceId };
    try {
      if (change.kind === 'circuit') {
        if (change.state === 'open') await this.events.publishDurable('circuit.opened', { ...about, failures: change.failures, error: change.error, cooldownMs: change.cooldownMs });
        else await this.events.publishDurable('circuit.closed', about);
      } else if (change.status === 'connected') await this.events.publishDurable('server.connected', { ...about, tools: change.tools });
      else if (change.status === 'disconnected') await this.events.publishDurable('server.disconnected', about);
      else await this.events.publishDurable('server.error', { ...about, error: change.error ?? 'unknown error' });
    } catch (error) {
      this.logger.warn(`${server.name}: a change of its connection was not announced: ${(error as Error).message}`);
    }
  }

  /** Counted, audited (kinds, never values) and announced (webhooks, the caller's and admins' subscriptions). */
  private async credentialsFound(server: UpstreamServerEntity, { userId, ...report }: CredentialReport): Promise<void> {
    this.metrics.observeCredentialsFound(server.name, report.kinds, report.refused);
    try {
      await this.audit.record({ action: 'upstream.credentials.found', result: report.refused ? 'denied' : 'success', severity: 'warning', userId: userId ?? null, resource: `upstream:${server.id}`, details: { server: server.name, ...report } });
      await this.events.publishDurable('upstream.credentials.found', { serverId: server.id, server: server.name, ...(userId ? { userId } : {}), ...report });
    } catch (error) {
      this.logger.warn(`${server.name}: credentials found in an answer, not recorded: ${(error as Error).message}`);
    }
  }

  private settingsOf(server: UpstreamServerEntity): UpstreamSettings {
    return {
      id: server.id,
      name: server.name,
      transport: this.unsealTransport(server.transport),
      endpoints: endpointsOf(server.transport.url, server.replicas.urls),
      connectMs: server.timeouts.connectMs,
      requestMs: server.timeouts.requestMs,
      healthIntervalMs: server.healthCheck.intervalMs,
      healthTimeoutMs: server.healthCheck.enabled === false ? 0 : pingTimeoutMs(server),
      category: (server.metadata.category as ToolCategory | undefined) ?? 'data',
      rateLimits: toolRateLimits(server.rateLimits),
      tags: server.metadata.tags,
      permissions: server.permissions,
      confirmTools: server.confirmTools,
      credentialScan: server.credentialScan,
      credentialsFound: (report) => void this.credentialsFound(server, report),
      cache: server.cache ?? undefined,
      auth: unsealAuth(this.secrets, server.auth),
    };
  }

  /**
   * Registers a listing: all of it, or (toolChanges hold) only the tools whose fingerprint is the
   * approved one. A later listing overtakes a check still in flight.
   */
  private serveListing(server: UpstreamServerEntity, definitions: ToolDefinition[], reason: string): void {
    const turn = (this.listings.get(server.id)?.turn ?? 0) + 1;
    this.listings.set(server.id, { server, definitions, turn });
    if (server.toolChanges !== 'hold' || definitions.length === 0) {
      this.held.delete(server.id);
      this.approvals.delete(server.id);
      this.registry.replaceServerTools(server.id, definitions, reason);
      return;
    }
    this.approvals.set(server.id, this.serveApproved(server, definitions, reason, turn));
  }

  private async serveApproved(server: UpstreamServerEntity, definitions: ToolDefinition[], reason: string, turn: number): Promise<void> {
    let served: ToolDefinition[] = [];
    let held: string[] = definitions.map((definition) => upstreamName(definition, server.name));
    try {
      const approved = await approvedListing((sql, parameters) => this.servers.query(sql, parameters), server.id, fingerprintTools(definitions, server.name));
      if (approved) ({ served, held } = splitByApproval(definitions, server.name, approved));
    } catch (error) {
      // Fail closed: with the approved listing unknown, nothing of this listing is served.
      this.logger.warn(`${server.name}: approved tools not read, serving none: ${(error as Error).message}`);
    }
    if (this.listings.get(server.id)?.turn !== turn) return;
    this.held.set(server.id, held.map((name) => `${server.name}__${name}`));
    if (held.length > 0) this.logger.warn(`${server.name}: holding ${held.join(', ')} until an admin approves them`.slice(0, 2000));
    this.registry.replaceServerTools(server.id, served, reason);
  }

  /** Serves a server's last listing again, against the approved listing as it is now. */
  private relist(serverId: string): void {
    const listing = this.listings.get(serverId);
    if (listing) this.serveListing(listing.server, listing.definitions, 'upstream tools approved');
  }

  /**
   * Keeps each tool's fingerprint and audits a listing that differs from the last one kept: tools
   * added, removed, or rewritten (a description that now asks the model for more than it did).
   * One instance audits a change every instance sees (swapToolFingerprints).
   */
  private async auditToolChanges(server: UpstreamServerEntity, definitions: readonly ToolDefinition[]): Promise<void> {
    const fingerprints = fingerprintTools(definitions, server.name);
    try {
      const swapped = await swapToolFingerprints((sql, parameters) => this.servers.query(sql, parameters), server.id, fingerprints);
      // Unchanged, or the server is gone; a first listing has nothing to compare with.
      const previous = swapped?.previous;
      if (!previous) return;
      const changes = toolChanges(previous, fingerprints);
      if (!changes) return;
      this.logger.warn(`${server.name}: its tools changed (added: ${changes.added.join(', ') || 'none'}; removed: ${changes.removed.join(', ') || 'none'}; changed: ${changes.changed.join(', ') || 'none'})`.slice(0, 2000));
      await this.audit.record({ action: 'upstream.tools.changed', result: 'success', severity: 'warning', resource: `upstream:${server.id}`, details: { name: server.name, ...changes, toolChanges: server.toolChanges } });
      await this.events.publishDurable('upstream.tools.changed', { serverId: server.id, name: server.name, ...changes });
    } catch (error) {
      this.logger.warn(`${server.name}: tool changes not checked: ${(error as Error).message}`);
    }
  }

  /**
   * The server's connection made anew from its settings, or dropped when it is disabled. A
   * replacement that ends where its predecessor was (connected again) tells nobody anything.
   */
  private async replaceConnection(server: UpstreamServerEntity): Promise<void> {
    const told = await this.dropConnection(server.id, server.enabled);
    if (!server.enabled) return;
    const connection = this.connection(server);
    connection.continueFrom(told);
    await connection.connect().catch((error: Error) => this.logger.warn(`${server.name}: ${error.message}`));
  }

  /** Returns what the dropped connection last told, when it is being replaced (it then tells nothing more). */
  private async dropConnection(id: string, replacing = false): Promise<ConnectionStatus | undefined> {
    const connection = this.connections.get(id);
    this.connections.delete(id);
    const told = replacing ? connection?.handOver() : undefined;
    if (connection) await connection.disconnect();
    // After the disconnection, whose own (empty) listing would otherwise be kept.
    this.listings.delete(id);
    this.held.delete(id);
    this.filtered.delete(id);
    this.approvals.delete(id);
    this.userConfigured.delete(id);
    this.registry.removeServerTools(id, 'upstream removed');
    // Only once its tools are gone: they are never shown to everyone in between.
    this.registry.setServerAccess(id, null, []);
    await this.userConfigs.dropServer(id);
    return told;
  }

  /** Every organization named must exist (a typo would keep the server from the members meant). */
  /**
   * A deleted organization leaves every server's list (an emptied list keeps its server to admins,
   * never opens it to everyone; nobody is in a deleted organization, so other instances lose no
   * protection by keeping its id until they next read the server), and its configurations go.
   */
  async forgetOrganization(organizationId: string): Promise<void> {
    await this.userConfigs.dropOrganization(organizationId);
    const rows = (await this.servers.query(`UPDATE upstream_servers SET organizations = array_remove(organizations, $1::uuid) WHERE $1::uuid = ANY(organizations) RETURNING id, organizations, permissions`, [organizationId])) as [
      Array<{ id: string; organizations: string[]; permissions: string[] }>,
      number,
    ];
    for (const row of rows[0]) if (this.connections.has(row.id)) this.registry.setServerAccess(row.id, row.organizations, row.permissions);
  }

  private async find(id: string): Promise<UpstreamServerEntity> {
    const server = await this.servers.findOne({ where: { id } });
    if (!server) throw ApiError.notFound('Upstream server');
    return server;
  }

  private fields(input: UpstreamServerInputDto): Omit<Partial<UpstreamServerEntity>, 'transport'> {
    return {
      name: input.name,
      description: input.description ?? null,
      enabled: input.enabled ?? true,
      timeouts: { ...DEFAULTS.timeouts, ...input.timeouts },
      healthCheck: {
        intervalMs: input.healthCheck?.intervalMs ?? DEFAULTS.healthCheck.intervalMs,
        enabled: input.healthCheck?.enabled ?? true,
        ...(input.healthCheck?.timeoutMs === undefined ? {} : { timeoutMs: input.healthCheck.timeoutMs }),
      },
      replicas: { count: input.replicas?.count ?? 1, strategy: input.replicas?.strategy ?? 'round_robin', ...(input.replicas?.urls?.length ? { urls: [...input.replicas.urls] } : {}) },
      rateLimits: input.rateLimits ? storedRateLimits(input.rateLimits) : null,
      cache: input.cache ? { ttlSeconds: input.cache.ttlSeconds, ...(input.cache.tools ? { tools: [...input.cache.tools] } : {}) } : null,
      userConfig: input.userConfig ? storedUserConfig(input.userConfig) : null,
      organizations: input.organizations ? [...new Set(input.organizations.map((id) => id.toLowerCase()))] : null,
      permissions: [...new Set(input.permissions ?? [])],
      credentialScan: input.credentialScan ?? 'off',
      confirmTools: input.confirmTools ?? 'never',
      toolFilter: input.toolFilter ? storedToolFilter(input.toolFilter) : null,
      toolChanges: input.toolChanges ?? 'serve',
      metadata: { ...(input.metadata?.category ? { category: input.metadata.category } : {}), ...(input.metadata?.tags ? { tags: input.metadata.tags } : {}) },
    };
  }

  /** What the contract's patterns cannot say: a name that keeps tool names apart, headers and env that can be sent. */
  private check(input: UpstreamServerInputDto, existing?: UpstreamServerEntity): void {
    const transport = input.transport;
    const problems = [
      ...serverNameProblems(input.name),
      ...headerProblems(transport.headers as Record<string, string> | undefined),
      ...envProblems(transport.env as Record<string, string> | undefined),
      ...authProblems(input.auth, { type: transport.type, headers: transport.headers as Record<string, string> | undefined }),
      ...this.userConfigProblems(input),
      ...replicaProblems(input),
      // Limits stored before today's rules (a 48 h window) stay editable around: checked when changed.
      ...(existing && sameRateLimits(input.rateLimits, existing.rateLimits) ? [] : rateLimitProblems(input.rateLimits)),
    ];
    if (problems.length > 0) throw ApiError.validation(problems.length === 1 ? problems[0].message : `${problems[0].message} (and ${problems.length - 1} more problems)`, problems);
  }

  private userConfigProblems({ userConfig, transport, auth }: UpstreamServerInputDto): ErrorDetail[] {
    if (!userConfig) return [];
    const stored = storedUserConfig(userConfig);
    const problems = userConfigProblems(stored, transport.type, authHeader(auth));
    return problems.length > 0 ? problems : this.userConfigs.validator.schemaProblems(stored.schema);
  }

  /** Validates the transport and seals its secrets; a masked value keeps what was stored. */
  private sealTransport(input: UpstreamServerInputDto, previous: StoredTransport | undefined, sameServer: boolean): StoredTransport {
    const transport = input.transport;
    const invalid = (field: string, message: string, code = 'INVALID_VALUE'): ApiError => ApiError.validation(message, [{ field: `transport.${field}`, message, code }]);
    const seal = (values: Record<string, string> | undefined, before: Record<string, string> | undefined, field: 'env' | 'headers', keep: boolean): Record<string, string> | undefined =>
      values
        ? Object.fromEntries(
            Object.entries(values).map(([key, value]) => {
              if (value !== MASK) return [key, this.secrets.encrypt(value)];
              if (keep && before?.[key]) return [key, before[key]];
              throw invalid(`${field}.${key}`, keep ? `${key} has no stored value to keep: send it` : `send ${key} again: a stored value goes only to the ${field === 'env' ? 'program' : 'server'} it was given for`, 'MASKED_VALUE');
            }),
          )
        : undefined;
    if (transport.type === 'stdio') {
      if (!transport.command) throw invalid('command', 'a stdio server needs a command', 'REQUIRED');
      if (transport.url || transport.headers || transport.tls) throw invalid(transport.tls ? 'tls' : 'url', 'url, headers and tls belong to remote transports');
      if (!this.commandAllowed(transport.command)) throw invalid('command', `command '${transport.command}' is not on UPSTREAM_STDIO_COMMANDS`, 'NOT_ALLOWED');
      const args = transport.args ?? [];
      // Stored env goes on only to the program it was given for: another command, args or cwd could print it.
      const sameProgram = previous?.type === 'stdio' && previous.command === transport.command && isDeepStrictEqual(previous.args ?? [], args) && (previous.cwd ?? '') === (transport.cwd ?? '');
      return { type: 'stdio', command: transport.command, args, env: seal(transport.env as Record<string, string> | undefined, previous?.env, 'env', sameProgram), ...(transport.cwd ? { cwd: transport.cwd } : {}) };
    }
    if (!transport.url) throw invalid('url', `a ${transport.type} server needs a url`, 'REQUIRED');
    if (transport.command || transport.args || transport.env || transport.cwd) throw invalid('command', 'command, args, env and cwd belong to stdio transports');
    const schemes = transport.type === 'websocket' ? ['ws:', 'wss:'] : ['http:', 'https:'];
    if (!schemes.includes(new URL(transport.url).protocol)) throw invalid('url', `a ${transport.type} server's url starts with ${schemes.map((scheme) => `${scheme}//`).join(' or ')}`);
    const headers = seal(transport.headers as Record<string, string> | undefined, previous?.headers, 'headers', sameServer);
    const tls = transport.tls ? sealTls(this.secrets, transport.tls, previous?.tls, endpointsOf(transport.url, input.replicas?.urls)) : undefined;
    return { type: transport.type, url: transport.url, headers, ...(tls ? { tls } : {}) };
  }

  private unsealTransport(stored: StoredTransport): StoredTransport {
    const open = (values: Record<string, string> | undefined) => (values ? Object.fromEntries(Object.entries(values).map(([key, value]) => [key, this.secrets.decrypt(value)])) : undefined);
    return { ...stored, env: open(stored.env), headers: open(stored.headers), tls: unsealTls(this.secrets, stored.tls) };
  }

  // Starting processes on the host is the most powerful thing an admin can configure: allow-list only.
  private commandAllowed(command: string): boolean {
    return this.config.upstream.stdioCommands.some((allowed) => allowed === command || (!allowed.includes('/') && basename(command) === allowed && !command.includes('/')));
  }

  private view(server: UpstreamServerEntity): UpstreamServer {
    const connection = this.connections.get(server.id);
    const masked = (values: Record<string, string> | undefined) => (values ? Object.fromEntries(Object.keys(values).map((key) => [key, MASK])) : undefined);
    const { env, headers, tls, ...transport } = server.transport;
    return {
      id: server.id,
      name: server.name,
      description: server.description,
      groupId: server.groupId,
      transport: { ...transport, ...(env ? { env: masked(env) } : {}), ...(headers ? { headers: masked(headers) } : {}), ...(tls ? { tls: maskedTls(tls) } : {}) },
      clientCertificate: clientCertificate(tls),
      enabled: server.enabled,
      status: connection?.status ?? 'disconnected',
      lastError: connection?.lastError ?? null,
      lastConnectedAt: connection?.lastConnectedAt?.toISOString() ?? null,
      circuit: connection?.breaker.state ?? 'closed',
      pid: connection?.pid ?? null,
      replicas: server.replicas,
      replicaStates: copiesOf(connection),
      timeouts: server.timeouts,
      healthCheck: { intervalMs: server.healthCheck.intervalMs, enabled: server.healthCheck.enabled ?? true, timeoutMs: pingTimeoutMs(server) },
      ...(server.rateLimits ? { rateLimits: { ...server.rateLimits, scope: server.rateLimits.scope ?? 'caller' } } : {}),
      cache: server.cache,
      auth: maskedAuth(server.auth),
      userConfig: server.userConfig,
      userConnections: this.userConfigs.connectionsTo(server.id),
      organizations: server.organizations,
      permissions: server.permissions,
      credentialScan: server.credentialScan,
      toolFilter: server.toolFilter,
      confirmTools: server.confirmTools,
      metadata: server.metadata,
      tools: this.toolsOf(server, connection),
      toolChanges: server.toolChanges,
      heldTools: this.held.get(server.id) ?? [],
      filteredTools: this.filtered.get(server.id) ?? [],
      resources: connection?.resources ?? 0,
      prompts: connection?.prompts ?? 0,
      createdAt: server.createdAt.toISOString(),
      updatedAt: server.updatedAt.toISOString(),
    };
  }
}

function certificateValidTo(transport: StoredTransport): { clientCertificateValidTo?: number } {
  const certificate = clientCertificate(transport.tls);
  return certificate ? { clientCertificateValidTo: Date.parse(certificate.validTo) } : {};
}

/** How long a ping may take: as configured, else the smaller of a request's timeout and 10 s. */
function pingTimeoutMs(server: UpstreamServerEntity): number {
  return server.healthCheck.timeoutMs ?? Math.min(server.timeouts.requestMs, 10_000);
}

/**
 * Copies share one identity (a server whose users each connect as themselves has none), and
 * endpoints are a remote server's, each reached by at least one copy with the url's kind of scheme.
 */
function replicaProblems({ replicas, userConfig, transport }: UpstreamServerInputDto): ErrorDetail[] {
  if (!replicas) return [];
  const problems: ErrorDetail[] = [];
  if (replicas.count > 1 && userConfig) problems.push({ field: 'replicas.count', message: 'a server with userConfig has one copy: each user reaches it on a connection of their own', code: 'INVALID_VALUE' });
  const urls = replicas.urls ?? [];
  if (urls.length === 0) return problems;
  if (transport.type === 'stdio') return [...problems, { field: 'replicas.urls', message: 'urls belong to HTTP, SSE and WebSocket servers', code: 'INVALID_VALUE' }];
  if (replicas.count < urls.length + 1) problems.push({ field: 'replicas.count', message: `${urls.length + 1} endpoints need at least ${urls.length + 1} copies`, code: 'INVALID_VALUE' });
  const schemes = transport.type === 'websocket' ? ['ws:', 'wss:'] : ['http:', 'https:'];
  urls.forEach((url, index) => {
    if (!schemes.includes(new URL(url).protocol)) problems.push({ field: `replicas.urls[${index}]`, message: `a ${transport.type} server's endpoints start with ${schemes.map((scheme) => `${scheme}//`).join(' or ')}`, code: 'INVALID_VALUE' });
  });
  return problems;
}

/** Only what the contract allows, without the empty lists that would say nothing. */
function storedToolFilter(input: ToolFilter): ToolFilter {
  return { ...(input.include?.length ? { include: [...input.include] } : {}), ...(input.exclude?.length ? { exclude: [...input.exclude] } : {}), ...(input.readOnly ? { readOnly: true } : {}) };
}
