import type { UpstreamReplicaState } from '@app/contracts';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Tool as McpTool } from '@modelcontextprotocol/sdk/types.js';
import type { Attributes } from '@opentelemetry/api';
import type { ToolDefinition, ToolRunContext } from '../tool.types';
import { Logger } from '@nestjs/common';
import type { CircuitSnapshot, CircuitState } from './circuit-breaker';
import { CallLost, type ConnectionStatus, type CredentialReport, type UpstreamConnection, type UpstreamSettings } from './upstream-connection';
import { ApiError } from '@app/common';
import type { UpstreamReplicaSettings } from './upstream-server.entity';

type PublishTools = (definitions: ToolDefinition[], reason: string) => void;

/** Makes one copy's connection: its settings (replica index, status reports to the pool) and where its listings go. */
export type ReplicaFactory = (settings: UpstreamSettings, publishTools: PublishTools) => UpstreamConnection;

const STATUS_RANK: readonly ConnectionStatus[] = ['connected', 'connecting', 'error', 'disconnected'];
const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);

/** What the API shows of one copy's connection. */
export function replicaState(connection: UpstreamConnection, index: number): UpstreamReplicaState {
  return {
    index,
    status: connection.status,
    lastError: connection.lastError,
    lastConnectedAt: connection.lastConnectedAt?.toISOString() ?? null,
    circuit: connection.breaker.state,
    pid: connection.pid,
    ...(connection.settings.transport.type === 'stdio' || connection.settings.transport.url === undefined ? {} : { url: connection.settings.transport.url }),
    inFlight: connection.inFlight,
    calls: connection.calls,
  };
}

/**
 * The copies' circuits as one: those of the connected copies (a copy that is down takes no calls,
 * whatever its circuit says), or of all while none is. Closed while any of them is, half-open
 * while one may probe, else open.
 */
class PoolCircuit {
  constructor(private readonly replicas: readonly UpstreamConnection[]) {}

  private considered(): readonly UpstreamConnection[] {
    const connected = this.replicas.filter((replica) => replica.status === 'connected');
    return connected.length > 0 ? connected : this.replicas;
  }

  get state(): CircuitState {
    const states = this.considered().map((replica) => replica.breaker.state);
    return states.includes('closed') ? 'closed' : states.includes('half-open') ? 'half-open' : 'open';
  }

  snapshot(): CircuitSnapshot {
    const snapshots = this.considered().map((replica) => replica.breaker.snapshot());
    const state = this.state;
    const latestFailure = snapshots.filter((snapshot) => snapshot.lastFailureAt !== null).sort((a, b) => (b.lastFailureAt as number) - (a.lastFailureAt as number))[0];
    const cooldowns = snapshots.flatMap((snapshot) => (snapshot.cooldownEndsAt === null ? [] : [snapshot.cooldownEndsAt]));
    return {
      state,
      failures: sum(snapshots.map((snapshot) => snapshot.failures)),
      successes: sum(snapshots.map((snapshot) => snapshot.successes)),
      lastError: latestFailure?.lastError ?? null,
      lastFailureAt: latestFailure?.lastFailureAt ?? null,
      lastStateChange: Math.max(...snapshots.map((snapshot) => snapshot.lastStateChange)),
      // The first copy back (half-open) ends the outage.
      cooldownEndsAt: state === 'open' && cooldowns.length > 0 ? Math.min(...cooldowns) : null,
    };
  }
}

/**
 * A server kept as several copies (the API's UpstreamReplicas), shown to the rest of the gateway as
 * one connection. Each copy is an UpstreamConnection of its own (health checks, circuit,
 * reconnection); the pool spreads tool calls over the copies that can take them, serves the listing
 * of one copy at a time, and tells operators of the server's state only when the whole changes.
 */
export class UpstreamPool {
  readonly breaker: PoolCircuit;
  private readonly logger: Logger;
  private readonly replicas: readonly UpstreamConnection[];
  /** Each copy's last listing (the registry's definitions) and the upstream tool names in it. */
  private readonly listed: ToolDefinition[][];
  private readonly lists: Array<ReadonlySet<string>>;
  /** The copy whose listing the registry serves. */
  private serving?: number;
  private next = 0;
  private nextRead = 0;
  private wanted = false;
  private told?: ConnectionStatus;
  private circuitOpen = false;
  private followPending = false;
  /** Each copy's last status other than connecting: one reconnecting after an error is still down. */
  private readonly settled: ConnectionStatus[];
  /** Subscriptions being moved to another copy (each moved once at a time). */
  private readonly moving = new Set<string>();
  private quiet = false;
  private readonly subscribedOn = new Map<string, UpstreamConnection>();

