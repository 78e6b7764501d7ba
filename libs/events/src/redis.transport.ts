import type Redis from 'ioredis';
import type { EventEnvelope, EventTransport } from './event-map';

/**
 * Pub/sub fan-out so every instance sees every event; an instance skips its own echoes. The
 * channel carries the deployment's REDIS_KEY_PREFIX: two deployments sharing one Redis must never
 * hear each other's events (they carry user ids, sessions, runs).
 */
export class RedisEventTransport implements EventTransport {
  private readonly listeners: Array<(envelope: EventEnvelope) => void> = [];
  private readonly channel: string;

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly instanceId: string,
    private readonly onError: (error: Error) => void,
    keyPrefix: string,
  ) {
    this.channel = `${keyPrefix}events`;
    subscriber.subscribe(this.channel).catch((error: Error) => onError(error));
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.receive(message);
    });
  }

  async publish(envelope: EventEnvelope): Promise<void> {
    await this.publisher.publish(this.channel, JSON.stringify(envelope));
  }

  onRemote(listener: (envelope: EventEnvelope) => void): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    await this.subscriber.unsubscribe(this.channel).catch(() => undefined);
  }

  private receive(message: string): void {
    let envelope: EventEnvelope;
    try {
      envelope = JSON.parse(message) as EventEnvelope;
    } catch (error) {
      this.onError(error as Error);
      return;
    }
    if (envelope.origin === this.instanceId) return;
    for (const listener of this.listeners) listener(envelope);
  }
}
