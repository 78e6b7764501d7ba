// GENERATED from openapi/openapi.yaml by scripts/generate-contracts.mjs. Do not edit: run `npm run generate`.

export interface ContractOperation {
  readonly operationId: string;
  readonly method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'PATCH';
  /** The server's path: '/api/v1', or '' for operations served at the root. */
  readonly basePath: string;
  /** Relative to basePath, with {param} placeholders. */
  readonly path: string;
  /** True when the operation declares no security requirement (a @Public() route). */
  readonly public: boolean;
}

export const CONTRACT_OPERATIONS: readonly ContractOperation[] = [
  { operationId: "registerUser", method: "POST", basePath: "/api/v1", path: "/auth/register", public: true },
  { operationId: "loginUser", method: "POST", basePath: "/api/v1", path: "/auth/login", public: true },
  { operationId: "refreshToken", method: "POST", basePath: "/api/v1", path: "/auth/refresh", public: true },
  { operationId: "logoutUser", method: "POST", basePath: "/api/v1", path: "/auth/logout", public: false },
  { operationId: "enableMfa", method: "POST", basePath: "/api/v1", path: "/auth/mfa/enable", public: false },
  { operationId: "verifyMfaSetup", method: "POST", basePath: "/api/v1", path: "/auth/mfa/verify", public: false },
  { operationId: "disableMfa", method: "POST", basePath: "/api/v1", path: "/auth/mfa/disable", public: false },
  { operationId: "verifyMfaLogin", method: "POST", basePath: "/api/v1", path: "/auth/verify-mfa", public: true },
  { operationId: "samlLogin", method: "GET", basePath: "/api/v1", path: "/auth/saml/login", public: true },
  { operationId: "samlCallback", method: "POST", basePath: "/api/v1", path: "/auth/saml/callback", public: true },
  { operationId: "getSamlMetadata", method: "GET", basePath: "/api/v1", path: "/auth/saml/metadata", public: true },
  { operationId: "getCurrentUser", method: "GET", basePath: "/api/v1", path: "/users/me", public: false },
  { operationId: "listApiKeys", method: "GET", basePath: "/api/v1", path: "/users/me/api-keys", public: false },
  { operationId: "createApiKey", method: "POST", basePath: "/api/v1", path: "/users/me/api-keys", public: false },
  { operationId: "revokeApiKey", method: "DELETE", basePath: "/api/v1", path: "/users/me/api-keys/{id}", public: false },
  { operationId: "listTools", method: "GET", basePath: "/api/v1", path: "/tools", public: false },
  { operationId: "getTool", method: "GET", basePath: "/api/v1", path: "/tools/{id}", public: false },
  { operationId: "executeTool", method: "POST", basePath: "/api/v1", path: "/tools/{id}/execute", public: false },
  { operationId: "getToolExecution", method: "GET", basePath: "/api/v1", path: "/tools/executions/{executionId}", public: false },
  { operationId: "listToolExecutions", method: "GET", basePath: "/api/v1", path: "/tools/{id}/executions", public: false },
  { operationId: "listContexts", method: "GET", basePath: "/api/v1", path: "/contexts", public: false },
  { operationId: "createContext", method: "POST", basePath: "/api/v1", path: "/contexts", public: false },
  { operationId: "getContext", method: "GET", basePath: "/api/v1", path: "/contexts/{id}", public: false },
  { operationId: "updateContext", method: "PUT", basePath: "/api/v1", path: "/contexts/{id}", public: false },
  { operationId: "deleteContext", method: "DELETE", basePath: "/api/v1", path: "/contexts/{id}", public: false },
  { operationId: "listSessions", method: "GET", basePath: "/api/v1", path: "/sessions", public: false },
  { operationId: "terminateSession", method: "POST", basePath: "/api/v1", path: "/sessions/{id}/terminate", public: false },
  { operationId: "listServers", method: "GET", basePath: "/api/v1", path: "/admin/servers", public: false },
  { operationId: "createServer", method: "POST", basePath: "/api/v1", path: "/admin/servers", public: false },
  { operationId: "getServer", method: "GET", basePath: "/api/v1", path: "/admin/servers/{id}", public: false },
  { operationId: "updateServer", method: "PUT", basePath: "/api/v1", path: "/admin/servers/{id}", public: false },
  { operationId: "deleteServer", method: "DELETE", basePath: "/api/v1", path: "/admin/servers/{id}", public: false },
  { operationId: "connectServer", method: "POST", basePath: "/api/v1", path: "/admin/servers/{id}/connect", public: false },
  { operationId: "disconnectServer", method: "POST", basePath: "/api/v1", path: "/admin/servers/{id}/disconnect", public: false },
  { operationId: "listUsers", method: "GET", basePath: "/api/v1", path: "/admin/users", public: false },
  { operationId: "createUser", method: "POST", basePath: "/api/v1", path: "/admin/users", public: false },
  { operationId: "updateUserRoles", method: "PUT", basePath: "/api/v1", path: "/admin/users/{id}/roles", public: false },
  { operationId: "updateUserStatus", method: "PUT", basePath: "/api/v1", path: "/admin/users/{id}/status", public: false },
  { operationId: "setPassword", method: "POST", basePath: "/api/v1", path: "/auth/set-password", public: true },
  { operationId: "listAuditLogs", method: "GET", basePath: "/api/v1", path: "/admin/audit-logs", public: false },
  { operationId: "exportAuditLogs", method: "GET", basePath: "/api/v1", path: "/admin/audit-logs/export", public: false },
  { operationId: "listWebhooks", method: "GET", basePath: "/api/v1", path: "/admin/webhooks", public: false },
  { operationId: "createWebhook", method: "POST", basePath: "/api/v1", path: "/admin/webhooks", public: false },
  { operationId: "getWebhook", method: "GET", basePath: "/api/v1", path: "/admin/webhooks/{id}", public: false },
  { operationId: "updateWebhook", method: "PUT", basePath: "/api/v1", path: "/admin/webhooks/{id}", public: false },
  { operationId: "deleteWebhook", method: "DELETE", basePath: "/api/v1", path: "/admin/webhooks/{id}", public: false },
  { operationId: "testWebhook", method: "POST", basePath: "/api/v1", path: "/admin/webhooks/{id}/test", public: false },
  { operationId: "listWebhookDeliveries", method: "GET", basePath: "/api/v1", path: "/admin/webhooks/{id}/deliveries", public: false },
  { operationId: "streamEvents", method: "GET", basePath: "/api/v1", path: "/events", public: false },
  { operationId: "mcpStream", method: "GET", basePath: "", path: "/mcp", public: false },
  { operationId: "mcpPost", method: "POST", basePath: "", path: "/mcp", public: false },
  { operationId: "mcpDelete", method: "DELETE", basePath: "", path: "/mcp", public: false },
  { operationId: "mcpStreamContext", method: "GET", basePath: "", path: "/mcp/{contextId}", public: false },
  { operationId: "mcpPostContext", method: "POST", basePath: "", path: "/mcp/{contextId}", public: false },
  { operationId: "mcpDeleteContext", method: "DELETE", basePath: "", path: "/mcp/{contextId}", public: false },
  { operationId: "getProtectedResourceMetadata", method: "GET", basePath: "", path: "/.well-known/oauth-protected-resource", public: true },
  { operationId: "getJwks", method: "GET", basePath: "", path: "/.well-known/jwks.json", public: true },
  { operationId: "getHealth", method: "GET", basePath: "/api/v1", path: "/health", public: true },
  { operationId: "getDetailedHealth", method: "GET", basePath: "/api/v1", path: "/health/detailed", public: true },
  { operationId: "getReadiness", method: "GET", basePath: "/api/v1", path: "/ready", public: true },
  { operationId: "getMetrics", method: "GET", basePath: "/api/v1", path: "/metrics", public: true },
  { operationId: "getOpenApiYaml", method: "GET", basePath: "/api/v1", path: "/openapi.yaml", public: true },
  { operationId: "getOpenApiJson", method: "GET", basePath: "/api/v1", path: "/openapi.json", public: true },
];
