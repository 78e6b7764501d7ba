import type { CircuitBreakerList, CircuitBreakerState, MonitorOverview } from '@app/contracts';
import { EventBus } from '@app/events';
import { Injectable } from '@nestjs/common';
import { ExecutionsService } from '../execution/executions.service';
import { ToolRegistry } from '../registry/tool-registry';
import type { CircuitSnapshot } from './circuit-breaker';
import { copiesOf, type SharedUpstream } from './upstream-pool';
import type { UpstreamServerEntity } from './upstream-server.entity';
import { UpstreamService } from './upstream.service';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** A server never connected on this instance has a breaker that has seen nothing since its configuration changed. */
function circuitOf(server: UpstreamServerEntity, connection: SharedUpstream | undefined): CircuitBreakerState {
  const snapshot: CircuitSnapshot = connection?.breaker.snapshot() ?? { state: 'closed', failures: 0, successes: 0, lastError: null, lastFailureAt: null, lastStateChange: server.updatedAt.getTime(), cooldownEndsAt: null };
  return {
    serverId: server.id,
    serverName: server.name,
    state: snapshot.state,
    failures: snapshot.failures,
    successes: snapshot.successes,
    // The breaker is told only reasons the connection has already masked (describe, lastError).
    lastError: snapshot.lastError,
    lastFailureAt: iso(snapshot.lastFailureAt),
    lastStateChange: iso(snapshot.lastStateChange) as string,
    cooldownEndsAt: iso(snapshot.cooldownEndsAt),
  };
}

/** The server's copies here: how many are configured and connected, and the calls each was sent. */
function replicasOf(server: UpstreamServerEntity, connection: SharedUpstream | undefined): { count: number; connected: number; calls: number[] } {
  const states = copiesOf(connection);
  return { count: server.replicas.count, connected: states.filter((state) => state.status === 'connected').length, calls: states.map((state) => state.calls) };
}

/** What an operator watches (MCP Connect's monitor): upstreams and their circuits here, tools, today's runs everywhere. */
@Injectable()
export class MonitorService {
  constructor(
    private readonly upstreams: UpstreamService,
    private readonly registry: ToolRegistry,
    private readonly executions: ExecutionsService,
    private readonly events: EventBus,
  ) {}

  async overview(): Promise<MonitorOverview> {
    const today = new Date().toISOString().slice(0, 10);
    const [servers, usage] = await Promise.all([this.upstreams.withConnections(), this.executions.usage({ since: today, until: today })]);
    const tools = this.registry.all();
    const views = servers.map(({ server, connection }) => ({
      id: server.id,
      name: server.name,
      enabled: server.enabled,
      status: connection?.status ?? 'disconnected',
      tools: tools.filter((tool) => tool.definition.server?.id === server.id).length,
      lastError: connection?.lastError ?? null,
      lastConnectedAt: iso(connection?.lastConnectedAt?.getTime() ?? null),
      circuit: circuitOf(server, connection),
      replicas: replicasOf(server, connection),
    }));
    const runs = usage.byDay.get(today);
    return {
      instanceId: this.events.instanceId,
      timestamp: new Date().toISOString(),
      uptime: Math.floor(process.uptime()),
      overview: {
        totalServers: views.length,
        enabledServers: views.filter((view) => view.enabled).length,
        connectedServers: views.filter((view) => view.status === 'connected').length,
        openCircuits: views.filter((view) => view.circuit.state !== 'closed').length,
        totalTools: tools.length,
        upstreamTools: tools.filter((tool) => tool.definition.source === 'upstream').length,
        runsToday: runs?.runs ?? 0,
        failedRunsToday: runs?.failed ?? 0,
      },
      servers: views,
    };
  }

  async circuitBreakers(): Promise<CircuitBreakerList> {
    return { circuitBreakers: (await this.upstreams.withConnections()).map(({ server, connection }) => circuitOf(server, connection)) };
  }
}
