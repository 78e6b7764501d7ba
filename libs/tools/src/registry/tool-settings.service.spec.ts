import type { AuditWriter } from '@app/audit';
import { EventBus, LocalOnlyTransport } from '@app/events';
import type { DataSource } from 'typeorm';
import { describe, expect, it } from 'vitest';
import type { ToolDefinition } from '../tool.types';
import { ToolRegistry } from './tool-registry';
import { ToolSettingsService } from './tool-settings.service';

const tool = (name: string, requiresConfirmation = false): ToolDefinition => ({
  id: `tool_${name}`,
  name,
  description: '',
  version: '1',
  category: 'system',
  source: 'builtin',
  inputSchema: { type: 'object' },
  permissions: [],
  ...(requiresConfirmation ? { requiresConfirmation } : {}),
  run: async () => name,
});

describe('ToolSettingsService', () => {
  it('applies at start what the database holds, before or after the tools register', async () => {
    const events = new EventBus(new LocalOnlyTransport());
    const registry = new ToolRegistry(events);
    registry.register(tool('early'));
    const rows = [
      { toolId: 'tool_early', enabled: false, requiresConfirmation: null },
      { toolId: 'tool_late', enabled: true, requiresConfirmation: true },
      { toolId: 'tool_trusted', enabled: true, requiresConfirmation: false },
    ];
    const dataSource = { getRepository: () => ({ find: async () => rows }) } as unknown as DataSource;
    const settings = new ToolSettingsService(dataSource, registry, events, { record: async () => undefined } as unknown as AuditWriter);
    await settings.onModuleInit();
    expect(registry.find('early')?.enabled).toBe(false);
    // Registered later (an upstream connecting after the start): the settings meet it as it arrives.
    expect(registry.register(tool('late'))).toMatchObject({ enabled: true, requiresConfirmation: true });
    // false lifts what the server asks; no setting leaves it as the server says.
    expect(registry.register(tool('trusted', true)).requiresConfirmation).toBe(false);
    expect(registry.register(tool('asked', true)).requiresConfirmation).toBe(true);
    expect(registry.register(tool('other')).requiresConfirmation).toBe(false);
    registry.applySettings('tool_late', null);
    expect(registry.find('late')).toMatchObject({ enabled: true, requiresConfirmation: false });
    settings.onModuleDestroy();
  });
});
