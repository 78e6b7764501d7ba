import { originOf } from '@app/common';
import { ConfigureMcpServiceParamsDto, ConfigureMcpServiceRequestDto, GetMcpServiceParamsDto, ListMcpServicesQueryDto, type McpService, type McpServiceList, RemoveMcpServiceConfigurationParamsDto } from '@app/contracts';
import { type AuthenticatedUser, CurrentUser, RequirePermissions } from '@app/security';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { McpServicesService } from './mcp-services.service';

@Controller('services')
export class McpServicesController {
  constructor(private readonly services: McpServicesService) {}

  @Get()
  @RequirePermissions('read:tools')
  list(@CurrentUser() user: AuthenticatedUser, @Query() query: ListMcpServicesQueryDto): Promise<McpServiceList> {
    return this.services.list(user, query);
  }

  @Get(':serviceId')
  @RequirePermissions('read:tools')
  get(@CurrentUser() user: AuthenticatedUser, @Param() params: GetMcpServiceParamsDto): Promise<McpService> {
    return this.services.get(user, params.serviceId);
  }

  @Post(':serviceId/configure')
  @HttpCode(200)
  @RequirePermissions('execute:tools')
  configure(@CurrentUser() user: AuthenticatedUser, @Param() params: ConfigureMcpServiceParamsDto, @Body() body: ConfigureMcpServiceRequestDto, @Req() request: FastifyRequest): Promise<McpService> {
    return this.services.configure(user, params.serviceId, body.config, body.verify ?? true, originOf(request));
  }

  @Delete(':serviceId/configure')
  @HttpCode(204)
  @RequirePermissions('execute:tools')
  remove(@CurrentUser() user: AuthenticatedUser, @Param() params: RemoveMcpServiceConfigurationParamsDto, @Req() request: FastifyRequest): Promise<void> {
    return this.services.remove(user, params.serviceId, originOf(request));
  }
}
