import { isoString } from '@app/common';
import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EventEnvelope, EventName, EventTransport } from './event-map';
import type { EventMap } from './index';

type Handler<K extends EventName> = (envelope: EventEnvelope<K>) => void | Promise<void>;
export function newInstanceId(): string {
  return `inst_${randomUUID().slice(0, 8)}`;
}

type AnyHandler = (envelope: EventEnvelope) => void | Promise<void>;
/** A durable event's consequence: a promise of it being committed, or nothing when there is none (most events, most of the time). */
type DurableHook = (envelope: EventEnvelope) => Promise<void> | undefined;

/** Where other instances' events come from when there is no shared transport. */
export class LocalOnlyTransport implements EventTransport {
  async publish(): Promise<void> {}
  onRemote(): void {}
  async close(): Promise<void> {}
}

/**
 * The typed event bus every lib publishes to. Local subscribers get events asynchronously and in
 * order; a failing handler is logged and never affects the publisher or other handlers.
 */
export class EventBus implements OnApplicationShutdown {
  private readonly logger = new Logger('EventBus');
  private readonly handlers = new Map<string, Set<AnyHandler>>();
  private readonly durableHooks = new Set<DurableHook>();
  constructor(
    private readonly transport: EventTransport,
    readonly instanceId: string = newInstanceId(),
  ) {
    transport.onRemote((envelope) => this.dispatch(envelope));
  }

  publish<K extends EventName>(name: K, payload: EventMap[K]): EventEnvelope<K> {
    const envelope: EventEnvelope<K> = { id: randomUUID(), name, payload, timestamp: isoString(new Date()), origin: this.instanceId };
    queueMicrotask(() => this.dispatch(envelope as unknown as EventEnvelope));
    this.transport.publish(envelope as unknown as EventEnvelope).catch((error: Error) => this.logger.warn(`event ${name} not fanned out: ${error.message}`));
    return envelope;
  }

  /**
   * For events with consequences that must survive a crash (webhook deliveries): every durable hook
   * (e.g. the webhook outbox) has committed its part before this resolves, so the caller can
   * acknowledge its action knowing nothing is lost. Then it is published as usual.
   */
  async publishDurable<K extends EventName>(name: K, payload: EventMap[K]): Promise<EventEnvelope<K>> {
    const envelope: EventEnvelope<K> = { id: randomUUID(), name, payload, timestamp: isoString(new Date()), origin: this.instanceId };
    const committing: Array<Promise<void>> = [];
    for (const hook of this.durableHooks) {
      const work = hook(envelope as unknown as EventEnvelope);
      if (work) committing.push(work);
    }
    if (committing.length > 0) await Promise.all(committing);
    queueMicrotask(() => this.dispatch(envelope as unknown as EventEnvelope));
    this.transport.publish(envelope as unknown as EventEnvelope).catch((error: Error) => this.logger.warn(`event ${name} not fanned out: ${error.message}`));
    return envelope;
  }

  /** Registers a hook that publishDurable awaits (only on the instance that publishes). */
  onDurable(hook: DurableHook): () => void {
    this.durableHooks.add(hook);
    return () => this.durableHooks.delete(hook);
  }

  /** Like publish, but resolves once the transport has taken the event for the other instances. */
  async publishAndWait<K extends EventName>(name: K, payload: EventMap[K]): Promise<EventEnvelope<K>> {
    const envelope: EventEnvelope<K> = { id: randomUUID(), name, payload, timestamp: isoString(new Date()), origin: this.instanceId };
    queueMicrotask(() => this.dispatch(envelope as unknown as EventEnvelope));
    await this.transport.publish(envelope as unknown as EventEnvelope);
    return envelope;
  }

  /** Subscribes to one event, or to all with '*'. Returns the unsubscribe function. */
  on<K extends EventName>(name: K | '*', handler: Handler<K>): () => void {
    const set = this.handlers.get(name) ?? new Set<AnyHandler>();
    set.add(handler as unknown as AnyHandler);
    this.handlers.set(name, set);
    return () => set.delete(handler as unknown as AnyHandler);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.transport.close();
  }

  private dispatch(envelope: EventEnvelope): void {
    for (const key of [envelope.name, '*']) {
      for (const handler of this.handlers.get(key) ?? []) this.invoke(handler, envelope);
    }
  }

  private invoke(handler: AnyHandler, envelope: EventEnvelope): void {
    try {
      const result = handler(envelope);
      if (result instanceof Promise) result.catch((error: unknown) => this.reportHandlerError(envelope, error));
    } catch (error) {
      this.reportHandlerError(envelope, error);
    }
  }

  private reportHandlerError(envelope: EventEnvelope, error: unknown): void {
    this.logger.error({ err: error, event: envelope.name }, `handler for ${envelope.name} failed`);
  }
}
