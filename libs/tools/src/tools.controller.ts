import { originOf } from '@app/common';
import {
  type AcceptedExecution,
  CancelExecutionRequestDto,
  CancelToolExecutionParamsDto,
  ExecuteToolParamsDto,
  ExecuteToolRequestDto,
  GetToolExecutionParamsDto,
  GetToolParamsDto,
  GetToolStatsQueryDto,
  ListExecutionsQueryDto,
  ListRecentToolsQueryDto,
  ListToolExecutionsParamsDto,
  ListToolExecutionsQueryDto,
  ListToolsQueryDto,
  type Tool,
  type ToolCategoryList,
  type ToolExecution,
  type ToolExecutionList,
  type ToolList,
  type RecentToolList,
  type ToolUsageStats,
} from '@app/contracts';
import { type AuthenticatedUser, CurrentUser, RateLimit, RequirePermissions } from '@app/security';
import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ExecutionsService } from './execution/executions.service';
import { ToolExecutor } from './execution/tool-executor.service';
import { ToolsService } from './tools.service';

@Controller('tools')
export class ToolsController {
  constructor(
    private readonly tools: ToolsService,
    private readonly executor: ToolExecutor,
    private readonly executions: ExecutionsService,
  ) {}

  @Get()
  @RequirePermissions('read:tools')
  @RateLimit({ rule: 'toolsList', by: 'user' })
  list(@CurrentUser() user: AuthenticatedUser, @Query() query: ListToolsQueryDto): Promise<ToolList> {
    return this.tools.list(user, query);
  }

  @Get('categories')
  @RequirePermissions('read:tools')
  @RateLimit({ rule: 'toolsList', by: 'user' })
  categories(@CurrentUser() user: AuthenticatedUser): Promise<ToolCategoryList> {
    return this.tools.categories(user);
  }

  @Get('recent')
  @RequirePermissions('read:tools')
  @RateLimit({ rule: 'toolsList', by: 'user' })
  recent(@CurrentUser() user: AuthenticatedUser, @Query() query: ListRecentToolsQueryDto): Promise<RecentToolList> {
    return this.tools.recent(user, query);
  }

  @Get('stats')
  @RequirePermissions('read:tools')
  @RateLimit({ rule: 'toolsList', by: 'user' })
  stats(@CurrentUser() user: AuthenticatedUser, @Query() query: GetToolStatsQueryDto): Promise<ToolUsageStats> {
    return this.tools.stats(user, query);
  }

  @Get('executions')
  @RequirePermissions('read:tools')
  @RateLimit({ rule: 'toolsList', by: 'user' })
  runs(@CurrentUser() user: AuthenticatedUser, @Query() query: ListExecutionsQueryDto): Promise<ToolExecutionList> {
    return this.tools.runs(user, query);
  }

  @Get('executions/:executionId')
  @RequirePermissions('read:tools')
  execution(@CurrentUser() user: AuthenticatedUser, @Param() params: GetToolExecutionParamsDto): Promise<ToolExecution> {
    return this.executions.get(user, params.executionId);
  }

  @Post('executions/:executionId/cancel')
  @RequirePermissions('execute:tools')
  @RateLimit({ rule: 'toolsExecute', by: 'user' })
  @HttpCode(200)
  cancel(@CurrentUser() user: AuthenticatedUser, @Param() params: CancelToolExecutionParamsDto, @Body() body: CancelExecutionRequestDto, @Req() request: FastifyRequest): Promise<ToolExecution> {
    return this.executor.cancel(user, params.executionId, body.reason, originOf(request));
  }

  @Get(':id')
  @RequirePermissions('read:tools')
  get(@CurrentUser() user: AuthenticatedUser, @Param() params: GetToolParamsDto): Promise<Tool> {
    return this.tools.get(user, params.id);
  }

  @Get(':id/executions')
  @RequirePermissions('read:tools')
  history(@CurrentUser() user: AuthenticatedUser, @Param() params: ListToolExecutionsParamsDto, @Query() query: ListToolExecutionsQueryDto): Promise<ToolExecutionList> {
    return this.tools.history(user, params.id, query);
  }

  @Post(':id/execute')
  @RequirePermissions('execute:tools')
  @RateLimit({ rule: 'toolsExecute', by: 'user' })
  @HttpCode(200)
  async execute(
    @CurrentUser() user: AuthenticatedUser,
    @Param() params: ExecuteToolParamsDto,
    @Body() body: ExecuteToolRequestDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ToolExecution | AcceptedExecution> {
    const outcome = await this.executor.execute(user, params.id, body.parameters, { timeoutMs: body.options?.timeout, async: body.options?.async, contextId: body.context?.contextId }, originOf(request));
    if (outcome.kind === 'accepted') void reply.status(202);
    return outcome.execution;
  }
}
