import { originOf } from '@app/common';
import {
  type Context,
  type ContextList,
  CreateContextRequestDto,
  DeleteContextParamsDto,
  GetContextParamsDto,
  ListContextsQueryDto,
  UpdateContextParamsDto,
  UpdateContextRequestDto,
} from '@app/contracts';
import { type AuthenticatedUser, CurrentUser, RequirePermissions } from '@app/security';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ContextsService } from './contexts.service';

@Controller('contexts')
export class ContextsController {
  constructor(private readonly contexts: ContextsService) {}

  @Get()
  @RequirePermissions('read:contexts')
  list(@CurrentUser() user: AuthenticatedUser, @Query() query: ListContextsQueryDto): Promise<ContextList> {
    return this.contexts.list(user, query);
  }

  @Post()
  @RequirePermissions('write:contexts')
  @HttpCode(201)
  create(@CurrentUser() user: AuthenticatedUser, @Body() body: CreateContextRequestDto, @Req() request: FastifyRequest): Promise<Context> {
    return this.contexts.create(user, body, originOf(request));
  }

  @Get(':id')
  @RequirePermissions('read:contexts')
  get(@CurrentUser() user: AuthenticatedUser, @Param() params: GetContextParamsDto): Promise<Context> {
    return this.contexts.get(user, params.id);
  }

  @Put(':id')
  @RequirePermissions('write:contexts')
  update(@CurrentUser() user: AuthenticatedUser, @Param() params: UpdateContextParamsDto, @Body() body: UpdateContextRequestDto, @Req() request: FastifyRequest): Promise<Context> {
    return this.contexts.update(user, params.id, body, originOf(request));
  }

  @Delete(':id')
  @RequirePermissions('write:contexts')
  @HttpCode(204)
  remove(@CurrentUser() user: AuthenticatedUser, @Param() params: DeleteContextParamsDto, @Req() request: FastifyRequest): Promise<void> {
    return this.contexts.remove(user, params.id, originOf(request));
  }
}
