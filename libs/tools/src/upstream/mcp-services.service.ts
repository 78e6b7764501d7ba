import { ApiError, offsetPagination, type RequestOrigin } from '@app/common';
import type { ListMcpServicesQueryDto, McpPromptList, McpPromptMessages, McpResourceContents, McpResourceList, McpService, McpServiceList } from '@app/contracts';
import { type AuthenticatedUser, holdsPermission, isAdmin, requireOwnSignIn } from '@app/security';
import { Injectable, Optional } from '@nestjs/common';
import { CallerOrganizations } from '../registry/caller-organizations';
import type { UpstreamServerEntity } from './upstream-server.entity';
import { type ConfiguredService, UpstreamUserConfigs } from './upstream-user-configs';
import { enforcedSchema } from './user-config-rules';
import { type UpstreamScope, UpstreamService } from './upstream.service';

/** What a listing knows of its reader: whether they may use a server, and the configurations they reach. */
interface Reader {
  readonly reaches: (server: UpstreamServerEntity) => boolean;
  readonly own: ReadonlyMap<string, ConfiguredService>;
  readonly shared: ReadonlyMap<string, ConfiguredService>;
}

const NONE: ReadonlyMap<string, ConfiguredService> = new Map();

/** Whether a server is for this organization's members: kept to none, or to it among others. */
function keptFor(server: UpstreamServerEntity, organizationId: string | null): boolean {
  return server.organizations === null || (organizationId !== null && server.organizations.includes(organizationId));
}

/** Whether the user holds the permissions a server asks for beyond execute:tools (admins hold all). */
function permitted(server: UpstreamServerEntity, user: AuthenticatedUser): boolean {
  return server.permissions.every((permission) => holdsPermission(user.permissions, permission));
}

/** The servers usable by this user as a member of this organization: kept to it (or to none), and permitted. */
function usableIn(organizationId: string | null, user: AuthenticatedUser): (server: UpstreamServerEntity) => boolean {
  return (server) => keptFor(server, organizationId) && permitted(server, user);
}

/**
 * Upstream servers as their users see them (MCP Online Platform's MCP services): which ones there
 * are, whether each takes a configuration of the user's own, and that configuration; and, for an
 * organization's admins, the configurations they give for every member.
 */
@Injectable()
export class McpServicesService {
  private readonly organizations?: CallerOrganizations;

  constructor(
    private readonly upstreams: UpstreamService,
    private readonly userConfigs: UpstreamUserConfigs,
    @Optional() organizations?: CallerOrganizations,
  ) {
    this.organizations = organizations;
  }

  async list(user: AuthenticatedUser, query: ListMcpServicesQueryDto): Promise<McpServiceList> {
    const page = query.page ?? 1;
    const limit = query.limit ?? 20;
    const filter = query.filter?.toLowerCase();
    const [servers, reader] = await Promise.all([this.upstreams.withConnections(), this.readerOf(user)]);
    const matching = servers
      .map(({ server }) => server)
      .filter((server) => server.enabled && reader.reaches(server) && (!filter || server.name.toLowerCase().includes(filter) || (server.description ?? '').toLowerCase().includes(filter)));
    const services = matching.slice((page - 1) * limit, page * limit).map((server) => this.view(server, reader.own.get(server.id), reader.shared.get(server.id)));
    return { services, pagination: offsetPagination(page, limit, matching.length) };
  }

  async get(user: AuthenticatedUser, id: string): Promise<McpService> {
    const reader = await this.readerOf(user);
    const server = await this.enabled(id, reader.reaches);
    return this.view(server, reader.own.get(id), reader.shared.get(id));
  }

  /** A configuration is a credential: only the account's own sign-in gives or takes it. */
  async configure(user: AuthenticatedUser, id: string, config: Record<string, unknown>, verify: boolean, origin: RequestOrigin): Promise<McpService> {
    requireOwnSignIn(user, 'A service is configured');
    const reader = await this.readerOf(user);
    const server = await this.enabled(id, reader.reaches);
    const configured = await this.userConfigs.configure(server, { kind: 'user', id: user.id }, user.id, config, origin, this.trial(server, verify));
    return this.view(server, configured, reader.shared.get(id));
  }

  /** Also for a server that was disabled since: a user can always take their credential back. */
  async remove(user: AuthenticatedUser, id: string, origin: RequestOrigin): Promise<void> {
    requireOwnSignIn(user, 'A service configuration is removed');
    await this.userConfigs.remove(await this.upstreams.serverOf(id), { kind: 'user', id: user.id }, user.id, origin);
  }

  /** A service's resources and templates, reached as the caller's runs reach it (the MCP door's lists, kept to one service). */
  async resources(user: AuthenticatedUser, id: string, origin: RequestOrigin): Promise<McpResourceList> {
    const scope = await this.scopeOf(user, id, origin);
    const [resources, resourceTemplates] = await Promise.all([this.upstreams.listResources(scope), this.upstreams.listResourceTemplates(scope)]);
    return { resources, resourceTemplates };
  }

  async readResource(user: AuthenticatedUser, id: string, uri: string, origin: RequestOrigin): Promise<McpResourceContents> {
    const read = await this.upstreams.readResource(uri, await this.scopeOf(user, id, origin));
    if (!read) throw ApiError.notFound(`Resource '${uri.slice(0, 200)}' of this service`);
    return read;
  }

  async prompts(user: AuthenticatedUser, id: string, origin: RequestOrigin): Promise<McpPromptList> {
    return { prompts: await this.upstreams.listPrompts(await this.scopeOf(user, id, origin)) };
  }

