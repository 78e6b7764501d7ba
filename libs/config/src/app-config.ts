import { addTrustedProxy, type ProxyTrustSetting } from '@app/common';
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { BlockList } from 'node:net';
import { parseServerTemplates, type ServerTemplateConfig } from './server-templates';
import { resolve } from 'node:path';

/** TRUST_PROXY: no proxy, how many stand in front, or their addresses and CIDRs. */
export type TrustProxy = ProxyTrustSetting;

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface RateLimitRule {
  readonly limit: number;
  readonly windowSeconds: number;
}

export type DatabaseTarget =
  | { readonly kind: 'embedded'; readonly dataDir: string }
  // template: a tarball of a data directory to start from (tests start each app from one migrated cluster).
  | { readonly kind: 'memory'; readonly template?: string }
  | { readonly kind: 'postgres'; readonly url: string };

export interface SamlConfig {
  readonly entryPoint: string;
  readonly idpCert: string;
  readonly issuer: string;
  readonly callbackUrl: string;
  readonly roleAttribute: string;
  readonly roleMap: Readonly<Record<string, string>>;
  readonly successRedirect?: string;
}

/** Where MFA codes sent by SMS go: a webhook (POST `{to, message}`), the log (development), or nowhere. */
/** OpenTelemetry traces of tool runs, sent by OTLP over HTTP (JSON); absent, nothing is traced. */
export interface TracingConfig {
  /** Where spans are POSTed (the OTLP traces endpoint, `…/v1/traces`). */
  readonly endpoint: string;
  readonly serviceName: string;
  /** Sent with every export (a collector's API key). */
  readonly headers: Readonly<Record<string, string>>;
}

export type SmsConfig =
  | { readonly sender: 'webhook'; readonly webhookUrl: string; readonly webhookSecret?: string }
  | { readonly sender: 'log' }
  | { readonly sender: 'none' };

/** The whole configuration contract of DESIGN.md, parsed and validated once at boot. */
/** A Vault KV secret (v2, or v1) holding the fields SECRETS_KEY and SECRETS_PREVIOUS_KEYS, read with a token at start. */
export interface MailConfig {
  /** smtp:// (STARTTLS when the server offers it) or smtps://, with user and password in it when it wants them. */
  readonly smtpUrl: string;
  /** The From of every mail: an address, or `Name <address>`. */
  readonly from: string;
  /** Where the links in mails point: `<linkBase>/verify-email?token=…` and `<linkBase>/reset-password?token=…`, pages that POST the token. */
  readonly linkBase: string;
}

/** How the gateway signs in to Vault: a token given, or an AppRole login (role_id and secret_id) for a token of its own. */
export type VaultAuth = { readonly method: 'token'; readonly token: string } | { readonly method: 'approle'; readonly roleId: string; readonly secretId: string; readonly mount: string };

export interface VaultConfig {
  readonly address: string;
  readonly auth: VaultAuth;
  /** PEM of the CAs trusted for an https:// VAULT_ADDR instead of the public roots (VAULT_CACERT). */
  readonly caCert?: string;
  /** The secret's API path under /v1: `secret/data/secure-mcp` for KV v2, `kv/secure-mcp` for v1. */
  readonly secretPath: string;
  /** Vault Enterprise namespace (X-Vault-Namespace). */
  readonly namespace?: string;
}

/** The keys that seal stored secrets: the current one (absent: generated into DATA_DIR) and those it replaced. */
export interface SecretKeys {
  readonly secretsKey?: string;
  readonly secretsPreviousKeys: readonly string[];
}

