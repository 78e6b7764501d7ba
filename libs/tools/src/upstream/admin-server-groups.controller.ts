import { originOf } from '@app/common';
import {
  AddServersToGroupParamsDto,
  ConnectServerGroupParamsDto,
  DeleteServerGroupParamsDto,
  DisconnectServerGroupParamsDto,
  GetServerGroupParamsDto,
  RemoveServerFromGroupParamsDto,
  type ServerGroup,
  type ServerGroupBulkResult,
  ServerGroupInputDto,
  type ServerGroupList,
  ServerGroupMembersDto,
  UpdateServerGroupParamsDto,
} from '@app/contracts';
import { type AuthenticatedUser, CurrentUser, RequirePermissions } from '@app/security';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ServerGroupsService } from './server-groups.service';

@Controller('admin/server-groups')
@RequirePermissions('admin:servers')
export class AdminServerGroupsController {
  constructor(private readonly groups: ServerGroupsService) {}

  @Get()
  list(): Promise<ServerGroupList> {
    return this.groups.list();
  }

  @Post()
  @HttpCode(201)
  create(@CurrentUser() user: AuthenticatedUser, @Body() body: ServerGroupInputDto, @Req() request: FastifyRequest): Promise<ServerGroup> {
    return this.groups.create(body, user.id, originOf(request));
  }

  @Get(':id')
  get(@Param() params: GetServerGroupParamsDto): Promise<ServerGroup> {
    return this.groups.get(params.id);
  }

  @Put(':id')
  update(@CurrentUser() user: AuthenticatedUser, @Param() params: UpdateServerGroupParamsDto, @Body() body: ServerGroupInputDto, @Req() request: FastifyRequest): Promise<ServerGroup> {
    return this.groups.update(params.id, body, user.id, originOf(request));
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@CurrentUser() user: AuthenticatedUser, @Param() params: DeleteServerGroupParamsDto, @Req() request: FastifyRequest): Promise<void> {
    return this.groups.remove(params.id, user.id, originOf(request));
  }

  @Post(':id/servers')
  @HttpCode(200)
  addServers(@CurrentUser() user: AuthenticatedUser, @Param() params: AddServersToGroupParamsDto, @Body() body: ServerGroupMembersDto, @Req() request: FastifyRequest): Promise<ServerGroup> {
    return this.groups.addServers(params.id, body.serverIds, user.id, originOf(request));
  }

  @Delete(':id/servers/:serverId')
  @HttpCode(200)
  removeServer(@CurrentUser() user: AuthenticatedUser, @Param() params: RemoveServerFromGroupParamsDto, @Req() request: FastifyRequest): Promise<ServerGroup> {
    return this.groups.removeServer(params.id, params.serverId, user.id, originOf(request));
  }

  @Post(':id/connect')
  @HttpCode(200)
  connect(@CurrentUser() user: AuthenticatedUser, @Param() params: ConnectServerGroupParamsDto, @Req() request: FastifyRequest): Promise<ServerGroupBulkResult> {
    return this.groups.bulk(params.id, 'connect', user.id, originOf(request));
  }

  @Post(':id/disconnect')
  @HttpCode(200)
  disconnect(@CurrentUser() user: AuthenticatedUser, @Param() params: DisconnectServerGroupParamsDto, @Req() request: FastifyRequest): Promise<ServerGroupBulkResult> {
    return this.groups.bulk(params.id, 'disconnect', user.id, originOf(request));
  }
}
