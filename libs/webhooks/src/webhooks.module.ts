import { SealedStores } from '@app/security';
import { Module } from '@nestjs/common';
import { DeliveryRetention } from './delivery-retention';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookOutbox } from './webhook-outbox';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

@Module({ controllers: [WebhooksController], providers: [WebhooksService, WebhookDispatcher, WebhookOutbox, DeliveryRetention] })
export class WebhooksModule {
  constructor(sealed: SealedStores) {
    sealed.register({ table: 'webhooks', column: 'secret', shape: 'text', key: ['id'], description: 'webhook signing secrets' });
  }
}