export class AppConfig {
  readonly version!: string;
  readonly port!: number;
  readonly host!: string;
  readonly publicUrl!: string;
  readonly dataDir!: string;
  readonly database!: DatabaseTarget;
  /** Connections in the PostgreSQL pool (the embedded database always uses one). */
  readonly databasePoolMax!: number;
  readonly redisUrl?: string;
  readonly adminEmail?: string;
  readonly adminPassword?: string;
  readonly jwtPrivateKey?: string;
  readonly jwtPublicKey?: string;
  /** Retired public keys still accepted while their tokens live out (rotation by kid). */
  readonly jwtPreviousPublicKeys!: readonly string[];
  readonly jwtIssuer!: string;
  readonly jwtAudience!: string;
  readonly accessTokenTtlSeconds!: number;
  readonly refreshTokenTtlSeconds!: number;
  /** Keys in Redis start with this, so deployments (or test runs) sharing a Redis stay apart. */
  readonly redisKeyPrefix!: string;
  readonly secretsKey?: string;
  /** When set, /metrics answers only a scrape that presents it as a bearer token. */
  readonly metricsToken?: string;
  /** Keys SECRETS_KEY replaced: what they sealed still opens, and is sealed again under SECRETS_KEY. */
  readonly secretsPreviousKeys!: readonly string[];
  /** Where SECRETS_KEY and SECRETS_PREVIOUS_KEYS come from instead of the environment: a HashiCorp Vault KV secret. */
  readonly vault?: VaultConfig;
  /** Where mail goes out (address verification, forgotten passwords); none: nothing is mailed. */
  readonly mail?: MailConfig;
  readonly toolsRoot!: string;
  readonly tools!: {
    /** Timeout of a run that names none. */
    readonly defaultTimeoutMs: number;
    /** No run may ask for more. */
    readonly maxTimeoutMs: number;
    /** Hosts, IPs or CIDRs (optionally `:port`) that http_request may reach although private. */
    readonly httpAllowList: readonly string[];
    readonly httpMaxResponseBytes: number;
    /** Finished runs older than this are pruned hourly; 0 keeps them forever. */
    readonly executionRetentionDays: number;
    /** The cache of upstream results (servers with `cache`), per instance; 0 keeps none. */
    readonly cacheMaxBytes: number;
  };
  readonly upstream!: {
    /** Commands (absolute paths or names) that stdio upstream servers may start. */
    readonly stdioCommands: readonly string[];
    /** Consecutive failures that open a server's circuit. */
    readonly breakerThreshold: number;
    readonly breakerCooldownMs: number;
    /** Connections of users with their own configuration of a server, open at once on this instance (all servers). */
    readonly userConnectionsMax: number;
    /** How long a user's connection stays open without a call. */
    readonly userConnectionIdleMs: number;
    /** The templates of UPSTREAM_TEMPLATES_FILE (beside the built-in ones, which a template of the same id replaces). */
    readonly templates: readonly ServerTemplateConfig[];
  };
  readonly saml?: SamlConfig;
  readonly sms!: SmsConfig;
  readonly tracing?: TracingConfig;
  /** Admin rights only for a sign-in with a second factor (or SSO): never for a password alone or an API key. */
  readonly adminRequiresMfa!: boolean;
  /** Self-service sign-up (`POST /auth/register`): open or closed, and for which email domains (none listed: any). */
  readonly registration!: { readonly open: boolean; readonly emailDomains: readonly string[] };
  /** The longest an API key may live (seconds); set, every new key must expire within it. Unset: keys may never expire. */
  readonly apiKeyMaxTtlSeconds!: number | undefined;
  readonly oauth!: {
    /** Whether MCP clients may register themselves (RFC 7591); off, only the metadata and sign-in remain for clients registered before. */
    readonly dynamicRegistration: boolean;
    /** Whether a client may name itself by the https URL of its metadata document (Client ID Metadata Documents). */
    readonly clientIdMetadata: boolean;
    /**
     * Hosts whose metadata documents are accepted (`host`, `host:port` or `*.domain`); empty: any
     * public host. A listed exact host may also be private (an intranet's clients).
     */
    readonly clientIdMetadataHosts: readonly string[];
  };
  readonly rateLimits!: {
    readonly login: RateLimitRule;
    readonly loginIp: RateLimitRule;
    readonly register: RateLimitRule;
    /** OAuth client registrations per address (RFC 7591 is open to anyone). */
    readonly oauthRegister: RateLimitRule;
    readonly toolsExecute: RateLimitRule;
    readonly toolsList: RateLimitRule;
    readonly wsMessages: RateLimitRule;
    /** Failed logins per account before it is locked (with back-off). */
    readonly loginLockout: RateLimitRule;
    /** Failed MFA codes per user before MFA is refused for the rest of the window. */
    readonly mfa: RateLimitRule;
    /** Mails a caller may have sent (address verification, forgotten passwords), per user or per address and email. */
    readonly mail: RateLimitRule;
    /** Every other API route, together, per user (per address when anonymous). */
    readonly api: RateLimitRule;
  };
  readonly webhooks!: {
    /** Private or loopback targets allowed anyway (hosts, IPs, CIDRs), as for http_request. */
    readonly allowList: readonly string[];
    readonly maxAttempts: number;
    readonly timeoutMs: number;
    readonly retryBaseMs: number;
    readonly pollMs: number;
    /** Finished deliveries older than this are pruned hourly; 0 keeps them forever. */
    readonly deliveryRetentionDays: number;
  };
  /** Audit entries older than this are pruned hourly; 0 keeps them forever. */
  readonly auditRetentionDays!: number;
  /** Contexts one user may hold (archived ones count). */
  readonly contextsMaxPerUser!: number;
  readonly corsOrigins!: readonly string[];
  readonly realtime!: {
    /** Live WebSocket connections one user may hold on one instance. */
    readonly wsMaxConnectionsPerUser: number;
    /** Live event streams (`GET /events`) one user may hold on one instance. */
    readonly sseMaxStreamsPerUser: number;
    /** Browser origins the MCP endpoint accepts (DNS-rebinding protection); PUBLIC_URL's always. */
    readonly mcpAllowedOrigins: readonly string[];
  };
  /**
   * Which peers may name the client in X-Forwarded-For (behind a load balancer), so per-IP limits,
   * audit entries and API keys' address rules see the client: how many proxies stand in front
   * (`true` is one), or their addresses. The client is the first address from the right that is
   * not a trusted proxy; entries further left are the client's own words.
   */
  readonly trustProxy!: TrustProxy;
  readonly logLevel!: LogLevel;
  readonly bodyLimitBytes!: number;
  readonly requestTimeoutMs!: number;
  readonly shutdownTimeoutMs!: number;
}

