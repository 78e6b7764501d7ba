import { originOf } from '@app/common';
import { ListSessionsQueryDto, type SessionList, type SessionTerminated, TerminateSessionParamsDto } from '@app/contracts';
import { type AuthenticatedUser, CurrentUser, RequirePermissions } from '@app/security';
import { Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { SessionsService } from './sessions.service';

@Controller('sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Get()
  @RequirePermissions('read:sessions')
  list(@CurrentUser() user: AuthenticatedUser, @Query() query: ListSessionsQueryDto): Promise<SessionList> {
    return this.sessions.list(user, query);
  }

  @Post(':id/terminate')
  @HttpCode(200)
  terminate(@CurrentUser() user: AuthenticatedUser, @Param() params: TerminateSessionParamsDto, @Req() request: FastifyRequest): Promise<SessionTerminated> {
    return this.sessions.terminate(user, params.id, originOf(request));
  }
}
