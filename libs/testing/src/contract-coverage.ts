import type { ContractOperation } from '@app/contracts';

export interface ServedRoute {
  readonly method: string;
  readonly url: string;
}

export interface CoverageReport {
  /** Operations in openapi.yaml that no route serves. */
  readonly unrouted: string[];
  /** Routes served that openapi.yaml does not describe. */
  readonly undocumented: string[];
}

/** Fastify's `/api/v1/tools/:id/execute` -> the spec's `/api/v1/tools/{id}/execute`. */
export function routeToSpecPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/**
 * Compares the served routes with the contract, both ways. HEAD (Fastify adds it to every GET) and
 * OPTIONS (CORS) are not operations; `ignoredPrefixes` names routes served outside the contract.
 */
export function compareRoutesWithSpec(routes: readonly ServedRoute[], operations: readonly ContractOperation[], ignoredPrefixes: readonly string[] = []): CoverageReport {
  const served = new Set(
    routes
      .filter((route) => route.method !== 'HEAD' && route.method !== 'OPTIONS')
      .filter((route) => !ignoredPrefixes.some((prefix) => route.url === prefix || route.url.startsWith(`${prefix}/`)))
      .map((route) => `${route.method} ${routeToSpecPath(route.url)}`),
  );
  const documented = new Set(operations.map((operation) => `${operation.method} ${operation.basePath}${operation.path}`));
  return {
    unrouted: [...documented].filter((key) => !served.has(key)).sort(),
    undocumented: [...served].filter((key) => !documented.has(key)).sort(),
  };
}
