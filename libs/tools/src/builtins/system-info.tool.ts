import { arch, cpus, freemem, hostname, loadavg, platform, release, totalmem, uptime } from 'node:os';
import type { ToolDefinition } from '../tool.types';

/** Host and process facts for monitoring dashboards. */
export function systemInfoTool(version: string): ToolDefinition {
  return {
    id: 'tool_system_info',
    name: 'system_info',
    description: 'Uptime, memory, load and version of the server',
    version: '1.0.0',
    category: 'monitoring',
    source: 'builtin',
    permissions: ['execute:tools'],
    inputSchema: { type: 'object', additionalProperties: false, properties: {} },
    outputSchema: {
      type: 'object',
      properties: { uptime: { type: 'object' }, memory: { type: 'object' }, load: { type: 'array' }, version: { type: 'string' } },
    },
    async run() {
      const memory = process.memoryUsage();
      return {
        version,
        node: process.version,
        platform: `${platform()} ${release()} ${arch()}`,
        hostname: hostname(),
        cpus: cpus().length,
        uptime: { processSeconds: Math.round(process.uptime()), systemSeconds: Math.round(uptime()) },
        memory: { rss: memory.rss, heapUsed: memory.heapUsed, heapTotal: memory.heapTotal, systemFree: freemem(), systemTotal: totalmem() },
        load: loadavg(),
      };
    },
  };
}
