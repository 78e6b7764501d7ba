import { originOf } from '@app/common';
import {
  ListServersQueryDto,
  ApproveServerToolsParamsDto,
  BulkServerActionParamsDto,
  ConnectServerParamsDto,
  DeleteServerOrganizationConfigParamsDto,
  DeleteServerUserConfigParamsDto,
  DeleteServerParamsDto,
  DisconnectServerParamsDto,
  GetServerParamsDto,
  ListServerOrganizationConfigsParamsDto,
  ListServerOrganizationConfigsQueryDto,
  ListServerUserConfigsParamsDto,
  ListServerUserConfigsQueryDto,
  ServerBulkRequestDto,
  type ServerBulkResult,
  UpdateServerParamsDto,
  PatchServerParamsDto,
  UpstreamServerPatchDto,
  type UpstreamOrganizationConfigList,
  type UpstreamServer,
  UpstreamServerInputDto,
  type UpstreamServerList,
  type UpstreamUserConfigList,
} from '@app/contracts';
import { type AuthenticatedUser, CurrentUser, RequirePermissions } from '@app/security';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { UpstreamBulk } from './upstream-bulk';
import { UpstreamService } from './upstream.service';

@Controller('admin/servers')
@RequirePermissions('admin:servers')
export class AdminServersController {
  constructor(
    private readonly upstreams: UpstreamService,
    private readonly bulk: UpstreamBulk,
  ) {}

  @Get()
  async list(@Query() query: ListServersQueryDto): Promise<UpstreamServerList> {
    return { servers: await this.upstreams.list(query) };
  }

  @Post()
  @HttpCode(201)
  create(@CurrentUser() user: AuthenticatedUser, @Body() body: UpstreamServerInputDto, @Req() request: FastifyRequest): Promise<UpstreamServer> {
    return this.upstreams.create(body, user.id, originOf(request));
  }

  @Post('bulk/:action')
  @HttpCode(200)
  bulkAction(@CurrentUser() user: AuthenticatedUser, @Param() params: BulkServerActionParamsDto, @Body() body: ServerBulkRequestDto, @Req() request: FastifyRequest): Promise<ServerBulkResult> {
    return this.bulk.forIds(body.serverIds, params.action, user.id, originOf(request));
  }

  @Get(':id/user-configs')
  userConfigs(@Param() params: ListServerUserConfigsParamsDto, @Query() query: ListServerUserConfigsQueryDto): Promise<UpstreamUserConfigList> {
    return this.upstreams.userConfigsOf(params.id, query.page ?? 1, query.limit ?? 20);
  }

  @Delete(':id/user-configs/:userId')
  @HttpCode(204)
  removeUserConfig(@CurrentUser() user: AuthenticatedUser, @Param() params: DeleteServerUserConfigParamsDto, @Req() request: FastifyRequest): Promise<void> {
    return this.upstreams.removeUserConfig(params.id, params.userId, user.id, originOf(request));
  }

  @Get(':id/organization-configs')
  organizationConfigs(@Param() params: ListServerOrganizationConfigsParamsDto, @Query() query: ListServerOrganizationConfigsQueryDto): Promise<UpstreamOrganizationConfigList> {
    return this.upstreams.organizationConfigsOf(params.id, query.page ?? 1, query.limit ?? 20);
  }

  @Delete(':id/organization-configs/:organizationId')
  @HttpCode(204)
  removeOrganizationConfig(@CurrentUser() user: AuthenticatedUser, @Param() params: DeleteServerOrganizationConfigParamsDto, @Req() request: FastifyRequest): Promise<void> {
    return this.upstreams.removeOrganizationConfig(params.id, params.organizationId, user.id, originOf(request));
  }

  @Get(':id')
  get(@Param() params: GetServerParamsDto): Promise<UpstreamServer> {
    return this.upstreams.get(params.id);
  }

  @Put(':id')
  update(@CurrentUser() user: AuthenticatedUser, @Param() params: UpdateServerParamsDto, @Body() body: UpstreamServerInputDto, @Req() request: FastifyRequest): Promise<UpstreamServer> {
    return this.upstreams.update(params.id, body, user.id, originOf(request));
  }

  @Patch(':id')
  patch(@CurrentUser() user: AuthenticatedUser, @Param() params: PatchServerParamsDto, @Body() body: UpstreamServerPatchDto, @Req() request: FastifyRequest): Promise<UpstreamServer> {
    return this.upstreams.patch(params.id, body, user.id, originOf(request));
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@CurrentUser() user: AuthenticatedUser, @Param() params: DeleteServerParamsDto, @Req() request: FastifyRequest): Promise<void> {
    return this.upstreams.remove(params.id, user.id, originOf(request));
  }

  @Post(':id/connect')
  @HttpCode(200)
  connect(@CurrentUser() user: AuthenticatedUser, @Param() params: ConnectServerParamsDto, @Req() request: FastifyRequest): Promise<UpstreamServer> {
    return this.upstreams.connect(params.id, user.id, originOf(request));
  }

  @Post(':id/disconnect')
  @HttpCode(200)
  disconnect(@CurrentUser() user: AuthenticatedUser, @Param() params: DisconnectServerParamsDto, @Req() request: FastifyRequest): Promise<UpstreamServer> {
    return this.upstreams.disconnect(params.id, user.id, originOf(request));
  }

  @Post(':id/approve-tools')
  @HttpCode(200)
  approveTools(@CurrentUser() user: AuthenticatedUser, @Param() params: ApproveServerToolsParamsDto, @Req() request: FastifyRequest): Promise<UpstreamServer> {
    return this.upstreams.approveTools(params.id, user.id, originOf(request));
  }
}
