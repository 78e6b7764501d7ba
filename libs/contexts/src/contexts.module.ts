import { RunPolicies } from '@app/tools';
import { Global, Module } from '@nestjs/common';
import { ContextRunPolicies } from './context-run-policies';
import { ContextsController } from './contexts.controller';
import { ContextsRpc } from './contexts.rpc';
import { ContextsService } from './contexts.service';

/** Global so the engine (in ToolsModule) receives the RunPolicies this module binds. */
@Global()
@Module({
  controllers: [ContextsController],
  providers: [ContextsService, ContextsRpc, ContextRunPolicies, { provide: RunPolicies, useExisting: ContextRunPolicies }],
  exports: [ContextsService, RunPolicies],
})
export class ContextsModule {}
