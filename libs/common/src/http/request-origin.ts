import type { FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { proxyTrust, type ProxyTrustSetting } from './proxy-trust';
import { validTraceparent } from './request-id';

/** Who is calling from where: what every door hands to services for audit and sessions. */
export interface RequestOrigin {
  readonly ipAddress?: string;
  readonly userAgent?: string;
  readonly requestId?: string;
  /** The caller's W3C trace context, when it sent a valid one: what the gateway does for it continues that trace. */
  readonly traceparent?: string;
  /** The API key the caller authenticated with (none for a sign-in's token): which key did what, in the audit log. */
  readonly apiKeyId?: string;
}

const API_KEY = Symbol('apiKeyId');

/** Marks a request as made with this API key; whoever authenticates it says so, and its origin carries it. */
export function noteApiKey(request: object, apiKeyId: string): void {
  (request as Record<symbol, string>)[API_KEY] = apiKeyId;
}

export function originOf(request: FastifyRequest): RequestOrigin {
  const userAgent = request.headers['user-agent'];
  const traceparent = request.headers.traceparent;
  return {
    ipAddress: requestAddress(request),
    userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : undefined,
    requestId: String(request.id),
    traceparent: traceparent === undefined ? undefined : validTraceparent(traceparent),
    apiKeyId: (request as unknown as Record<symbol, string | undefined>)[API_KEY],
  };
}

// Some proxies forward `203.0.113.9:51234` or `[2001:db8::1]:51234`: the port is not the client's address.
const WITH_PORT = /^(?:(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}|\[([^\]]+)\](?::\d{1,5})?)$/;

/** An address as stored and compared: an IP, without a port or an IPv6 zone; undefined for anything else. */
function usableAddress(address: string | undefined): string | undefined {
  const ported = address === undefined ? null : WITH_PORT.exec(address);
  const plain = (ported ? (ported[1] ?? ported[2]) : address)?.split('%')[0];
  return plain !== undefined && isIP(plain) !== 0 ? plain : undefined;
}

/**
 * The client's address: `request.ip` (after the proxies TRUST_PROXY trusts), or the socket's peer
 * when a trusted proxy passed on something that is not an address.
 */
export function requestAddress(request: FastifyRequest): string | undefined {
  return usableAddress(request.ip) ?? usableAddress(request.socket.remoteAddress);
}

/**
 * The client's address on a request Fastify never saw (a WebSocket upgrade), as `request.ip` would
 * give it: walking `X-Forwarded-For` from the right, past the proxies TRUST_PROXY trusts.
 */
export function clientAddressOf(request: IncomingMessage, setting: ProxyTrustSetting): string | undefined {
  const peer = usableAddress(request.socket.remoteAddress);
  const trust = proxyTrust(setting);
  const header = trust && peer !== undefined ? request.headers['x-forwarded-for'] : undefined;
  if (header === undefined || !trust || peer === undefined) return peer;
  const forwarded = (Array.isArray(header) ? header.join(',') : header).split(',').map((entry) => entry.trim());
  let address = peer;
  for (let hop = 0; hop < forwarded.length && trust(address, hop); hop++) address = forwarded[forwarded.length - 1 - hop];
  return usableAddress(address) ?? peer;
}
