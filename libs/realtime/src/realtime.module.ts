import { Module } from '@nestjs/common';
import { McpController } from './mcp/mcp.controller';
import { McpService } from './mcp/mcp.service';
import { RpcGateway } from './ws/rpc.gateway';
import { WsUpgradeGate } from './ws/ws-upgrade.gate';

/** The realtime doors: /ws (JSON-RPC over WebSocket) and /mcp (MCP Streamable HTTP). */
@Module({ controllers: [McpController], providers: [RpcGateway, WsUpgradeGate, McpService], exports: [WsUpgradeGate] })
export class RealtimeModule {}
