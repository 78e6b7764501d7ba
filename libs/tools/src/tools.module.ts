import { SealedStores } from '@app/security';
import { Global, Module } from '@nestjs/common';
import { BuiltinTools } from './builtins/builtin-tools';
import { ExecutionRetention } from './execution/execution-retention';
import { FavoritesController } from './favorites/favorites.controller';
import { FavoritesService } from './favorites/favorites.service';
import { ExecutionTotals } from './execution/execution-totals';
import { ExecutionsService } from './execution/executions.service';
import { ToolCache } from './execution/tool-cache';
import { ToolExecutor } from './execution/tool-executor.service';
import { AdminToolsController } from './admin-tools.controller';
import { AdminHttpToolsController } from './http-tools/admin-http-tools.controller';
import { HttpToolImporter } from './http-tools/http-tool-importer';
import { HttpToolsService } from './http-tools/http-tools.service';
import { ToolRegistry } from './registry/tool-registry';
import { ToolSettingsService } from './registry/tool-settings.service';
import { ToolsController } from './tools.controller';
import { McpTasks } from './mcp-tasks';
import { ToolsRpc } from './tools.rpc';
import { ToolsService } from './tools.service';
import { AdminServerGroupsController } from './upstream/admin-server-groups.controller';
import { ServerGroupsService } from './upstream/server-groups.service';
import { AdminServerTemplatesController } from './upstream/admin-server-templates.controller';
import { ServerTemplatesService } from './upstream/server-templates.service';
import { AdminServersController } from './upstream/admin-servers.controller';
import { AdminCacheController } from './upstream/admin-cache.controller';
import { AdminMonitorController } from './upstream/admin-monitor.controller';
import { MonitorService } from './upstream/monitor.service';
import { UpstreamBulk } from './upstream/upstream-bulk';
import { UpstreamService } from './upstream/upstream.service';
import { McpServicesController } from './upstream/mcp-services.controller';
import { McpServicesService } from './upstream/mcp-services.service';
import { UpstreamUserConfigs } from './upstream/upstream-user-configs';

/** Global: the WebSocket and MCP doors call the same executor and registry. */
@Global()
@Module({
  controllers: [ToolsController, AdminToolsController, AdminHttpToolsController, FavoritesController, McpServicesController, AdminServersController, AdminServerGroupsController, AdminServerTemplatesController, AdminCacheController, AdminMonitorController],
  providers: [ToolRegistry, ToolSettingsService, HttpToolsService, HttpToolImporter, ToolCache, ExecutionTotals, ExecutionRetention, ExecutionsService, ToolExecutor, ToolsService, BuiltinTools, UpstreamService, UpstreamUserConfigs, McpServicesService, ServerGroupsService, ServerTemplatesService, FavoritesService, MonitorService, UpstreamBulk, McpTasks, ToolsRpc],
  exports: [ToolRegistry, HttpToolsService, ToolCache, ToolExecutor, ToolsService, ExecutionsService, ExecutionTotals, ExecutionRetention, UpstreamService, McpServicesService, McpTasks],
})
export class ToolsModule {
  constructor(sealed: SealedStores) {
    const stores = [
      { table: 'upstream_servers', column: 'transport', shape: 'json', key: ['id'], description: "upstream servers' environment variables and headers" },
      { table: 'upstream_servers', column: 'auth', shape: 'json', key: ['id'], description: "upstream servers' API keys and OAuth client secrets" },
      { table: 'upstream_user_configs', column: 'sealed', shape: 'text', key: ['server_id', 'user_id'], description: "users' own configurations of upstream servers" },
      { table: 'upstream_organization_configs', column: 'sealed', shape: 'text', key: ['server_id', 'organization_id'], description: "organizations' configurations of upstream servers" },
      { table: 'http_tools', column: 'headers', shape: 'json', key: ['id'], description: "HTTP tools' headers" },
      { table: 'http_tools', column: 'auth', shape: 'json', key: ['id'], description: "HTTP tools' API keys and OAuth client secrets" },
      { table: 'tool_executions', column: 'pending_input', shape: 'text', key: ['id'], where: "status IN ('pending', 'running')", description: 'the input of runs not yet started' },
    ] as const;
    for (const store of stores) sealed.register(store);
  }
}
