import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { type JSONRPCMessage, JSONRPCMessageSchema } from '@modelcontextprotocol/sdk/types.js';
import WebSocket, { type ClientOptions } from 'ws';

/** The subprotocol MCP over WebSocket names (as the SDK's own client does). */
export const MCP_SUBPROTOCOL = 'mcp';
/** Larger frames close the connection: an upstream must not fill the gateway's memory with one message. */
const MAX_FRAME_BYTES = 16 * 1024 * 1024;

/**
 * MCP over WebSocket to an upstream server, on `ws`: the SDK's WebSocketClientTransport uses the
 * global WebSocket, which Node 20 lacks, and cannot send headers (an upstream's Authorization).
 * One JSON-RPC message per text frame, subprotocol `mcp`.
 */
export class WebSocketClientTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private socket?: WebSocket;

  /** `headers` are asked for when the connection opens (an OAuth token may have to be fetched first). */
  constructor(
    private readonly url: URL,
    private readonly headers: () => Promise<Record<string, string>>,
    /** TLS options for a wss:// server of its own (a private CA, a client certificate, a server name). */
    private readonly tls: Readonly<Pick<ClientOptions, 'ca' | 'cert' | 'key' | 'passphrase'> & { servername?: string }> = {},
  ) {}

  async start(): Promise<void> {
    if (this.socket) throw new Error('WebSocketClientTransport already started');
    const headers = await this.headers();
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(this.url, MCP_SUBPROTOCOL, { ...this.tls, headers, maxPayload: MAX_FRAME_BYTES, followRedirects: false });
      this.socket = socket;
      let opened = false;
      socket.on('open', () => {
        opened = true;
        resolve();
      });
      // Refused upgrades say why (401, 404): the reason an admin needs in the server's lastError.
      socket.on('unexpected-response', (_request, response) => {
        const error = new Error(`the upgrade was answered with HTTP ${response.statusCode ?? '?'}`);
        response.resume();
        socket.terminate();
        reject(error);
      });
      socket.on('error', (error: Error) => {
        if (!opened) reject(error);
        this.onerror?.(error);
      });
      socket.on('close', () => this.onclose?.());
      socket.on('message', (data: WebSocket.RawData, isBinary: boolean) => this.received(data, isBinary));
    });
  }

  send(message: JSONRPCMessage): Promise<void> {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return Promise.reject(new Error('Not connected'));
    return new Promise((resolve, reject) => socket.send(JSON.stringify(message), (error) => (error ? reject(error) : resolve())));
  }

  async close(): Promise<void> {
    const socket = this.socket;
    if (!socket || socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
      else socket.close(1000);
      // A peer that never answers the close handshake is cut off.
      setTimeout(() => socket.terminate(), 1_000).unref();
    });
  }

  private received(data: WebSocket.RawData, isBinary: boolean): void {
    if (isBinary) {
      this.onerror?.(new Error('a binary frame is not an MCP message'));
      return;
    }
    let message: JSONRPCMessage;
    try {
      message = JSONRPCMessageSchema.parse(JSON.parse(data.toString()));
    } catch (error) {
      this.onerror?.(error as Error);
      return;
    }
    this.onmessage?.(message);
  }
}