/** A bad value: the message is the one line printed before the process stops. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `must be an integer from ${min} to ${max} (got "${raw}")`);
  }
  return Number(raw);
}

/** A URL as an error may repeat it: `postgres://user:password@host` has its user and password masked. */
function withoutCredentials(raw: string): string {
  const masked = raw.replace(/^([^:/?#]*:\/\/)[^/?#]*@/, '$1***@');
  return masked.length > 200 ? `${masked.slice(0, 200)}…` : masked;
}

function url(env: Env, name: string, protocols: readonly string[]): string | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be a URL (got "${withoutCredentials(raw)}")`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')} (got "${parsed.protocol}")`);
  }
  return raw;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = text(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false (got "${raw}")`);
}

/** Never echoed: a value too short to be a secret is refused by its length alone. */
function metricsToken(env: Env): string | undefined {
  const token = text(env, 'METRICS_TOKEN');
  if (token !== undefined && (token.length < 16 || token.length > 512 || /\s/.test(token))) throw new ConfigError('METRICS_TOKEN', 'must be 16 to 512 characters without spaces');
  return token;
}

function trustProxy(env: Env): TrustProxy {
  const raw = text(env, 'TRUST_PROXY');
  const lower = raw?.toLowerCase();
  if (lower === undefined || ['false', 'no', '0'].includes(lower)) return false;
  if (['true', 'yes'].includes(lower)) return { hops: 1 };
  if (/^\d+$/.test(lower)) return { hops: integer(env, 'TRUST_PROXY', 1, 1, 10) };
  const proxies = list(env, 'TRUST_PROXY');
  for (const entry of proxies) {
    try {
      addTrustedProxy(new BlockList(), entry);
    } catch (error) {
      throw new ConfigError('TRUST_PROXY', `must be true, false, a number of proxies (1 to 10), or the proxies' addresses and CIDRs, comma-separated: ${(error as Error).message}`);
    }
  }
  return { proxies };
}

function list(env: Env, name: string): string[] {
  return (text(env, name) ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** Domains as an email address ends after its `@`: lower-cased, each a DNS name (no wildcard, no `@`). */
function emailDomains(env: Env, name: string): string[] {
  return list(env, name).map((item) => {
    const domain = item.toLowerCase();
    if (!/^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/.test(domain)) throw new ConfigError(name, `holds "${item.slice(0, 100)}", which is not a domain (example.com)`);
    return domain;
  });
}

/**
 * Browser origins (`https://app.example.com`): a browser sends exactly that, so `.../` or a path
 * would never match, and silently.
 */
function origins(env: Env, name: string): string[] {
  return list(env, name).map((item) => {
    let origin: string | undefined;
    try {
      origin = new URL(item).origin;
    } catch {
      origin = undefined;
    }
    if (origin !== item) throw new ConfigError(name, `holds "${item.slice(0, 100)}", which is not an origin (scheme://host[:port], no path or trailing slash)`);
    return item;
  });
}

function rateLimit(env: Env, name: string, fallback: RateLimitRule): RateLimitRule {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const match = /^(\d+)\/(\d+)$/.exec(raw);
  if (!match || Number(match[1]) < 1 || Number(match[2]) < 1) {
    throw new ConfigError(name, `must be "<requests>/<window seconds>" with both at least 1 (got "${raw}")`);
  }
  return { limit: Number(match[1]), windowSeconds: Number(match[2]) };
}

function pem(env: Env, name: string, kind: 'PRIVATE KEY' | 'PUBLIC KEY' | 'CERTIFICATE'): string | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  // Environments often carry PEMs with literal "\n" sequences.
  const value = raw.includes('\\n') ? raw.replace(/\\n/g, '\n') : raw;
  if (kind === 'CERTIFICATE' && !value.includes('-----BEGIN')) {
    // A bare base64 certificate body, as IdP metadata prints it.
    if (!/^[A-Za-z0-9+/=\s]+$/.test(value)) throw new ConfigError(name, 'must be a PEM certificate or its base64 body');
    return value;
  }
  if (!new RegExp(`-----BEGIN [A-Z ]*${kind}-----`).test(value)) {
    throw new ConfigError(name, `must be a PEM ${kind.toLowerCase()}`);
  }
  assertParses(name, value, kind);
  return value;
}

/** A PEM with the right markers can still hold garbage: parsed here, the error names the variable. */
function assertParses(name: string, value: string, kind: 'PRIVATE KEY' | 'PUBLIC KEY' | 'CERTIFICATE'): void {
  try {
    if (kind === 'PRIVATE KEY') createPrivateKey(value);
    else if (kind === 'PUBLIC KEY') createPublicKey(value);
    else new X509Certificate(value);
  } catch (error) {
    throw new ConfigError(name, `holds a ${kind.toLowerCase()} that cannot be read (${(error as Error).message.split('\n')[0]})`);
  }
}

function pemList(env: Env, name: string): string[] {
  const raw = text(env, name);
  if (raw === undefined) return [];
  const value = raw.includes('\\n') ? raw.replace(/\\n/g, '\n') : raw;
  const keys = value.match(/-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g) ?? [];
  if (keys.length === 0) throw new ConfigError(name, 'must hold one or more PEM public keys');
  for (const key of keys) assertParses(name, key, 'PUBLIC KEY');
  return keys;
}

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(resolve(__dirname, '../../../package.json'), 'utf8')) as { version?: string };
    if (pkg.version) return pkg.version;
  } catch {
    // Fall through: compiled layouts may move package.json; the version is informative only.
  }
  return '1.0.0';
}

