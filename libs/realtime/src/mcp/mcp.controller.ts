import { McpDeleteContextParamsDto, McpPostContextParamsDto, McpStreamContextParamsDto, type ProtectedResourceMetadata } from '@app/contracts';
import { Public, RateLimit } from '@app/security';
import { Controller, Delete, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { McpService } from './mcp.service';

/**
 * Public at the guard because the door authenticates itself: its 401 must carry the
 * WWW-Authenticate header that names the protected resource metadata.
 */
// Limited by the service once it knows the caller: each MCP message by its method (tools/list,
// tools/call), as on /ws; GET and DELETE by the API's budget. The metadata document spends none.
@RateLimit()
@Public()
@Controller()
export class McpController {
  constructor(private readonly mcp: McpService) {}

  @Get('.well-known/oauth-protected-resource')
  protectedResource(): ProtectedResourceMetadata {
    return this.mcp.protectedResource() as unknown as ProtectedResourceMetadata;
  }

  @Post('mcp')
  @HttpCode(200)
  @RouteConfig({ jsonRpcErrors: true })
  post(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    return this.mcp.post(request, reply);
  }

  @Post('mcp/:contextId')
  @HttpCode(200)
  @RouteConfig({ jsonRpcErrors: true })
  postContext(@Param() params: McpPostContextParamsDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    return this.mcp.post(request, reply, params.contextId);
  }

  // The stream takes the raw reply over (hijack): Nest must not answer these routes itself.
  @Get('mcp')
  stream(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.mcp.stream(request, reply);
  }

  @Get('mcp/:contextId')
  streamContext(@Param() params: McpStreamContextParamsDto, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.mcp.stream(request, reply, params.contextId);
  }

  @Delete('mcp')
  remove(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    return this.mcp.remove(request, reply);
  }

  @Delete('mcp/:contextId')
  removeContext(@Param() params: McpDeleteContextParamsDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    return this.mcp.remove(request, reply, params.contextId);
  }
}
