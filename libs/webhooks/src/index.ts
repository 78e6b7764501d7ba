export { DeliveryRetention } from './delivery-retention';
export { backoffMs, WebhookDispatcher } from './webhook-dispatcher';
export { WEBHOOK_EVENTS, WebhookOutbox } from './webhook-outbox';
export { attemptSignature, bodySignature, payloadSignature, signedDelivery, verifyAttemptSignature, verifyBodySignature } from './webhook-signature';
export type { WebhookPayload } from './webhook-signature';
export { WebhookDeliveryEntity, WebhookEntity } from './webhook.entity';
export type { DeliveryStatus } from './webhook.entity';
export { WebhooksModule } from './webhooks.module';
export { deliveryView, WebhooksService, webhookView } from './webhooks.service';