function database(env: Env, dataDir: string): DatabaseTarget {
  const raw = text(env, 'DATABASE_URL');
  if (raw === undefined) return { kind: 'embedded', dataDir };
  if (raw === 'memory') return { kind: 'memory' };
  return { kind: 'postgres', url: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']) as string };
}

function saml(env: Env, publicUrl: string): SamlConfig | undefined {
  const entryPoint = url(env, 'SAML_ENTRY_POINT', ['https:', 'http:']);
  const idpCert = pem(env, 'SAML_IDP_CERT', 'CERTIFICATE');
  if (entryPoint === undefined && idpCert === undefined) return undefined;
  if (entryPoint === undefined) throw new ConfigError('SAML_ENTRY_POINT', 'is required when SAML_IDP_CERT is set');
  if (idpCert === undefined) throw new ConfigError('SAML_IDP_CERT', 'is required when SAML_ENTRY_POINT is set');
  const roleMapRaw = text(env, 'SAML_ROLE_MAP');
  let roleMap: Record<string, string> = {};
  if (roleMapRaw !== undefined) {
    try {
      roleMap = JSON.parse(roleMapRaw) as Record<string, string>;
    } catch {
      throw new ConfigError('SAML_ROLE_MAP', 'must be a JSON object of group -> role');
    }
    const valid = typeof roleMap === 'object' && roleMap !== null && !Array.isArray(roleMap) && Object.values(roleMap).every((v) => typeof v === 'string');
    if (!valid) throw new ConfigError('SAML_ROLE_MAP', 'must be a JSON object of group -> role');
  }
  return {
    entryPoint,
    idpCert,
    issuer: text(env, 'SAML_ISSUER') ?? 'secure-mcp',
    callbackUrl: url(env, 'SAML_CALLBACK_URL', ['https:', 'http:']) ?? `${publicUrl}/api/v1/auth/saml/callback`,
    roleAttribute: text(env, 'SAML_ROLE_ATTRIBUTE') ?? 'groups',
    roleMap,
    successRedirect: url(env, 'SAML_SUCCESS_REDIRECT', ['https:', 'http:']),
  };
}

// SMS is off unless a webhook is configured or the log sender is asked for explicitly: a
// production server must never "send" codes only to its own log by accident.
function sms(env: Env): SmsConfig {
  const webhookUrl = url(env, 'SMS_WEBHOOK_URL', ['https:', 'http:']);
  const sender = text(env, 'SMS_SENDER')?.toLowerCase() ?? (webhookUrl ? 'webhook' : 'none');
  if (sender === 'webhook') {
    if (webhookUrl === undefined) throw new ConfigError('SMS_WEBHOOK_URL', 'is required when SMS_SENDER is webhook');
    return { sender, webhookUrl, webhookSecret: text(env, 'SMS_WEBHOOK_SECRET') };
  }
  if (sender === 'log' || sender === 'none') return { sender };
  throw new ConfigError('SMS_SENDER', `must be one of webhook, log, none (got "${sender}")`);
}

function toolsConfig(env: Env): AppConfig['tools'] {
  const maxTimeoutMs = integer(env, 'TOOL_TIMEOUT_MAX_MS', 300_000, 100, 3_600_000);
  const defaultTimeoutMs = integer(env, 'TOOL_TIMEOUT_DEFAULT_MS', Math.min(30_000, maxTimeoutMs), 100, 3_600_000);
  if (defaultTimeoutMs > maxTimeoutMs) throw new ConfigError('TOOL_TIMEOUT_DEFAULT_MS', `must not exceed TOOL_TIMEOUT_MAX_MS (${maxTimeoutMs})`);
  const httpAllowList = allowList(env, 'HTTP_TOOL_ALLOWLIST');
  return {
    defaultTimeoutMs,
    maxTimeoutMs,
    httpAllowList,
    httpMaxResponseBytes: integer(env, 'HTTP_TOOL_MAX_RESPONSE_BYTES', 5 * 1024 * 1024, 1024, 100 * 1024 * 1024),
    executionRetentionDays: integer(env, 'TOOL_EXECUTION_RETENTION_DAYS', 0, 0, 36_500),
    cacheMaxBytes: integer(env, 'TOOL_CACHE_MAX_BYTES', 64 * 1024 * 1024, 0, 4 * 1024 * 1024 * 1024),
  };
}

/** A list of hosts, IPs and CIDRs (each with an optional port) let past the SSRF guard. */
function allowList(env: Env, name: string): string[] {
  const entries = list(env, name);
  for (const entry of entries) {
    if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+|[0-9a-fA-F:.]+\/\d{1,3})(:\d{1,5})?$/.test(entry) && !/^[0-9a-fA-F:]+(\/\d{1,3})?$/.test(entry)) {
      throw new ConfigError(name, `has an entry that is not a host, IP or CIDR: "${entry}"`);
    }
  }
  return entries;
}

