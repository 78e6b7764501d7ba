import { AuditWriter } from '@app/audit';
import type { RequestOrigin } from '@app/common';
import { EventBus } from '@app/events';
import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { DisabledToolEntity } from './disabled-tool.entity';
import { ToolRegistry } from './tool-registry';

/**
 * Admins' switches on tools: a tool switched off stays registered and listed but runs on no door.
 * Kept in the database by the tool's id (read at start), told to every instance by event.
 */
@Injectable()
export class ToolSwitches implements OnModuleInit, OnModuleDestroy {
  private readonly disabled: Repository<DisabledToolEntity>;
  private unsubscribe?: () => void;

  constructor(
    dataSource: DataSource,
    private readonly registry: ToolRegistry,
    private readonly events: EventBus,
    private readonly audit: AuditWriter,
  ) {
    this.disabled = dataSource.getRepository(DisabledToolEntity);
  }

  async onModuleInit(): Promise<void> {
    this.unsubscribe = this.events.on('tools.switched', (event) => {
      if (event.origin !== this.events.instanceId) this.registry.switchTool(event.payload.toolId, event.payload.enabled);
    });
    for (const { toolId } of await this.disabled.find({ select: { toolId: true } })) this.registry.switchTool(toolId, false);
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /** Switches a registered tool (by id or name) off or on; the answer is its id. */
  async switch(ref: string, enabled: boolean, reason: string | undefined, actor: string, origin: RequestOrigin): Promise<string> {
    const { definition } = this.registry.resolve(ref);
    if (enabled) await this.disabled.delete({ toolId: definition.id });
    else await this.disabled.upsert({ toolId: definition.id, reason: reason ?? null, disabledBy: actor, disabledAt: new Date() }, ['toolId']);
    this.registry.switchTool(definition.id, enabled);
    this.events.publish('tools.switched', { toolId: definition.id, enabled });
    await this.audit.record({
      action: enabled ? 'tool.enable' : 'tool.disable',
      result: 'success',
      userId: actor,
      resource: definition.id,
      details: { toolId: definition.id, name: definition.name, ...(reason ? { reason } : {}) },
      origin,
    });
    return definition.id;
  }
}
