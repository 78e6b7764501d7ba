import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Passport and its strategies are written for Express; this app runs on Fastify. This file is the
 * one place where the two meet: passport gets a small Express-shaped request (only the fields the
 * route lets through) and response (statusCode, setHeader, end), and what passport writes to that
 * response is sent through Fastify by the route, never written to the socket behind its back.
 */

/** The request passport sees. Passport adds its helpers (logIn, ...) and the verified `user`. */
export interface PassportRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly query: Record<string, string>;
  readonly body: Record<string, string>;
  user?: unknown;
  [helper: string]: unknown;
}

/** What passport wrote instead of calling back: for SAML, the redirect to the IdP. */
export interface PassportAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
}

class PassportResponse {
  statusCode = 200;
  private readonly headers: Record<string, string> = {};
  private finish!: (answer: PassportAnswer) => void;
  /** Settles when passport ends the response (redirect, or a bare 401 without a callback). */
  readonly ended = new Promise<PassportAnswer>((resolve) => {
    this.finish = resolve;
  });

  setHeader(name: string, value: string | number | readonly string[]): this {
    this.headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    return this;
  }

  getHeader(name: string): string | undefined {
    return this.headers[name.toLowerCase()];
  }

  end(): void {
    this.finish({ status: this.statusCode, headers: { ...this.headers } });
  }
}

export interface BridgeFields {
  /** Query parameters passed on (everything else is withheld from the strategy). */
  readonly query?: readonly string[];
  /** Body fields passed on, from a JSON or form body; only string values. */
  readonly body?: readonly string[];
}

const BRIDGE = Symbol('passportBridge');

function pick(source: unknown, names: readonly string[] = []): Record<string, string> {
  const picked: Record<string, string> = {};
  if (typeof source !== 'object' || source === null) return picked;
  for (const name of names) {
    const value = (source as Record<string, unknown>)[name];
    if (typeof value === 'string') picked[name] = value;
  }
  return picked;
}

export class PassportBridge {
  readonly request: PassportRequest;
  readonly response = new PassportResponse();
  /** Set when passport answered by itself (a redirect) instead of calling back. */
  answer?: PassportAnswer;

  private constructor(fastifyRequest: FastifyRequest, fields: BridgeFields) {
    this.request = {
      method: fastifyRequest.method,
      url: fastifyRequest.url,
      headers: fastifyRequest.headers,
      query: pick(fastifyRequest.query, fields.query),
      body: pick(fastifyRequest.body, fields.body),
    };
  }

  /** Builds the Express-shaped pair for this request (once) and keeps it with the request. */
  static attach(request: FastifyRequest, fields: BridgeFields): PassportBridge {
    const holder = request as unknown as Record<symbol, PassportBridge | undefined>;
    holder[BRIDGE] ??= new PassportBridge(request, fields);
    return holder[BRIDGE];
  }

  static of(request: FastifyRequest): PassportBridge | undefined {
    return (request as unknown as Record<symbol, PassportBridge | undefined>)[BRIDGE];
  }

  /** Sends what passport wrote, through Fastify. */
  static async send(reply: FastifyReply, answer: PassportAnswer): Promise<void> {
    await reply.status(answer.status).headers(answer.headers).header('cache-control', 'no-store').send();
  }
}
