import { Module } from '@nestjs/common';
import { McpController } from './mcp/mcp.controller';
import { ClientRequests } from './client-requests';
import { McpService } from './mcp/mcp.service';
import { EventsController } from './sse/events.controller';
import { RpcGateway } from './ws/rpc.gateway';
import { WsUpgradeGate } from './ws/ws-upgrade.gate';

/** The realtime doors: /ws (JSON-RPC over WebSocket), /mcp (MCP Streamable HTTP) and /events (SSE). */
@Module({ controllers: [McpController, EventsController], providers: [RpcGateway, WsUpgradeGate, McpService, ClientRequests], exports: [WsUpgradeGate] })
export class RealtimeModule {}
