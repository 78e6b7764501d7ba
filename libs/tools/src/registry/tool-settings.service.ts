import { AuditWriter } from '@app/audit';
import { ApiError, type RequestOrigin } from '@app/common';
import { EventBus } from '@app/events';
import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { ToolSettingEntity } from './tool-setting.entity';
import { ToolRegistry, type ToolSettings } from './tool-registry';

/** What an admin changes of a tool; what is absent stays. */
export interface ToolSettingsChange {
  readonly enabled?: boolean;
  readonly requiresConfirmation?: boolean | null;
  readonly tags?: readonly string[];
  readonly reason?: string;
}

const DEFAULTS: ToolSettings = { enabled: true, requiresConfirmation: null, tags: [] };

/**
 * Admins' settings of tools: switched off (listed, run on no door), or a person's leave asked for
 * each run (or never, whatever the server says). Kept in the database by the tool's id (read at
 * start), told to every instance by event.
 */
@Injectable()
export class ToolSettingsService implements OnModuleInit, OnModuleDestroy {
  private readonly rows: Repository<ToolSettingEntity>;
  private unsubscribe?: () => void;

  constructor(
    dataSource: DataSource,
    private readonly registry: ToolRegistry,
    private readonly events: EventBus,
    private readonly audit: AuditWriter,
  ) {
    this.rows = dataSource.getRepository(ToolSettingEntity);
  }

  async onModuleInit(): Promise<void> {
    this.unsubscribe = this.events.on('tools.settings.changed', (event) => {
      // An instance of an earlier version tells no tags.
      if (event.origin !== this.events.instanceId) this.registry.applySettings(event.payload.toolId, settingsOrDefault({ ...event.payload.settings, tags: event.payload.settings.tags ?? [] }));
    });
    for (const row of await this.rows.find({ select: { toolId: true, enabled: true, requiresConfirmation: true, tags: true } })) {
      this.registry.applySettings(row.toolId, { enabled: row.enabled, requiresConfirmation: row.requiresConfirmation, tags: row.tags });
    }
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /** Changes a registered tool's settings (by id or name); the answer is its id. */
  async update(ref: string, change: ToolSettingsChange, actor: string, origin: RequestOrigin): Promise<string> {
    const { definition } = this.registry.resolve(ref);
    if (change.enabled === undefined && change.requiresConfirmation === undefined && change.tags === undefined) {
      throw ApiError.validation('Nothing to change', [{ field: 'enabled', message: 'give enabled, requiresConfirmation, tags, or several of them', code: 'REQUIRED' }]);
    }
    const current = this.registry.settingsOf(definition.id) ?? DEFAULTS;
    const next: ToolSettings = {
      enabled: change.enabled ?? current.enabled,
      requiresConfirmation: change.requiresConfirmation === undefined ? current.requiresConfirmation : change.requiresConfirmation,
      tags: change.tags === undefined ? current.tags : [...change.tags],
    };
    if (settingsOrDefault(next) === null) await this.rows.delete({ toolId: definition.id });
    else await this.rows.upsert({ toolId: definition.id, ...next, tags: [...next.tags], reason: change.reason ?? null, updatedBy: actor, updatedAt: new Date() }, ['toolId']);
    this.registry.applySettings(definition.id, settingsOrDefault(next));
    this.events.publish('tools.settings.changed', { toolId: definition.id, settings: next });
    const switched = next.enabled !== current.enabled;
    await this.audit.record({
      action: switched ? (next.enabled ? 'tool.enable' : 'tool.disable') : 'tool.settings.update',
      result: 'success',
      userId: actor,
      resource: definition.id,
      details: { toolId: definition.id, name: definition.name, ...next, ...(change.reason ? { reason: change.reason } : {}) },
      origin,
    });
    return definition.id;
  }

  /** A tool that is gone for good (an HTTP tool deleted) leaves no settings for a later tool of its name. */
  async forget(toolId: string): Promise<void> {
    if (!this.registry.settingsOf(toolId)) return;
    await this.rows.delete({ toolId });
    this.registry.applySettings(toolId, null);
    this.events.publish('tools.settings.changed', { toolId, settings: DEFAULTS });
  }
}

/** Null for the defaults, which need no row. */
function settingsOrDefault(settings: ToolSettings): ToolSettings | null {
  return settings.enabled && settings.requiresConfirmation === null && settings.tags.length === 0 ? null : settings;
}