  async prompt(user: AuthenticatedUser, id: string, name: string, args: Record<string, string> | undefined, origin: RequestOrigin): Promise<McpPromptMessages> {
    const answer = await this.upstreams.getPrompt(name, args, await this.scopeOf(user, id, origin));
    if (!answer) throw ApiError.notFound(`Prompt '${name.slice(0, 200)}' of this service`);
    return answer;
  }

  /**
   * One service, as the caller reaches it: 404 when they may not see it, 400 when it needs a
   * configuration they lack (the MCP door would just show nothing), 503 when it is not connected here.
   */
  private async scopeOf(user: AuthenticatedUser, id: string, origin: RequestOrigin): Promise<UpstreamScope> {
    const server = await this.enabled(id, await this.reachesFor(user));
    const refusal = server.userConfig ? await this.userConfigs.refusalFor(server, user.id) : undefined;
    if (refusal) throw refusal;
    if (this.upstreams.servedBy(server).status !== 'connected') throw new ApiError(503, 'SERVICE_UNAVAILABLE', `'${server.name}' is not connected: try again later`, { headers: { 'Retry-After': '5' }, details: [{ field: 'server', message: server.name, code: 'SERVER_DISCONNECTED' }] });
    return { servers: new Set([server.id]), userId: user.id, origin, sessionId: user.sessionId };
  }

  /** The services that take configurations, as an organization configured them (its admins ask; the caller checks they are one). */
  async listForOrganization(admin: AuthenticatedUser, organizationId: string, page: number, limit: number): Promise<McpServiceList> {
    const reaches = usableIn(organizationId, admin);
    const [servers, configured] = await Promise.all([this.upstreams.withConnections(), this.userConfigs.configuredBy({ kind: 'organization', id: organizationId })]);
    const matching = servers.map(({ server }) => server).filter((server) => server.enabled && server.userConfig !== null && reaches(server));
    const services = matching.slice((page - 1) * limit, page * limit).map((server) => this.view(server, configured.get(server.id), undefined, 'organization'));
    return { services, pagination: offsetPagination(page, limit, matching.length) };
  }

  /** An organization's admin configures a service for every member (the caller checks they are one). */
  async configureForOrganization(admin: AuthenticatedUser, organizationId: string, id: string, config: Record<string, unknown>, verify: boolean, origin: RequestOrigin): Promise<McpService> {
    requireOwnSignIn(admin, "A service is configured for the organization");
    const server = await this.enabled(id, usableIn(organizationId, admin));
    const configured = await this.userConfigs.configure(server, { kind: 'organization', id: organizationId }, admin.id, config, origin, this.trial(server, verify));
    return this.view(server, configured, undefined, 'organization');
  }

  async removeForOrganization(admin: AuthenticatedUser, organizationId: string, id: string, origin: RequestOrigin): Promise<void> {
    requireOwnSignIn(admin, "The organization's configuration of a service is removed");
    await this.userConfigs.remove(await this.upstreams.serverOf(id), { kind: 'organization', id: organizationId }, admin.id, origin);
  }

  private trial(server: UpstreamServerEntity, verify: boolean): ((values: Readonly<Record<string, unknown>>) => Promise<void>) | undefined {
    return verify ? (values) => this.upstreams.verifyUserConfig(server, values) : undefined;
  }

  /** An enabled server the reader may use; any other is answered like a missing one. */
  private async enabled(id: string, reaches: (server: UpstreamServerEntity) => boolean): Promise<UpstreamServerEntity> {
    const server = await this.upstreams.serverOf(id).catch(() => undefined);
    if (!server?.enabled || !reaches(server)) throw ApiError.notFound('Service');
    return server;
  }

  /** Which servers the user may use (admins: every one); reads nothing but their organization. */
  private async reachesFor(user: AuthenticatedUser): Promise<(server: UpstreamServerEntity) => boolean> {
    return isAdmin(user) ? () => true : usableIn(await this.organizationOf(user), user);
  }

  private async organizationOf(user: AuthenticatedUser): Promise<string | null> {
    return this.organizations ? this.organizations.organizationOf(user.id) : null;
  }

  private async readerOf(user: AuthenticatedUser): Promise<Reader> {
    const organizationId = await this.organizationOf(user);
    const [own, shared] = await Promise.all([
      this.userConfigs.configuredBy({ kind: 'user', id: user.id }),
      organizationId === null ? NONE : this.userConfigs.configuredBy({ kind: 'organization', id: organizationId }),
    ]);
    // Admins may use every server.
    return { reaches: isAdmin(user) ? () => true : usableIn(organizationId, user), own, shared };
  }

  /** `configured`: the reader's own (a user's, or the organization's when it reads); `shared`: their organization's. */
  private view(server: UpstreamServerEntity, configured: ConfiguredService | undefined, shared: ConfiguredService | undefined, reader: 'user' | 'organization' = 'user'): McpService {
    const served = this.upstreams.servedBy(server);
    const reachable = !server.userConfig?.required || configured !== undefined || shared !== undefined;
    return {
      id: server.id,
      name: server.name,
      description: server.description,
      version: served.version,
      status: served.status,
      configurable: server.userConfig !== null,
      requiresConfiguration: server.userConfig?.required ?? false,
      isConfigured: configured !== undefined,
      configuredBy: configured ? reader : shared ? 'organization' : null,
      configuredAt: configured?.updatedAt.toISOString() ?? null,
      // What a configuration is held to: every field a template uses is required, whatever the admin's list says.
      configSchema: server.userConfig ? enforcedSchema(server.userConfig) : null,
      configuredFields: [...(configured?.fields ?? [])],
      tools: served.tools,
      capabilities: reachable ? [...(served.tools.length > 0 ? ['tools' as const] : []), ...(served.resources ? ['resources' as const] : []), ...(served.prompts ? ['prompts' as const] : [])] : [],
    };
  }
}
