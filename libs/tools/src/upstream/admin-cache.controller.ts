import { originOf } from '@app/common';
import { ClearToolCacheQueryDto, type ToolCacheCleared, type ToolCacheStats } from '@app/contracts';
import { type AuthenticatedUser, CurrentUser, RequirePermissions } from '@app/security';
import { Controller, Delete, Get, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ToolCache } from '../execution/tool-cache';

@Controller('admin/cache')
@RequirePermissions('admin:servers')
export class AdminCacheController {
  constructor(private readonly cache: ToolCache) {}

  @Get()
  stats(): ToolCacheStats {
    return this.cache.stats();
  }

  @Delete()
  async clear(@CurrentUser() user: AuthenticatedUser, @Query() query: ClearToolCacheQueryDto, @Req() request: FastifyRequest): Promise<ToolCacheCleared> {
    return { removed: await this.cache.clear({ serverId: query.serverId, tool: query.tool }, user.id, originOf(request)) };
  }
}