function serverTemplates(env: Env): ServerTemplateConfig[] {
  const name = 'UPSTREAM_TEMPLATES_FILE';
  const path = text(env, name);
  if (path === undefined) return [];
  let json: string;
  try {
    json = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(name, `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}: ${path})`);
  }
  try {
    return parseServerTemplates(json);
  } catch (error) {
    throw new ConfigError(name, (error as Error).message);
  }
}

/** `host`, `host:port` or `*.domain` entries: where clients' metadata documents may live. */
function metadataHosts(env: Env): string[] {
  const name = 'OAUTH_CLIENT_ID_METADATA_HOSTS';
  const entries = list(env, name).map((entry) => entry.toLowerCase());
  for (const entry of entries) {
    if (!/^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:\d{1,5})?$/.test(entry)) throw new ConfigError(name, `has an entry that is not a host, host:port or *.domain: "${entry}"`);
  }
  return entries;
}

/**
 * OpenTelemetry's own variables, as operators already set them for other services: the traces
 * endpoint as given, or the base endpoint with `/v1/traces`; headers as `key=value` pairs, comma
 * separated, values percent-encoded.
 */
function tracing(env: Env): TracingConfig | undefined {
  const tracesEndpoint = url(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', ['http:', 'https:']);
  const baseEndpoint = url(env, 'OTEL_EXPORTER_OTLP_ENDPOINT', ['http:', 'https:']);
  const endpoint = tracesEndpoint ?? (baseEndpoint === undefined ? undefined : `${baseEndpoint.replace(/\/+$/, '')}/v1/traces`);
  if (endpoint === undefined) return undefined;
  const headersVariable = text(env, 'OTEL_EXPORTER_OTLP_TRACES_HEADERS') !== undefined ? 'OTEL_EXPORTER_OTLP_TRACES_HEADERS' : 'OTEL_EXPORTER_OTLP_HEADERS';
  return { endpoint, serviceName: text(env, 'OTEL_SERVICE_NAME') ?? 'secure-mcp-server', headers: otlpHeaders(env, headersVariable) };
}

function otlpHeaders(env: Env, name: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of list(env, name)) {
    const equals = pair.indexOf('=');
    const key = equals > 0 ? pair.slice(0, equals).trim() : '';
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key)) throw new ConfigError(name, `must be key=value pairs, comma separated (got "${pair.slice(0, 100)}")`);
    let value: string;
    try {
      value = decodeURIComponent(pair.slice(equals + 1).trim());
    } catch {
      throw new ConfigError(name, `holds a value that is not percent-encoded properly (for ${key})`);
    }
    headers[key.toLowerCase()] = value;
  }
  return headers;
}

// Ten attempts at 5 s doubling (with jitter) span about 40 minutes; 15 reach past a day.
function webhooksConfig(env: Env): AppConfig['webhooks'] {
  return {
    allowList: allowList(env, 'WEBHOOK_ALLOWLIST'),
    maxAttempts: integer(env, 'WEBHOOK_MAX_ATTEMPTS', 15, 1, 50),
    timeoutMs: integer(env, 'WEBHOOK_TIMEOUT_MS', 10_000, 100, 60_000),
    retryBaseMs: integer(env, 'WEBHOOK_RETRY_BASE_MS', 5000, 10, 3_600_000),
    pollMs: integer(env, 'WEBHOOK_POLL_MS', 1000, 10, 60_000),
    deliveryRetentionDays: integer(env, 'WEBHOOK_DELIVERY_RETENTION_DAYS', 30, 0, 36_500),
  };
}

/** 32 bytes as 64 hex characters or base64, the form SecretBox reads. */
function secretKeyBytes(value: string): Buffer {
  return /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
}

function secretKey(name: string, value: string | undefined): string | undefined {
  if (value !== undefined && secretKeyBytes(value).length !== 32) throw new ConfigError(name, 'must be 32 bytes, as 64 hex characters or base64');
  return value;
}

/**
 * SECRETS_KEY and SECRETS_PREVIOUS_KEYS (comma-separated, each a key SECRETS_KEY replaced, never
 * SECRETS_KEY itself), checked wherever they come from: the environment, or a Vault secret
 * (`source` prefixes the names in errors).
 */
