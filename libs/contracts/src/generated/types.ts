// GENERATED from openapi/openapi.yaml by scripts/generate-contracts.mjs. Do not edit: run `npm run generate`.

export interface Error {
  error: string;
  message: string;
  details?: Array<ErrorDetail>;
  timestamp: string;
  requestId: string;
  traceId?: string;
}

/** What is wrong with a field of the request (validation), or why a service is unavailable: a 503 because of an upstream server names it (`field: server`, `message`: its name) with `code` `CIRCUIT_OPEN` (its circuit refuses calls for now) or `SERVER_DISCONNECTED` (no connection to it on this instance), so a client can tell the two apart without reading the message. */
export interface ErrorDetail {
  field: string;
  message: string;
  code: string;
}

export interface Pagination {
  page: number;
  limit: number;
  total: number;
  pages: number;
  /** On listings that count at most 10,000 matches: false when there are more, and `total` and `pages` then stop at that count. Absent where totals are always exact. */
  totalExact?: boolean;
  /** On listings that page by cursor, the `cursor` of the next page; null on the last. */
  nextCursor?: string | null;
}

export type Role = "admin" | "developer" | "user";

export interface User {
  id: string;
  email: string;
  /** The address is proven: by a mailed link (`POST /auth/verify-email`), by SSO, or by an admin who made the account. */
  emailVerified: boolean;
  name: string;
  organization?: string | null;
  phone?: string | null;
  roles: Array<Role>;
  permissions: Array<string>;
  mfaEnabled: boolean;
  /** Unused MFA backup codes; present while MFA is on. */
  backupCodesRemaining?: number;
  status: "active" | "suspended" | "deleted";
  lastLogin?: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface RateLimit {
  requests: number;
  window: string;
}

export interface ToolRateLimit {
  requests: number;
  window: string;
  /** `caller`: each caller has this budget; `server`: every caller of its server spends the same one. */
  scope: "caller" | "server";
}

/** How often the server's tools may be run, as one or more windows, every one enforced: `requests` in `window` (1 s to 24 h), and the seed's `requestsPerMinute`, `requestsPerHour` and `requestsPerDay` (at least one window; 400 otherwise). `scope` `caller` (the default): each caller has these budgets, spent by their runs of any of the server's tools; `server`: every caller's runs spend the same budgets, on every instance (with Redis), to keep within the upstream's own quota. Over a limit: 429 `RATE_LIMIT_EXCEEDED` with `Retry-After` for the window that refused; windows are spent shortest first, so a run one window refuses spends nothing of the longer ones. Two windows of the same span (`window: 60s` with `requestsPerMinute`) are refused (`DUPLICATE_WINDOW`). Limits sent back as answered are kept as stored, unchecked (one stored before these rules, such as a 48 h window, stays). */
export interface UpstreamRateLimits {
  requests?: number;
  window?: string;
  requestsPerMinute?: number;
  requestsPerHour?: number;
  requestsPerDay?: number;
  scope?: "caller" | "server";
}

export interface Tool {
  id: string;
  name: string;
  description: string;
  version: string;
  category: "system" | "data" | "analytics" | "monitoring";
  enabled: boolean;
  /** A person allows each run, asked through the caller's MCP client (the tool's admin setting, else its server's `confirmTools`). */
  requiresConfirmation?: boolean;
  /** Shipped with the gateway, listed by an upstream MCP server, or a REST endpoint an admin serves as a tool (`/admin/http-tools`). */
  source: "builtin" | "upstream" | "http";
  /** The upstream server's name, for upstream tools. */
  server?: string;
  /** The tool's own tags (`PATCH /admin/tools/{id}`), then its server's (`metadata.tags`), each once. */
  tags: Array<string>;
  schema: {
    input: {
      [key: string]: unknown;
    };
    output?: {
      [key: string]: unknown;
    };
  };
  permissions: Array<string>;
  rateLimit?: RateLimit;
  /** Every limit on running it, shortest window first (`rateLimit` is the first): its own, or its upstream server's `rateLimits`. Absent when it has none beyond the route's. */
  rateLimits?: Array<ToolRateLimit>;
  examples?: Array<{
    name: string;
    input: {
      [key: string]: unknown;
    };
    output?: {
      [key: string]: unknown;
    };
  }>;
  statistics?: ToolStatistics;
}

export interface ToolStatistics {
  totalExecutions: number;
  /** Completed runs over finished runs, 0 to 1 (0 before any run). */
  successRate: number;
  /** Mean duration in milliseconds. */
  averageLatency: number;
  lastExecuted: string | null;
}

export interface ToolList {
  tools: Array<Tool>;
  pagination: Pagination;
}

export interface ExecuteToolRequest {
  /** The tool's input, validated against its input schema (at most 2 MiB as JSON). */
  parameters?: {
    [key: string]: unknown;
  };
  context?: {
    sessionId?: string;
    requestId?: string;
    contextId?: string;
  };
  options?: {
    /** Milliseconds; capped by the server's maximum. */
    timeout?: number;
    /** Answer 202 at once and run in the background; poll GET /tools/executions/{executionId}. */
    async?: boolean;
  };
}

export interface ExecutionMetrics {
  startTime: string;
  endTime: string;
  /** Milliseconds. */
  duration: number;
  /** Bytes of heap the run grew by (0 when it shrank). */
  memoryUsed: number;
}

export interface ExecutionError {
  code: string;
  message: string;
}

export interface ToolExecution {
  executionId: string;
  toolId: string;
  toolName?: string;
  status: "pending" | "running" | "completed" | "failed";
  /** The tool's output (completed runs, and upstream tools' error results). */
  result?: unknown;
  error?: ExecutionError;
  metrics?: ExecutionMetrics;
  /** Runs made, when a context's retry policy retried transient failures. */
  attempts?: number;
  /** Present (true) when the result was served from the gateway's cache of the upstream's results (the server's `cache`), without calling the upstream. */
  cached?: boolean;
  /** In the run history (a run read by id, and the lists): the parameters the run was given, with those its tool's schema marks secret redacted, as its audit entry has them. In a list, parameters over 4 KiB as JSON are `{truncated: true, bytes}`: read the run by id for them. */
  parameters?: {
    [key: string]: unknown;
  };
  contextId?: string | null;
  userId?: string;
  createdAt?: string;
}

export interface AcceptedExecution {
  executionId: string;
  toolId: string;
  status: "pending";
}

export interface ToolExecutionList {
  executions: Array<ToolExecution>;
  pagination: Pagination;
}

/** `stdio` starts `command` (which must be on the UPSTREAM_STDIO_COMMANDS allow-list) with `args`, `env` and `cwd`; `streamable-http` and `sse` connect to an `http(s)` `url` with `headers`; `websocket` to a `ws(s)` `url` (subprotocol `mcp`, one JSON-RPC message per text frame) with `headers` on the upgrade. Values of `env` and `headers` are stored encrypted and answered as `********`; sending `********` back keeps them, a header's only while `url` stays on the same server, an env value's only while `command`, `args` and `cwd` are unchanged (400 `MASKED_VALUE` otherwise, and where nothing was stored). */
export interface UpstreamTransport {
  type: "stdio" | "streamable-http" | "sse" | "websocket";
  command?: string;
  args?: Array<string>;
  env?: {
    [key: string]: string;
  };
  cwd?: string;
  url?: string;
  headers?: {
    [key: string]: string;
  };
  tls?: UpstreamTls;
}

/** TLS to a remote server (`https://` and `wss://` endpoints only, every endpoint of its replicas included): `ca` is the PEM of the certificates trusted for this server instead of the public roots (a private CA); `cert` and `key` are the gateway's client certificate (PEM, its chain may follow) and private key, for a server that asks for one (mutual TLS); `passphrase` opens an encrypted key; `servername` is the name the server's certificate must carry (and the SNI sent) when the url's host is not it, as with an address. `key` and `passphrase` are stored encrypted and answered as `********`; sending `********` back keeps them (the key never leaves the gateway, so it is kept whichever server the url names). A certificate is checked when it is given: 400 when it or `ca` is not PEM certificates only (`NOT_A_CERTIFICATE` for a key pasted beside them: they are stored and answered as given), has expired, or is not yet valid, when the key does not open (passphrase) or is not the certificate's, or when one comes without the other. Settings sent back as answered are kept as stored, unchecked but for the endpoints: a certificate that has expired since does not stop the server being edited or disabled. An OAuth `tokenUrl` on the server itself (the host and port of `url` or of one of `replicas.urls`) is reached with these settings too; one elsewhere with the public roots. */
export interface UpstreamTls {
  ca?: string;
  cert?: string;
  key?: string;
  passphrase?: string;
  servername?: string;
}

/** The client certificate of `transport.tls.cert`, read from it (null without one); `mcp_upstream_client_certificate_expiry_seconds` counts down to `validTo`. */
export type ClientCertificate = {
  subject: string;
  issuer: string;
  serialNumber: string;
  validFrom: string;
  validTo: string;
  fingerprint256: string;
} | null;

/** A configuration each user gives the server for themselves (the MCP Online Platform's "Configure MCP Service"): their own token for a service that acts as them. `schema` is what a user sends to `POST /services/{serviceId}/configure`; `env` (stdio) or `headers` (HTTP, SSE, WebSocket) say where it goes, with `{{field}}` standing for a field's value (an array's items joined with commas). Every field a template uses is required, whatever `schema.required` says (400 naming it; one stored without it is refused as no longer fitting), and a header or variable a template sets never carries the server's own value on a user's connection. A user with a configuration has a connection of their own to the server, opened at their first call and closed when idle; the server's own connection (its `transport` and `auth`) lists the tools. Its resources, prompts and completions reach a user on their own connection as well (their resources cannot be subscribed to through the gateway). `required` true (the default): a user without a configuration cannot run the server's tools (400 `MCP_SERVICE_UNCONFIGURED`) and is served none of its resources and prompts (they would be read as the server's own identity). `required` false: the server's own connection serves those who have none. Templates are not secret: put the server's own secrets in `transport`. */
export type UpstreamUserConfig = {
  /** A JSON Schema of an object whose properties (1 to 32, named like identifiers) are of type `string`, `number`, `integer`, `boolean` or an `array` of strings; keywords such as `enum`, `pattern`, `maxLength`, `minimum`, `format` and `description` apply as JSON Schema says. Values are stored encrypted and never answered. */
  schema: {
    [key: string]: unknown;
  };
  env?: {
    [key: string]: string;
  };
  headers?: {
    [key: string]: string;
  };
  required?: boolean;
} | null;

/** How the gateway authenticates to an HTTP, SSE or WebSocket upstream (MCP Connect's `auth`; not for stdio). `none`: nothing beyond `transport.headers`. `api_key`: `key` sent in `header` (default `Authorization`) after `prefix` (default `Bearer`; `""` for none). `oauth2`: the client credentials grant at `tokenUrl`, the client authenticating as `clientAuthMethod` says (`client_secret_basic`, the default, or `client_secret_post`; `scopes` and the RFC 8707 `resource` sent when given); the token is sent as `Authorization: Bearer`, kept until shortly before it expires, and fetched again at once when the upstream answers 401. `tokenUrl` must be `https`, or `http` on a loopback address. `key` and `clientSecret` are stored encrypted and answered as `********`; sending `********` back keeps them while they go to the same place (`key`: the same server; `clientSecret`: the same `tokenUrl`, and the tokens it gets to the same server), and is refused otherwise (400 `MASKED_VALUE`). The header it sets may not also be in `transport.headers`. */
export type UpstreamAuth = {
  type: "none" | "api_key" | "oauth2";
  key?: string;
  header?: string;
  prefix?: string;
  clientId?: string;
  clientSecret?: string;
  /** How the client id and secret reach the token endpoint (RFC 6749 §2.3.1); absent, client_secret_basic. */
  clientAuthMethod?: "client_secret_basic" | "client_secret_post";
  tokenUrl?: string;
  scopes?: Array<string>;
  resource?: string;
} | null;

/** Results of this server's read-only tools kept by the gateway for `ttlSeconds`, per user and exact arguments, and served without calling the upstream (the run is still authorized, limited, recorded and audited, with `cached: true`). Which tools: those named in `tools`, or without `tools`, those the upstream annotates `readOnlyHint: true`. Only completed results up to 1 MiB are kept. Emptied for the server when its tools change or it reconnects; null or absent: nothing is kept. */
export type UpstreamCache = {
  ttlSeconds: number;
  /** The upstream's own tool names (without the `<server>__` prefix). */
  tools?: Array<string>;
} | null;

/** Which of the server's tools the gateway serves; the others are not registered (as if the server did not list them). Patterns match the upstream's own tool names, `*` standing for any run of characters. A tool is served when it matches an `include` pattern (every tool, without `include`), matches no `exclude` pattern, and, with `readOnly`, is annotated `readOnlyHint: true`. Null or absent: every tool. */
export type UpstreamToolFilter = {
  include?: Array<ToolNamePattern>;
  exclude?: Array<ToolNamePattern>;
  /** Serve only the tools the upstream annotates as read-only. */
  readOnly?: boolean;
} | null;

export type ToolNamePattern = string;

/** Copies of the server that the gateway keeps connected and spreads calls over: for `stdio`, `count` processes of the same command; for HTTP, SSE and WebSocket, `count` sessions: to `url` (for a service that spreads sessions over its own instances), or with `urls` to `url` and each of `urls` in turn (copy `i` to the `i`-th of them, round and round), so that one server name spreads its calls over several endpoints. Each copy has its own health checks, circuit and reconnection. A tool call goes to a connected copy whose circuit admits it and that lists the tool, in turn (`round_robin`) or to the one with the fewest calls in flight (`least_pending`, ties in turn); a copy that drops or whose circuit opens is passed over until it is back, so a call is refused (503) only when no copy can take it. A call one copy could not take (it dropped just then: nothing was sent) goes to another; a call a copy lost (its connection broke, no answer came) goes once to another only when the tool says a second run is harmless (`readOnlyHint` or `idempotentHint`), and otherwise fails (502). The tools served are those of the first copy that listed them, until it drops. Resource subscriptions are made on one copy, and move to another when it drops. The server is `connected` while any copy is, and in `error` once every copy has failed (reconnecting included); its circuit is that of its connected copies: open only when none of theirs is closed (with none connected, as it was last). Not with `userConfig` (each user has a connection of their own). The server's headers and `api_key` go to every endpoint: a stored one is kept (`********`) only while every endpoint stays on a server it already went to (400 `MASKED_VALUE` otherwise, as for `url`). Absent: one copy. */
export interface UpstreamReplicas {
  /** With `urls`, at least one copy per endpoint (`url` and each of `urls`). */
  count: number;
  strategy?: "round_robin" | "least_pending";
  /** Other endpoints of the same server beside `transport.url` (HTTP, SSE and WebSocket only, with the scheme `url` has). */
  urls?: Array<string>;
}

/** One copy of the server as this instance sees it. */
export interface UpstreamReplicaState {
  index: number;
  status: "connected" | "disconnected" | "error" | "connecting";
  lastError: string | null;
  lastConnectedAt: string | null;
  circuit: "closed" | "open" | "half-open";
  /** Process id of a stdio copy's child. */
  pid: number | null;
  /** The endpoint this copy reaches (HTTP, SSE and WebSocket). */
  url?: string;
  /** Tool calls sent to it and not yet answered. */
  inFlight: number;
  /** Tool calls sent to it since its connection was configured on this instance. */
  calls: number;
}

export interface UpstreamServerInput {
  /** Lower-case letters, digits, `-` and `_`; prefixes its tools as `<name>__<tool>`, so it holds no `__` and does not end with `_`. */
  name: string;
  description?: string;
  transport: UpstreamTransport;
  enabled?: boolean;
  timeouts?: {
    connectMs?: number;
    requestMs?: number;
  };
  /** Pings (MCP `ping`) every `intervalMs` while connected; three unanswered in a row reconnect. `enabled` false sends none (a dead connection is then found by a call). `timeoutMs` is how long a ping may take (absent: the smaller of `timeouts.requestMs` and 10 s). One ping is in flight at a time: one slower than `intervalMs` delays the next. */
  healthCheck?: {
    enabled?: boolean;
    intervalMs?: number;
    timeoutMs?: number;
  };
  replicas?: UpstreamReplicas;
  rateLimits?: UpstreamRateLimits;
  cache?: UpstreamCache;
  auth?: UpstreamAuth;
  userConfig?: UpstreamUserConfig;
  /** Who may use the server: only members of these organizations (`/admin/organizations`), and admins. Its tools, resources, prompts and MCP service are hidden from everyone else, and a run of one of its tools is refused (403). Absent or null: everyone who may run upstream tools. An empty list: admins only. A deleted organization leaves the list. */
  organizations?: Array<string> | null;
  /** Permissions a caller must hold, besides `execute:tools`, to see and run the server's tools and reach its resources, prompts and MCP service, e.g. `use:github` (granted with `PUT /admin/users/{id}/roles`, carried by an API key only when in its scopes). Its tools list them as their `permissions`. Absent or empty: none beyond `execute:tools`. */
  permissions?: Array<Permission>;
  toolFilter?: UpstreamToolFilter;
  /** Which of its tools a person must allow, run by run, before the gateway calls them: none, the `destructive` ones (not annotated `readOnlyHint: true` nor `destructiveHint: false`, as MCP reads a tool without annotations), or `always` all. The gateway asks through the caller's MCP client (`elicitation/create`, a form with one boolean `allow`), on `/mcp` and on `/ws` with the `mcp` subprotocol; a run is 403 when not allowed, and 412 when the caller's door or client cannot ask (REST, an asynchronous run, a client without the elicitation capability). Every question and answer is audited (`tool.client_request`). */
  confirmTools?: "never" | "destructive" | "always";
  /** What the gateway does with credentials in what the server answers (tool results and error results, resources, prompts, and the log and progress messages, sampling and elicitation requests it sends the caller during a call: those are masked, or under `refuse` not relayed): private keys, AWS access keys, GitHub, GitLab, Slack, Stripe, Google and OpenAI-style keys, JWTs. `mask` replaces each with `[REDACTED:<kind>]` before anything stores, caches, audits or answers it; `refuse` withholds the whole answer (502). Either way it is audited (`upstream.credentials.found`, a warning, with the kinds; never the values). */
  credentialScan?: "off" | "mask" | "refuse";
  /** What happens when the server's tools change after they were approved (a tool added, or its title, description, schemas or annotations rewritten). `serve`: served at once, audited and announced (`upstream.tools.changed`). `hold`: also audited and announced, but a new or changed tool is not served until an admin approves the listing (`POST /admin/servers/{id}/approve-tools`). The first listing is approved as it comes. */
  toolChanges?: "serve" | "hold";
  metadata?: {
    category?: "system" | "data" | "analytics" | "monitoring";
    tags?: Array<string>;
  };
}

/** Fields of UpstreamServerInput to change (RFC 7396). Each is as UpstreamServerInput has it; an object is merged into the stored one field by field (so it may be partial here), and `null` removes a field. The result must be a valid UpstreamServerInput. An empty patch changes nothing and is refused (400). */
export interface UpstreamServerPatch {
  name?: string;
  description?: string | null;
  /** Merged into the stored transport (its masked secrets kept while it stays on the same server). */
  transport?: {
    [key: string]: unknown;
  };
  enabled?: boolean;
  timeouts?: {
    [key: string]: unknown;
  } | null;
  healthCheck?: {
    [key: string]: unknown;
  } | null;
  replicas?: {
    [key: string]: unknown;
  } | null;
  rateLimits?: {
    [key: string]: unknown;
  } | null;
  cache?: {
    [key: string]: unknown;
  } | null;
  auth?: {
    [key: string]: unknown;
  } | null;
  userConfig?: {
    [key: string]: unknown;
  } | null;
  organizations?: Array<string> | null;
  permissions?: Array<Permission> | null;
  toolFilter?: {
    [key: string]: unknown;
  } | null;
  confirmTools?: "never" | "destructive" | "always" | null;
  credentialScan?: "off" | "mask" | "refuse" | null;
  toolChanges?: "serve" | "hold" | null;
  metadata?: {
    [key: string]: unknown;
  } | null;
}

export interface UpstreamServer {
  id: string;
  name: string;
  description?: string | null;
  /** The server group it belongs to (`/admin/server-groups`); null when ungrouped. */
  groupId: string | null;
  transport: UpstreamTransport;
  clientCertificate: ClientCertificate;
  enabled: boolean;
  status: "connected" | "disconnected" | "error" | "connecting";
  lastError?: string | null;
  lastConnectedAt?: string | null;
  circuit?: "closed" | "open" | "half-open";
  /** Process id of a stdio server's child on this instance (with replicas, the first connected copy's). */
  pid?: number | null;
  replicas: UpstreamReplicas;
  /** Each copy of the server on this instance (none while it has no connection here). */
  replicaStates: Array<UpstreamReplicaState>;
  timeouts: {
    connectMs: number;
    requestMs: number;
  };
  healthCheck: {
    enabled: boolean;
    intervalMs: number;
    /** How long a ping may take (the one given, else the smaller of `timeouts.requestMs` and 10 s). */
    timeoutMs: number;
  };
  rateLimits?: UpstreamRateLimits;
  cache?: UpstreamCache;
  auth?: UpstreamAuth;
  userConfig?: UpstreamUserConfig;
  /** Connections of users with a configuration of their own, open on this instance. */
  userConnections?: number;
  /** The organizations whose members may use the server (admins always may); null when everyone may. */
  organizations: Array<string> | null;
  /** Permissions a caller must hold, besides `execute:tools`, to use the server. */
  permissions: Array<string>;
  credentialScan: "off" | "mask" | "refuse";
  toolFilter: UpstreamToolFilter;
  confirmTools: "never" | "destructive" | "always";
  metadata: {
    category?: string;
    tags?: Array<string>;
  };
  /** Names of the tools it serves (as registered, `<server>__<tool>`). */
  tools: Array<string>;
  toolChanges: "serve" | "hold";
  /** With `toolChanges` hold, the tools it lists that are new or changed since the approved listing, and so not served (`<server>__<tool>`; as seen on this instance). */
  heldTools: Array<string>;
  /** The tools it lists that its `toolFilter` keeps out, and so not served (`<server>__<tool>`; as seen on this instance). */
  filteredTools: Array<string>;
  /** How many resources it offers. */
  resources?: number;
  /** How many prompts it offers. */
  prompts?: number;
  createdAt: string;
  updatedAt: string;
}

export interface UpstreamServerList {
  servers: Array<UpstreamServer>;
}

/** One user's configuration of a server, as an admin sees it (never the values). */
export interface UpstreamUserConfigEntry {
  userId: string;
  email: string | null;
  fields: Array<string>;
  /** Whether a connection made with it is open on this instance. */
  connected: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface UpstreamUserConfigList {
  configs: Array<UpstreamUserConfigEntry>;
  pagination: Pagination;
}

/** An organization's configuration of a server, for all its members, as an admin sees it (never the values). */
export interface UpstreamOrganizationConfigEntry {
  organizationId: string;
  fields: Array<string>;
  /** The organization admin who gave it last. */
  updatedBy: string;
  /** Whether the connection made with it (shared by the members) is open on this instance. */
  connected: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface UpstreamOrganizationConfigList {
  configs: Array<UpstreamOrganizationConfigEntry>;
  pagination: Pagination;
}

/** What the organization has (the MCP Online Platform's plan). `maxUsers` and `dailyToolRuns` are enforced; `features` describe it. */
export interface OrganizationPlan {
  id?: string;
  name: string;
  features?: Array<string>;
  maxUsers?: number;
  /** Tool runs its members may start in a UTC day, all together, on every door (REST, `/ws`, `/mcp`); past it a run is refused with 429 `RATE_LIMIT_EXCEEDED` and `Retry-After` until midnight UTC. Shared across instances through Redis when configured. */
  dailyToolRuns?: number;
}

export interface OrganizationInput {
  name: string;
  plan?: OrganizationPlan;
}

export interface Organization {
  id: string;
  name: string;
  plan: OrganizationPlan;
  usersCount: number;
  /** The MCP services configured for it (by its admins, for every member) or by its members (their own). */
  servicesCount: number;
  /** Its members' tool runs recorded since midnight UTC (a run is recorded as it ends). */
  toolRunsToday: number;
  /** The caller's role in it (`GET /organizations/me` only). */
  role?: "member" | "admin";
  createdAt: string;
  updatedAt: string;
}

export interface OrganizationUsageDay {
  day: string;
  runs: number;
  completed: number;
  failed: number;
}

export interface OrganizationUsage {
  organizationId: string;
  /** The plan's limit; null without one. */
  dailyToolRuns: number | null;
  days: Array<OrganizationUsageDay>;
  total: {
    runs: number;
    completed: number;
    failed: number;
  };
}

export interface OrganizationList {
  organizations: Array<Organization>;
  pagination: Pagination;
}

export interface OrganizationMember {
  id: string;
  email: string;
  name: string;
  organizationId: string;
  role: "member" | "admin";
  joinedAt: string;
  lastLoginAt: string | null;
}

export interface OrganizationMemberList {
  users: Array<OrganizationMember>;
  pagination: Pagination;
}

export interface OrganizationAssignment {
  organizationId: string;
  role?: "member" | "admin";
}

/** An upstream MCP server as a user sees it (the MCP Online Platform's service). Listed for an organization (`/organizations/me/services`), `isConfigured`, `configuredAt` and `configuredFields` are the organization's configuration. */
export interface McpService {
  id: string;
  name: string;
  description: string | null;
  /** The version the server reports, while connected on this instance. */
  version: string | null;
  /** The server's own connection on this instance. */
  status: "connected" | "disconnected" | "error" | "connecting";
  /** It takes a configuration of each user (`configSchema`). */
  configurable: boolean;
  /** Its tools run only for a user with a configuration. */
  requiresConfiguration: boolean;
  /** The caller has given it a configuration. */
  isConfigured: boolean;
  /** Whose configuration the caller's runs use: their own (`user`), else the one their organization's admins gave it for every member (`organization`); null when neither. */
  configuredBy: "user" | "organization" | null;
  configuredAt: string | null;
  /** What `POST /services/{serviceId}/configure` takes as `config` (its `required` lists every field the service's templates use); null when it takes nothing. */
  configSchema: {
    [key: string]: unknown;
  } | null;
  /** The fields of the caller's configuration that hold a value (the values are never answered). */
  configuredFields: Array<string>;
  /** Its tools as registered (`<server>__<tool>`). */
  tools: Array<string>;
  /** What it serves the caller through the gateway. */
  capabilities: Array<"tools" | "resources" | "prompts">;
}

export interface McpServiceList {
  services: Array<McpService>;
  pagination: Pagination;
}

export interface ConfigureMcpServiceRequest {
  /** The caller's configuration, validated against the service's `configSchema`. It replaces the one stored; a field sent as `********` keeps its stored value. */
  config: {
    [key: string]: unknown;
  };
  /** Connect to the service with it before storing it (for stdio, start its process), and refuse it (502, nothing stored) when the service does not take it. `false` stores it unchecked, for a service that is down now. */
  verify?: boolean;
}

export type ToolTag = string;

/** What changes; what is absent stays. At least one of `enabled`, `requiresConfirmation` and `tags`. */
export interface ToolSettingsUpdate {
  /** The tool's own tags, replacing those it had (an empty list removes them); its server's tags are added to them. Found with `GET /tools?tags=`. */
  tags?: Array<ToolTag>;
  /** false switches the tool off; true on again. */
  enabled?: boolean;
  /** true: a person allows each run, asked through the caller's MCP client (see the servers' `confirmTools`), whatever tool it is, built-ins included; false: never asked, whatever its server says; null: as its server says (built-ins: never). */
  requiresConfirmation?: boolean | null;
  /** Why, for the audit log. */
  reason?: string;
}

/** A REST endpoint served as a tool. The tool's arguments fill the `{placeholders}` of the url's path (each value percent-encoded as one path segment, never `.`, `..` or empty); the others go as query parameters (GET, DELETE, and those named in `query`) or as the JSON body (POST, PUT, PATCH). Arrays repeat their query parameter, objects go as JSON text, nulls are left out. `auth` is an upstream server's (an API key, or a token of the OAuth 2.0 client credentials grant, fetched again once when the endpoint answers 401), its secrets sealed and masked as `headers` are; the header it sets may not also be in `headers`. */
export interface HttpToolInput {
  /** The tool's name on every door (its id is `tool_<name>`); lower-case letters, digits and single `_`, so it never takes the `<server>__<tool>` form of upstream tools. Cannot change later. */
  name: string;
  description: string;
  category?: "system" | "data" | "analytics" | "monitoring";
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** An absolute `http` or `https` URL, without credentials, whose path may hold `{placeholders}` (letters, digits and `_`), e.g. `https://api.example.com/v1/users/{login}/repos?per_page=50`. The scheme, host, port and query are fixed: arguments never change where the request goes. Trusted as an upstream server's url is: private addresses are allowed (the `HTTP_TOOL_ALLOWLIST` of the `http_request` tool does not apply). */
  url: string;
  /** Arguments a POST, PUT or PATCH sends as query parameters rather than in its JSON body (a GET or DELETE sends every argument but the placeholders so). */
  query?: Array<string>;
  /** Sent with every request; values are sealed at rest and answered as `********`. Sending `********` back keeps the stored value while the url stays on the same origin. Framing and connection headers are refused. */
  headers?: {
    [key: string]: string;
  };
  /** The JSON Schema of the tool's arguments (`type: object`), checked on every run as any tool's. Every path placeholder must be one of its required properties. Properties it marks `writeOnly`, `format: password` or `x-secret` never reach the audit log or the run history. Absent: one required, non-empty string per placeholder and nothing else. */
  inputSchema?: {
    [key: string]: unknown;
  };
  /** How long one request may take (the run's own timeout also applies); past it the run fails with `TIMEOUT`. */
  timeoutMs?: number;
  /** The largest response body taken (default and ceiling `HTTP_TOOL_MAX_RESPONSE_BYTES`); a larger one fails the run with `RESPONSE_TOO_LARGE`. */
  maxResponseBytes?: number;
  /** Permissions a caller must hold, besides `execute:tools`, to see and run the tool (as a server's `permissions`). */
  permissions?: Array<Permission>;
  rateLimit?: RateLimit;
  auth?: UpstreamAuth;
  identity?: HttpToolIdentity;
  /** What of a successful JSON answer the caller gets as `body`, so an agent reads what it needs rather than the whole document: a path of `$` then `.key`, `['any key']`, `[0]`, `[*]` or `.*` (a linear part of JSONPath), e.g. `$.data.items[*].name`. One value, or once a step takes every element, the list of what each gives; missing: null (or left out of the list). Not applied to text answers or to failing ones, whose whole answer says why. */
  responsePath?: string | null;
  /** What the gateway does with credentials in the endpoint's answers, failing ones included, as an upstream server's `credentialScan` does: `mask` replaces each with `[REDACTED:<kind>]` before anything keeps or answers it, `refuse` fails the run (`CREDENTIALS_IN_ANSWER`) and keeps nothing of the answer. Either way it is audited (`http_tool.credentials.found`, a warning, with the kinds; never the values). */
  credentialScan?: "off" | "mask" | "refuse";
  /** Who may see and run the tool: only members of these organizations, and admins (as a server's `organizations`). Absent or null: everyone holding its permissions. An empty list: admins only. A deleted organization leaves the list. */
  organizations?: Array<string> | null;
}

/** Tell the service who the caller is: every request carries a JWT the gateway signs (RS256, the key of its access tokens, checked with `/.well-known/jwks.json`) with `iss` the gateway, `aud` the `audience`, `sub` the caller's user id, `email`, `roles`, `client_id` when an application acts for them, `tool`, `execution_id`, `jti`, and `token_use: "identity"`; valid 60 seconds. The gateway itself never takes it as an access token. In `header` as it is, or after `Bearer ` when the header is `Authorization` (then `auth` cannot also set it). Absent or null: the service is not told. */
export type HttpToolIdentity = {
  header?: string;
  /** The `aud` claim; absent, the url's origin (`https://api.example.com`). */
  audience?: string;
} | null;

export interface HttpTool {
  id: string;
  /** The registered tool's id (`tool_<name>`), for `/tools/{id}`, `/admin/tools/{id}` and contexts. */
  toolId: string;
  name: string;
  description: string;
  category: "system" | "data" | "analytics" | "monitoring";
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  url: string;
  /** Header names, every value `********`. */
  headers: {
    [key: string]: string;
  };
  inputSchema: {
    [key: string]: unknown;
  };
  query: Array<string>;
  timeoutMs: number;
  maxResponseBytes: number;
  permissions: Array<string>;
  rateLimit?: RateLimit;
  auth: UpstreamAuth;
  identity: HttpToolIdentity;
  responsePath: string | null;
  credentialScan: "off" | "mask" | "refuse";
  organizations: Array<string> | null;
  createdAt: string;
  updatedAt: string;
}

export interface HttpToolList {
  httpTools: Array<HttpTool>;
}

/** An OpenAPI 3 document (JSON, as an object) whose operations become HTTP tools: path and query parameters and the properties of a JSON object request body become the arguments (their schemas with the document's `$ref`s written out), the summary the description, the operationId (or method and path) the name in snake case after `prefix`. What cannot be sent so is skipped with the reason: a required header or cookie parameter, a body that is not a JSON object or combines schemas, a recursive schema, a reference outside the document, a method other than GET, POST, PUT, PATCH and DELETE, a name a tool already has. */
export interface HttpToolImport {
  /** The OpenAPI 3.0 or 3.1 document. */
  document: {
    [key: string]: unknown;
  };
  /** Where the paths go under (`https://api.example.com/v2`); absent, the document's first `servers` url, which must then be absolute. */
  baseUrl?: string;
  prefix?: string;
  /** Only these operations; absent, every operation (at most 200 tools in one import). */
  operationIds?: Array<string>;
  category?: "system" | "data" | "analytics" | "monitoring";
  /** Sent by every tool made (sealed as an HTTP tool's `headers`). */
  headers?: {
    [key: string]: string;
  };
  auth?: UpstreamAuth;
  permissions?: Array<Permission>;
  timeoutMs?: number;
  /** Every tool made scans its answers for credentials so (an HTTP tool's `credentialScan`); absent, `off`. */
  credentialScan?: "off" | "mask" | "refuse";
  /** true answers what would be made, and makes nothing. */
  dryRun?: boolean;
}

export interface HttpToolImportResult {
  dryRun: boolean;
  /** The tools made (none on a dry run). */
  created: Array<HttpTool>;
  /** On a dry run, what each tool would be. */
  planned: Array<{
    operation: string;
    name: string;
    description?: string;
    method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
    url: string;
    inputSchema: {
      [key: string]: unknown;
    };
    query: Array<string>;
  }>;
  skipped: Array<{
    /** The operationId, or the method and path. */
    operation: string;
    reason: string;
  }>;
}

/** A resource as its upstream lists it (MCP 2025-11-25 `Resource`); any other field it sends passes through. */
export interface McpResource {
  uri: string;
  name: string;
  title?: string;
  description?: string;
  mimeType?: string;
  size?: number;
}

/** A resource template as its upstream lists it (MCP `ResourceTemplate`); read a resource it describes by its expanded URI. */
export interface McpResourceTemplate {
  uriTemplate: string;
  name: string;
  title?: string;
  description?: string;
  mimeType?: string;
}

export interface McpResourceList {
  resources: Array<McpResource>;
  resourceTemplates: Array<McpResourceTemplate>;
}

export interface ReadMcpResourceRequest {
  /** A listed resource's URI, or one a template describes. */
  uri: string;
}

/** What the upstream answered (MCP `ReadResourceResult`); text or base64 `blob` per entry. */
export interface McpResourceContents {
  contents: Array<{
    uri: string;
    mimeType?: string;
    text?: string;
    blob?: string;
  }>;
}

/** A prompt as its upstream lists it (MCP `Prompt`), by its own name. */
export interface McpPrompt {
  name: string;
  title?: string;
  description?: string;
  arguments?: Array<{
    name: string;
    description?: string;
    required?: boolean;
  }>;
}

export interface McpPromptList {
  prompts: Array<McpPrompt>;
}

export interface GetMcpPromptRequest {
  name: string;
  /** The prompt's arguments, each a string. */
  arguments?: {
    [key: string]: string;
  };
}

/** What the upstream answered (MCP `GetPromptResult`). */
export interface McpPromptMessages {
  description?: string;
  messages: Array<{
    role: "user" | "assistant";
    content: {
      [key: string]: unknown;
    };
  }>;
}

export interface FavoriteTool {
  toolId: string;
  /** The tool's name now, or its id when the tool is gone. */
  toolName: string;
  /** For an upstream tool, its server. */
  serverId?: string;
  /** Whether the caller may run it now (it exists and they hold its permissions). */
  available: boolean;
  favoritedAt: string;
}

export interface FavoriteToolList {
  favorites: Array<FavoriteTool>;
}

export interface ToolCategoryList {
  categories: Array<{
    name: "system" | "data" | "analytics" | "monitoring";
    count: number;
    /** How many of them are enabled. */
    enabled: number;
  }>;
}

export interface RecentToolList {
  tools: Array<{
    toolId: string;
    /** The tool's name; null for a tool that is gone. */
    name: string | null;
    available: boolean;
    lastUsedAt: string;
    /** The caller's runs of it that are kept. */
    runs: number;
  }>;
}

export interface ToolUsageStats {
  /** Whose runs are counted; null for everyone's (`allUsers`). */
  userId: string | null;
  /** The window's first day (UTC). */
  from: string;
  /** The window's last day, today (UTC). */
  to: string;
  days: number;
  /** Tools the caller may run now (admins every tool). */
  totalTools: number;
  /** Runs started in the window, whatever their status. */
  totalInvocations: number;
  completed: number;
  failed: number;
  /** Most runs first (ties by tool id). */
  topTools: Array<{
    toolId: string;
    /** The tool's name; null for a tool that is gone. */
    name: string | null;
    /** Whether the tool is in the registry now. */
    available: boolean;
    invocations: number;
    completed: number;
    failed: number;
  }>;
  /** Every day of the window, newest first. */
  invocationsByDay: Array<{
    date: string;
    count: number;
    completed: number;
    failed: number;
  }>;
}

/** A server's circuit breaker on this instance (each instance has its own). */
export interface CircuitBreakerState {
  serverId: string;
  serverName: string;
  state: "closed" | "open" | "half-open";
  /** Consecutive failures now. */
  failures: number;
  /** Successful calls since this instance connected the server. */
  successes: number;
  lastError: string | null;
  lastFailureAt: string | null;
  lastStateChange: string;
  /** When an open circuit lets one probe call through; null unless open. */
  cooldownEndsAt: string | null;
}

export interface CircuitBreakerList {
  circuitBreakers: Array<CircuitBreakerState>;
}

/** The gateway as an operator watches it, from the instance that answers. */
export interface MonitorOverview {
  instanceId: string;
  timestamp: string;
  /** Seconds since this instance started. */
  uptime: number;
  overview: {
    totalServers: number;
    enabledServers: number;
    /** Connected on this instance. */
    connectedServers: number;
    /** Open or half-open on this instance. */
    openCircuits: number;
    totalTools: number;
    upstreamTools: number;
    /** Runs started today (UTC) by anyone, on every instance. */
    runsToday: number;
    failedRunsToday: number;
  };
  /** Every configured server, by name. */
  servers: Array<{
    id: string;
    name: string;
    enabled: boolean;
    status: "connected" | "disconnected" | "error" | "connecting";
    tools: number;
    lastError: string | null;
    lastConnectedAt: string | null;
    circuit: CircuitBreakerState;
    /** Its copies (`replicas`) on this instance, and the tool calls sent to each (the MCP Gateway seed's load balancer requests per server), in copy order. */
    replicas: {
      count: number;
      connected: number;
      calls: Array<number>;
    };
  }>;
}

/** This instance's cache of upstream results (each instance keeps its own). */
export interface ToolCacheStats {
  /** False when `TOOL_CACHE_MAX_BYTES` is 0. */
  enabled: boolean;
  maxBytes: number;
  entries: number;
  /** The kept results' JSON size. */
  bytes: number;
  /** Since this instance started. */
  hits: number;
  misses: number;
  hitRate: number;
  oldestEntry: string | null;
  /** Entries by server, for the servers that have any. */
  servers: Array<{
    serverId: string;
    server: string;
    entries: number;
    bytes: number;
  }>;
}

export interface ToolCacheCleared {
  /** Entries removed on this instance (every other instance clears the same). */
  removed: number;
}

export interface ServerTemplatePlaceholder {
  /** The value's name in `values`; for `env` and `header`, also the variable's or header's name. */
  key: string;
  description: string;
  required: boolean;
  /** Sealed at rest and masked in every answer (all `env` and `header` values are). */
  secret: boolean;
  /** `env`: an environment variable of a stdio server; `header`: an HTTP header; `arg`: replaces `{{key}}` in `args` or `url`. */
  in: "env" | "header" | "arg";
}

export interface ServerTemplate {
  id: string;
  name: string;
  description: string;
  category: string;
  documentation?: string;
  /** Shipped with the server, or read from `UPSTREAM_TEMPLATES_FILE` (which may replace a built-in of the same id). */
  source: "builtin" | "config";
  transport: {
    type: "stdio" | "streamable-http" | "sse" | "websocket";
    command?: string;
    args?: Array<string>;
    url?: string;
  };
  placeholders: Array<ServerTemplatePlaceholder>;
  userConfig?: UpstreamUserConfig;
}

export interface ServerTemplateList {
  templates: Array<ServerTemplate>;
}

export interface ServerTemplateInstance {
  /** The new server's name (as for `POST /admin/servers`). */
  name: string;
  description?: string;
  /** The template's placeholders by key; required ones must be given, unknown keys are refused. */
  values?: {
    [key: string]: string;
  };
  enabled?: boolean;
  toolChanges?: "serve" | "hold";
  replicas?: UpstreamReplicas;
  /** A server group to put the new server in. */
  groupId?: string;
}

/** A named set of upstream servers, to find them and to connect or disconnect them together. */
export interface ServerGroupInput {
  name: string;
  description?: string | null;
  color?: string | null;
  icon?: string | null;
  sortOrder?: number;
}

export interface ServerGroup {
  id: string;
  name: string;
  description: string | null;
  color: string | null;
  icon: string | null;
  sortOrder: number;
  /** Its servers' ids, ordered by the servers' names. */
  serverIds: Array<string>;
  serverCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface ServerGroupList {
  /** By sortOrder, then name. */
  groups: Array<ServerGroup>;
}

export interface ServerGroupMembers {
  /** Servers to put in the group (each leaves the group it was in). Unique, existing servers; one unknown id changes nothing. */
  serverIds: Array<string>;
}

export interface ServerGroupBulkResult {
  groupId: string;
  action: "connect" | "disconnect";
  /** One per server of the group, by name; a server that failed does not stop the others. */
  results: Array<ServerBulkOutcome>;
}

export interface ServerBulkOutcome {
  serverId: string;
  name: string;
  outcome: "connected" | "disconnected" | "failed";
  status: "connected" | "disconnected" | "error" | "connecting";
  /** Why it failed (as `lastError` says). */
  error?: string;
  /** The tools it serves now (connected servers). */
  toolCount?: number;
}

export interface ServerBulkRequest {
  serverIds: Array<string>;
}

export interface ServerBulkResult {
  action: "connect" | "disconnect";
  /** One per server asked for, by name; a server that failed does not stop the others. */
  results: Array<ServerBulkOutcome>;
  summary: {
    total: number;
    succeeded: number;
    failed: number;
  };
}

export interface ContextSettings {
  /** Milliseconds; caps the timeout of every run in this context (at most the server's maximum). */
  maxExecutionTime?: number;
  /** Transient upstream failures (502, 503) of runs in this context are retried. */
  retryPolicy?: {
    maxRetries?: number;
    backoffMultiplier?: number;
  };
}

export interface Context {
  id: string;
  userId: string;
  name: string;
  description?: string | null;
  status: "active" | "archived";
  metadata: {
    [key: string]: unknown;
  };
  /** Ids of the tools runs in this context may use. */
  tools: Array<string>;
  settings: ContextSettings;
  createdAt: string;
  updatedAt: string;
}

export interface ContextList {
  contexts: Array<Context>;
  pagination: Pagination;
}

export interface CreateContextRequest {
  name: string;
  description?: string;
  status?: "active" | "archived";
  /** Free JSON, at most 64 KiB. */
  metadata?: {
    [key: string]: unknown;
  };
  /** Tool ids or names; each must exist. */
  tools?: Array<string>;
  settings?: ContextSettings;
}

/** Fields present replace the stored ones; absent fields are kept. */
export interface UpdateContextRequest {
  name?: string;
  description?: string;
  status?: "active" | "archived";
  metadata?: {
    [key: string]: unknown;
  };
  tools?: Array<string>;
  settings?: ContextSettings;
}

export interface Session {
  id: string;
  userId: string;
  contextId?: string | null;
  status: "active" | "terminated" | "expired";
  connectionType: "websocket" | "http" | "mcp";
  ipAddress?: string | null;
  userAgent?: string | null;
  startedAt: string;
  lastActivity: string;
  expiresAt: string;
  endedAt?: string | null;
  endReason?: string | null;
  /** The OAuth client (an MCP client such as an IDE) this session was signed in through; null for a login, SSO, WebSocket or MCP session. */
  oauthClient?: {
    id: string;
    /** As the client registered it; not verified. */
    name: string | null;
  } | null;
  metrics: {
    messagesReceived: number;
    messagesSent: number;
    toolExecutions: number;
    errors: number;
  };
}

export interface SessionList {
  sessions: Array<Session>;
  pagination: Pagination;
}

export interface SessionTerminated {
  message: string;
  sessionId: string;
  timestamp: string;
}

export interface RegisterRequest {
  email: string;
  /** At least 12 characters with an upper-case letter, a lower-case letter, a digit and a symbol. */
  password: string;
  name: string;
  organization?: string;
  /** E.164, e.g. +14155550100 */
  phone?: string;
}

export interface LoginRequest {
  email: string;
  password: string;
  mfaCode?: string;
  backupCode?: string;
}

export interface TokenPair {
  /** RS256 JWT; send as `Authorization: Bearer <accessToken>`. */
  accessToken: string;
  /** Opaque, single use; every refresh returns a new one. */
  refreshToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
  tokenType: "Bearer";
}

export interface LoginResponse {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  tokenType: "Bearer";
  user: User;
}

export interface RefreshRequest {
  refreshToken?: string;
}

export interface MessageResponse {
  message: string;
  timestamp: string;
}

/** The `Error` envelope; on `MFA_REQUIRED` it also carries the token for the second step. */
export type MfaRequiredError = Error & {
  /** Single use, valid 5 minutes; send it to `/auth/verify-mfa` with a code. */
  mfaToken?: string;
  /** Which code the user must send; with `sms` a code was just sent to the enrolled phone. */
  mfaType?: "totp" | "sms";
  /** Seconds until `mfaToken` expires. */
  expiresIn?: number;
};

export interface MfaEnableRequest {
  type: "totp" | "sms";
  /** E.164, required for `sms`. */
  phoneNumber?: string;
}

/** A pending enrolment: confirm it with `/auth/mfa/verify`. The backup codes are shown once, each usable once, and only after the enrolment is confirmed. */
export interface MfaEnrollment {
  type: "totp" | "sms";
  /** TOTP only; the base32 secret, for manual entry. */
  secret?: string;
  /** TOTP only; the `otpauth://totp/...` URI the QR code encodes. */
  otpauthUrl?: string;
  /** TOTP only; a PNG data URL of the otpauth URI (issuer "Secure MCP", label the email). */
  qrCode?: string;
  /** SMS only; the number the code was sent to, masked. */
  phoneNumber?: string;
  /** SMS only; seconds until the code sent expires. */
  expiresIn?: number;
  backupCodes: Array<string>;
}

export interface MfaVerifyRequest {
  code: string;
  type: "totp" | "sms";
}

export interface MfaVerified {
  verified: true;
  timestamp: string;
}

export interface CancelExecutionRequest {
  /** Why; kept in the run's error message and in the audit entry. */
  reason?: string;
}

export interface MfaDisableRequest {
  /** A current TOTP code, an SMS code (SMS users first call without a code to get one) or a backup code. */
  code?: string;
}

/** The second login step. Send exactly one of `code` and `backupCode`. */
export interface VerifyMfaRequest {
  mfaToken: string;
  code?: string;
  backupCode?: string;
}

export interface SamlCallbackRequest {
  /** The base64 SAML Response (HTTP-POST binding). */
  SAMLResponse: string;
  RelayState?: string;
}

export interface ApiKey {
  id: string;
  name: string;
  /** The first characters of the key, to recognise it. */
  prefix: string;
  scopes: Array<string>;
  /** The addresses and networks the key works from, normalized (empty, from anywhere). */
  allowedIps: Array<string>;
  /** A limit of the key's own, on top of every other (null, none). Every request made with the key spends from it, on every door, across instances; past it, 429. */
  rateLimit: ApiKeyRateLimit | null;
  createdAt: string;
  expiresAt: string | null;
  lastUsed: string | null;
  status: "active" | "expired" | "revoked";
}

export interface OAuthGrant {
  /** The server's id of the client (the one to withdraw it by). */
  clientId: string;
  /** For a client known by its metadata document, the document's URL (its client_id). */
  metadataDocument: string | null;
  /** As the client gave it; not verified. */
  name: string | null;
  /** What the caller allowed it, space-separated; null: everything the caller holds (no scope was asked for), or nothing recorded (a sign-in from before consents were kept). */
  scope: string | null;
  /** When the caller last allowed it; null when only a session remains. */
  grantedAt: string | null;
  /** The caller's sessions signed in through it that can still be refreshed. */
  activeSessions: number;
}

export interface OAuthGrantList {
  grants: Array<OAuthGrant>;
}

export interface ApiKeyList {
  apiKeys: Array<ApiKey>;
}

export interface CreateApiKeyRequest {
  name: string;
  /** Permissions the key acts with; each must be held by the owner. */
  scopes: Array<string>;
  /** Lifetime in seconds (60 s to 2 years); omitted, the key does not expire. A server with a longest lifetime for keys (`API_KEY_MAX_TTL_SECONDS`) requires it, within that (400). */
  expiresIn?: number;
  /** Where the key may be used from: IPv4 or IPv6 addresses and CIDR networks (`203.0.113.7`, `10.0.0.0/8`, `2001:db8::/32`). Omitted or empty, from anywhere. Behind a proxy the client address is the one `TRUST_PROXY` lets the server see. */
  allowedIps?: Array<string>;
  rateLimit?: ApiKeyRateLimit;
}

/** A limit of the key's own, on top of the route's and the tools' (which still apply): each request made with the key (REST, `/mcp`, an event stream, a WebSocket upgrade, and every message on `/ws`) spends one, across instances when Redis is configured. Past it the request is 429 with `X-RateLimit-*` and `Retry-After` (a `/ws` message: -32029 with `RATE_LIMIT_EXCEEDED`). `window` is 1 s to 24 h (400 otherwise). A rotated key starts a count of its own. */
export interface ApiKeyRateLimit {
  requests: number;
  window: string;
}

export interface RotateApiKeyRequest {
  /** Seconds the old secret keeps working (at most 7 days); omitted or 0, it stops at once. */
  gracePeriod?: number;
  /** The new key's lifetime in seconds (60 s to 2 years, and within `API_KEY_MAX_TTL_SECONDS` when the server sets one); omitted, it expires when the old one would have (or, for an older key without expiry on such a server, at the longest lifetime allowed). */
  expiresIn?: number;
}

/** What to change; a member left out stays as it is (an empty body changes nothing). */
export interface UpdateApiKeyRequest {
  name?: string;
  /** The new list (replacing the old one); empty, from anywhere. */
  allowedIps?: Array<string>;
  /** The key's own limit (as `ApiKeyRateLimit`) from the next request on, on every instance; null removes it. */
  rateLimit?: {
    requests: number;
    window: string;
  } | null;
}

export interface CreatedApiKey {
  id: string;
  name: string;
  /** The key itself. Shown only in this answer; store it securely. */
  key: string;
  prefix: string;
  scopes: Array<string>;
  allowedIps: Array<string>;
  /** A limit of the key's own, on top of every other (null, none). Every request made with the key spends from it, on every door, across instances; past it, 429. */
  rateLimit: ApiKeyRateLimit | null;
  createdAt: string;
  expiresAt: string | null;
}

export interface Jwks {
  keys: Array<{
    kty: "RSA";
    kid: string;
    use: "sig";
    alg: "RS256";
    n: string;
    e: string;
  }>;
}

/** A JSON-RPC 2.0 request, notification or response (or, for older protocol versions, an array of them). */
export interface JsonRpcMessage {
  jsonrpc: "2.0";
  /** The request's id, echoed; null in an error answer to a message whose id could not be read. */
  id?: (string | number) | null;
  method?: string;
  params?: {
    [key: string]: unknown;
  };
  result?: unknown;
  error?: {
    [key: string]: unknown;
  };
}

export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers: Array<string>;
  bearer_methods_supported: Array<string>;
  scopes_supported: Array<string>;
  resource_name?: string;
  resource_documentation?: string;
}

/** OAuth 2.0 authorization server metadata (RFC 8414), for MCP clients that sign users in. */
export interface AuthorizationServerMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  /** Absent when `OAUTH_DYNAMIC_REGISTRATION` is off. */
  registration_endpoint?: string;
  /** Whether a client may name itself by the https URL of its metadata document (OAuth Client ID Metadata Document, the MCP 2025-11-25 way) instead of registering. False when `OAUTH_CLIENT_ID_METADATA` is off. */
  client_id_metadata_document_supported?: boolean;
  revocation_endpoint?: string;
  revocation_endpoint_auth_methods_supported?: Array<string>;
  jwks_uri?: string;
  scopes_supported: Array<string>;
  response_types_supported: Array<"code">;
  response_modes_supported?: Array<string>;
  grant_types_supported: Array<"authorization_code" | "refresh_token">;
  token_endpoint_auth_methods_supported: Array<"none" | "client_secret_post" | "client_secret_basic" | "private_key_jwt">;
  /** What a `private_key_jwt` client assertion may be signed with (RFC 7523). */
  token_endpoint_auth_signing_alg_values_supported?: Array<string>;
  revocation_endpoint_auth_signing_alg_values_supported?: Array<string>;
  code_challenge_methods_supported: Array<"S256">;
  authorization_response_iss_parameter_supported?: boolean;
  service_documentation?: string;
}

/** Dynamic client registration (RFC 7591). `redirect_uris` must be https, a loopback http address (`localhost`, `127.0.0.1`, `[::1]`; any port at authorization, RFC 8252), or a private-use scheme of a native app (`vscode:`, `cursor:`); no fragments, no credentials. */
export interface OAuthClientMetadata {
  redirect_uris: Array<string>;
  client_name?: string;
  grant_types?: Array<"authorization_code" | "refresh_token">;
  response_types?: Array<"code">;
  token_endpoint_auth_method?: "none" | "client_secret_post" | "client_secret_basic" | "private_key_jwt";
  /** With `private_key_jwt`, an https URL of the client's public keys (a JWK Set); or give `jwks`. */
  jwks_uri?: string;
  /** With `private_key_jwt`, the client's public keys as a JWK Set (`{"keys": [...]}`, 1 to 10 RSA, EC or OKP keys, no private members). */
  jwks?: {
    [key: string]: unknown;
  };
  scope?: string;
  client_uri?: string;
  software_id?: string;
  software_version?: string;
}

export interface OAuthClientInformation {
  client_id: string;
  client_id_issued_at: number;
  /** Only for confidential clients, shown once. */
  client_secret?: string;
  /** 0, the secret does not expire. */
  client_secret_expires_at?: number;
  client_name?: string;
  redirect_uris: Array<string>;
  grant_types: Array<string>;
  response_types: Array<string>;
  token_endpoint_auth_method: string;
  jwks_uri?: string;
  jwks?: {
    [key: string]: unknown;
  };
  scope?: string;
}

/** An OAuth client, as an admin sees it: registered (its secret is never shown again), or known by its metadata document, which it names as its client_id. */
export interface OAuthClient {
  /** The server's id of the client (the one to remove it by). */
  clientId: string;
  /** For a client known by its Client ID Metadata Document, the document's URL: the client_id the client itself uses. Null for a registered client, whose client_id is `clientId`. */
  metadataDocument: string | null;
  /** As the client gave it; not verified. */
  name: string | null;
  redirectUris: Array<string>;
  grantTypes: Array<string>;
  tokenEndpointAuthMethod: "none" | "client_secret_post" | "client_secret_basic" | "private_key_jwt";
  /** Where a private_key_jwt client publishes its public keys; null when they are inline, or for other methods. */
  jwksUri: string | null;
  /** How many public keys a private_key_jwt client gave inline (0 otherwise). */
  inlineKeys: number;
  scope: string | null;
  clientUri: string | null;
  softwareId: string | null;
  softwareVersion: string | null;
  /** The address the registration came from; null for a client known by its metadata document. */
  registeredFrom: string | null;
  createdAt: string;
  /** The last code or refresh exchanged by it. */
  lastUsedAt: string | null;
  /** Sessions signed in through it that can still be refreshed. */
  activeSessions: number;
}

export interface OAuthClientList {
  clients: Array<OAuthClient>;
  pagination: Pagination;
}

export interface OAuthClientGrant {
  userId: string;
  email: string;
  name: string;
  /** What the user allowed the client, space-separated; null: everything the user holds (no scope was asked for), or nothing recorded (only a session remains). */
  scope: string | null;
  /** When the user last allowed it; null when only a session remains. */
  grantedAt: string | null;
  /** The user's sessions signed in through the client that can still be refreshed. */
  activeSessions: number;
}

export interface OAuthClientGrantList {
  grants: Array<OAuthClientGrant>;
  pagination: Pagination;
}

/** `authorization_code` (with `code`, `redirect_uri`, `code_verifier`) or `refresh_token` (with `refresh_token`). */
export interface OAuthTokenRequest {
  grant_type: "authorization_code" | "refresh_token";
  code?: string;
  redirect_uri?: string;
  /** PKCE (RFC 7636), 43–128 characters; required with a code. */
  code_verifier?: string;
  client_id?: string;
  client_secret?: string;
  /** `urn:ietf:params:oauth:client-assertion-type:jwt-bearer`, for a `private_key_jwt` client (RFC 7523). */
  client_assertion_type?: string;
  /** A JWT signed by one of the client's keys: `iss` and `sub` its client_id, `aud` the issuer or this endpoint, `exp` within an hour, a `jti` used once. */
  client_assertion?: string;
  refresh_token?: string;
  /** RFC 8707; when given, must be this server's MCP endpoint (as at authorization). */
  resource?: string;
  /** With `refresh_token`, a narrower scope than was granted. */
  scope?: string;
}

export interface OAuthRevokeRequest {
  token: string;
  token_type_hint?: "access_token" | "refresh_token";
  client_id?: string;
  client_secret?: string;
  client_assertion_type?: string;
  client_assertion?: string;
}

export interface OAuthTokenResponse {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
  refresh_token: string;
  /** The permissions the token carries, space-separated. */
  scope: string;
}

/** RFC 6749 §5.2 and RFC 7591 §3.2.2 errors. `error` is the OAuth code (`invalid_request`, `invalid_client`, `invalid_grant`, `unauthorized_client`, `unsupported_grant_type`, `invalid_scope`, `invalid_target`, `invalid_redirect_uri`, `invalid_client_metadata`, `access_denied`, `temporarily_unavailable`); the envelope's fields come with it. */
export type OAuthError = Error & {
  /** Present on every error the OAuth endpoints answer themselves; a body that cannot be parsed gets the envelope alone. */
  error_description?: string;
};

/** The sign-in page's form, or the page's for a browser already signed in here (`consent`, no credentials). The authorization request's parameters travel in hidden fields. */
export interface OAuthLoginForm {
  client_id: string;
  redirect_uri: string;
  response_type: string;
  code_challenge: string;
  code_challenge_method: string;
  state?: string;
  scope?: string;
  resource?: string;
  email?: string;
  password?: string;
  /** The authenticator's 6 digits, an SMS code or a backup code, when the account has MFA. */
  code?: string;
  /** The value the page of a signed-in browser carries (bound to that browser's sign-in); with it, `allow` needs no credentials. */
  consent?: string;
  /** `sso` signs in at the SAML IdP instead of with a password (when SAML is configured). */
  decision?: "allow" | "deny" | "sso" | "switch";
}

export interface HealthStatus {
  status: "healthy" | "degraded" | "unhealthy";
  timestamp: string;
  version: string;
}

/** The upstream MCP servers this instance serves (enabled, or connected by an admin): counts only, names are for admins (`GET /admin/monitor`). `unhealthy` when one is not connected or its circuit is not closed; that makes the report `degraded`, never the instance unready. */
export interface UpstreamsHealth {
  status: "healthy" | "unhealthy";
  total: number;
  connected: number;
  /** Servers whose circuit is open or half-open on this instance. */
  circuitNotClosed: number;
  error?: string;
}

export interface ComponentHealth {
  status: "healthy" | "unhealthy";
  /** Round trip in milliseconds. */
  latency?: number;
  error?: string;
  kind?: "embedded" | "memory" | "postgres";
  /** Vault only (when it holds the sealing keys, VAULT_ADDR); a sealed Vault is unhealthy. */
  sealed?: boolean;
  /** Vault only. */
  version?: string;
  connections?: {
    active: number;
    idle: number;
    max: number;
  };
  /** Redis only (INFO memory): bytes used, its maxmemory (null: no limit), and the share of it used. */
  memory?: {
    used: number;
    max: number | null;
    percentage: number | null;
  };
}

export interface DetailedHealth {
  status: "healthy" | "degraded" | "unhealthy";
  timestamp: string;
  version: string;
  components: {
    database: ComponentHealth;
    redis?: ComponentHealth;
    upstreams?: UpstreamsHealth;
    vault?: ComponentHealth;
  };
  metrics: {
    /** Seconds since the process started. */
    uptime: number;
    memory: {
      rss: number;
      heapUsed: number;
      heapTotal: number;
      external?: number;
      /** What the process may use, in bytes (a container's memory limit, else the host's memory). */
      limit?: number;
    };
    /** Resident memory as a percentage of `memory.limit`. */
    memoryUsage?: number;
    /** CPU used by the process, as a percentage of one core, since the previous report (at least a second back) or since it started. */
    cpuUsage?: number;
    /** Mean event-loop delay in milliseconds. */
    eventLoopLag: number;
    eventLoopLagP99?: number;
    requestsPerSecond: number;
    activeConnections: number;
  };
}

export interface Readiness {
  ready: boolean;
  timestamp: string;
  reasons?: Array<string>;
}

export interface AdminUserList {
  users: Array<User>;
  pagination: Pagination;
}

export interface CreateUserRequest {
  email: string;
  name: string;
  organization?: string;
  roles: Array<Role>;
  permissions?: Array<Permission>;
  /** Optional; at least 12 characters with an upper-case letter, a lower-case letter, a digit and a symbol. Without it the answer carries a one-time set-password token instead. */
  password?: string;
}

/** Shown in this answer only; the token is stored hashed and works once. */
export interface PasswordSetup {
  token: string;
  expiresAt: string;
  /** The path the user posts `{token, password}` to. */
  url: string;
}

export interface CreatedUser {
  user: User;
  passwordSetup?: PasswordSetup;
}

export type Permission = string;

export interface UpdateUserRolesRequest {
  roles: Array<Role>;
  /** Extra permissions on top of the roles'; omitted keeps the current ones. */
  permissions?: Array<Permission>;
}

export interface UpdateUserStatusRequest {
  status: "active" | "suspended" | "deleted";
  reason?: string;
}

export interface UpdateProfileRequest {
  name: string;
}

export interface ChangePasswordRequest {
  currentPassword: string;
  /** At least 12 characters with an upper-case letter, a lower-case letter, a digit and a symbol; not the current one. */
  newPassword: string;
}

export interface PasswordChanged {
  message: string;
  /** The account's other sessions, ended. */
  endedSessions: number;
  timestamp: string;
}

export interface EmailTokenRequest {
  token: string;
}

export interface ForgotPasswordRequest {
  email: string;
}

export interface SetPasswordRequest {
  token: string;
  /** At least 12 characters with an upper-case letter, a lower-case letter, a digit and a symbol. */
  password: string;
}

export interface AuditLog {
  id: string;
  timestamp: string;
  userId: string | null;
  action: string;
  resource: string | null;
  details: {
    [key: string]: unknown;
  };
  result: "success" | "failure" | "denied";
  ipAddress: string | null;
  userAgent: string | null;
  severity: AuditSeverity;
  metadata: {
    sessionId: string | null;
    requestId: string | null;
    /** The API key the action was made with, on any door; null for a sign-in's token or no caller. */
    apiKeyId: string | null;
  };
}

export type AuditSeverity = "info" | "warning" | "error" | "critical";

export interface AuditLogList {
  logs: Array<AuditLog>;
  pagination: Pagination;
}

/** `server.connected` (`{serverId, server, instance, tools}`), `server.disconnected` (`{serverId, server, instance}`: an admin disconnected, disabled or changed it) and `server.error` (`{serverId, server, instance, error}`: it could not be reached, or its connection dropped) tell when an instance's connection to an upstream settles in another state; `circuit.opened` (`{serverId, server, instance, failures, error, cooldownMs}`) and `circuit.closed` when its circuit starts refusing calls and when they flow again. Each instance tells of its own connection; a shutdown tells nothing. */
export type WebhookEvent = "*" | "tool.executed" | "context.created" | "context.updated" | "context.deleted" | "session.terminated" | "user.created" | "user.security" | "error" | "upstream.tools.changed" | "upstream.credentials.found" | "server.connected" | "server.disconnected" | "server.error" | "circuit.opened" | "circuit.closed";

export interface Webhook {
  id: string;
  url: string;
  events: Array<WebhookEvent>;
  active: boolean;
  description: string | null;
  createdAt: string;
  updatedAt: string;
  /** When a delivery last reached the receiver (it answered 2xx). */
  lastDeliveryAt: string | null;
  /** When a delivery last failed for good (out of attempts, a target refused, a failed test send). */
  lastFailureAt: string | null;
  deliveryStats: WebhookDeliveryStats;
}

/** Deliveries that ended, counted as they end: a delivery still being retried is in neither count. Deliveries pruned before these counts existed (older than `WEBHOOK_DELIVERY_RETENTION_DAYS` then) are not in them. */
export interface WebhookDeliveryStats {
  total: number;
  successful: number;
  failed: number;
}

export interface CreatedWebhook {
  id: string;
  url: string;
  events: Array<WebhookEvent>;
  active: boolean;
  description: string | null;
  createdAt: string;
  updatedAt: string;
  /** When a delivery last reached the receiver (it answered 2xx). */
  lastDeliveryAt: string | null;
  /** When a delivery last failed for good (out of attempts, a target refused, a failed test send). */
  lastFailureAt: string | null;
  deliveryStats: WebhookDeliveryStats;
  /** Shown in this answer only; stored encrypted. Signs every delivery. */
  secret: string;
}

export interface SecretsStatus {
  /** Names `SECRETS_KEY` without revealing it (derived from it). */
  currentKeyId: string;
  /** Every configured key, `SECRETS_KEY` first, then `SECRETS_PREVIOUS_KEYS` in order. */
  keys: Array<SecretsKeyUse>;
  /** Sealed values no configured key opens (their key was removed, or they were altered). */
  unreadableValues: number;
  /** Where sealed values are kept, each with its counts. */
  stores: Array<SecretsStore>;
}

export interface SecretsKeyUse {
  id: string;
  /** Whether this is `SECRETS_KEY`, under which new values are sealed. */
  current: boolean;
  sealedValues: number;
}

export interface SecretsStore {
  /** The table and column. */
  name: string;
  description: string;
  sealedValues: number;
  /** Sealed values a configured older key opens, to be sealed again. */
  underOlderKeys: number;
  unreadable: number;
}

export interface ResealResult {
  /** Values sealed again under `SECRETS_KEY`. */
  resealed: number;
  /** Values no configured key opens, left as they are. */
  unreadable: number;
  /** Values changed by someone else during the sweep, left to that change. */
  changedMeanwhile: number;
  status: SecretsStatus;
}

export interface WebhookList {
  webhooks: Array<Webhook>;
}

export interface CreateWebhookRequest {
  url: string;
  events: Array<WebhookEvent>;
  /** Generated (and shown once) when omitted. */
  secret?: string;
  active?: boolean;
  description?: string;
}

export interface UpdateWebhookRequest {
  url: string;
  events: Array<WebhookEvent>;
  /** Rotates the secret when given. */
  secret?: string;
  active?: boolean;
  description?: string;
}

export interface WebhookDelivery {
  id: string;
  webhookId: string;
  event: string;
  /** The same for every webhook the event went to; receivers deduplicate on it. */
  eventId: string;
  status: "pending" | "delivering" | "delivered" | "failed";
  attempts: number;
  lastStatusCode: number | null;
  lastDurationMs: number | null;
  lastError: string | null;
  responseSnippet: string | null;
  createdAt: string;
  deliveredAt: string | null;
  nextAttemptAt: string | null;
}

export interface WebhookDeliveryList {
  deliveries: Array<WebhookDelivery>;
  pagination: Pagination;
}

export type RegisterUserResponse201 = User;

export type LoginUserResponse200 = LoginResponse;

export type RefreshTokenResponse200 = TokenPair;

export type LogoutUserResponse200 = MessageResponse;

export type EnableMfaResponse201 = MfaEnrollment;

export type VerifyMfaSetupResponse200 = MfaVerified;

export type DisableMfaResponse200 = MessageResponse;

export type DisableMfaResponse202 = MessageResponse;

export type VerifyMfaLoginResponse200 = LoginResponse;

export type SamlCallbackResponse200 = LoginResponse;

export type RegisterOAuthClientResponse201 = OAuthClientInformation;

export type OauthTokenResponse200 = OAuthTokenResponse;

export type GetCurrentUserResponse200 = User;

export type UpdateCurrentUserResponse200 = User;

export type ChangePasswordResponse200 = PasswordChanged;

export type ListApiKeysResponse200 = ApiKeyList;

export type CreateApiKeyResponse201 = CreatedApiKey;

export type UpdateApiKeyResponse200 = ApiKey;

export type RotateApiKeyResponse201 = CreatedApiKey;

export type ListOAuthGrantsResponse200 = OAuthGrantList;

export type ListFavoriteToolsResponse200 = FavoriteToolList;

export type AddFavoriteToolResponse200 = FavoriteTool;

export type ListMcpServicesResponse200 = McpServiceList;

export type GetMcpServiceResponse200 = McpService;

export type ConfigureMcpServiceResponse200 = McpService;

export type ListMcpServiceResourcesResponse200 = McpResourceList;

export type ReadMcpServiceResourceResponse200 = McpResourceContents;

export type ListMcpServicePromptsResponse200 = McpPromptList;

export type GetMcpServicePromptResponse200 = McpPromptMessages;

export type ListToolsResponse200 = ToolList;

export type GetToolResponse200 = Tool;

export type ExecuteToolResponse200 = ToolExecution;

export type ExecuteToolResponse202 = AcceptedExecution;

export type ListToolCategoriesResponse200 = ToolCategoryList;

export type ListRecentToolsResponse200 = RecentToolList;

export type GetToolStatsResponse200 = ToolUsageStats;

export type ListExecutionsResponse200 = ToolExecutionList;

export type GetToolExecutionResponse200 = ToolExecution;

export type CancelToolExecutionResponse200 = ToolExecution;

export type ListToolExecutionsResponse200 = ToolExecutionList;

export type ListContextsResponse200 = ContextList;

export type CreateContextResponse201 = Context;

export type GetContextResponse200 = Context;

export type UpdateContextResponse200 = Context;

export type ListSessionsResponse200 = SessionList;

export type TerminateSessionResponse200 = SessionTerminated;

export type ListServersResponse200 = UpstreamServerList;

export type CreateServerResponse201 = UpstreamServer;

export type GetServerResponse200 = UpstreamServer;

export type UpdateServerResponse200 = UpstreamServer;

export type PatchServerResponse200 = UpstreamServer;

export type ConnectServerResponse200 = UpstreamServer;

export type ApproveServerToolsResponse200 = UpstreamServer;

export type ListServerUserConfigsResponse200 = UpstreamUserConfigList;

export type ListServerOrganizationConfigsResponse200 = UpstreamOrganizationConfigList;

export type DisconnectServerResponse200 = UpstreamServer;

export type BulkServerActionResponse200 = ServerBulkResult;

export type ListServerTemplatesResponse200 = ServerTemplateList;

export type InstantiateServerTemplateResponse201 = UpstreamServer;

export type ListServerGroupsResponse200 = ServerGroupList;

export type CreateServerGroupResponse201 = ServerGroup;

export type GetServerGroupResponse200 = ServerGroup;

export type UpdateServerGroupResponse200 = ServerGroup;

export type AddServersToGroupResponse200 = ServerGroup;

export type RemoveServerFromGroupResponse200 = ServerGroup;

export type ConnectServerGroupResponse200 = ServerGroupBulkResult;

export type DisconnectServerGroupResponse200 = ServerGroupBulkResult;

export type GetMonitorResponse200 = MonitorOverview;

export type ListCircuitBreakersResponse200 = CircuitBreakerList;

export type UpdateToolSettingsResponse200 = Tool;

export type ListHttpToolsResponse200 = HttpToolList;

export type CreateHttpToolResponse201 = HttpTool;

export type ImportHttpToolsResponse200 = HttpToolImportResult;

export type GetHttpToolResponse200 = HttpTool;

export type UpdateHttpToolResponse200 = HttpTool;

export type GetToolCacheStatsResponse200 = ToolCacheStats;

export type ClearToolCacheResponse200 = ToolCacheCleared;

export type ListUsersResponse200 = AdminUserList;

export type CreateUserResponse201 = CreatedUser;

export type UpdateUserRolesResponse200 = User;

export type SetUserOrganizationResponse200 = OrganizationMember;

export type UpdateUserStatusResponse200 = User;

export type ResetUserPasswordResponse201 = PasswordSetup;

export type ListUserApiKeysResponse200 = ApiKeyList;

export type CreateUserApiKeyResponse201 = CreatedApiKey;

export type ListUserOAuthGrantsResponse200 = OAuthGrantList;

export type SendEmailVerificationResponse202 = MessageResponse;

export type VerifyEmailResponse200 = MessageResponse;

export type ForgotPasswordResponse202 = MessageResponse;

export type SetPasswordResponse200 = MessageResponse;

export type GetMyOrganizationResponse200 = Organization;

export type ListMyOrganizationUsersResponse200 = OrganizationMemberList;

export type ListMyOrganizationServicesResponse200 = McpServiceList;

export type ConfigureMyOrganizationServiceResponse200 = McpService;

export type GetMyOrganizationUsageResponse200 = OrganizationUsage;

export type ListOrganizationsResponse200 = OrganizationList;

export type CreateOrganizationResponse201 = Organization;

export type GetOrganizationResponse200 = Organization;

export type UpdateOrganizationResponse200 = Organization;

export type GetOrganizationUsageResponse200 = OrganizationUsage;

export type ListOrganizationUsersResponse200 = OrganizationMemberList;

export type ListAuditLogsResponse200 = AuditLogList;

export type ExportAuditLogsResponse200 = Array<AuditLog>;

export type ListOAuthClientsResponse200 = OAuthClientList;

export type ListOAuthClientGrantsResponse200 = OAuthClientGrantList;

export type GetSecretsStatusResponse200 = SecretsStatus;

export type ResealSecretsResponse200 = ResealResult;

export type ListWebhooksResponse200 = WebhookList;

export type CreateWebhookResponse201 = CreatedWebhook;

export type GetWebhookResponse200 = Webhook;

export type UpdateWebhookResponse200 = Webhook;

export type TestWebhookResponse200 = WebhookDelivery;

export type ListWebhookDeliveriesResponse200 = WebhookDeliveryList;

export type McpPostResponse200 = JsonRpcMessage;

export type McpPostContextResponse200 = JsonRpcMessage;

export type GetProtectedResourceMetadataResponse200 = ProtectedResourceMetadata;

export type GetAuthorizationServerMetadataResponse200 = AuthorizationServerMetadata;

export type GetJwksResponse200 = Jwks;

export type GetHealthResponse200 = HealthStatus;

export type GetDetailedHealthResponse200 = DetailedHealth;

export type GetReadinessResponse200 = Readiness;

export type GetOpenApiJsonResponse200 = {
  [key: string]: unknown;
};
