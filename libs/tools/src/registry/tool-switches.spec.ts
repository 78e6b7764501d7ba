import type { AuditWriter } from '@app/audit';
import { EventBus, LocalOnlyTransport } from '@app/events';
import type { DataSource } from 'typeorm';
import { describe, expect, it } from 'vitest';
import type { ToolDefinition } from '../tool.types';
import { ToolRegistry } from './tool-registry';
import { ToolSwitches } from './tool-switches';

const tool = (name: string): ToolDefinition => ({ id: `tool_${name}`, name, description: '', version: '1', category: 'system', source: 'builtin', inputSchema: { type: 'object' }, permissions: [], run: async () => name });

describe('ToolSwitches', () => {
  it('switches off at start what the database holds, before or after the tools register', async () => {
    const events = new EventBus(new LocalOnlyTransport());
    const registry = new ToolRegistry(events);
    registry.register(tool('early'));
    const dataSource = { getRepository: () => ({ find: async () => [{ toolId: 'tool_early' }, { toolId: 'tool_late' }] }) } as unknown as DataSource;
    const switches = new ToolSwitches(dataSource, registry, events, { record: async () => undefined } as unknown as AuditWriter);
    await switches.onModuleInit();
    expect(registry.find('early')?.enabled).toBe(false);
    // Registered later (an upstream connecting after the start): off as it arrives; others on.
    expect(registry.register(tool('late')).enabled).toBe(false);
    expect(registry.register(tool('other')).enabled).toBe(true);
    registry.switchTool('tool_late', true);
    expect(registry.find('late')?.enabled).toBe(true);
    expect(registry.register(tool('late')).enabled).toBe(true);
    switches.onModuleDestroy();
  });
});
