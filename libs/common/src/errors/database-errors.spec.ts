import { MaxRetriesPerRequestError } from 'ioredis/built/errors';
import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable, isRedisUnavailable } from './database-errors';

describe('isDatabaseUnavailable: Redis (ioredis) outages are 503s too', () => {
  const outages: Array<[string, unknown]> = [
    ['retries spent while Redis is down', new MaxRetriesPerRequestError(1)],
    ['link closed', new Error('Connection is closed.')],
    ['stalled link, commandTimeout', new Error('Command timed out')],
    ['offline queue off', new Error("Stream isn't writeable and enableOfflineQueue options is false")],
    ['wrapped as a cause', new Error('publish failed', { cause: new Error('Command timed out') })],
  ];

  it.each(outages)('%s', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(isRedisUnavailable(error)).toBe(true);
  });

  it('other errors stay 500s', () => {
    for (const error of [new Error('WRONGTYPE Operation against a key holding the wrong kind of value'), new Error('boom'), new TypeError('x is undefined')]) {
      expect(isDatabaseUnavailable(error)).toBe(false);
      expect(isRedisUnavailable(error)).toBe(false);
    }
  });
});
