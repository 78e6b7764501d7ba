import { originOf } from '@app/common';
import { type AuditLogList, ExportAuditLogsQueryDto, ListAuditLogsQueryDto } from '@app/contracts';
import { type AuthenticatedUser, CurrentUser, RequirePermissions } from '@app/security';
import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuditLogsService } from './audit-logs.service';

@Controller('admin/audit-logs')
@RequirePermissions('admin:*')
export class AuditLogsController {
  constructor(private readonly logs: AuditLogsService) {}

  @Get()
  list(@Query() query: ListAuditLogsQueryDto): Promise<AuditLogList> {
    return this.logs.list(query);
  }

  /** Streamed straight to the socket: Fastify's reply would buffer a body it is handed whole. */
  @Get('export')
  async export(@CurrentUser() actor: AuthenticatedUser, @Query() query: ExportAuditLogsQueryDto, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.logs.startExport(query, actor.id, originOf(request));
    reply.hijack();
    reply.raw.setHeader('x-request-id', String(request.id));
    await this.logs.export(query, reply.raw);
  }
}