export function secretKeysFrom(current: string | undefined, previous: string | undefined, source = ''): SecretKeys {
  const secretsKey = secretKey(`${source}SECRETS_KEY`, current);
  const keys = (previous ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter((key) => key.length > 0);
  const seen = new Set(secretsKey === undefined ? [] : [secretKeyBytes(secretsKey).toString('hex')]);
  for (const key of keys) {
    const bytes = secretKeyBytes(secretKey(`${source}SECRETS_PREVIOUS_KEYS`, key) as string).toString('hex');
    if (seen.has(bytes)) throw new ConfigError(`${source}SECRETS_PREVIOUS_KEYS`, secretsKey !== undefined && bytes === secretKeyBytes(secretsKey).toString('hex') ? 'must not repeat SECRETS_KEY' : 'names a key twice');
    seen.add(bytes);
  }
  return { secretsKey, secretsPreviousKeys: keys };
}

/** VAULT_*: where the sealing keys come from instead of SECRETS_KEY; never both. */
function vaultConfig(env: Env): VaultConfig | undefined {
  const address = url(env, 'VAULT_ADDR', ['http:', 'https:']);
  if (address === undefined) {
    for (const name of VAULT_SETTINGS) if (text(env, name) !== undefined) throw new ConfigError(name, 'needs VAULT_ADDR');
    return undefined;
  }
  for (const name of ['SECRETS_KEY', 'SECRETS_PREVIOUS_KEYS']) if (text(env, name) !== undefined) throw new ConfigError(name, 'must not be set with VAULT_ADDR: the keys come from the Vault secret');
  const auth = vaultAuth(env);
  const caCertFile = text(env, 'VAULT_CACERT');
  if (caCertFile !== undefined && !address.startsWith('https:')) throw new ConfigError('VAULT_CACERT', 'applies to an https:// VAULT_ADDR');
  const caCert = caCertFile === undefined ? undefined : pemCertificates('VAULT_CACERT', caCertFile);
  const secretPath = text(env, 'VAULT_SECRET_PATH');
  if (secretPath === undefined) throw new ConfigError('VAULT_SECRET_PATH', 'must be set with VAULT_ADDR (e.g. secret/data/secure-mcp)');
  if (!/^[A-Za-z0-9_-][A-Za-z0-9_.-]*(?:\/[A-Za-z0-9_-][A-Za-z0-9_.-]*)+$/.test(secretPath)) {
    throw new ConfigError('VAULT_SECRET_PATH', 'must be a secret path such as secret/data/secure-mcp');
  }
  const namespace = text(env, 'VAULT_NAMESPACE');
  return { address: address.replace(/\/+$/, ''), auth, secretPath, ...(namespace ? { namespace } : {}), ...(caCert ? { caCert } : {}) };
}

/** SMTP_URL, MAIL_FROM, MAIL_LINK_BASE: the gateway mails only with all it needs. */
function mailConfig(env: Env, publicUrl: string): MailConfig | undefined {
  const smtpUrl = smtpUrlOf(env);
  const from = text(env, 'MAIL_FROM');
  const linkBase = url(env, 'MAIL_LINK_BASE', ['http:', 'https:']);
  if (smtpUrl === undefined) {
    for (const [name, value] of [['MAIL_FROM', from], ['MAIL_LINK_BASE', linkBase]] as const) if (value !== undefined) throw new ConfigError(name, 'needs SMTP_URL');
    return undefined;
  }
  if (from === undefined) throw new ConfigError('MAIL_FROM', 'must be set with SMTP_URL (the sender of mails, e.g. "Secure MCP <no-reply@example.com>")');
  if (!/^(?:[^<>\r\n]*<[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+)$/.test(from)) throw new ConfigError('MAIL_FROM', 'must be an address or "Name <address>"');
  return { smtpUrl, from, linkBase: (linkBase ?? publicUrl).replace(/\/+$/, '') };
}

/**
 * SMTP_URL, checked without ever echoing it (it carries the password): a URL, smtp:// or smtps://,
 * its user and password decodable, `?starttls=optional` the only query it takes.
 */
function smtpUrlOf(env: Env): string | undefined {
  const name = 'SMTP_URL';
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
    decodeURIComponent(parsed.username);
    decodeURIComponent(parsed.password);
  } catch {
    throw new ConfigError(name, 'must be a URL such as smtp://user:password@mail.example.com:587, its user and password percent-encoded');
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') throw new ConfigError(name, `must use smtp: or smtps: (got "${parsed.protocol}")`);
  if (parsed.hostname === '') throw new ConfigError(name, 'must name the mail server');
  const query = [...parsed.searchParams.entries()];
  if (query.some(([key, value]) => key !== 'starttls' || value !== 'optional')) throw new ConfigError(name, 'takes no query but ?starttls=optional');
  return raw;
}

const VAULT_SETTINGS = ['VAULT_TOKEN', 'VAULT_ROLE_ID', 'VAULT_SECRET_ID', 'VAULT_APPROLE_MOUNT', 'VAULT_SECRET_PATH', 'VAULT_NAMESPACE', 'VAULT_CACERT'];

/** VAULT_TOKEN, or VAULT_ROLE_ID with VAULT_SECRET_ID (and VAULT_APPROLE_MOUNT): one way, never both. */
function vaultAuth(env: Env): VaultAuth {
  const token = text(env, 'VAULT_TOKEN');
  const roleId = text(env, 'VAULT_ROLE_ID');
  const secretId = text(env, 'VAULT_SECRET_ID');
  const mount = text(env, 'VAULT_APPROLE_MOUNT');
  if (token !== undefined) {
    for (const [name, value] of [['VAULT_ROLE_ID', roleId], ['VAULT_SECRET_ID', secretId], ['VAULT_APPROLE_MOUNT', mount]] as const) {
      if (value !== undefined) throw new ConfigError(name, 'must not be set with VAULT_TOKEN: sign in with a token or with an AppRole, not both');
    }
    return { method: 'token', token };
  }
  if (roleId === undefined && secretId === undefined) throw new ConfigError('VAULT_TOKEN', 'must be set with VAULT_ADDR (or VAULT_ROLE_ID and VAULT_SECRET_ID)');
  if (roleId === undefined) throw new ConfigError('VAULT_ROLE_ID', 'must be set with VAULT_SECRET_ID');
  if (secretId === undefined) throw new ConfigError('VAULT_SECRET_ID', 'must be set with VAULT_ROLE_ID');
  if (mount !== undefined && !/^[A-Za-z0-9_-]+(?:\/[A-Za-z0-9_-]+)*$/.test(mount)) throw new ConfigError('VAULT_APPROLE_MOUNT', 'must be an auth mount path such as approle');
  return { method: 'approle', roleId, secretId, mount: mount ?? 'approle' };
}

/** A PEM file of certificates, read and checked once. */
function pemCertificates(name: string, path: string): string {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(name, `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}: ${path})`);
  }
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new ConfigError(name, `holds no PEM certificate: ${path}`);
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch (error) {
      throw new ConfigError(name, `holds a certificate that does not parse (${(error as Error).message}): ${path}`);
    }
  }
  return pem;
}