  constructor(
    readonly settings: UpstreamSettings,
    private readonly replication: UpstreamReplicaSettings,
    private readonly publishTools: PublishTools,
    make: ReplicaFactory,
    private readonly cooldownMs: number,
  ) {
    this.logger = new Logger(`Upstream:${settings.name}`);
    this.listed = Array.from({ length: replication.count }, () => []);
    this.settled = Array.from({ length: replication.count }, () => 'disconnected');
    this.lists = Array.from({ length: replication.count }, () => new Set<string>());
    const endpoints = settings.transport.type === 'stdio' || settings.transport.url === undefined ? [] : [settings.transport.url, ...(replication.urls ?? [])];
    // Copy i reaches the i-th endpoint, round and round (a stdio copy is its own process).
    const transportOf = (index: number) => (endpoints.length === 0 ? settings.transport : { ...settings.transport, url: endpoints[index % endpoints.length] });
    this.replicas = Array.from({ length: replication.count }, (_, index) =>
      make(
        // Every status a copy takes is watched (observe), not only those it would tell: a copy
        // failing again while reconnecting tells nothing new, but the server's state may change.
        { ...settings, transport: transportOf(index), replica: index, changed: (change) => change.kind === 'circuit' && this.reassess(), observe: () => this.observed(index) },
        (definitions, reason) => this.replicaListed(index, definitions, reason),
      ),
    );
    this.breaker = new PoolCircuit(this.replicas);
  }

  /**
   * Connected while any copy is; else connecting while one makes its first attempt; else in error
   * while one failed (one reconnecting after a failure is still in error); else disconnected.
   */
  get status(): ConnectionStatus {
    const statuses = new Set(this.replicas.map((replica, index) => (replica.status === 'connecting' && this.settled[index] === 'error' ? 'error' : replica.status)));
    return STATUS_RANK.find((status) => statuses.has(status)) ?? 'disconnected';
  }

  get lastError(): string | null {
    return this.replicas.find((replica) => replica.lastError !== null)?.lastError ?? null;
  }

  get lastConnectedAt(): Date | null {
    const times = this.replicas.flatMap((replica) => (replica.lastConnectedAt ? [replica.lastConnectedAt.getTime()] : []));
    return times.length > 0 ? new Date(Math.max(...times)) : null;
  }

  get pid(): number | null {
    return this.replicas.find((replica) => replica.status === 'connected')?.pid ?? null;
  }

  get tools(): McpTool[] {
    return this.serving === undefined ? [] : this.replicas[this.serving].tools;
  }

  get resources(): number {
    return this.lead()?.resources ?? 0;
  }

  get prompts(): number {
    return this.lead()?.prompts ?? 0;
  }

  get subscribable(): boolean {
    return this.lead()?.subscribable ?? false;
  }

  get scrub(): (text: string) => string {
    return this.replicas[0].scrub;
  }

  states(): UpstreamReplicaState[] {
    return this.replicas.map(replicaState);
  }

