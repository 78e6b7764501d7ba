import { Global, Module } from '@nestjs/common';
import { BuiltinTools } from './builtins/builtin-tools';
import { ExecutionRetention } from './execution/execution-retention';
import { ExecutionTotals } from './execution/execution-totals';
import { ExecutionsService } from './execution/executions.service';
import { ToolExecutor } from './execution/tool-executor.service';
import { ToolRegistry } from './registry/tool-registry';
import { ToolsController } from './tools.controller';
import { ToolsRpc } from './tools.rpc';
import { ToolsService } from './tools.service';
import { AdminServerGroupsController } from './upstream/admin-server-groups.controller';
import { ServerGroupsService } from './upstream/server-groups.service';
import { AdminServersController } from './upstream/admin-servers.controller';
import { UpstreamService } from './upstream/upstream.service';

/** Global: the WebSocket and MCP doors call the same executor and registry. */
@Global()
@Module({
  controllers: [ToolsController, AdminServersController, AdminServerGroupsController],
  providers: [ToolRegistry, ExecutionTotals, ExecutionRetention, ExecutionsService, ToolExecutor, ToolsService, BuiltinTools, UpstreamService, ServerGroupsService, ToolsRpc],
  exports: [ToolRegistry, ToolExecutor, ToolsService, ExecutionsService, ExecutionTotals, ExecutionRetention, UpstreamService],
})
export class ToolsModule {}
