import { ApiError } from '@app/common';
import type { FavoriteTool, FavoriteToolList } from '@app/contracts';
import type { AuthenticatedUser } from '@app/security';
import { Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { ToolRegistry } from '../registry/tool-registry';
import { ToolsService } from '../tools.service';
import { FavoriteToolEntity } from './favorite-tool.entity';

const MAX_FAVORITES = 100;

/** A user's favorite tools (MCP Connect's favorites): kept by tool id, shown with whether they can run now. */
@Injectable()
export class FavoritesService {
  private readonly favorites: Repository<FavoriteToolEntity>;

  constructor(
    dataSource: DataSource,
    private readonly registry: ToolRegistry,
    private readonly tools: ToolsService,
  ) {
    this.favorites = dataSource.getRepository(FavoriteToolEntity);
  }

  async list(caller: AuthenticatedUser): Promise<FavoriteToolList> {
    const rows = await this.favorites.find({ where: { userId: caller.id }, order: { createdAt: 'DESC', toolId: 'ASC' } });
    const organizationId = await this.registry.organizationOf(caller);
    return { favorites: rows.map((row) => this.view(caller, row, organizationId)) };
  }

  /** Only a tool the caller may run now; keeping one twice answers the first. */
  async add(caller: AuthenticatedUser, ref: string): Promise<FavoriteTool> {
    const toolId = (await this.tools.visible(caller, ref)).definition.id;
    const organizationId = await this.registry.organizationOf(caller);
    const kept = await this.favorites.findOne({ where: { userId: caller.id, toolId } });
    if (kept) return this.view(caller, kept, organizationId);
    if ((await this.favorites.count({ where: { userId: caller.id } })) >= MAX_FAVORITES) throw ApiError.conflict(`At most ${MAX_FAVORITES} favorite tools; forget one first`);
    await this.favorites.createQueryBuilder().insert().values({ userId: caller.id, toolId }).orIgnore().execute();
    return this.view(caller, (await this.favorites.findOne({ where: { userId: caller.id, toolId } })) as FavoriteToolEntity, organizationId);
  }

  /** By the tool's id or name now, or the id a favorite was kept by (its tool may be gone). */
  async remove(caller: AuthenticatedUser, ref: string): Promise<void> {
    const toolId = this.registry.find(ref)?.definition.id ?? ref;
    const result = await this.favorites.delete({ userId: caller.id, toolId });
    if (!result.affected) throw ApiError.notFound(`Favorite '${ref.slice(0, 200)}'`);
  }

  private view(caller: AuthenticatedUser, row: FavoriteToolEntity, organizationId: string | null): FavoriteTool {
    const tool = this.registry.find(row.toolId);
    return {
      toolId: row.toolId,
      toolName: tool?.definition.name ?? row.toolId,
      ...(tool?.definition.server ? { serverId: tool.definition.server.id } : {}),
      // mayRun holds for an admin too (admin:* grants every permission and every server).
      available: tool !== undefined && this.registry.mayRun(caller, tool, organizationId),
      favoritedAt: row.createdAt.toISOString(),
    };
  }
}