  /** Connects every copy; settles once each has tried, and rejects only when none could connect. */
  async connect(): Promise<void> {
    this.wanted = true;
    const outcomes = await Promise.allSettled(this.replicas.map((replica) => replica.connect()));
    const failed = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failed.length === outcomes.length) throw failed[0].reason;
  }

  async disconnect(): Promise<void> {
    this.wanted = false;
    this.subscribedOn.clear();
    await Promise.all(this.replicas.map((replica) => replica.disconnect()));
  }

  handOver(): ConnectionStatus | undefined {
    this.quiet = true;
    for (const replica of this.replicas) replica.handOver();
    return this.told;
  }

  continueFrom(told: ConnectionStatus | undefined): void {
    this.told = told;
  }

  /**
   * A call to one copy; sent once more to another when the first could not take it (not connected,
   * its circuit open: nothing was sent), or lost it (the connection broke, no answer came) and the
   * tool says running it twice is harmless (readOnlyHint or idempotentHint).
   */
  async call(toolName: string, input: Record<string, unknown>, run: ToolRunContext): Promise<unknown> {
    const first = this.pick(toolName);
    try {
      return await first.call(toolName, input, run);
    } catch (error) {
      const other = run.signal.aborted ? undefined : this.failover(error, first, toolName);
      if (!other) throw error;
      this.logger.warn(`${toolName}: copy #${this.replicas.indexOf(first)} ${error instanceof CallLost ? 'lost the call' : 'could not take the call'}; sent to copy #${this.replicas.indexOf(other)}`);
      return other.call(toolName, input, run);
    }
  }

  private failover(error: unknown, failed: UpstreamConnection, toolName: string): UpstreamConnection | undefined {
    const unsent = error instanceof ApiError && error.status === 503;
    if (!unsent && !(error instanceof CallLost && this.repeatable(toolName))) return undefined;
    const other = this.pick(toolName, failed);
    const index = this.replicas.indexOf(other);
    return other !== failed && other.status === 'connected' && this.lists[index].has(toolName) && other.breaker.admits() ? other : undefined;
  }

  /** The tool as served (the serving copy's listing, the one approved) says a second run does no more than the first: read-only, or idempotent. */
  private repeatable(toolName: string): boolean {
    if (this.serving === undefined) return false;
    const name = `${this.settings.name}__${toolName}`;
    const annotations = this.listed[this.serving].find((definition) => definition.name === name)?.annotations;
    return annotations?.readOnlyHint === true || annotations?.idempotentHint === true;
  }

  traced<T>(method: string, target: string | undefined, parent: string | undefined, attributes: Attributes, send: (traceparent: string | undefined) => Promise<T>, failureOf?: (answer: T) => string | undefined): Promise<T> {
    return (this.lead() ?? this.replicas[0]).traced(method, target, parent, attributes, send, failureOf);
  }

  guard<T>(answer: T, where: Omit<CredentialReport, 'kinds' | 'refused'>): T {
    return this.replicas[0].guard(answer, where);
  }

  /** A connected copy's client, each in turn: reads of resources and prompts are spread like calls. */
  connectedClient(): Client | undefined {
    const count = this.replicas.length;
    for (let step = 0; step < count; step++) {
      const index = (this.nextRead + step) % count;
      const client = this.replicas[index].connectedClient();
      if (client) {
        this.nextRead = (index + 1) % count;
        return client;
      }
    }
    return undefined;
  }

  /** Made on one copy, whose updates are the ones told; it keeps the subscription across its reconnects. */
  async subscribe(uri: string): Promise<void> {
    if (this.subscribedOn.has(uri)) return;
    const replica = this.lead() ?? this.replicas[0];
    await replica.subscribe(uri);
    this.subscribedOn.set(uri, replica);
  }

  async unsubscribe(uri: string): Promise<void> {
    const replica = this.subscribedOn.get(uri);
    this.subscribedOn.delete(uri);
    await replica?.unsubscribe(uri);
  }

  /** The copy that serves the listing while connected, or else the first connected one. */
  private lead(): UpstreamConnection | undefined {
    const serving = this.serving === undefined ? undefined : this.replicas[this.serving];
    return serving?.status === 'connected' ? serving : this.replicas.find((replica) => replica.status === 'connected');
  }

  /**
   * The copy for a call: connected, listing the tool, its circuit admitting it; in turn, or the one
   * with the fewest calls in flight. With none, a copy whose own refusal says why (its circuit is
   * open, it is not connected).
   */
  private pick(toolName: string, passOver?: UpstreamConnection): UpstreamConnection {
    const count = this.replicas.length;
    const order = Array.from({ length: count }, (_, step) => (this.next + step) % count);
    const ready = (index: number): boolean => this.replicas[index] !== passOver && this.replicas[index].status === 'connected' && this.lists[index].has(toolName);
    const candidates = order.filter((index) => ready(index) && this.replicas[index].breaker.admits());
    if (candidates.length === 0) return this.replicas[order.find(ready) ?? this.serving ?? 0];
    const chosen = this.replication.strategy === 'least_pending' ? candidates.reduce((best, index) => (this.replicas[index].inFlight < this.replicas[best].inFlight ? index : best)) : candidates[0];
    this.next = (chosen + 1) % count;
    return this.replicas[chosen];
  }

  /**
   * A copy's listing. The registry serves one copy's at a time: the first to list, until it drops
   * (its listing empties) and another that has listed takes over. Once disconnected on purpose,
   * the first empty listing empties the server's, once.
   */
  private replicaListed(index: number, definitions: ToolDefinition[], reason: string): void {
    this.listed[index] = definitions;
    const prefix = `${this.settings.name}__`.length;
    this.lists[index] = new Set(definitions.map((definition) => definition.name.slice(prefix)));
    if (!this.wanted) {
      if (this.serving === undefined) return;
      this.serving = undefined;
      this.publishTools([], reason);
      return;
    }
    if (definitions.length > 0) {
      if (this.serving !== undefined && this.serving !== index) return;
      this.serving = index;
      this.publishTools(this.routed(definitions), reason);
      return;
    }
    if (this.serving !== index) return;
    const successor = this.connectedWithListing(index);
    this.serving = successor;
    this.publishTools(successor === undefined ? [] : this.routed(this.listed[successor]), reason);
  }

  /** A connected copy (other than `except`) that has listed tools. */
  private connectedWithListing(except?: number): number | undefined {
    const index = this.replicas.findIndex((replica, other) => other !== except && replica.status === 'connected' && this.listed[other].length > 0);
    return index === -1 ? undefined : index;
  }

  /** A copy's definitions, run through the pool rather than through that copy. */
  private routed(definitions: readonly ToolDefinition[]): ToolDefinition[] {
    const prefix = `${this.settings.name}__`.length;
    return definitions.map((definition) => {
      const toolName = definition.name.slice(prefix);
      return { ...definition, run: (input, context) => this.call(toolName, input, context) };
    });
  }

  private observed(index: number): void {
    const status = this.replicas[index].status;
    if (status !== 'connecting') this.settled[index] = status;
    this.reassess();
  }

  /**
   * A copy's status or circuit changed. Once its own work is done (a connection sets its status
   * before it closes its circuit), the whole is summed up again: what changed is told, and the
   * listing and the subscriptions move off a copy that went down. Changes in one turn are one.
   */
  private reassess(): void {
    if (this.quiet || this.followPending) return;
    this.followPending = true;
    queueMicrotask(() => {
      this.followPending = false;
      if (this.quiet) return;
      try {
        this.tellStatus();
        if (!this.wanted) return;
        this.tellCircuit();
        this.followConnected();
      } catch (error) {
        this.logger.warn(`copies not summed up: ${(error as Error).message}`);
      }
    });
  }

  private tellStatus(): void {
    const status = this.status;
    if (status === 'connecting' || status === this.told || (this.told === undefined && status === 'disconnected') || (!this.wanted && status !== 'disconnected')) return;
    this.told = status;
    this.settings.changed?.({ kind: 'status', status, error: status === 'error' ? this.lastError : null, tools: this.tools.length });
  }

  /**
   * Open once no connected copy has its circuit closed; closed again when one has. With none
   * connected, the server is down and its circuit stays as last told.
   */
  private tellCircuit(): void {
    if (!this.replicas.some((replica) => replica.status === 'connected')) return;
    const open = this.breaker.state !== 'closed';
    if (open === this.circuitOpen) return;
    this.circuitOpen = open;
    const snapshot = this.breaker.snapshot();
    this.settings.changed?.(open ? { kind: 'circuit', state: 'open', failures: snapshot.failures, error: snapshot.lastError, cooldownMs: this.cooldownMs } : { kind: 'circuit', state: 'closed', failures: 0, error: null, cooldownMs: this.cooldownMs });
  }

  /** The listing served, and the subscriptions made, stay on a copy that is connected while one is. */
  private followConnected(): void {
    const serving = this.serving === undefined ? undefined : this.replicas[this.serving];
    if (serving?.status !== 'connected') {
      const successor = this.connectedWithListing();
      if (successor !== undefined) {
        this.serving = successor;
        this.publishTools(this.routed(this.listed[successor]), 'upstream copy took over');
      }
    }
    const lead = this.lead();
    if (!lead) return;
    for (const [uri, replica] of this.subscribedOn) {
      if (replica.status === 'connected' || replica === lead || this.moving.has(uri)) continue;
      this.moving.add(uri);
      // Pointed at the new copy once it holds the subscription; one given up meanwhile is given up there too.
      void replica
        .unsubscribe(uri)
        .then(() => lead.subscribe(uri))
        .then(() => {
          if (this.subscribedOn.get(uri) === replica) this.subscribedOn.set(uri, lead);
          else return lead.unsubscribe(uri);
        })
        .catch((error: unknown) => this.logger.warn(`moving the subscription to ${uri} failed: ${(error as Error).message}`))
        .finally(() => this.moving.delete(uri));
    }
  }
}

/** What the gateway holds for a configured server on this instance: its one connection, or its copies. */
export type SharedUpstream = UpstreamConnection | UpstreamPool;

/** Each copy of a server on this instance as the API shows it: a pool's copies, a single connection as copy 0, none without a connection. */
export function copiesOf(connection: SharedUpstream | undefined): UpstreamReplicaState[] {
  if (connection instanceof UpstreamPool) return connection.states();
  return connection ? [replicaState(connection, 0)] : [];
}
