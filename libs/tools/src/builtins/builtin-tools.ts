import { AppConfig } from '@app/config';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ToolRegistry } from '../registry/tool-registry';
import { echoTool } from './echo.tool';
import { filesystemTool } from './filesystem.tool';
import { httpRequestTool } from './http-request.tool';
import { Sandbox } from './sandbox';
import { SsrfGuard } from '@app/security';
import { systemInfoTool } from './system-info.tool';

/** Puts the built-in tools in the registry at start. */
@Injectable()
export class BuiltinTools implements OnModuleInit {
  constructor(
    private readonly registry: ToolRegistry,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.registry.register(echoTool());
    this.registry.register(systemInfoTool(this.config.version));
    this.registry.register(filesystemTool(new Sandbox(this.config.toolsRoot)));
    this.registry.register(httpRequestTool(new SsrfGuard(this.config.tools.httpAllowList), this.config.tools.httpMaxResponseBytes));
  }
}
