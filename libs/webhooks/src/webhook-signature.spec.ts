import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signedDelivery, verifyBodySignature } from './webhook-signature';

// The seed document's verification function, as written there.
function verifyWebhookSignature(payload: unknown, signature: string, secret: string): boolean {
  const hash = createHmac('sha256', secret).update(JSON.stringify(payload)).digest('hex');
  return `sha256=${hash}` === signature;
}

describe('webhook signatures', () => {
  const secret = 'whsec_test';
  const payload = { event: 'tool.executed', timestamp: '2024-01-01T00:00:00.000Z', data: { toolId: 'filesystem', executionId: 'exec_123', userId: 'user_123', result: 'success' } };

  it('the body signature passes the seed\u2019s verification function', () => {
    const { body } = signedDelivery(secret, 'd1', payload);
    const { signature, ...rest } = JSON.parse(body) as { signature: string };
    expect(verifyWebhookSignature(rest, signature, secret)).toBe(true);
    expect(verifyWebhookSignature(rest, signature, 'other-secret')).toBe(false);
  });

  it('X-Webhook-Signature is the HMAC of the raw body', () => {
    const { body, headers } = signedDelivery(secret, 'd1', payload);
    expect(headers['x-webhook-signature']).toBe(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
    expect(verifyBodySignature(secret, body, headers['x-webhook-signature'])).toBe(true);
    expect(verifyBodySignature(secret, `${body} `, headers['x-webhook-signature'])).toBe(false);
    expect(headers['x-webhook-id']).toBe('d1');
    expect(createHash('sha256').update(body).digest('hex')).toHaveLength(64);
  });
});
