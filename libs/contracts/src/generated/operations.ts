// GENERATED from openapi/openapi.yaml by scripts/generate-contracts.mjs. Do not edit: run `npm run generate`.

export interface ContractOperation {
  readonly operationId: string;
  readonly method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'PATCH';
  /** Relative to the server base path /api/v1, with {param} placeholders. */
  readonly path: string;
  /** True when the operation declares no security requirement (a @Public() route). */
  readonly public: boolean;
}

export const CONTRACT_OPERATIONS: readonly ContractOperation[] = [
  { operationId: "registerUser", method: "POST", path: "/auth/register", public: true },
  { operationId: "getHealth", method: "GET", path: "/health", public: true },
  { operationId: "getDetailedHealth", method: "GET", path: "/health/detailed", public: true },
  { operationId: "getReadiness", method: "GET", path: "/ready", public: true },
  { operationId: "getMetrics", method: "GET", path: "/metrics", public: true },
  { operationId: "getOpenApiYaml", method: "GET", path: "/openapi.yaml", public: true },
  { operationId: "getOpenApiJson", method: "GET", path: "/openapi.json", public: true },
];
