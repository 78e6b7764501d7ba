// EventMap is declared in index.ts: module augmentation only merges into the declaring module.
import type { EventMap } from './index';

export type EventName = keyof EventMap & string;

export interface EventEnvelope<K extends EventName = EventName> {
  readonly id: string;
  readonly name: K;
  readonly payload: EventMap[K];
  readonly timestamp: string;
  /** The instance that published it. */
  readonly origin: string;
}

/** How envelopes travel between instances; in-process by default, Redis pub/sub when configured. */
export interface EventTransport {
  publish(envelope: EventEnvelope): Promise<void>;
  /** Delivers envelopes published by other instances (local ones are delivered by the bus). */
  onRemote(listener: (envelope: EventEnvelope) => void): void;
  close(): Promise<void>;
}
