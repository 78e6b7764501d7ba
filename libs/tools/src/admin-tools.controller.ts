import { originOf } from '@app/common';
import { type Tool, ToolSettingsUpdateDto, UpdateToolSettingsParamsDto } from '@app/contracts';
import { type AuthenticatedUser, CurrentUser, RequirePermissions } from '@app/security';
import { Body, Controller, Param, Patch, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ToolSettingsService } from './registry/tool-settings.service';
import { ToolsService } from './tools.service';

@Controller('admin/tools')
@RequirePermissions('admin:tools')
export class AdminToolsController {
  constructor(
    private readonly settings: ToolSettingsService,
    private readonly tools: ToolsService,
  ) {}

  @Patch(':id')
  async update(@CurrentUser() user: AuthenticatedUser, @Param() params: UpdateToolSettingsParamsDto, @Body() body: ToolSettingsUpdateDto, @Req() request: FastifyRequest): Promise<Tool> {
    const toolId = await this.settings.update(params.id, body, user.id, originOf(request));
    return this.tools.get(user, toolId);
  }
}
