import { createHmac, timingSafeEqual } from 'node:crypto';

export interface WebhookPayload {
  readonly event: string;
  readonly timestamp: string;
  readonly data: unknown;
}

const hmac = (secret: string, text: string): string => `sha256=${createHmac('sha256', secret).update(text).digest('hex')}`;

/**
 * The body's own `signature`: HMAC-SHA256 of JSON.stringify({event, timestamp, data}), exactly
 * what the seed's verification function recomputes from the parsed body.
 */
export function payloadSignature(secret: string, payload: WebhookPayload): string {
  return hmac(secret, JSON.stringify({ event: payload.event, timestamp: payload.timestamp, data: payload.data }));
}

/** `X-Webhook-Signature`: HMAC-SHA256 of the raw body bytes as sent. */
export function bodySignature(secret: string, rawBody: string): string {
  return hmac(secret, rawBody);
}

/** A body and its headers, ready to POST. */
export function signedDelivery(secret: string, deliveryId: string, payload: WebhookPayload): { body: string; headers: Record<string, string> } {
  // The body's key order is the signed one, so a receiver re-serialising the parsed body matches.
  const body = JSON.stringify({ event: payload.event, timestamp: payload.timestamp, data: payload.data, signature: payloadSignature(secret, payload) });
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'secure-mcp-webhooks/1',
      'x-webhook-id': deliveryId,
      'x-webhook-event': payload.event,
      'x-webhook-timestamp': payload.timestamp,
      'x-webhook-signature': bodySignature(secret, body),
    },
  };
}

/** For receivers (and tests): constant-time check of a raw body against its header. */
export function verifyBodySignature(secret: string, rawBody: string, header: string): boolean {
  const expected = Buffer.from(bodySignature(secret, rawBody));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
