import WebSocket from 'ws';

export interface WsClient {
  readonly socket: WebSocket;
  /** The subprotocol the server selected. */
  readonly protocol: string;
  /** Messages that answered nothing this client asked (there should be none). */
  readonly unmatched: unknown[];
  /** Every notification received, in order. */
  readonly notifications: Array<{ method: string; params: { event: string; data: Record<string, unknown> } }>;
  /** Sends a request and resolves with its response (matched by id). */
  request<T = Record<string, unknown>>(method: string, params?: unknown): Promise<{ id: number; result?: T; error?: { code: number; message: string; data?: Record<string, unknown> } }>;
  /** Sends raw text; resolves with the next message that is not a notification. */
  raw(text: string | Buffer): Promise<unknown>;
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

export interface WsOptions {
  readonly headers?: Record<string, string>;
  readonly protocols?: string[];
  readonly query?: string;
}

/** Opens /ws; rejects with the HTTP status, headers and body when the upgrade is refused. */
export function openWs(baseUrl: string, options: WsOptions = {}): Promise<WsClient> {
  const url = `${baseUrl.replace(/^http/, 'ws')}/ws${options.query ? `?${options.query}` : ''}`;
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, options.protocols ?? [], { headers: options.headers });
    let nextId = 1;
    const pending = new Map<number, (message: Record<string, unknown>) => void>();
    const waiters: Array<(message: unknown) => void> = [];
    const notifications: WsClient['notifications'] = [];
    const unmatched: unknown[] = [];
    const closed = new Promise<{ code: number; reason: string }>((done) => socket.on('close', (code, reason) => done({ code, reason: reason.toString() })));
    socket.on('unexpected-response', (_request, response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => reject(Object.assign(new Error(`upgrade refused: ${response.statusCode}`), { status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') })));
    });
    socket.on('error', (error) => reject(error));
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as Record<string, unknown>;
      if (message.method === 'notification') {
        notifications.push(message as unknown as WsClient['notifications'][number]);
        return;
      }
      const id = typeof message.id === 'number' ? message.id : undefined;
      const resolver = id !== undefined ? pending.get(id) : undefined;
      if (resolver && id !== undefined) {
        pending.delete(id);
        resolver(message);
      } else {
        const waiter = waiters.shift();
        if (waiter) waiter(message);
        else unmatched.push(message);
      }
    });
    socket.on('open', () =>
      resolve({
        socket,
        protocol: socket.protocol,
        notifications,
        unmatched,
        closed,
        request: (method, params) => {
          const id = nextId++;
          return new Promise((done) => {
            pending.set(id, done as (message: Record<string, unknown>) => void);
            socket.send(JSON.stringify({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) }));
          });
        },
        raw: (text) =>
          new Promise((done) => {
            waiters.push(done);
            socket.send(text);
          }),
        close: () => socket.close(),
      }),
    );
  });
}
