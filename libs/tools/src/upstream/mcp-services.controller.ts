import { originOf } from '@app/common';
import {
  ConfigureMcpServiceParamsDto,
  ConfigureMcpServiceRequestDto,
  GetMcpPromptRequestDto,
  GetMcpServiceParamsDto,
  GetMcpServicePromptParamsDto,
  ListMcpServicePromptsParamsDto,
  ListMcpServiceResourcesParamsDto,
  ListMcpServicesQueryDto,
  type McpPromptList,
  type McpPromptMessages,
  type McpResourceContents,
  type McpResourceList,
  type McpService,
  type McpServiceList,
  ReadMcpResourceRequestDto,
  ReadMcpServiceResourceParamsDto,
  RemoveMcpServiceConfigurationParamsDto,
} from '@app/contracts';
import { type AuthenticatedUser, CurrentUser, RateLimit, RequirePermissions } from '@app/security';
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

  @Get(':serviceId/resources')
  @RequirePermissions('execute:tools')
  @RateLimit({ rule: 'toolsList', by: 'user' })
  resources(@CurrentUser() user: AuthenticatedUser, @Param() params: ListMcpServiceResourcesParamsDto, @Req() request: FastifyRequest): Promise<McpResourceList> {
    return this.services.resources(user, params.serviceId, originOf(request));
  }

  @Post(':serviceId/resources/read')
  @HttpCode(200)
  @RequirePermissions('execute:tools')
  @RateLimit({ rule: 'toolsExecute', by: 'user' })
  readResource(@CurrentUser() user: AuthenticatedUser, @Param() params: ReadMcpServiceResourceParamsDto, @Body() body: ReadMcpResourceRequestDto, @Req() request: FastifyRequest): Promise<McpResourceContents> {
    return this.services.readResource(user, params.serviceId, body.uri, originOf(request));
  }

  @Get(':serviceId/prompts')
  @RequirePermissions('execute:tools')
  @RateLimit({ rule: 'toolsList', by: 'user' })
  prompts(@CurrentUser() user: AuthenticatedUser, @Param() params: ListMcpServicePromptsParamsDto, @Req() request: FastifyRequest): Promise<McpPromptList> {
    return this.services.prompts(user, params.serviceId, originOf(request));
  }

  @Post(':serviceId/prompts/get')
  @HttpCode(200)
  @RequirePermissions('execute:tools')
  @RateLimit({ rule: 'toolsExecute', by: 'user' })
  prompt(@CurrentUser() user: AuthenticatedUser, @Param() params: GetMcpServicePromptParamsDto, @Body() body: GetMcpPromptRequestDto, @Req() request: FastifyRequest): Promise<McpPromptMessages> {
    return this.services.prompt(user, params.serviceId, body.name, body.arguments, originOf(request));
  }
}
