import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketClientTransport } from './websocket-client-transport';

describe('WebSocketClientTransport', () => {
  let server: WebSocketServer | undefined;

  afterEach(async () => {
    for (const client of server?.clients ?? []) client.terminate();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  /** A server that answers each connection with `frames`, and hands the connection over. */
  async function serve(frames: Array<string | Buffer>, options: { protocols?: string[] } = {}): Promise<{ url: URL; connected: Promise<{ socket: WebSocket; protocol: string; authorization?: string }> }> {
    let resolveConnected!: (value: { socket: WebSocket; protocol: string; authorization?: string }) => void;
    const connected = new Promise<{ socket: WebSocket; protocol: string; authorization?: string }>((resolve) => (resolveConnected = resolve));
    server = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: (protocols) => (options.protocols ?? [...protocols])[0] ?? false });
    server.on('connection', (socket, request) => {
      for (const frame of frames) socket.send(frame, { binary: Buffer.isBuffer(frame) });
      resolveConnected({ socket, protocol: socket.protocol, authorization: request.headers.authorization });
    });
    await new Promise<void>((resolve) => server?.once('listening', () => resolve()));
    return { url: new URL(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/`), connected };
  }

  it('speaks subprotocol mcp with its headers, passes JSON-RPC messages both ways, and reports what is not one', async () => {
    const { url, connected } = await serve([Buffer.from('binary'), 'not json', JSON.stringify({ not: 'json-rpc' }), JSON.stringify({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' })]);
    const transport = new WebSocketClientTransport(url, async () => ({ authorization: 'Bearer t' }));
    const messages: JSONRPCMessage[] = [];
    const errors: Error[] = [];
    transport.onmessage = (message) => messages.push(message);
    transport.onerror = (error) => errors.push(error);
    let closed = false;
    transport.onclose = () => (closed = true);
    await transport.start();
    const peer = await connected;
    expect(peer).toMatchObject({ protocol: 'mcp', authorization: 'Bearer t' });
    await expect.poll(() => messages.length).toBe(1);
    expect(messages).toEqual([{ jsonrpc: '2.0', method: 'notifications/tools/list_changed' }]);
    expect(errors).toHaveLength(3);
    expect(errors[0].message).toContain('binary');

    const received = new Promise<string>((resolve) => peer.socket.once('message', (data) => resolve(data.toString())));
    await transport.send({ jsonrpc: '2.0', id: 1, method: 'ping' });
    expect(JSON.parse(await received)).toEqual({ jsonrpc: '2.0', id: 1, method: 'ping' });

    await transport.close();
    expect(closed).toBe(true);
    await expect(transport.send({ jsonrpc: '2.0', id: 2, method: 'ping' })).rejects.toThrow('Not connected');
  });

  it('fails to start with the HTTP status of a refused upgrade, or the reason it could not connect', async () => {
    server = new WebSocketServer({ port: 0, host: '127.0.0.1', verifyClient: (_info, done) => done(false, 401) });
    await new Promise<void>((resolve) => server?.once('listening', () => resolve()));
    const refused = new WebSocketClientTransport(new URL(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/`), async () => ({}));
    await expect(refused.start()).rejects.toThrow('HTTP 401');
    await expect(new WebSocketClientTransport(new URL('ws://127.0.0.1:1/'), async () => ({})).start()).rejects.toThrow(/ECONNREFUSED/);
    await expect(new WebSocketClientTransport(new URL('ws://127.0.0.1:1/'), () => Promise.reject(new Error('no token'))).start()).rejects.toThrow('no token');
  });
});
