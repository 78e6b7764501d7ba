import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { attemptSignature, signedDelivery, verifyAttemptSignature, verifyBodySignature } from './webhook-signature';

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

describe('the V2 signature of each attempt', () => {
  const secret = 'whsec-test';
  const payload = { event: 'context.created', timestamp: '2026-12-07T00:00:00.000Z', data: { id: 'c1' } };

  it('signs the id, the moment of sending and the raw body; a later attempt gets a new time', () => {
    const first = signedDelivery(secret, 'd1', payload, Date.UTC(2026, 11, 7, 12, 0, 0));
    const retry = signedDelivery(secret, 'd1', payload, Date.UTC(2026, 11, 8, 12, 0, 0));
    expect(first.headers['x-webhook-signature-v2']).toMatch(/^t=1796644800,v2=[0-9a-f]{64}$/);
    expect(retry.headers['x-webhook-signature-v2']).not.toBe(first.headers['x-webhook-signature-v2']);
    expect(first.headers['x-webhook-signature-v2']).toBe(attemptSignature(secret, 'd1', 1796644800, first.body));
  });

  it('verifies only the same id, body and secret, within the tolerance, in the exact format', () => {
    const now = Date.UTC(2026, 11, 7, 12, 0, 0);
    const { body, headers } = signedDelivery(secret, 'd1', payload, now);
    const header = headers['x-webhook-signature-v2'];
    expect(verifyAttemptSignature(secret, 'd1', body, header, 300, now + 299_000)).toBe(true);
    expect(verifyAttemptSignature(secret, 'd1', body, header, 300, now + 301_000)).toBe(false);
    expect(verifyAttemptSignature(secret, 'd2', body, header, 300, now)).toBe(false);
    expect(verifyAttemptSignature(secret, 'd1', `${body} `, header, 300, now)).toBe(false);
    expect(verifyAttemptSignature(`${secret}x`, 'd1', body, header, 300, now)).toBe(false);
    expect(verifyAttemptSignature(secret, 'd1', body, header.replace('t=', 't=0'), 300, now)).toBe(false);
    expect(verifyAttemptSignature(secret, 'd1', body, `${header},v2=${'0'.repeat(64)}`, 300, now)).toBe(false);
  });
});