/** Parses and validates an environment; throws ConfigError naming the first bad variable. */
export function parseConfig(env: Env): AppConfig {
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const dataDir = resolve(text(env, 'DATA_DIR') ?? './data');
  const publicUrl = (url(env, 'PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`).replace(/\/+$/, '');
  const logLevel = (text(env, 'LOG_LEVEL') ?? 'info').toLowerCase() as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  const adminEmail = text(env, 'ADMIN_EMAIL')?.toLowerCase();
  const adminPassword = text(env, 'ADMIN_PASSWORD');
  if ((adminEmail === undefined) !== (adminPassword === undefined)) {
    throw new ConfigError(adminEmail === undefined ? 'ADMIN_EMAIL' : 'ADMIN_PASSWORD', 'must be set together with its pair');
  }
  const jwtPrivateKey = pem(env, 'JWT_PRIVATE_KEY', 'PRIVATE KEY');
  const jwtPublicKey = pem(env, 'JWT_PUBLIC_KEY', 'PUBLIC KEY');
  if ((jwtPrivateKey === undefined) !== (jwtPublicKey === undefined)) {
    throw new ConfigError(jwtPrivateKey === undefined ? 'JWT_PRIVATE_KEY' : 'JWT_PUBLIC_KEY', 'must be set together with its pair');
  }
  const vault = vaultConfig(env);
  const mail = mailConfig(env, publicUrl);
  const { secretsKey, secretsPreviousKeys } = secretKeysFrom(text(env, 'SECRETS_KEY'), text(env, 'SECRETS_PREVIOUS_KEYS'));
  const config: AppConfig = {
    version: readVersion(),
    port,
    host: text(env, 'HOST') ?? '0.0.0.0',
    publicUrl,
    dataDir,
    database: database(env, dataDir),
    databasePoolMax: integer(env, 'DATABASE_POOL_MAX', 10, 1, 500),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    adminEmail,
    adminPassword,
    jwtPrivateKey,
    jwtPublicKey,
    secretsKey,
    metricsToken: metricsToken(env),
    secretsPreviousKeys,
    ...(vault ? { vault } : {}),
    ...(mail ? { mail } : {}),
    jwtPreviousPublicKeys: pemList(env, 'JWT_PREVIOUS_PUBLIC_KEYS'),
    jwtIssuer: text(env, 'JWT_ISSUER') ?? publicUrl,
    jwtAudience: text(env, 'JWT_AUDIENCE') ?? 'secure-mcp',
    accessTokenTtlSeconds: integer(env, 'ACCESS_TOKEN_TTL_SECONDS', 3600, 30, 86_400),
    refreshTokenTtlSeconds: integer(env, 'REFRESH_TOKEN_TTL_SECONDS', 7 * 86_400, 300, 90 * 86_400),
    redisKeyPrefix: text(env, 'REDIS_KEY_PREFIX') ?? 'smcp:',
    toolsRoot: resolve(text(env, 'TOOLS_ROOT') ?? resolve(dataDir, 'workspace')),
    tools: toolsConfig(env),
    webhooks: webhooksConfig(env),
    auditRetentionDays: integer(env, 'AUDIT_RETENTION_DAYS', 365, 0, 36_500),
    contextsMaxPerUser: integer(env, 'CONTEXTS_MAX_PER_USER', 1000, 1, 1_000_000),
    upstream: {
      stdioCommands: list(env, 'UPSTREAM_STDIO_COMMANDS'),
      breakerThreshold: integer(env, 'UPSTREAM_BREAKER_THRESHOLD', 5, 1, 1000),
      breakerCooldownMs: integer(env, 'UPSTREAM_BREAKER_COOLDOWN_MS', 30_000, 100, 3_600_000),
      userConnectionsMax: integer(env, 'UPSTREAM_USER_CONNECTIONS', 200, 1, 100_000),
      userConnectionIdleMs: integer(env, 'UPSTREAM_USER_IDLE_SECONDS', 300, 1, 86_400) * 1000,
      templates: serverTemplates(env),
    },
    saml: saml(env, publicUrl),
    sms: sms(env),
    tracing: tracing(env),
    adminRequiresMfa: flag(env, 'ADMIN_REQUIRES_MFA', false),
    registration: { open: flag(env, 'REGISTRATION_OPEN', true), emailDomains: emailDomains(env, 'REGISTRATION_EMAIL_DOMAINS') },
    apiKeyMaxTtlSeconds: text(env, 'API_KEY_MAX_TTL_SECONDS') === undefined ? undefined : integer(env, 'API_KEY_MAX_TTL_SECONDS', 0, 60, 63_072_000),
    oauth: { dynamicRegistration: flag(env, 'OAUTH_DYNAMIC_REGISTRATION', true), clientIdMetadata: flag(env, 'OAUTH_CLIENT_ID_METADATA', true), clientIdMetadataHosts: metadataHosts(env) },
    rateLimits: {
      login: rateLimit(env, 'RATE_LIMIT_LOGIN', { limit: 5, windowSeconds: 900 }),
      loginIp: rateLimit(env, 'RATE_LIMIT_LOGIN_IP', { limit: 300, windowSeconds: 900 }),
      register: rateLimit(env, 'RATE_LIMIT_REGISTER', { limit: 3, windowSeconds: 3600 }),
      oauthRegister: rateLimit(env, 'RATE_LIMIT_OAUTH_REGISTER', { limit: 20, windowSeconds: 3600 }),
      toolsExecute: rateLimit(env, 'RATE_LIMIT_TOOLS_EXECUTE', { limit: 100, windowSeconds: 60 }),
      toolsList: rateLimit(env, 'RATE_LIMIT_TOOLS_LIST', { limit: 1000, windowSeconds: 60 }),
      wsMessages: rateLimit(env, 'RATE_LIMIT_WS_MESSAGES', { limit: 100, windowSeconds: 1 }),
      loginLockout: rateLimit(env, 'LOGIN_LOCKOUT', { limit: 10, windowSeconds: 900 }),
      mfa: rateLimit(env, 'RATE_LIMIT_MFA', { limit: 5, windowSeconds: 900 }),
      mail: rateLimit(env, 'RATE_LIMIT_MAIL', { limit: 5, windowSeconds: 3600 }),
      api: rateLimit(env, 'RATE_LIMIT_API', { limit: 1000, windowSeconds: 60 }),
    },
    corsOrigins: origins(env, 'CORS_ORIGINS'),
    trustProxy: trustProxy(env),
    realtime: {
      wsMaxConnectionsPerUser: integer(env, 'WS_MAX_CONNECTIONS_PER_USER', 20, 1, 10_000),
      sseMaxStreamsPerUser: integer(env, 'SSE_MAX_STREAMS_PER_USER', 20, 1, 10_000),
      mcpAllowedOrigins: [new URL(publicUrl).origin, ...origins(env, 'MCP_ALLOWED_ORIGINS')],
    },
    logLevel,
    // A tool run's parameters may take 2 MiB as JSON (openapi.yaml); the rest of its body fits beside them.
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 2560 * 1024, 1024, 64 * 1024 * 1024),
    requestTimeoutMs: integer(env, 'REQUEST_TIMEOUT_MS', 30_000, 100, 600_000),
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 100, 120_000),
  };
  return Object.freeze(config);
}

/**
 * The process environment with optional overrides: the single place that reads process.env.
 * Tests and tools pass overrides instead of mutating the environment.
 */
export function loadConfig(overrides: Env = {}): AppConfig {
  return parseConfig({ ...process.env, ...overrides });
}
