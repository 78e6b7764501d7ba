import { originOf } from '@app/common';
import { InstantiateServerTemplateParamsDto, ListServerTemplatesQueryDto, ServerTemplateInstanceDto, type ServerTemplateList, type UpstreamServer } from '@app/contracts';
import { type AuthenticatedUser, CurrentUser, RequirePermissions } from '@app/security';
import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ServerTemplatesService } from './server-templates.service';

@Controller('admin/server-templates')
@RequirePermissions('admin:servers')
export class AdminServerTemplatesController {
  constructor(private readonly templates: ServerTemplatesService) {}

  @Get()
  list(@Query() query: ListServerTemplatesQueryDto): ServerTemplateList {
    return this.templates.list(query);
  }

  @Post(':id/instantiate')
  @HttpCode(201)
  instantiate(@CurrentUser() user: AuthenticatedUser, @Param() params: InstantiateServerTemplateParamsDto, @Body() body: ServerTemplateInstanceDto, @Req() request: FastifyRequest): Promise<UpstreamServer> {
    return this.templates.instantiate(params.id, body, user.id, originOf(request));
  }
}
