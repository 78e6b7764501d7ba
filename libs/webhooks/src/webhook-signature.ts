import { sameSecret } from '@app/common';
import { createHmac } from 'node:crypto';

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

/**
 * `X-Webhook-Signature-V2`: `t=<unix seconds of this attempt>,v2=<hex HMAC-SHA256 of "<id>.<t>.<raw body>">`.
 * It binds the delivery id and the moment of sending, so a captured request replayed later or
 * under another id fails: receivers refuse a `t` older than a few minutes and dedupe on the id.
 */
export function attemptSignature(secret: string, deliveryId: string, sentAtSeconds: number, rawBody: string): string {
  return `t=${sentAtSeconds},v2=${createHmac('sha256', secret).update(`${deliveryId}.${sentAtSeconds}.${rawBody}`).digest('hex')}`;
}

/** For receivers (and tests): the V2 header checked against the id, the raw body and a freshness window. */
export function verifyAttemptSignature(secret: string, deliveryId: string, rawBody: string, header: string, toleranceSeconds = 300, nowMs = Date.now()): boolean {
  const match = /^t=(\d{1,12}),v2=[0-9a-f]{64}$/.exec(header);
  if (!match) return false;
  const sentAt = Number(match[1]);
  if (Math.abs(nowMs / 1000 - sentAt) > toleranceSeconds) return false;
  return sameSecret(header, attemptSignature(secret, deliveryId, sentAt, rawBody));
}

/** A body and its headers, ready to POST; each attempt is signed anew with its own time. */
export function signedDelivery(secret: string, deliveryId: string, payload: WebhookPayload, nowMs = Date.now()): { body: string; headers: Record<string, string> } {
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
      'x-webhook-signature-v2': attemptSignature(secret, deliveryId, Math.floor(nowMs / 1000), body),
    },
  };
}

/** For receivers (and tests): constant-time check of a raw body against its header. */
export function verifyBodySignature(secret: string, rawBody: string, header: string): boolean {
  return sameSecret(header, bodySignature(secret, rawBody));
}
