import type Redis from 'ioredis';
import type { EventEnvelope, EventTransport } from './event-map';

const CHANNEL = 'secure-mcp:events';

/** Pub/sub fan-out so every instance sees every event; an instance skips its own echoes. */
export class RedisEventTransport implements EventTransport {
  private readonly listeners: Array<(envelope: EventEnvelope) => void> = [];

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly instanceId: string,
    private readonly onError: (error: Error) => void,
  ) {
    subscriber.subscribe(CHANNEL).catch((error: Error) => onError(error));
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === CHANNEL) this.receive(message);
    });
  }

  async publish(envelope: EventEnvelope): Promise<void> {
    await this.publisher.publish(CHANNEL, JSON.stringify(envelope));
  }

  onRemote(listener: (envelope: EventEnvelope) => void): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    await this.subscriber.unsubscribe(CHANNEL).catch(() => undefined);
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
