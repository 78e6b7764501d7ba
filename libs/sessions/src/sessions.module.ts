import { Global, Module } from '@nestjs/common';
import { SessionActivity } from './session-activity';
import { SessionsController } from './sessions.controller';
import { SessionsService } from './sessions.service';

/** Global: every door (HTTP, WebSocket, MCP) starts, counts and ends sessions through it. */
@Global()
@Module({ controllers: [SessionsController], providers: [SessionsService, SessionActivity], exports: [SessionsService, SessionActivity] })
export class SessionsModule {}
