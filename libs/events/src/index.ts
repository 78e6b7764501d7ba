export { EventBus, LocalOnlyTransport } from './event-bus';
export type { EventEnvelope, EventName, EventTransport } from './event-map';

/**
 * Event name -> payload type. Each lib adds its own events by declaration merging, so the bus
 * stays ignorant of domains while publishers and subscribers stay type-checked:
 *
 *   declare module '@app/events' {
 *     interface EventMap { 'user.created': { userId: string; email: string } }
 *   }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface EventMap {}
export { EventsModule } from './events.module';
export { RedisEventTransport } from './redis.transport';
