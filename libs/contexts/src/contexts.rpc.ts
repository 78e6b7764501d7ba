import { RpcRegistry } from '@app/rpc';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ContextsService } from './contexts.service';

/** `context/update`: changes a context and makes it the connection's current one. */
@Injectable()
export class ContextsRpc implements OnModuleInit {
  constructor(
    private readonly rpc: RpcRegistry,
    private readonly contexts: ContextsService,
  ) {}

  onModuleInit(): void {
    this.rpc.register('context/update', {
      doors: ['ws'],
      // As `PUT /contexts/{id}`: a key scoped to reading tools must not rewrite contexts over /ws.
      permissions: ['write:contexts'],
      params: {
        type: 'object',
        required: ['contextId'],
        additionalProperties: false,
        properties: {
          contextId: { type: 'string', format: 'uuid', maxLength: 64 },
          name: { type: 'string', minLength: 1, maxLength: 200 },
          description: { type: 'string', maxLength: 2000 },
          status: { type: 'string', enum: ['active', 'archived'] },
          metadata: { type: 'object' },
          tools: { type: 'array', maxItems: 200, items: { type: 'string', minLength: 1, maxLength: 200 } },
        },
      },
      handle: async (params, context) => {
        const { contextId, ...changes } = params as { contextId: string } & Record<string, unknown>;
        const updated = await this.contexts.update(context.caller, contextId, changes, context.origin);
        context.contextId = updated.id;
        return { success: true, context: updated };
      },
    });
  }
}
