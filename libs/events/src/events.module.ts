import { AppConfig } from '@app/config';
import { RedisService } from '@app/database';
import { Global, Logger, Module } from '@nestjs/common';
import { EventBus, LocalOnlyTransport, newInstanceId } from './event-bus';
import { RedisEventTransport } from './redis.transport';

@Global()
@Module({
  providers: [
    {
      provide: EventBus,
      inject: [RedisService, AppConfig],
      useFactory: (redis: RedisService, config: AppConfig): EventBus => {
        if (!redis.client) return new EventBus(new LocalOnlyTransport());
        const logger = new Logger('EventBus');
        const instanceId = newInstanceId();
        const transport = new RedisEventTransport(redis.client, redis.createConnection('events'), instanceId, (error) =>
          logger.warn(`event transport: ${error.message}`),
          config.redisKeyPrefix,
        );
        return new EventBus(transport, instanceId);
      },
    },
  ],
  exports: [EventBus],
})
export class EventsModule {}
