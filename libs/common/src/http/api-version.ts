import type { FastifyRequest } from 'fastify';

/** The versions of the REST API this server speaks, and the media type that asks for each. */
export const API_VERSIONS: readonly number[] = [1];
export const VENDOR_MEDIA_TYPE = (version: number): string => `application/vnd.secure-mcp.v${version}+json`;

const VENDOR_RANGE = /^application\/vnd\.secure-mcp\.v(\d{1,4})\+json$/;
const JSON_RANGES = new Set(['application/json', 'application/*', '*/*']);

/** What an Accept header asks of the API: a version by its media type, JSON as it comes, or neither. */
export type VersionAsked = { readonly kind: 'json' } | { readonly kind: 'version'; readonly version: number } | { readonly kind: 'unsupported'; readonly versions: readonly number[] };

/**
 * Reads an Accept header (RFC 9110 §12.5.1): the vendor media type of a version this server
 * speaks wins; otherwise any range that JSON satisfies; otherwise, when the header asked for
 * versions only, which it asked for. A range with q=0 asks for nothing.
 */
export function versionAsked(accept: string): VersionAsked {
  let json = false;
  let best: { version: number; q: number } | undefined;
  const asked: number[] = [];
  for (const range of accept.split(',')) {
    const [type, ...parameters] = range.split(';');
    const q = qualityOf(parameters);
    if (q === 0) continue;
    const mediaType = type.trim().toLowerCase();
    const vendor = VENDOR_RANGE.exec(mediaType);
    if (vendor) {
      const version = Number(vendor[1]);
      if (!API_VERSIONS.includes(version)) asked.push(version);
      else if (!best || q > best.q) best = { version, q };
    } else if (JSON_RANGES.has(mediaType)) json = true;
  }
  if (best) return { kind: 'version', version: best.version };
  if (json || asked.length === 0) return { kind: 'json' };
  return { kind: 'unsupported', versions: asked };
}

function qualityOf(parameters: readonly string[]): number {
  for (const parameter of parameters) {
    const [name, value] = parameter.split('=');
    if (name.trim().toLowerCase() !== 'q') continue;
    const q = Number(value?.trim());
    return Number.isFinite(q) ? Math.min(Math.max(q, 0), 1) : 1;
  }
  return 1;
}

/** Where a request that asked for a version by media type keeps which. */
export const NEGOTIATED_VERSION = Symbol('negotiatedApiVersion');

/** The JSON media type to answer a request with: the vendor type of the version it asked for, else application/json. */
export function jsonMediaTypeFor(request: FastifyRequest): string {
  const version = (request as FastifyRequest & { [NEGOTIATED_VERSION]?: number })[NEGOTIATED_VERSION];
  return version === undefined ? 'application/json; charset=utf-8' : `${VENDOR_MEDIA_TYPE(version)}; charset=utf-8`;
}
