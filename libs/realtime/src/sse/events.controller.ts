import { ApiError } from '@app/common';
import { StreamEventsQueryDto } from '@app/contracts';
import { type EventEnvelope, EventBus } from '@app/events';
import { type AuthenticatedUser, CurrentUser } from '@app/security';
import { Controller, Get, type OnModuleDestroy, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import { followed, PUBLIC_EVENTS, visibleTo } from '../event-visibility';

const KEEPALIVE_MS = 15_000;
const SLOW_READER_BYTES = 1024 * 1024;

/** `GET /events`: Server-Sent Events for dashboards, the same events and visibility as /ws. */
@Controller('events')
export class EventsController implements OnModuleDestroy {
  private readonly open = new Set<ServerResponse>();

  constructor(private readonly events: EventBus) {}

  @Get()
  stream(@CurrentUser() user: AuthenticatedUser, @Query() query: StreamEventsQueryDto, @Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    const names = this.parseTypes(query.types);
    reply.hijack();
    const out = reply.raw;
    out.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no', 'x-request-id': String(request.id) });
    out.write(`retry: 5000\n: following ${[...names].join(',')}\n\n`);
    this.open.add(out);
    const close = (): void => {
      off();
      clearInterval(keepalive);
      this.open.delete(out);
      if (!out.writableEnded) out.end();
    };
    const off = this.events.on('*', (event) => {
      if (this.endsStream(user, event)) return close();
      if (!followed(names, event) || !visibleTo(user, event) || out.writableLength > SLOW_READER_BYTES) return;
      out.write(`id: ${event.id}\nevent: ${event.name}\ndata: ${JSON.stringify({ event: event.name, timestamp: event.timestamp, data: event.payload })}\n\n`);
    });
    const keepalive = setInterval(() => out.write(': keepalive\n\n'), KEEPALIVE_MS);
    keepalive.unref();
    out.on('close', close);
  }

  onModuleDestroy(): void {
    for (const out of this.open) out.end();
  }

  private parseTypes(types: string | undefined): Set<string> {
    const names = new Set((types ?? '*').split(',').filter((name) => name !== ''));
    const unknown = [...names].filter((name) => !PUBLIC_EVENTS.has(name));
    if (unknown.length > 0) throw ApiError.validation(`Unknown event types: ${unknown.join(', ')}`, unknown.map((name) => ({ field: 'types', message: `unknown event ${name}`, code: 'INVALID_VALUE' })));
    return names;
  }

  // The caller's session ended, or their rights changed: the stream stops, as a WebSocket would.
  private endsStream(user: AuthenticatedUser, event: EventEnvelope): boolean {
    if (event.name === 'session.terminated') return user.sessionId !== undefined && (event.payload as { sessionId: string }).sessionId === user.sessionId;
    if (event.name === 'user.tokens.revoked') return user.via === 'jwt' && (event.payload as { userId: string }).userId === user.id;
    return false;
  }
}
