import { ApiError, offsetPagination, type RequestOrigin } from '@app/common';
import type { ListMcpServicesQueryDto, McpService, McpServiceList } from '@app/contracts';
import { type AuthenticatedUser, requireOwnSignIn } from '@app/security';
import { Injectable, Optional } from '@nestjs/common';
import { isAdmin } from '../execution/executions.service';
import { CallerOrganizations } from '../registry/caller-organizations';
import type { UpstreamServerEntity } from './upstream-server.entity';
import { type ConfiguredService, UpstreamUserConfigs } from './upstream-user-configs';
import { UpstreamService } from './upstream.service';

/**
 * Upstream servers as their users see them (MCP Online Platform's MCP services): which ones there
 * are, whether each takes a configuration of the user's own, and that configuration.
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
    const [servers, configured, reachable] = await Promise.all([this.upstreams.withConnections(), this.userConfigs.configuredBy(user.id), this.reachableBy(user)]);
    const matching = servers
      .map(({ server }) => server)
      .filter((server) => server.enabled && reachable(server) && (!filter || server.name.toLowerCase().includes(filter) || (server.description ?? '').toLowerCase().includes(filter)));
    const services = matching.slice((page - 1) * limit, page * limit).map((server) => this.view(server, configured.get(server.id)));
    return { services, pagination: offsetPagination(page, limit, matching.length) };
  }

  async get(user: AuthenticatedUser, id: string): Promise<McpService> {
    const server = await this.enabled(user, id);
    return this.view(server, (await this.userConfigs.configuredBy(user.id)).get(id));
  }

  /** A configuration is a credential: only the account's own sign-in gives or takes it. */
  async configure(user: AuthenticatedUser, id: string, config: Record<string, unknown>, verify: boolean, origin: RequestOrigin): Promise<McpService> {
    requireOwnSignIn(user, 'A service is configured');
    const server = await this.enabled(user, id);
    const trial = verify ? (values: Readonly<Record<string, unknown>>) => this.upstreams.verifyUserConfig(server, values) : undefined;
    return this.view(server, await this.userConfigs.configure(server, user.id, config, origin, trial));
  }

  /** Also for a server that was disabled since: a user can always take their credential back. */
  async remove(user: AuthenticatedUser, id: string, origin: RequestOrigin): Promise<void> {
    requireOwnSignIn(user, 'A service configuration is removed');
    await this.userConfigs.remove(await this.upstreams.serverOf(id), user.id, origin);
  }

  /** An enabled server the user may use; any other is answered like a missing one. */
  private async enabled(user: AuthenticatedUser, id: string): Promise<UpstreamServerEntity> {
    const server = await this.upstreams.serverOf(id).catch(() => undefined);
    if (!server?.enabled || !(await this.reachableBy(user))(server)) throw ApiError.notFound('Service');
    return server;
  }

  /** Servers kept to organizations are for their members (and admins) only. */
  private async reachableBy(user: AuthenticatedUser): Promise<(server: UpstreamServerEntity) => boolean> {
    if (isAdmin(user)) return () => true;
    const organizationId = this.organizations ? await this.organizations.organizationOf(user.id) : null;
    return (server) => server.organizations === null || (organizationId !== null && server.organizations.includes(organizationId));
  }

  private view(server: UpstreamServerEntity, configured: ConfiguredService | undefined): McpService {
    const served = this.upstreams.servedBy(server);
    const reachable = !server.userConfig?.required || configured !== undefined;
    return {
      id: server.id,
      name: server.name,
      description: server.description,
      version: served.version,
      status: served.status,
      configurable: server.userConfig !== null,
      requiresConfiguration: server.userConfig?.required ?? false,
      isConfigured: configured !== undefined,
      configuredAt: configured?.updatedAt.toISOString() ?? null,
      configSchema: server.userConfig?.schema ?? null,
      configuredFields: [...(configured?.fields ?? [])],
      tools: served.tools,
      capabilities: reachable ? [...(served.tools.length > 0 ? ['tools' as const] : []), ...(served.resources ? ['resources' as const] : []), ...(served.prompts ? ['prompts' as const] : [])] : [],
    };
  }
}
