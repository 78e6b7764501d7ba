import { TokenCredentialVerifier } from '@app/auth';
import { ApiError, requestAddress } from '@app/common';
import { AppConfig } from '@app/config';
import { StreamEventsQueryDto } from '@app/contracts';
import { type EventEnvelope, EventBus } from '@app/events';
import { type AuthenticatedUser, CurrentUser } from '@app/security';
import { Controller, Get, type OnModuleDestroy, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import { atExpiry, mayRevoke, recheckCredential } from '../credential-watch';
import { followed, PUBLIC_EVENTS, visibleTo } from '../event-visibility';

const KEEPALIVE_MS = 15_000;

/** The upstream server an event is about ('' for none). */
function serverOf(event: EventEnvelope): string {
  const serverId = (event.payload as { serverId?: unknown }).serverId;
  return typeof serverId === 'string' ? serverId.toLowerCase() : '';
}
const SLOW_READER_BYTES = 1024 * 1024;

/** `GET /events`: Server-Sent Events for dashboards, the same events and visibility as /ws. */
@Controller('events')
export class EventsController implements OnModuleDestroy {
  private readonly open = new Set<ServerResponse>();
  /** Live streams by user on this instance: an endless stream holds a socket and a listener, so they are capped as /ws connections are. */
  private readonly perUser = new Map<string, number>();

  constructor(
    private readonly events: EventBus,
    private readonly verifier: TokenCredentialVerifier,
    private readonly config: AppConfig,
  ) {}

  @Get()
  stream(@CurrentUser() user: AuthenticatedUser, @Query() query: StreamEventsQueryDto, @Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    const names = this.parseTypes(query.types);
    const servers = query.servers === undefined ? undefined : new Set(query.servers.toLowerCase().split(','));
    const cap = this.config.realtime.sseMaxStreamsPerUser;
    const held = this.perUser.get(user.id) ?? 0;
    if (held >= cap) throw new ApiError(429, 'RATE_LIMIT_EXCEEDED', `At most ${cap} live event streams per user`);
    this.perUser.set(user.id, held + 1);
    reply.hijack();
    const out = reply.raw;
    out.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no', 'x-request-id': String(request.id) });
    out.write(`retry: 5000\n: following ${[...names].join(',')}\n\n`);
    this.open.add(out);
    const authorization = request.headers.authorization;
    // While a check of the stream's credential is under way, nothing is written to it.
    let checking = 0;
    const recheck = async (): Promise<void> => {
      checking++;
      try {
        const { reason, now } = await recheckCredential(this.verifier, user, authorization ?? '', requestAddress(request));
        disarm();
        if (reason !== null) close();
        else if (now && !out.writableEnded) disarm = atExpiry(now, () => void recheck());
      } finally {
        checking--;
      }
    };
    // An API key's expiry ends the stream as it ends the key.
    let disarm = atExpiry(user, () => void recheck());
    let closed = false;
    const close = (): void => {
      if (!closed) {
        closed = true;
        const left = (this.perUser.get(user.id) ?? 1) - 1;
        if (left > 0) this.perUser.set(user.id, left);
        else this.perUser.delete(user.id);
      }
      off();
      disarm();
      clearInterval(keepalive);
      this.open.delete(out);
      if (!out.writableEnded) out.end();
    };
    const off = this.events.on('*', (event) => {
      if (this.endsStream(user, event)) return close();
      if (mayRevoke(user, event)) void recheck();
      if (checking > 0 || !followed(names, event) || !visibleTo(user, event) || out.writableLength > SLOW_READER_BYTES) return;
      if (servers && !servers.has(serverOf(event))) return;
      out.write(`id: ${event.id}\nevent: ${event.name}\ndata: ${JSON.stringify({ event: event.name, timestamp: event.timestamp, data: event.payload })}\n\n`);
    });
    const keepalive = setInterval(() => out.write(': keepalive\n\n'), KEEPALIVE_MS);
    keepalive.unref();
    out.on('close', close);
    // A client gone while the guards ran: its 'close' came before anyone listened.
    if (out.destroyed || !out.socket || out.socket.destroyed) close();
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

  // The caller's session ended: the stream stops, as a WebSocket would. Other events that may take
  // rights away (revoked tokens or API key, changed roles) have the stream's credential checked again.
  private endsStream(user: AuthenticatedUser, event: EventEnvelope): boolean {
    return event.name === 'session.terminated' && user.sessionId !== undefined && (event.payload as { sessionId: string }).sessionId === user.sessionId;
  }
}
