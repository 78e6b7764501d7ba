import type { AppConfig } from '@app/config';
import { Logger } from '@nestjs/common';
import { createHmac } from 'node:crypto';

const WEBHOOK_TIMEOUT_MS = 5_000;

/** Delivers a text message. Bound only when SMS is configured (SMS_WEBHOOK_URL or SMS_SENDER=log). */
export abstract class SmsSender {
  abstract readonly kind: 'webhook' | 'log';
  /** Resolves once the message is handed over; throws when it could not be. */
  abstract send(to: string, message: string): Promise<void>;
}

/** Development: the message goes to the log, so codes can be read without a gateway. */
export class LogSmsSender extends SmsSender {
  readonly kind = 'log';
  private readonly logger = new Logger('Sms');

  async send(to: string, message: string): Promise<void> {
    this.logger.warn(`SMS to ${to} (SMS_SENDER=log, not delivered): ${message}`);
  }
}

/**
 * POSTs `{to, message}` as JSON to SMS_WEBHOOK_URL (an SMS gateway or a bridge to one). With
 * SMS_WEBHOOK_SECRET set, `X-Webhook-Signature: sha256=<HMAC of the body>` lets it check the sender.
 */
export class WebhookSmsSender extends SmsSender {
  readonly kind = 'webhook';

  constructor(
    private readonly url: string,
    private readonly secret?: string,
  ) {
    super();
  }

  async send(to: string, message: string): Promise<void> {
    const body = JSON.stringify({ to, message });
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.secret) headers['x-webhook-signature'] = `sha256=${createHmac('sha256', this.secret).update(body).digest('hex')}`;
    const response = await fetch(this.url, { method: 'POST', headers, body, redirect: 'error', signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS) });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`SMS webhook answered ${response.status}`);
  }
}

/** The configured sender, or null when SMS is off. */
export function createSmsSender(config: AppConfig): SmsSender | null {
  switch (config.sms.sender) {
    case 'webhook':
      return new WebhookSmsSender(config.sms.webhookUrl, config.sms.webhookSecret);
    case 'log':
      return new LogSmsSender();
    default:
      return null;
  }
}
