import type { Destination } from '@app/security';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AttemptDeadline, postPinned } from './webhook-transport';

const servers: Server[] = [];

async function receiver(answer: (response: ServerResponse) => void): Promise<Destination> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => answer(response));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: new URL(`http://127.0.0.1:${port}/hook`), address: '127.0.0.1', family: 4, port };
}

const post = (destination: Destination, timeoutMs = 2000) => postPinned(destination, '{}', { 'content-type': 'application/json' }, new AttemptDeadline(timeoutMs));

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

describe('postPinned', () => {
  it('records status and snippet of a complete answer', async () => {
    const attempt = await post(await receiver((response) => response.writeHead(201).end('created')));
    expect(attempt).toMatchObject({ statusCode: 201, snippet: 'created', error: null });
  });

  it('makes the snippet storable: no NUL, no invalid UTF-8, no lone surrogate from a cut character', async () => {
    const nul = await post(await receiver((response) => response.writeHead(200).end(Buffer.from([0x6f, 0x6b, 0x00, 0xff, 0xc3]))));
    expect(nul).toMatchObject({ statusCode: 200, snippet: 'ok\uFFFD\uFFFD\uFFFD', error: null });
    // 1023 bytes, then a four-byte character the 1024-byte limit cuts in two.
    const cut = await post(await receiver((response) => response.writeHead(200).end(`${'a'.repeat(1023)}😀${'b'.repeat(5000)}`)));
    expect(cut.error).toBeNull();
    expect(cut.snippet).toBe(`${'a'.repeat(1023)}\uFFFD`);
  });

  it('gives up at the deadline on a body that trickles in, though the socket is never idle', async () => {
    const destination = await receiver((response) => {
      response.writeHead(200);
      const drip = setInterval(() => response.write('.'), 50);
      response.on('close', () => clearInterval(drip));
    });
    const attempt = await post(destination, 400);
    expect(attempt.statusCode).toBe(200);
    expect(attempt.error).toBe('timeout: no complete answer within 400 ms');
    expect(attempt.durationMs).toBeGreaterThanOrEqual(390);
    expect(attempt.durationMs).toBeLessThan(700);
    expect(attempt.snippet).toMatch(/^\.+$/);
  });

  it('gives up at the deadline when no headers come', async () => {
    const attempt = await post(await receiver(() => undefined), 300);
    expect(attempt).toMatchObject({ statusCode: null, snippet: null, error: 'timeout: no complete answer within 300 ms' });
    expect(attempt.durationMs).toBeLessThan(600);
  });

  it('records a refused connection by its code', async () => {
    const destination = await receiver(() => undefined);
    const server = servers.splice(0)[0];
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(await post(destination)).toMatchObject({ statusCode: null, snippet: null, error: 'ECONNREFUSED' });
  });
});

describe('AttemptDeadline.race', () => {
  it('settles with the work in time, and with the deadline otherwise', async () => {
    await expect(new AttemptDeadline(500).race(Promise.resolve('ready'))).resolves.toBe('ready');
    await expect(new AttemptDeadline(50).race(new Promise(() => undefined))).rejects.toThrow('timeout: no complete answer within 50 ms');
    await expect(new AttemptDeadline(500).race(Promise.reject(new Error('refused')))).rejects.toThrow('refused');
  });
});

describe('postPinned past its deadline', () => {
  it('sends nothing when the deadline passed before the send (a slow DNS answer)', async () => {
    let requests = 0;
    const destination = await receiver((response) => {
      requests++;
      response.writeHead(200).end();
    });
    const deadline = new AttemptDeadline(10);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await postPinned(destination, '{}', {}, deadline)).toMatchObject({ statusCode: null, error: 'timeout: no complete answer within 10 ms' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(requests).toBe(0);
  });
});
