import { openRawMcpSession } from './mcp-sessions';
import { sseMessages } from './sse-messages';

export interface OpenStream {
  readonly status: number;
  /** Resolves when the server closes the stream. */
  readonly ended: Promise<'ended'>;
  /** Closes it from the client's side. */
  cancel(): Promise<void>;
}

/** Opens a GET event stream (SSE) and reads it to its end, whatever it carries. */
export async function openStream(url: string, headers: Record<string, string>): Promise<OpenStream> {
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers } });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const ended = (async () => {
    try {
      while (!(await reader.read()).done);
    } catch {
      // cancelled by the client
    }
    return 'ended' as const;
  })();
  return { status: response.status, ended, cancel: () => reader.cancel() };
}

/** An MCP session opened with `credential` (a JWT or an API key) and its GET stream. */
export async function openMcpStream(baseUrl: string, credential: string): Promise<OpenStream> {
  const headers = await openRawMcpSession(baseUrl, credential);
  return openStream(`${baseUrl}/mcp`, { authorization: headers.authorization, 'mcp-session-id': headers['mcp-session-id'] });
}

/** A session's GET stream (an MCP session's, say), collecting the messages it carries until closed. */
export async function followStream(url: string, headers: Record<string, string>): Promise<{ status: number; messages: Array<Record<string, unknown>>; close: () => Promise<void> }> {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { ...headers, accept: 'text/event-stream' }, signal: controller.signal });
  const messages: Array<Record<string, unknown>> = [];
  const reading = (async () => {
    try {
      for await (const message of sseMessages(response)) messages.push(message);
    } catch {
      // aborted by close()
    }
  })();
  return { status: response.status, messages, close: async () => (controller.abort(), await reading) };
}

/** Whether `stream` ends within `ms`. */
export async function endsWithin(stream: OpenStream, ms: number): Promise<boolean> {
  return (await Promise.race([stream.ended, new Promise((resolve) => setTimeout(() => resolve('open'), ms))])) === 'ended';
}
