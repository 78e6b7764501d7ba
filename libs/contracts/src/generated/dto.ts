// GENERATED from openapi/openapi.yaml by scripts/generate-contracts.mjs. Do not edit: run `npm run generate`.
/* eslint-disable */
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsEmail, IsISO8601, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString, IsUUID, IsUrl, Matches, Max, MaxLength, Min, MinLength, ValidateIf, ValidateNested } from 'class-validator';
import { IsStringRecord, MaxJsonBytes } from '../validators';

export class RegisterRequestDto {
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsEmail({})
  @MaxLength(320)
  email!: string;

  /** At least 12 characters with an upper-case letter, a lower-case letter, a digit and a symbol. */
  @IsString()
  @MinLength(12)
  @MaxLength(128)
  @Matches(new RegExp("^(?=.*[a-z])(?=.*[A-Z])(?=.*\\d)(?=.*[^A-Za-z0-9]).+$"), { message: "password must contain an upper-case letter, a lower-case letter, a digit and a symbol" })
  password!: string;

  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ValidateIf((object: Record<string, unknown>) => object["organization"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MaxLength(200)
  organization?: string;

  /** E.164, e.g. +14155550100 */
  @ValidateIf((object: Record<string, unknown>) => object["phone"] !== undefined)
  @IsString()
  @Matches(new RegExp("^\\+[1-9]\\d{1,14}$"), { message: "phone must be in E.164 format, e.g. +14155550100" })
  phone?: string;
}

export class LoginRequestDto {
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsEmail({})
  @MaxLength(320)
  email!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(128)
  password!: string;

  @ValidateIf((object: Record<string, unknown>) => object["mfaCode"] !== undefined)
  @IsString()
  @Matches(new RegExp("^[0-9]{6}$"), { message: "mfaCode must be 6 digits" })
  mfaCode?: string;

  @ValidateIf((object: Record<string, unknown>) => object["backupCode"] !== undefined)
  @IsString()
  @MinLength(8)
  @MaxLength(32)
  backupCode?: string;
}

export class RefreshRequestDto {
  @ValidateIf((object: Record<string, unknown>) => object["refreshToken"] !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(4096)
  refreshToken?: string;
}

export class MfaEnableRequestDto {
  @IsIn(["totp","sms"])
  type!: "totp" | "sms";

  /** E.164, required for `sms`. */
  @ValidateIf((object: Record<string, unknown>) => object["phoneNumber"] !== undefined)
  @IsString()
  @Matches(new RegExp("^\\+[1-9]\\d{1,14}$"), { message: "phoneNumber must be in E.164 format, e.g. +14155550100" })
  phoneNumber?: string;
}

export class MfaVerifyRequestDto {
  @IsString()
  @Matches(new RegExp("^[0-9]{6}$"), { message: "code must be 6 digits" })
  code!: string;

  @IsIn(["totp","sms"])
  type!: "totp" | "sms";
}

export class MfaDisableRequestDto {
  /** A current TOTP code, an SMS code (SMS users first call without a code to get one) or a backup code. */
  @ValidateIf((object: Record<string, unknown>) => object["code"] !== undefined)
  @IsString()
  @MinLength(6)
  @MaxLength(32)
  code?: string;
}

/** The second login step. Send exactly one of `code` and `backupCode`. */
export class VerifyMfaRequestDto {
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  mfaToken!: string;

  @ValidateIf((object: Record<string, unknown>) => object["code"] !== undefined)
  @IsString()
  @Matches(new RegExp("^[0-9]{6}$"), { message: "code must be 6 digits" })
  code?: string;

  @ValidateIf((object: Record<string, unknown>) => object["backupCode"] !== undefined)
  @IsString()
  @MinLength(8)
  @MaxLength(32)
  backupCode?: string;
}

export class SamlLoginQueryDto {
  /** Passed to the IdP, which sends it back with its response; at most 80 bytes (SAML bindings, 3.4.3). The callback does not act on it. */
  @ValidateIf((object: Record<string, unknown>) => object["RelayState"] !== undefined)
  @IsString()
  @MaxLength(80)
  RelayState?: string;
}

/** Dynamic client registration (RFC 7591). `redirect_uris` must be https, a loopback http
address (`localhost`, `127.0.0.1`, `[::1]`; any port at authorization, RFC 8252), or a
private-use scheme of a native app (`vscode:`, `cursor:`); no fragments, no credentials. */
export class OAuthClientMetadataDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @MaxLength(2000, { each: true })
  redirect_uris!: string[];

  @ValidateIf((object: Record<string, unknown>) => object["client_name"] !== undefined)
  @IsString()
  @MaxLength(200)
  client_name?: string;

  @ValidateIf((object: Record<string, unknown>) => object["grant_types"] !== undefined)
  @IsArray()
  @IsIn(["authorization_code","refresh_token"], { each: true })
  grant_types?: Array<"authorization_code" | "refresh_token">;

  @ValidateIf((object: Record<string, unknown>) => object["response_types"] !== undefined)
  @IsArray()
  @IsIn(["code"], { each: true })
  response_types?: Array<"code">;

  @ValidateIf((object: Record<string, unknown>) => object["token_endpoint_auth_method"] !== undefined)
  @IsIn(["none","client_secret_post","client_secret_basic","private_key_jwt"])
  token_endpoint_auth_method?: "none" | "client_secret_post" | "client_secret_basic" | "private_key_jwt";

  /** With `private_key_jwt`, an https URL of the client's public keys (a JWK Set); or give `jwks`. */
  @ValidateIf((object: Record<string, unknown>) => object["jwks_uri"] !== undefined)
  @IsString()
  @MaxLength(2000)
  jwks_uri?: string;

  /** With `private_key_jwt`, the client's public keys as a JWK Set (`{"keys": [...]}`, 1 to 10 RSA, EC or OKP keys, no private members). */
  @ValidateIf((object: Record<string, unknown>) => object["jwks"] !== undefined)
  @IsObject()
  jwks?: Record<string, unknown>;

  @ValidateIf((object: Record<string, unknown>) => object["scope"] !== undefined)
  @IsString()
  @MaxLength(2000)
  scope?: string;

  @ValidateIf((object: Record<string, unknown>) => object["client_uri"] !== undefined)
  @IsString()
  @MaxLength(2000)
  client_uri?: string;

  @ValidateIf((object: Record<string, unknown>) => object["software_id"] !== undefined)
  @IsString()
  @MaxLength(200)
  software_id?: string;

  @ValidateIf((object: Record<string, unknown>) => object["software_version"] !== undefined)
  @IsString()
  @MaxLength(200)
  software_version?: string;
}

export class OauthAuthorizeQueryDto {
  /** A registered client id, or the https URL of the client's metadata document */
  @IsString()
  client_id!: string;

  /** Required unless the client registered exactly one */
  @ValidateIf((object: Record<string, unknown>) => object["redirect_uri"] !== undefined)
  @IsString()
  redirect_uri?: string;

  @IsIn(["code"])
  response_type!: "code";

  @IsString()
  code_challenge!: string;

  @IsIn(["S256"])
  code_challenge_method!: "S256";

  @ValidateIf((object: Record<string, unknown>) => object["state"] !== undefined)
  @IsString()
  state?: string;

  @ValidateIf((object: Record<string, unknown>) => object["scope"] !== undefined)
  @IsString()
  scope?: string;

  @ValidateIf((object: Record<string, unknown>) => object["resource"] !== undefined)
  @IsString()
  resource?: string;

  /** OpenID Connect's: `login` asks for the credentials even in a signed-in browser, `consent` for the click even when allowed before, `none` for neither (`login_required` or `consent_required` when one is needed) */
  @ValidateIf((object: Record<string, unknown>) => object["prompt"] !== undefined)
  @IsIn(["none","login","consent"])
  prompt?: "none" | "login" | "consent";
}

export class OauthFinishSsoQueryDto {
  @ValidateIf((object: Record<string, unknown>) => object["request"] !== undefined)
  @IsString()
  request?: string;

  @ValidateIf((object: Record<string, unknown>) => object["completion"] !== undefined)
  @IsString()
  completion?: string;
}

/** `authorization_code` (with `code`, `redirect_uri`, `code_verifier`) or `refresh_token` (with `refresh_token`). */
export class OAuthTokenRequestDto {
  @IsIn(["authorization_code","refresh_token"])
  grant_type!: "authorization_code" | "refresh_token";

  @ValidateIf((object: Record<string, unknown>) => object["code"] !== undefined)
  @IsString()
  code?: string;

  @ValidateIf((object: Record<string, unknown>) => object["redirect_uri"] !== undefined)
  @IsString()
  redirect_uri?: string;

  /** PKCE (RFC 7636), 43–128 characters; required with a code. */
  @ValidateIf((object: Record<string, unknown>) => object["code_verifier"] !== undefined)
  @IsString()
  code_verifier?: string;

  @ValidateIf((object: Record<string, unknown>) => object["client_id"] !== undefined)
  @IsString()
  client_id?: string;

  @ValidateIf((object: Record<string, unknown>) => object["client_secret"] !== undefined)
  @IsString()
  client_secret?: string;

  /** `urn:ietf:params:oauth:client-assertion-type:jwt-bearer`, for a `private_key_jwt` client (RFC 7523). */
  @ValidateIf((object: Record<string, unknown>) => object["client_assertion_type"] !== undefined)
  @IsString()
  client_assertion_type?: string;

  /** A JWT signed by one of the client's keys: `iss` and `sub` its client_id, `aud` the issuer or this endpoint, `exp` within an hour, a `jti` used once. */
  @ValidateIf((object: Record<string, unknown>) => object["client_assertion"] !== undefined)
  @IsString()
  client_assertion?: string;

  @ValidateIf((object: Record<string, unknown>) => object["refresh_token"] !== undefined)
  @IsString()
  refresh_token?: string;

  /** RFC 8707; when given, must be this server's MCP endpoint (as at authorization). */
  @ValidateIf((object: Record<string, unknown>) => object["resource"] !== undefined)
  @IsString()
  resource?: string;

  /** With `refresh_token`, a narrower scope than was granted. */
  @ValidateIf((object: Record<string, unknown>) => object["scope"] !== undefined)
  @IsString()
  scope?: string;
}

export class UpdateProfileRequestDto {
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;
}

export class ChangePasswordRequestDto {
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  currentPassword!: string;

  /** At least 12 characters with an upper-case letter, a lower-case letter, a digit and a symbol; not the current one. */
  @IsString()
  @MinLength(12)
  @MaxLength(128)
  @Matches(new RegExp("^(?=.*[a-z])(?=.*[A-Z])(?=.*\\d)(?=.*[^A-Za-z0-9]).+$"), { message: "password must contain an upper-case letter, a lower-case letter, a digit and a symbol" })
  newPassword!: string;
}

/** A limit of the key's own, on top of the route's and the tools' (which still apply): each
request made with the key (REST, `/mcp`, an event stream, a WebSocket upgrade, and every
message on `/ws`) spends one, across instances when Redis is configured. Past it the request
is 429 with `X-RateLimit-*` and `Retry-After` (a `/ws` message: -32029 with
`RATE_LIMIT_EXCEEDED`). `window` is 1 s to 24 h (400 otherwise). A rotated key starts a count
of its own. */
export class ApiKeyRateLimitDto {
  @IsInt()
  @Min(1)
  @Max(1000000)
  requests!: number;

  @IsString()
  @Matches(new RegExp("^[0-9]{1,6}(s|m|h)$"))
  window!: string;
}

export class CreateApiKeyRequestDto {
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  /** Permissions the key acts with; each must be held by the owner. */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  @Matches(new RegExp("^[a-z0-9_*-]+:[a-z0-9_*-]+$|^\\*$"), { each: true })
  scopes!: string[];

  /** Lifetime in seconds (60 s to 2 years); omitted, the key does not expire. A server with a longest lifetime for keys (`API_KEY_MAX_TTL_SECONDS`) requires it, within that (400). */
  @ValidateIf((object: Record<string, unknown>) => object["expiresIn"] !== undefined)
  @IsInt()
  @Min(60)
  @Max(63072000)
  expiresIn?: number;

  /** Where the key may be used from: IPv4 or IPv6 addresses and CIDR networks (`203.0.113.7`, `10.0.0.0/8`, `2001:db8::/32`). Omitted or empty, from anywhere. Behind a proxy the client address is the one `TRUST_PROXY` lets the server see. */
  @ValidateIf((object: Record<string, unknown>) => object["allowedIps"] !== undefined)
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsString({ each: true })
  @MinLength(2, { each: true })
  @MaxLength(64, { each: true })
  allowedIps?: string[];

  /** A limit of the key's own, on top of the route's and the tools' (which still apply): each request made with the key (REST, `/mcp`, an event stream, a WebSocket upgrade, and every message on `/ws`) spends one, across instances when Redis is configured. Past it the request is 429 with `X-RateLimit-*` and `Retry-After` (a `/ws` message: -32029 with `RATE_LIMIT_EXCEEDED`). `window` is 1 s to 24 h (400 otherwise). A rotated key starts a count of its own. */
  @ValidateIf((object: Record<string, unknown>) => object["rateLimit"] !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => ApiKeyRateLimitDto)
  rateLimit?: ApiKeyRateLimitDto;
}

export class RevokeApiKeyParamsDto {
  @IsUUID(undefined)
  id!: string;
}

/** The key's own limit (as `ApiKeyRateLimit`) from the next request on, on every instance; null removes it. */
export class UpdateApiKeyRequestRateLimitDto {
  @IsInt()
  @Min(1)
  @Max(1000000)
  requests!: number;

  @IsString()
  @Matches(new RegExp("^[0-9]{1,6}(s|m|h)$"))
  window!: string;
}

/** What to change; a member left out stays as it is (an empty body changes nothing). */
export class UpdateApiKeyRequestDto {
  @ValidateIf((object: Record<string, unknown>) => object["name"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;

  /** The new list (replacing the old one); empty, from anywhere. */
  @ValidateIf((object: Record<string, unknown>) => object["allowedIps"] !== undefined)
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsString({ each: true })
  @MinLength(2, { each: true })
  @MaxLength(64, { each: true })
  allowedIps?: string[];

  /** The key's own limit (as `ApiKeyRateLimit`) from the next request on, on every instance; null removes it. */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => UpdateApiKeyRequestRateLimitDto)
  rateLimit?: UpdateApiKeyRequestRateLimitDto | null;
}

export class UpdateApiKeyParamsDto {
  @IsUUID(undefined)
  id!: string;
}

export class RotateApiKeyRequestDto {
  /** Seconds the old secret keeps working (at most 7 days); omitted or 0, it stops at once. */
  @ValidateIf((object: Record<string, unknown>) => object["gracePeriod"] !== undefined)
  @IsInt()
  @Min(0)
  @Max(604800)
  gracePeriod?: number;

  /** The new key's lifetime in seconds (60 s to 2 years, and within `API_KEY_MAX_TTL_SECONDS` when the server sets one); omitted, it expires when the old one would have (or, for an older key without expiry on such a server, at the longest lifetime allowed). */
  @ValidateIf((object: Record<string, unknown>) => object["expiresIn"] !== undefined)
  @IsInt()
  @Min(60)
  @Max(63072000)
  expiresIn?: number;
}

export class RotateApiKeyParamsDto {
  @IsUUID(undefined)
  id!: string;
}

export class RevokeOAuthGrantParamsDto {
  /** The server's id of the client (`clientId` in the list) */
  @IsUUID(undefined)
  clientId!: string;
}

export class AddFavoriteToolParamsDto {
  /** The tool's id (`tool_filesystem`) or name (`filesystem`). */
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  id!: string;
}

export class RemoveFavoriteToolParamsDto {
  /** The tool's id (`tool_filesystem`) or name (`filesystem`). */
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  id!: string;
}

export class ListMcpServicesQueryDto {
  @ValidateIf((object: Record<string, unknown>) => object["filter"] !== undefined)
  @IsString()
  @MaxLength(100)
  filter?: string;

  @ValidateIf((object: Record<string, unknown>) => object["page"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(100000)
  page?: number;

  @ValidateIf((object: Record<string, unknown>) => object["limit"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class GetMcpServiceParamsDto {
  /** The service's id (its upstream server's). */
  @IsUUID(undefined)
  serviceId!: string;
}

export class ConfigureMcpServiceRequestDto {
  /** The caller's configuration, validated against the service's `configSchema`. It replaces the one stored; a field sent as `********` keeps its stored value. */
  @IsObject()
  @MaxJsonBytes(65536)
  config!: Record<string, unknown>;

  /** Connect to the service with it before storing it (for stdio, start its process), and refuse it (502, nothing stored) when the service does not take it. `false` stores it unchecked, for a service that is down now. */
  @ValidateIf((object: Record<string, unknown>) => object["verify"] !== undefined)
  @IsBoolean()
  verify?: boolean;
}

export class ConfigureMcpServiceParamsDto {
  /** The service's id (its upstream server's). */
  @IsUUID(undefined)
  serviceId!: string;
}

export class RemoveMcpServiceConfigurationParamsDto {
  /** The service's id (its upstream server's). */
  @IsUUID(undefined)
  serviceId!: string;
}

export class ListMcpServiceResourcesParamsDto {
  /** The service's id (its upstream server's). */
  @IsUUID(undefined)
  serviceId!: string;
}

export class ReadMcpResourceRequestDto {
  /** A listed resource's URI, or one a template describes. */
  @IsString()
  @MinLength(1)
  @MaxLength(4096)
  uri!: string;
}

export class ReadMcpServiceResourceParamsDto {
  /** The service's id (its upstream server's). */
  @IsUUID(undefined)
  serviceId!: string;
}

export class ListMcpServicePromptsParamsDto {
  /** The service's id (its upstream server's). */
  @IsUUID(undefined)
  serviceId!: string;
}

export class GetMcpPromptRequestDto {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  /** The prompt's arguments, each a string. */
  @ValidateIf((object: Record<string, unknown>) => object["arguments"] !== undefined)
  @IsObject()
  @IsStringRecord({ maxLength: 4096 })
  arguments?: Record<string, string>;
}

export class GetMcpServicePromptParamsDto {
  /** The service's id (its upstream server's). */
  @IsUUID(undefined)
  serviceId!: string;
}

export class ListToolsQueryDto {
  @ValidateIf((object: Record<string, unknown>) => object["tags"] !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(700)
  tags?: string;

  @ValidateIf((object: Record<string, unknown>) => object["sort"] !== undefined)
  @IsIn(["name","usage","recent"])
  sort?: "name" | "usage" | "recent";

  @ValidateIf((object: Record<string, unknown>) => object["source"] !== undefined)
  @IsIn(["builtin","upstream","http"])
  source?: "builtin" | "upstream" | "http";

  @ValidateIf((object: Record<string, unknown>) => object["server"] !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(63)
  server?: string;

  @ValidateIf((object: Record<string, unknown>) => object["category"] !== undefined)
  @IsIn(["system","data","analytics","monitoring"])
  category?: "system" | "data" | "analytics" | "monitoring";

  @ValidateIf((object: Record<string, unknown>) => object["enabled"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  enabled?: boolean;

  @ValidateIf((object: Record<string, unknown>) => object["q"] !== undefined)
  @IsString()
  @MaxLength(100)
  q?: string;

  @ValidateIf((object: Record<string, unknown>) => object["page"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(100000)
  page?: number;

  @ValidateIf((object: Record<string, unknown>) => object["limit"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class GetToolParamsDto {
  /** The tool's id (`tool_filesystem`) or name (`filesystem`). */
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  id!: string;
}

export class ExecuteToolRequestContextDto {
  @ValidateIf((object: Record<string, unknown>) => object["sessionId"] !== undefined)
  @IsString()
  @MaxLength(64)
  sessionId?: string;

  @ValidateIf((object: Record<string, unknown>) => object["requestId"] !== undefined)
  @IsString()
  @MaxLength(128)
  requestId?: string;

  @ValidateIf((object: Record<string, unknown>) => object["contextId"] !== undefined)
  @IsString()
  @MaxLength(64)
  contextId?: string;
}

export class ExecuteToolRequestOptionsDto {
  /** Milliseconds; capped by the server's maximum. */
  @ValidateIf((object: Record<string, unknown>) => object["timeout"] !== undefined)
  @IsInt()
  @Min(1)
  @Max(3600000)
  timeout?: number;

  /** Answer 202 at once and run in the background; poll GET /tools/executions/{executionId}. */
  @ValidateIf((object: Record<string, unknown>) => object["async"] !== undefined)
  @IsBoolean()
  async?: boolean;
}

export class ExecuteToolRequestDto {
  /** The tool's input, validated against its input schema (at most 2 MiB as JSON). */
  @ValidateIf((object: Record<string, unknown>) => object["parameters"] !== undefined)
  @IsObject()
  @MaxJsonBytes(2097152)
  parameters?: Record<string, unknown>;

  @ValidateIf((object: Record<string, unknown>) => object["context"] !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => ExecuteToolRequestContextDto)
  context?: ExecuteToolRequestContextDto;

  @ValidateIf((object: Record<string, unknown>) => object["options"] !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => ExecuteToolRequestOptionsDto)
  options?: ExecuteToolRequestOptionsDto;
}

export class ExecuteToolParamsDto {
  /** The tool's id (`tool_filesystem`) or name (`filesystem`). */
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  id!: string;
}

export class ListRecentToolsQueryDto {
  @ValidateIf((object: Record<string, unknown>) => object["limit"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(50)
  limit?: number;
}

export class GetToolStatsQueryDto {
  /** How many days back, today included. */
  @ValidateIf((object: Record<string, unknown>) => object["days"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(366)
  days?: number;

  /** How many of the most used tools. */
  @ValidateIf((object: Record<string, unknown>) => object["top"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(50)
  top?: number;

  /** Admins only (anyone may name themselves). */
  @ValidateIf((object: Record<string, unknown>) => object["userId"] !== undefined)
  @IsUUID(undefined)
  userId?: string;

  /** Admins only; not with `userId`. */
  @ValidateIf((object: Record<string, unknown>) => object["allUsers"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  allUsers?: boolean;
}

export class ListExecutionsQueryDto {
  @ValidateIf((object: Record<string, unknown>) => object["toolId"] !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  toolId?: string;

  @ValidateIf((object: Record<string, unknown>) => object["status"] !== undefined)
  @IsIn(["pending","running","completed","failed"])
  status?: "pending" | "running" | "completed" | "failed";

  @ValidateIf((object: Record<string, unknown>) => object["contextId"] !== undefined)
  @IsUUID(undefined)
  contextId?: string;

  /** Admins only (anyone may name themselves). */
  @ValidateIf((object: Record<string, unknown>) => object["userId"] !== undefined)
  @IsUUID(undefined)
  userId?: string;

  /** `true`: only background runs (`options.async`, MCP tasks), the ones that can be cancelled while pending or running; `false`: only the others. */
  @ValidateIf((object: Record<string, unknown>) => object["async"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  async?: boolean;

  /** Runs created at or after this instant. */
  @ValidateIf((object: Record<string, unknown>) => object["startDate"] !== undefined)
  @IsISO8601({ strict: true })
  startDate?: string;

  /** Runs created at or before this instant. */
  @ValidateIf((object: Record<string, unknown>) => object["endDate"] !== undefined)
  @IsISO8601({ strict: true })
  endDate?: string;

  /** Page number. Pages reach the first 10,000 matching entries (`page` × `limit` at most 10,000; deeper asks answer 400): reading further down an offset costs the database every row before it. Beyond that, and to walk a long list without gaps or repeats while entries are added, follow `pagination.nextCursor`. */
  @ValidateIf((object: Record<string, unknown>) => object["page"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(10000)
  page?: number;

  @ValidateIf((object: Record<string, unknown>) => object["limit"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  /** Continues a listing after the last entry of a page: the `pagination.nextCursor` that page answered (opaque). Send the same filters and `limit`; not together with `page`. */
  @ValidateIf((object: Record<string, unknown>) => object["cursor"] !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  cursor?: string;
}

export class GetToolExecutionParamsDto {
  @IsUUID(undefined)
  executionId!: string;
}

export class CancelExecutionRequestDto {
  /** Why; kept in the run's error message and in the audit entry. */
  @ValidateIf((object: Record<string, unknown>) => object["reason"] !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  reason?: string;
}

export class CancelToolExecutionParamsDto {
  @IsUUID(undefined)
  executionId!: string;
}

export class ListToolExecutionsQueryDto {
  @ValidateIf((object: Record<string, unknown>) => object["status"] !== undefined)
  @IsIn(["pending","running","completed","failed"])
  status?: "pending" | "running" | "completed" | "failed";

  /** Page number. Pages reach the first 10,000 matching entries (`page` × `limit` at most 10,000; deeper asks answer 400): reading further down an offset costs the database every row before it. Beyond that, and to walk a long list without gaps or repeats while entries are added, follow `pagination.nextCursor`. */
  @ValidateIf((object: Record<string, unknown>) => object["page"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(10000)
  page?: number;

  @ValidateIf((object: Record<string, unknown>) => object["limit"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  /** Continues a listing after the last entry of a page: the `pagination.nextCursor` that page answered (opaque). Send the same filters and `limit`; not together with `page`. */
  @ValidateIf((object: Record<string, unknown>) => object["cursor"] !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  cursor?: string;
}

export class ListToolExecutionsParamsDto {
  /** The tool's id (`tool_filesystem`) or name (`filesystem`). */
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  id!: string;
}

export class ListContextsQueryDto {
  @ValidateIf((object: Record<string, unknown>) => object["status"] !== undefined)
  @IsIn(["active","archived"])
  status?: "active" | "archived";

  @ValidateIf((object: Record<string, unknown>) => object["sort"] !== undefined)
  @IsIn(["created","updated","name"])
  sort?: "created" | "updated" | "name";

  @ValidateIf((object: Record<string, unknown>) => object["order"] !== undefined)
  @IsIn(["asc","desc"])
  order?: "asc" | "desc";

  /** Admins only. */
  @ValidateIf((object: Record<string, unknown>) => object["userId"] !== undefined)
  @IsUUID(undefined)
  userId?: string;

  @ValidateIf((object: Record<string, unknown>) => object["page"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(100000)
  page?: number;

  @ValidateIf((object: Record<string, unknown>) => object["limit"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

/** Transient upstream failures (502, 503) of runs in this context are retried. */
export class ContextSettingsRetryPolicyDto {
  @ValidateIf((object: Record<string, unknown>) => object["maxRetries"] !== undefined)
  @IsInt()
  @Min(0)
  @Max(5)
  maxRetries?: number;

  @ValidateIf((object: Record<string, unknown>) => object["backoffMultiplier"] !== undefined)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(1)
  @Max(10)
  backoffMultiplier?: number;
}

export class ContextSettingsDto {
  /** Milliseconds; caps the timeout of every run in this context (at most the server's maximum). */
  @ValidateIf((object: Record<string, unknown>) => object["maxExecutionTime"] !== undefined)
  @IsInt()
  @Min(1)
  @Max(3600000)
  maxExecutionTime?: number;

  /** Transient upstream failures (502, 503) of runs in this context are retried. */
  @ValidateIf((object: Record<string, unknown>) => object["retryPolicy"] !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => ContextSettingsRetryPolicyDto)
  retryPolicy?: ContextSettingsRetryPolicyDto;
}

export class CreateContextRequestDto {
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ValidateIf((object: Record<string, unknown>) => object["description"] !== undefined)
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ValidateIf((object: Record<string, unknown>) => object["status"] !== undefined)
  @IsIn(["active","archived"])
  status?: "active" | "archived";

  /** Free JSON, at most 64 KiB. */
  @ValidateIf((object: Record<string, unknown>) => object["metadata"] !== undefined)
  @IsObject()
  @MaxJsonBytes(65536)
  metadata?: Record<string, unknown>;

  /** Tool ids or names; each must exist. */
  @ValidateIf((object: Record<string, unknown>) => object["tools"] !== undefined)
  @IsArray()
  @ArrayMaxSize(200)
  @ArrayUnique()
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(200, { each: true })
  tools?: string[];

  @ValidateIf((object: Record<string, unknown>) => object["settings"] !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => ContextSettingsDto)
  settings?: ContextSettingsDto;
}

export class GetContextParamsDto {
  @IsUUID(undefined)
  id!: string;
}

/** Fields present replace the stored ones; absent fields are kept. */
export class UpdateContextRequestDto {
  @ValidateIf((object: Record<string, unknown>) => object["name"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ValidateIf((object: Record<string, unknown>) => object["description"] !== undefined)
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ValidateIf((object: Record<string, unknown>) => object["status"] !== undefined)
  @IsIn(["active","archived"])
  status?: "active" | "archived";

  @ValidateIf((object: Record<string, unknown>) => object["metadata"] !== undefined)
  @IsObject()
  @MaxJsonBytes(65536)
  metadata?: Record<string, unknown>;

  @ValidateIf((object: Record<string, unknown>) => object["tools"] !== undefined)
  @IsArray()
  @ArrayMaxSize(200)
  @ArrayUnique()
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(200, { each: true })
  tools?: string[];

  @ValidateIf((object: Record<string, unknown>) => object["settings"] !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => ContextSettingsDto)
  settings?: ContextSettingsDto;
}

export class UpdateContextParamsDto {
  @IsUUID(undefined)
  id!: string;
}

export class DeleteContextParamsDto {
  @IsUUID(undefined)
  id!: string;
}

export class ListSessionsQueryDto {
  /** Admins only. */
  @ValidateIf((object: Record<string, unknown>) => object["userId"] !== undefined)
  @IsUUID(undefined)
  userId?: string;

  @ValidateIf((object: Record<string, unknown>) => object["status"] !== undefined)
  @IsIn(["active","terminated","expired"])
  status?: "active" | "terminated" | "expired";

  @ValidateIf((object: Record<string, unknown>) => object["connectionType"] !== undefined)
  @IsIn(["websocket","http","mcp"])
  connectionType?: "websocket" | "http" | "mcp";

  /** Page number. Pages reach the first 10,000 matching entries (`page` × `limit` at most 10,000; deeper asks answer 400): reading further down an offset costs the database every row before it. Beyond that, and to walk a long list without gaps or repeats while entries are added, follow `pagination.nextCursor`. */
  @ValidateIf((object: Record<string, unknown>) => object["page"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(10000)
  page?: number;

  @ValidateIf((object: Record<string, unknown>) => object["limit"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  /** Continues a listing after the last entry of a page: the `pagination.nextCursor` that page answered (opaque). Send the same filters and `limit`; not together with `page`. */
  @ValidateIf((object: Record<string, unknown>) => object["cursor"] !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  cursor?: string;
}

export class TerminateSessionParamsDto {
  @IsUUID(undefined)
  id!: string;
}

export class ListServersQueryDto {
  @ValidateIf((object: Record<string, unknown>) => object["status"] !== undefined)
  @IsIn(["connected","disconnected","error","connecting"])
  status?: "connected" | "disconnected" | "error" | "connecting";

  @ValidateIf((object: Record<string, unknown>) => object["enabled"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  enabled?: boolean;

  @ValidateIf((object: Record<string, unknown>) => object["groupId"] !== undefined)
  @IsUUID(undefined)
  groupId?: string;

  @ValidateIf((object: Record<string, unknown>) => object["tag"] !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  tag?: string;

  @ValidateIf((object: Record<string, unknown>) => object["q"] !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  q?: string;
}

/** TLS to a remote server (`https://` and `wss://` endpoints only, every endpoint of its
replicas included): `ca` is the PEM of the certificates trusted for this server instead of
the public roots (a private CA); `cert` and `key` are the gateway's client certificate (PEM,
its chain may follow) and private key, for a server that asks for one (mutual TLS);
`passphrase` opens an encrypted key; `servername` is the name the server's certificate must
carry (and the SNI sent) when the url's host is not it, as with an address. `key` and
`passphrase` are stored encrypted and answered as `********`; sending `********` back keeps
them (the key never leaves the gateway, so it is kept whichever server the url names). A
certificate is checked when it is given: 400 when it or `ca` is not PEM certificates only
(`NOT_A_CERTIFICATE` for a key pasted beside them: they are stored and answered as given),
has expired, or is not yet valid, when the key does not open (passphrase) or is not the
certificate's, or when one comes without the other. Settings sent back as answered are
kept as stored, unchecked but for the endpoints: a certificate that has expired since
does not stop the server being edited or disabled. An OAuth `tokenUrl` on the server
itself (the host and port of `url` or of one of `replicas.urls`) is reached with these
settings too; one elsewhere with the public roots. */
export class UpstreamTlsDto {
  @ValidateIf((object: Record<string, unknown>) => object["ca"] !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(65536)
  ca?: string;

  @ValidateIf((object: Record<string, unknown>) => object["cert"] !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(65536)
  cert?: string;

  @ValidateIf((object: Record<string, unknown>) => object["key"] !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(65536)
  key?: string;

  @ValidateIf((object: Record<string, unknown>) => object["passphrase"] !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  passphrase?: string;

  @ValidateIf((object: Record<string, unknown>) => object["servername"] !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(253)
  @Matches(new RegExp("^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"))
  servername?: string;
}

/** `stdio` starts `command` (which must be on the UPSTREAM_STDIO_COMMANDS allow-list) with `args`,
`env` and `cwd`; `streamable-http` and `sse` connect to an `http(s)` `url` with `headers`;
`websocket` to a `ws(s)` `url` (subprotocol `mcp`, one JSON-RPC message per text frame) with
`headers` on the upgrade. Values of `env` and `headers` are stored encrypted and answered as
`********`; sending `********` back keeps them, a header's only while `url` stays on the same
server, an env value's only while `command`, `args` and `cwd` are unchanged (400
`MASKED_VALUE` otherwise, and where nothing was stored). */
export class UpstreamTransportDto {
  @IsIn(["stdio","streamable-http","sse","websocket"])
  type!: "stdio" | "streamable-http" | "sse" | "websocket";

  @ValidateIf((object: Record<string, unknown>) => object["command"] !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  command?: string;

  @ValidateIf((object: Record<string, unknown>) => object["args"] !== undefined)
  @IsArray()
  @ArrayMaxSize(64)
  @IsString({ each: true })
  @MaxLength(4096, { each: true })
  args?: string[];

  @ValidateIf((object: Record<string, unknown>) => object["env"] !== undefined)
  @IsObject()
  @IsStringRecord({ maxEntries: 100, maxLength: 8192 })
  env?: Record<string, string>;

  @ValidateIf((object: Record<string, unknown>) => object["cwd"] !== undefined)
  @IsString()
  @MaxLength(1024)
  cwd?: string;

  @ValidateIf((object: Record<string, unknown>) => object["url"] !== undefined)
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https', 'ws', 'wss'] })
  @MaxLength(2048)
  url?: string;

  @ValidateIf((object: Record<string, unknown>) => object["headers"] !== undefined)
  @IsObject()
  @IsStringRecord({ maxEntries: 50, maxLength: 8192 })
  headers?: Record<string, string>;

  /** TLS to a remote server (`https://` and `wss://` endpoints only, every endpoint of its replicas included): `ca` is the PEM of the certificates trusted for this server instead of the public roots (a private CA); `cert` and `key` are the gateway's client certificate (PEM, its chain may follow) and private key, for a server that asks for one (mutual TLS); `passphrase` opens an encrypted key; `servername` is the name the server's certificate must carry (and the SNI sent) when the url's host is not it, as with an address. `key` and `passphrase` are stored encrypted and answered as `********`; sending `********` back keeps them (the key never leaves the gateway, so it is kept whichever server the url names). A certificate is checked when it is given: 400 when it or `ca` is not PEM certificates only (`NOT_A_CERTIFICATE` for a key pasted beside them: they are stored and answered as given), has expired, or is not yet valid, when the key does not open (passphrase) or is not the certificate's, or when one comes without the other. Settings sent back as answered are kept as stored, unchecked but for the endpoints: a certificate that has expired since does not stop the server being edited or disabled. An OAuth `tokenUrl` on the server itself (the host and port of `url` or of one of `replicas.urls`) is reached with these settings too; one elsewhere with the public roots. */
  @ValidateIf((object: Record<string, unknown>) => object["tls"] !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => UpstreamTlsDto)
  tls?: UpstreamTlsDto;
}

export class UpstreamServerInputTimeoutsDto {
  @ValidateIf((object: Record<string, unknown>) => object["connectMs"] !== undefined)
  @IsInt()
  @Min(100)
  @Max(120000)
  connectMs?: number;

  @ValidateIf((object: Record<string, unknown>) => object["requestMs"] !== undefined)
  @IsInt()
  @Min(100)
  @Max(3600000)
  requestMs?: number;
}

/** Pings (MCP `ping`) every `intervalMs` while connected; three unanswered in a row
reconnect. `enabled` false sends none (a dead connection is then found by a call).
`timeoutMs` is how long a ping may take (absent: the smaller of `timeouts.requestMs` and
10 s). One ping is in flight at a time: one slower than `intervalMs` delays the next. */
export class UpstreamServerInputHealthCheckDto {
  @ValidateIf((object: Record<string, unknown>) => object["enabled"] !== undefined)
  @IsBoolean()
  enabled?: boolean;

  @ValidateIf((object: Record<string, unknown>) => object["intervalMs"] !== undefined)
  @IsInt()
  @Min(1000)
  @Max(3600000)
  intervalMs?: number;

  @ValidateIf((object: Record<string, unknown>) => object["timeoutMs"] !== undefined)
  @IsInt()
  @Min(100)
  @Max(60000)
  timeoutMs?: number;
}

/** Copies of the server that the gateway keeps connected and spreads calls over: for `stdio`,
`count` processes of the same command; for HTTP, SSE and WebSocket, `count` sessions: to
`url` (for a service that spreads sessions over its own instances), or with `urls` to `url`
and each of `urls` in turn (copy `i` to the `i`-th of them, round and round), so that one
server name spreads its calls over several endpoints. Each copy has its own
health checks, circuit and reconnection. A tool call goes to a connected copy whose circuit
admits it and that lists the tool, in turn (`round_robin`) or to the one with the fewest calls
in flight (`least_pending`, ties in turn); a copy that drops or whose circuit opens is passed
over until it is back, so a call is refused (503) only when no copy can take it. A call one
copy could not take (it dropped just then: nothing was sent) goes to another; a call a copy
lost (its connection broke, no answer came) goes once to another only when the tool says
a second run is harmless (`readOnlyHint` or `idempotentHint`), and otherwise fails (502). The tools
served are those of the first copy that listed them, until it drops. Resource subscriptions
are made on one copy, and move to another when it drops. The server is `connected` while
any copy is, and in `error` once every copy has failed (reconnecting included); its
circuit is that of its connected copies: open only when none of theirs is closed (with
none connected, as it was last). Not with `userConfig` (each user has a connection of their own).
The server's headers and `api_key` go to every endpoint: a stored one is kept (`********`)
only while every endpoint stays on a server it already went to (400 `MASKED_VALUE`
otherwise, as for `url`). Absent: one copy. */
export class UpstreamReplicasDto {
  /** With `urls`, at least one copy per endpoint (`url` and each of `urls`). */
  @IsInt()
  @Min(1)
  @Max(8)
  count!: number;

  @ValidateIf((object: Record<string, unknown>) => object["strategy"] !== undefined)
  @IsIn(["round_robin","least_pending"])
  strategy?: "round_robin" | "least_pending";

  /** Other endpoints of the same server beside `transport.url` (HTTP, SSE and WebSocket only, with the scheme `url` has). */
  @ValidateIf((object: Record<string, unknown>) => object["urls"] !== undefined)
  @IsArray()
  @ArrayMaxSize(7)
  @ArrayUnique()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https', 'ws', 'wss'] }, { each: true })
  @MaxLength(2048, { each: true })
  urls?: string[];
}

/** How often the server's tools may be run, as one or more windows, every one enforced: `requests`
in `window` (1 s to 24 h), and the seed's `requestsPerMinute`, `requestsPerHour` and
`requestsPerDay` (at least one window; 400 otherwise). `scope` `caller` (the default): each
caller has these budgets, spent by their runs of any of the server's tools; `server`: every
caller's runs spend the same budgets, on every instance (with Redis), to keep within the
upstream's own quota. Over a limit: 429 `RATE_LIMIT_EXCEEDED` with `Retry-After` for the
window that refused; windows are spent shortest first, so a run one window refuses spends
nothing of the longer ones. Two windows of the same span (`window: 60s` with
`requestsPerMinute`) are refused (`DUPLICATE_WINDOW`). Limits sent back as answered are
kept as stored, unchecked (one stored before these rules, such as a 48 h window, stays). */
export class UpstreamRateLimitsDto {
  @ValidateIf((object: Record<string, unknown>) => object["requests"] !== undefined)
  @IsInt()
  @Min(1)
  @Max(1000000000)
  requests?: number;

  @ValidateIf((object: Record<string, unknown>) => object["window"] !== undefined)
  @IsString()
  @Matches(new RegExp("^[0-9]+(ms|s|m|h)$"))
  window?: string;

  @ValidateIf((object: Record<string, unknown>) => object["requestsPerMinute"] !== undefined)
  @IsInt()
  @Min(1)
  @Max(1000000000)
  requestsPerMinute?: number;

  @ValidateIf((object: Record<string, unknown>) => object["requestsPerHour"] !== undefined)
  @IsInt()
  @Min(1)
  @Max(1000000000)
  requestsPerHour?: number;

  @ValidateIf((object: Record<string, unknown>) => object["requestsPerDay"] !== undefined)
  @IsInt()
  @Min(1)
  @Max(1000000000)
  requestsPerDay?: number;

  @ValidateIf((object: Record<string, unknown>) => object["scope"] !== undefined)
  @IsIn(["caller","server"])
  scope?: "caller" | "server";
}

/** Results of this server's read-only tools kept by the gateway for `ttlSeconds`, per user and
exact arguments, and served without calling the upstream (the run is still authorized,
limited, recorded and audited, with `cached: true`). Which tools: those named in `tools`,
or without `tools`, those the upstream annotates `readOnlyHint: true`. Only completed
results up to 1 MiB are kept. Emptied for the server when its tools change or it
reconnects; null or absent: nothing is kept. */
export class UpstreamCacheDto {
  @IsInt()
  @Min(1)
  @Max(86400)
  ttlSeconds!: number;

  /** The upstream's own tool names (without the `<server>__` prefix). */
  @ValidateIf((object: Record<string, unknown>) => object["tools"] !== undefined)
  @IsArray()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(128, { each: true })
  tools?: string[];
}

/** How the gateway authenticates to an HTTP, SSE or WebSocket upstream (MCP Connect's `auth`;
not for stdio). `none`: nothing beyond `transport.headers`. `api_key`: `key` sent in
`header` (default `Authorization`) after `prefix` (default `Bearer`; `""` for none).
`oauth2`: the client credentials grant at `tokenUrl`, the client authenticating as
`clientAuthMethod` says (`client_secret_basic`, the default, or `client_secret_post`; `scopes`
and the RFC 8707 `resource` sent when given); the token is sent as `Authorization: Bearer`, kept
until shortly before it expires, and fetched again at once when the upstream answers 401.
`tokenUrl` must be `https`, or `http` on a loopback address. `key` and `clientSecret` are
stored encrypted and answered as `********`; sending `********` back keeps them while they
go to the same place (`key`: the same server; `clientSecret`: the same `tokenUrl`, and the
tokens it gets to the same server), and is refused otherwise (400 `MASKED_VALUE`). The header it sets may not also be in
`transport.headers`. */
export class UpstreamAuthDto {
  @IsIn(["none","api_key","oauth2"])
  type!: "none" | "api_key" | "oauth2";

  @ValidateIf((object: Record<string, unknown>) => object["key"] !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(8192)
  key?: string;

  @ValidateIf((object: Record<string, unknown>) => object["header"] !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(new RegExp("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"), { message: "header must be an HTTP header name" })
  header?: string;

  @ValidateIf((object: Record<string, unknown>) => object["prefix"] !== undefined)
  @IsString()
  @MaxLength(50)
  @Matches(new RegExp("^[!-~]*$"), { message: "prefix must be printable ASCII without spaces" })
  prefix?: string;

  @ValidateIf((object: Record<string, unknown>) => object["clientId"] !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  clientId?: string;

  @ValidateIf((object: Record<string, unknown>) => object["clientSecret"] !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(8192)
  clientSecret?: string;

  /** How the client id and secret reach the token endpoint (RFC 6749 §2.3.1); absent, client_secret_basic. */
  @ValidateIf((object: Record<string, unknown>) => object["clientAuthMethod"] !== undefined)
  @IsIn(["client_secret_basic","client_secret_post"])
  clientAuthMethod?: "client_secret_basic" | "client_secret_post";

  @ValidateIf((object: Record<string, unknown>) => object["tokenUrl"] !== undefined)
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  @MaxLength(2048)
  tokenUrl?: string;

  @ValidateIf((object: Record<string, unknown>) => object["scopes"] !== undefined)
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(200, { each: true })
  @Matches(new RegExp("^[!#-\\[\\]-~]+$"), { each: true, message: "a scope is printable ASCII without spaces, quotes or backslashes" })
  scopes?: string[];

  @ValidateIf((object: Record<string, unknown>) => object["resource"] !== undefined)
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  @MaxLength(2048)
  resource?: string;
}

/** A configuration each user gives the server for themselves (the MCP Online Platform's
"Configure MCP Service"): their own token for a service that acts as them. `schema` is what a
user sends to `POST /services/{serviceId}/configure`; `env` (stdio) or `headers` (HTTP, SSE,
WebSocket) say where it goes, with `{{field}}` standing for a field's value (an array's items
joined with commas). Every field a template uses is required, whatever `schema.required` says
(400 naming it; one stored without it is refused as no longer fitting), and a header or
variable a template sets never carries the server's own value on a user's connection. A user
with a configuration has a connection of their own to the server, opened at their first call
and closed when idle; the server's own connection (its `transport` and `auth`) lists the tools.
Its resources, prompts and completions reach a user on their own connection as well (their
resources cannot be subscribed to through the gateway). `required` true (the default): a user
without a configuration cannot run the server's tools (400 `MCP_SERVICE_UNCONFIGURED`) and is
served none of its resources and prompts (they would be read as the server's own identity).
`required` false: the server's own connection serves those who have none. Templates are not
secret: put the server's own secrets in `transport`. */
export class UpstreamUserConfigDto {
  /** A JSON Schema of an object whose properties (1 to 32, named like identifiers) are of type `string`, `number`, `integer`, `boolean` or an `array` of strings; keywords such as `enum`, `pattern`, `maxLength`, `minimum`, `format` and `description` apply as JSON Schema says. Values are stored encrypted and never answered. */
  @IsObject()
  @MaxJsonBytes(65536)
  schema!: Record<string, unknown>;

  @ValidateIf((object: Record<string, unknown>) => object["env"] !== undefined)
  @IsObject()
  @IsStringRecord({ maxEntries: 32, maxLength: 8192 })
  env?: Record<string, string>;

  @ValidateIf((object: Record<string, unknown>) => object["headers"] !== undefined)
  @IsObject()
  @IsStringRecord({ maxEntries: 32, maxLength: 8192 })
  headers?: Record<string, string>;

  @ValidateIf((object: Record<string, unknown>) => object["required"] !== undefined)
  @IsBoolean()
  required?: boolean;
}

/** Which of the server's tools the gateway serves; the others are not registered (as if the
server did not list them). Patterns match the upstream's own tool names, `*` standing for
any run of characters. A tool is served when it matches an `include` pattern (every tool,
without `include`), matches no `exclude` pattern, and, with `readOnly`, is annotated
`readOnlyHint: true`. Null or absent: every tool. */
export class UpstreamToolFilterDto {
  @ValidateIf((object: Record<string, unknown>) => object["include"] !== undefined)
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(128, { each: true })
  @Matches(new RegExp("^[A-Za-z0-9_.*/-]+$"), { each: true, message: "a tool name pattern is letters, digits, _ . / - and * for any run of characters" })
  include?: string[];

  @ValidateIf((object: Record<string, unknown>) => object["exclude"] !== undefined)
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(128, { each: true })
  @Matches(new RegExp("^[A-Za-z0-9_.*/-]+$"), { each: true, message: "a tool name pattern is letters, digits, _ . / - and * for any run of characters" })
  exclude?: string[];

  /** Serve only the tools the upstream annotates as read-only. */
  @ValidateIf((object: Record<string, unknown>) => object["readOnly"] !== undefined)
  @IsBoolean()
  readOnly?: boolean;
}

export class UpstreamServerInputMetadataDto {
  @ValidateIf((object: Record<string, unknown>) => object["category"] !== undefined)
  @IsIn(["system","data","analytics","monitoring"])
  category?: "system" | "data" | "analytics" | "monitoring";

  @ValidateIf((object: Record<string, unknown>) => object["tags"] !== undefined)
  @IsArray()
  @ArrayMaxSize(32)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  tags?: string[];
}

export class UpstreamServerInputDto {
  /** Lower-case letters, digits, `-` and `_`; prefixes its tools as `<name>__<tool>`, so it holds no `__` and does not end with `_`. */
  @IsString()
  @Matches(new RegExp("^[a-z0-9](?:[a-z0-9-]|_(?![_]|$)){0,62}$"), { message: "name must be lower-case letters, digits, - and single _ (up to 63), starting with a letter or digit and not ending with _" })
  name!: string;

  @ValidateIf((object: Record<string, unknown>) => object["description"] !== undefined)
  @IsString()
  @MaxLength(1000)
  description?: string;

  /** `stdio` starts `command` (which must be on the UPSTREAM_STDIO_COMMANDS allow-list) with `args`, `env` and `cwd`; `streamable-http` and `sse` connect to an `http(s)` `url` with `headers`; `websocket` to a `ws(s)` `url` (subprotocol `mcp`, one JSON-RPC message per text frame) with `headers` on the upgrade. Values of `env` and `headers` are stored encrypted and answered as `********`; sending `********` back keeps them, a header's only while `url` stays on the same server, an env value's only while `command`, `args` and `cwd` are unchanged (400 `MASKED_VALUE` otherwise, and where nothing was stored). */
  @IsObject()
  @ValidateNested()
  @Type(() => UpstreamTransportDto)
  transport!: UpstreamTransportDto;

  @ValidateIf((object: Record<string, unknown>) => object["enabled"] !== undefined)
  @IsBoolean()
  enabled?: boolean;

  @ValidateIf((object: Record<string, unknown>) => object["timeouts"] !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => UpstreamServerInputTimeoutsDto)
  timeouts?: UpstreamServerInputTimeoutsDto;

  /** Pings (MCP `ping`) every `intervalMs` while connected; three unanswered in a row reconnect. `enabled` false sends none (a dead connection is then found by a call). `timeoutMs` is how long a ping may take (absent: the smaller of `timeouts.requestMs` and 10 s). One ping is in flight at a time: one slower than `intervalMs` delays the next. */
  @ValidateIf((object: Record<string, unknown>) => object["healthCheck"] !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => UpstreamServerInputHealthCheckDto)
  healthCheck?: UpstreamServerInputHealthCheckDto;

  /** Copies of the server that the gateway keeps connected and spreads calls over: for `stdio`, `count` processes of the same command; for HTTP, SSE and WebSocket, `count` sessions: to `url` (for a service that spreads sessions over its own instances), or with `urls` to `url` and each of `urls` in turn (copy `i` to the `i`-th of them, round and round), so that one server name spreads its calls over several endpoints. Each copy has its own health checks, circuit and reconnection. A tool call goes to a connected copy whose circuit admits it and that lists the tool, in turn (`round_robin`) or to the one with the fewest calls in flight (`least_pending`, ties in turn); a copy that drops or whose circuit opens is passed over until it is back, so a call is refused (503) only when no copy can take it. A call one copy could not take (it dropped just then: nothing was sent) goes to another; a call a copy lost (its connection broke, no answer came) goes once to another only when the tool says a second run is harmless (`readOnlyHint` or `idempotentHint`), and otherwise fails (502). The tools served are those of the first copy that listed them, until it drops. Resource subscriptions are made on one copy, and move to another when it drops. The server is `connected` while any copy is, and in `error` once every copy has failed (reconnecting included); its circuit is that of its connected copies: open only when none of theirs is closed (with none connected, as it was last). Not with `userConfig` (each user has a connection of their own). The server's headers and `api_key` go to every endpoint: a stored one is kept (`********`) only while every endpoint stays on a server it already went to (400 `MASKED_VALUE` otherwise, as for `url`). Absent: one copy. */
  @ValidateIf((object: Record<string, unknown>) => object["replicas"] !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => UpstreamReplicasDto)
  replicas?: UpstreamReplicasDto;

  /** How often the server's tools may be run, as one or more windows, every one enforced: `requests` in `window` (1 s to 24 h), and the seed's `requestsPerMinute`, `requestsPerHour` and `requestsPerDay` (at least one window; 400 otherwise). `scope` `caller` (the default): each caller has these budgets, spent by their runs of any of the server's tools; `server`: every caller's runs spend the same budgets, on every instance (with Redis), to keep within the upstream's own quota. Over a limit: 429 `RATE_LIMIT_EXCEEDED` with `Retry-After` for the window that refused; windows are spent shortest first, so a run one window refuses spends nothing of the longer ones. Two windows of the same span (`window: 60s` with `requestsPerMinute`) are refused (`DUPLICATE_WINDOW`). Limits sent back as answered are kept as stored, unchecked (one stored before these rules, such as a 48 h window, stays). */
  @ValidateIf((object: Record<string, unknown>) => object["rateLimits"] !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => UpstreamRateLimitsDto)
  rateLimits?: UpstreamRateLimitsDto;

  /** Results of this server's read-only tools kept by the gateway for `ttlSeconds`, per user and exact arguments, and served without calling the upstream (the run is still authorized, limited, recorded and audited, with `cached: true`). Which tools: those named in `tools`, or without `tools`, those the upstream annotates `readOnlyHint: true`. Only completed results up to 1 MiB are kept. Emptied for the server when its tools change or it reconnects; null or absent: nothing is kept. */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => UpstreamCacheDto)
  cache?: UpstreamCacheDto | null;

  /** How the gateway authenticates to an HTTP, SSE or WebSocket upstream (MCP Connect's `auth`; not for stdio). `none`: nothing beyond `transport.headers`. `api_key`: `key` sent in `header` (default `Authorization`) after `prefix` (default `Bearer`; `""` for none). `oauth2`: the client credentials grant at `tokenUrl`, the client authenticating as `clientAuthMethod` says (`client_secret_basic`, the default, or `client_secret_post`; `scopes` and the RFC 8707 `resource` sent when given); the token is sent as `Authorization: Bearer`, kept until shortly before it expires, and fetched again at once when the upstream answers 401. `tokenUrl` must be `https`, or `http` on a loopback address. `key` and `clientSecret` are stored encrypted and answered as `********`; sending `********` back keeps them while they go to the same place (`key`: the same server; `clientSecret`: the same `tokenUrl`, and the tokens it gets to the same server), and is refused otherwise (400 `MASKED_VALUE`). The header it sets may not also be in `transport.headers`. */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => UpstreamAuthDto)
  auth?: UpstreamAuthDto | null;

  /** A configuration each user gives the server for themselves (the MCP Online Platform's "Configure MCP Service"): their own token for a service that acts as them. `schema` is what a user sends to `POST /services/{serviceId}/configure`; `env` (stdio) or `headers` (HTTP, SSE, WebSocket) say where it goes, with `{{field}}` standing for a field's value (an array's items joined with commas). Every field a template uses is required, whatever `schema.required` says (400 naming it; one stored without it is refused as no longer fitting), and a header or variable a template sets never carries the server's own value on a user's connection. A user with a configuration has a connection of their own to the server, opened at their first call and closed when idle; the server's own connection (its `transport` and `auth`) lists the tools. Its resources, prompts and completions reach a user on their own connection as well (their resources cannot be subscribed to through the gateway). `required` true (the default): a user without a configuration cannot run the server's tools (400 `MCP_SERVICE_UNCONFIGURED`) and is served none of its resources and prompts (they would be read as the server's own identity). `required` false: the server's own connection serves those who have none. Templates are not secret: put the server's own secrets in `transport`. */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => UpstreamUserConfigDto)
  userConfig?: UpstreamUserConfigDto | null;

  /** Who may use the server: only members of these organizations (`/admin/organizations`), and admins. Its tools, resources, prompts and MCP service are hidden from everyone else, and a run of one of its tools is refused (403). Absent or null: everyone who may run upstream tools. An empty list: admins only. A deleted organization leaves the list. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID(undefined, { each: true })
  organizations?: string[] | null;

  /** Permissions a caller must hold, besides `execute:tools`, to see and run the server's tools and reach its resources, prompts and MCP service, e.g. `use:github` (granted with `PUT /admin/users/{id}/roles`, carried by an API key only when in its scopes). Its tools list them as their `permissions`. Absent or empty: none beyond `execute:tools`. */
  @ValidateIf((object: Record<string, unknown>) => object["permissions"] !== undefined)
  @IsArray()
  @ArrayMaxSize(16)
  @ArrayUnique()
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  @Matches(new RegExp("^[a-z0-9_*-]+:[a-z0-9_*-]+$|^\\*$"), { each: true, message: "a permission is action:resource, e.g. execute:tools or read:*" })
  permissions?: string[];

  /** Which of the server's tools the gateway serves; the others are not registered (as if the server did not list them). Patterns match the upstream's own tool names, `*` standing for any run of characters. A tool is served when it matches an `include` pattern (every tool, without `include`), matches no `exclude` pattern, and, with `readOnly`, is annotated `readOnlyHint: true`. Null or absent: every tool. */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => UpstreamToolFilterDto)
  toolFilter?: UpstreamToolFilterDto | null;

  /** Which of its tools a person must allow, run by run, before the gateway calls them: none, the `destructive` ones (not annotated `readOnlyHint: true` nor `destructiveHint: false`, as MCP reads a tool without annotations), or `always` all. The gateway asks through the caller's MCP client (`elicitation/create`, a form with one boolean `allow`), on `/mcp` and on `/ws` with the `mcp` subprotocol; a run is 403 when not allowed, and 412 when the caller's door or client cannot ask (REST, an asynchronous run, a client without the elicitation capability). Every question and answer is audited (`tool.client_request`). */
  @ValidateIf((object: Record<string, unknown>) => object["confirmTools"] !== undefined)
  @IsIn(["never","destructive","always"])
  confirmTools?: "never" | "destructive" | "always";

  /** What the gateway does with credentials in what the server answers (tool results and error results, resources, prompts, and the log and progress messages, sampling and elicitation requests it sends the caller during a call: those are masked, or under `refuse` not relayed): private keys, AWS access keys, GitHub, GitLab, Slack, Stripe, Google and OpenAI-style keys, JWTs. `mask` replaces each with `[REDACTED:<kind>]` before anything stores, caches, audits or answers it; `refuse` withholds the whole answer (502). Either way it is audited (`upstream.credentials.found`, a warning, with the kinds; never the values). */
  @ValidateIf((object: Record<string, unknown>) => object["credentialScan"] !== undefined)
  @IsIn(["off","mask","refuse"])
  credentialScan?: "off" | "mask" | "refuse";

  /** What happens when the server's tools change after they were approved (a tool added, or its title, description, schemas or annotations rewritten). `serve`: served at once, audited and announced (`upstream.tools.changed`). `hold`: also audited and announced, but a new or changed tool is not served until an admin approves the listing (`POST /admin/servers/{id}/approve-tools`). The first listing is approved as it comes. */
  @ValidateIf((object: Record<string, unknown>) => object["toolChanges"] !== undefined)
  @IsIn(["serve","hold"])
  toolChanges?: "serve" | "hold";

  @ValidateIf((object: Record<string, unknown>) => object["metadata"] !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => UpstreamServerInputMetadataDto)
  metadata?: UpstreamServerInputMetadataDto;
}

export class GetServerParamsDto {
  @IsUUID(undefined)
  id!: string;
}

export class UpdateServerParamsDto {
  @IsUUID(undefined)
  id!: string;
}

export class DeleteServerParamsDto {
  @IsUUID(undefined)
  id!: string;
}

/** Fields of UpstreamServerInput to change (RFC 7396). Each is as UpstreamServerInput has it;
an object is merged into the stored one field by field (so it may be partial here), and
`null` removes a field. The result must be a valid UpstreamServerInput. An empty patch
changes nothing and is refused (400). */
export class UpstreamServerPatchDto {
  @ValidateIf((object: Record<string, unknown>) => object["name"] !== undefined)
  @IsString()
  @Matches(new RegExp("^[a-z0-9](?:[a-z0-9-]|_(?![_]|$)){0,62}$"), { message: "name must be lower-case letters, digits, - and single _ (up to 63), starting with a letter or digit and not ending with _" })
  name?: string;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string | null;

  /** Merged into the stored transport (its masked secrets kept while it stays on the same server). */
  @ValidateIf((object: Record<string, unknown>) => object["transport"] !== undefined)
  @IsObject()
  transport?: Record<string, unknown>;

  @ValidateIf((object: Record<string, unknown>) => object["enabled"] !== undefined)
  @IsBoolean()
  enabled?: boolean;

  @IsOptional()
  @IsObject()
  timeouts?: Record<string, unknown> | null;

  @IsOptional()
  @IsObject()
  healthCheck?: Record<string, unknown> | null;

  @IsOptional()
  @IsObject()
  replicas?: Record<string, unknown> | null;

  @IsOptional()
  @IsObject()
  rateLimits?: Record<string, unknown> | null;

  @IsOptional()
  @IsObject()
  cache?: Record<string, unknown> | null;

  @IsOptional()
  @IsObject()
  auth?: Record<string, unknown> | null;

  @IsOptional()
  @IsObject()
  @MaxJsonBytes(131072)
  userConfig?: Record<string, unknown> | null;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID(undefined, { each: true })
  organizations?: string[] | null;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(16)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  @Matches(new RegExp("^[a-z0-9_*-]+:[a-z0-9_*-]+$|^\\*$"), { each: true, message: "a permission is action:resource, e.g. execute:tools or read:*" })
  permissions?: string[] | null;

  @IsOptional()
  @IsObject()
  toolFilter?: Record<string, unknown> | null;

  @IsOptional()
  @IsIn(["never","destructive","always"])
  confirmTools?: "never" | "destructive" | "always" | null;

  @IsOptional()
  @IsIn(["off","mask","refuse"])
  credentialScan?: "off" | "mask" | "refuse" | null;

  @IsOptional()
  @IsIn(["serve","hold"])
  toolChanges?: "serve" | "hold" | null;

  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown> | null;
}

export class PatchServerParamsDto {
  @IsUUID(undefined)
  id!: string;
}

export class ConnectServerParamsDto {
  @IsUUID(undefined)
  id!: string;
}

export class ApproveServerToolsParamsDto {
  @IsUUID(undefined)
  id!: string;
}

export class ListServerUserConfigsQueryDto {
  @ValidateIf((object: Record<string, unknown>) => object["page"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(100000)
  page?: number;

  @ValidateIf((object: Record<string, unknown>) => object["limit"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class ListServerUserConfigsParamsDto {
  @IsUUID(undefined)
  id!: string;
}

export class DeleteServerUserConfigParamsDto {
  @IsUUID(undefined)
  id!: string;

  @IsUUID(undefined)
  userId!: string;
}

export class ListServerOrganizationConfigsQueryDto {
  @ValidateIf((object: Record<string, unknown>) => object["page"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(100000)
  page?: number;

  @ValidateIf((object: Record<string, unknown>) => object["limit"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class ListServerOrganizationConfigsParamsDto {
  @IsUUID(undefined)
  id!: string;
}

export class DeleteServerOrganizationConfigParamsDto {
  @IsUUID(undefined)
  id!: string;

  @IsUUID(undefined)
  organizationId!: string;
}

export class DisconnectServerParamsDto {
  @IsUUID(undefined)
  id!: string;
}

export class ServerBulkRequestDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsUUID(undefined, { each: true })
  serverIds!: string[];
}

export class BulkServerActionParamsDto {
  @IsIn(["connect","disconnect"])
  action!: "connect" | "disconnect";
}

export class ListServerTemplatesQueryDto {
  @ValidateIf((object: Record<string, unknown>) => object["category"] !== undefined)
  @IsString()
  @MaxLength(50)
  category?: string;

  /** Matches the name or the description, ignoring case. */
  @ValidateIf((object: Record<string, unknown>) => object["q"] !== undefined)
  @IsString()
  @MaxLength(100)
  q?: string;
}

export class ServerTemplateInstanceDto {
  /** The new server's name (as for `POST /admin/servers`). */
  @IsString()
  @Matches(new RegExp("^[a-z0-9](?:[a-z0-9-]|_(?![_]|$)){0,62}$"), { message: "name must be lower-case letters, digits, - and single _ (up to 63), starting with a letter or digit and not ending with _" })
  name!: string;

  @ValidateIf((object: Record<string, unknown>) => object["description"] !== undefined)
  @IsString()
  @MaxLength(1000)
  description?: string;

  /** The template's placeholders by key; required ones must be given, unknown keys are refused. */
  @ValidateIf((object: Record<string, unknown>) => object["values"] !== undefined)
  @IsObject()
  @IsStringRecord({ maxEntries: 50, maxLength: 4096 })
  values?: Record<string, string>;

  @ValidateIf((object: Record<string, unknown>) => object["enabled"] !== undefined)
  @IsBoolean()
  enabled?: boolean;

  @ValidateIf((object: Record<string, unknown>) => object["toolChanges"] !== undefined)
  @IsIn(["serve","hold"])
  toolChanges?: "serve" | "hold";

  /** Copies of the server that the gateway keeps connected and spreads calls over: for `stdio`, `count` processes of the same command; for HTTP, SSE and WebSocket, `count` sessions: to `url` (for a service that spreads sessions over its own instances), or with `urls` to `url` and each of `urls` in turn (copy `i` to the `i`-th of them, round and round), so that one server name spreads its calls over several endpoints. Each copy has its own health checks, circuit and reconnection. A tool call goes to a connected copy whose circuit admits it and that lists the tool, in turn (`round_robin`) or to the one with the fewest calls in flight (`least_pending`, ties in turn); a copy that drops or whose circuit opens is passed over until it is back, so a call is refused (503) only when no copy can take it. A call one copy could not take (it dropped just then: nothing was sent) goes to another; a call a copy lost (its connection broke, no answer came) goes once to another only when the tool says a second run is harmless (`readOnlyHint` or `idempotentHint`), and otherwise fails (502). The tools served are those of the first copy that listed them, until it drops. Resource subscriptions are made on one copy, and move to another when it drops. The server is `connected` while any copy is, and in `error` once every copy has failed (reconnecting included); its circuit is that of its connected copies: open only when none of theirs is closed (with none connected, as it was last). Not with `userConfig` (each user has a connection of their own). The server's headers and `api_key` go to every endpoint: a stored one is kept (`********`) only while every endpoint stays on a server it already went to (400 `MASKED_VALUE` otherwise, as for `url`). Absent: one copy. */
  @ValidateIf((object: Record<string, unknown>) => object["replicas"] !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => UpstreamReplicasDto)
  replicas?: UpstreamReplicasDto;

  /** A server group to put the new server in. */
  @ValidateIf((object: Record<string, unknown>) => object["groupId"] !== undefined)
  @IsUUID(undefined)
  groupId?: string;
}

export class InstantiateServerTemplateParamsDto {
  @IsString()
  @Matches(new RegExp("^[a-z0-9][a-z0-9-]{0,62}$"))
  id!: string;
}

/** A named set of upstream servers, to find them and to connect or disconnect them together. */
export class ServerGroupInputDto {
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string | null;

  @IsOptional()
  @IsString()
  @Matches(new RegExp("^#[0-9a-fA-F]{6}$"))
  color?: string | null;

  @IsOptional()
  @IsString()
  @Matches(new RegExp("^[a-z0-9-]{1,50}$"))
  icon?: string | null;

  @ValidateIf((object: Record<string, unknown>) => object["sortOrder"] !== undefined)
  @IsInt()
  @Min(0)
  @Max(100000)
  sortOrder?: number;
}

export class GetServerGroupParamsDto {
  @IsUUID(undefined)
  id!: string;
}

export class UpdateServerGroupParamsDto {
  @IsUUID(undefined)
  id!: string;
}

export class DeleteServerGroupParamsDto {
  @IsUUID(undefined)
  id!: string;
}

export class ServerGroupMembersDto {
  /** Servers to put in the group (each leaves the group it was in). Unique, existing servers; one unknown id changes nothing. */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsUUID(undefined, { each: true })
  serverIds!: string[];
}

export class AddServersToGroupParamsDto {
  @IsUUID(undefined)
  id!: string;
}

export class RemoveServerFromGroupParamsDto {
  @IsUUID(undefined)
  id!: string;

  @IsUUID(undefined)
  serverId!: string;
}

export class ConnectServerGroupParamsDto {
  @IsUUID(undefined)
  id!: string;
}

export class DisconnectServerGroupParamsDto {
  @IsUUID(undefined)
  id!: string;
}

/** What changes; what is absent stays. At least one of `enabled`, `requiresConfirmation` and `tags`. */
export class ToolSettingsUpdateDto {
  /** The tool's own tags, replacing those it had (an empty list removes them); its server's tags are added to them. Found with `GET /tools?tags=`. */
  @ValidateIf((object: Record<string, unknown>) => object["tags"] !== undefined)
  @IsArray()
  @ArrayMaxSize(16)
  @ArrayUnique()
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(64, { each: true })
  @Matches(new RegExp("^[^,\\s](?:[^,]*[^,\\s])?$"), { each: true, message: "a tag has no commas and does not start or end with a space" })
  tags?: string[];

  /** false switches the tool off; true on again. */
  @ValidateIf((object: Record<string, unknown>) => object["enabled"] !== undefined)
  @IsBoolean()
  enabled?: boolean;

  /** true: a person allows each run, asked through the caller's MCP client (see the servers' `confirmTools`), whatever tool it is, built-ins included; false: never asked, whatever its server says; null: as its server says (built-ins: never). */
  @IsOptional()
  @IsBoolean()
  requiresConfirmation?: boolean | null;

  /** Why, for the audit log. */
  @ValidateIf((object: Record<string, unknown>) => object["reason"] !== undefined)
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class UpdateToolSettingsParamsDto {
  /** The tool's id (`tool_filesystem`) or name (`filesystem`). */
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  id!: string;
}

export class RateLimitDto {
  @IsInt()
  @Min(1)
  requests!: number;

  @IsString()
  @Matches(new RegExp("^[0-9]+(ms|s|m|h)$"))
  window!: string;
}

/** Tell the service who the caller is: every request carries a JWT the gateway signs (RS256,
the key of its access tokens, checked with `/.well-known/jwks.json`) with `iss` the
gateway, `aud` the `audience`, `sub` the caller's user id, `email`, `roles`, `client_id` when
an application acts for them, `tool`, `execution_id`, `jti`, and `token_use: "identity"`;
valid 60 seconds. The gateway itself never takes it as an access token. In `header` as it
is, or after `Bearer ` when the header is `Authorization` (then `auth` cannot also set it).
Absent or null: the service is not told. */
export class HttpToolIdentityDto {
  @ValidateIf((object: Record<string, unknown>) => object["header"] !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(new RegExp("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"), { message: "header must be an HTTP header name" })
  header?: string;

  /** The `aud` claim; absent, the url's origin (`https://api.example.com`). */
  @ValidateIf((object: Record<string, unknown>) => object["audience"] !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(2048)
  audience?: string;
}

/** A REST endpoint served as a tool. The tool's arguments fill the `{placeholders}` of the
url's path (each value percent-encoded as one path segment, never `.`, `..` or empty);
the others go as query parameters (GET, DELETE, and those named in `query`) or as the JSON
body (POST, PUT, PATCH).
Arrays repeat their query parameter, objects go as JSON text, nulls are left out.
`auth` is an upstream server's (an API key, or a token of the OAuth 2.0 client credentials
grant, fetched again once when the endpoint answers 401), its secrets sealed and masked as
`headers` are; the header it sets may not also be in `headers`. */
export class HttpToolInputDto {
  /** The tool's name on every door (its id is `tool_<name>`); lower-case letters, digits and single `_`, so it never takes the `<server>__<tool>` form of upstream tools. Cannot change later. */
  @IsString()
  @MaxLength(63)
  @Matches(new RegExp("^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$"), { message: "name must be lower-case letters and digits in words joined by single _, starting with a letter (up to 63)" })
  name!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  description!: string;

  @ValidateIf((object: Record<string, unknown>) => object["category"] !== undefined)
  @IsIn(["system","data","analytics","monitoring"])
  category?: "system" | "data" | "analytics" | "monitoring";

  @IsIn(["GET","POST","PUT","PATCH","DELETE"])
  method!: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

  /** An absolute `http` or `https` URL, without credentials, whose path may hold `{placeholders}` (letters, digits and `_`), e.g. `https://api.example.com/v1/users/{login}/repos?per_page=50`. The scheme, host, port and query are fixed: arguments never change where the request goes. Trusted as an upstream server's url is: private addresses are allowed (the `HTTP_TOOL_ALLOWLIST` of the `http_request` tool does not apply). */
  @IsString()
  @MinLength(1)
  @MaxLength(2048)
  url!: string;

  /** Arguments a POST, PUT or PATCH sends as query parameters rather than in its JSON body (a GET or DELETE sends every argument but the placeholders so). */
  @ValidateIf((object: Record<string, unknown>) => object["query"] !== undefined)
  @IsArray()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(200, { each: true })
  query?: string[];

  /** Sent with every request; values are sealed at rest and answered as `********`. Sending `********` back keeps the stored value while the url stays on the same origin. Framing and connection headers are refused. */
  @ValidateIf((object: Record<string, unknown>) => object["headers"] !== undefined)
  @IsObject()
  @IsStringRecord({ maxEntries: 50, maxLength: 8192 })
  headers?: Record<string, string>;

  /** The JSON Schema of the tool's arguments (`type: object`), checked on every run as any tool's. Every path placeholder must be one of its required properties. Properties it marks `writeOnly`, `format: password` or `x-secret` never reach the audit log or the run history. Absent: one required, non-empty string per placeholder and nothing else. */
  @ValidateIf((object: Record<string, unknown>) => object["inputSchema"] !== undefined)
  @IsObject()
  inputSchema?: Record<string, unknown>;

  /** How long one request may take (the run's own timeout also applies); past it the run fails with `TIMEOUT`. */
  @ValidateIf((object: Record<string, unknown>) => object["timeoutMs"] !== undefined)
  @IsInt()
  @Min(100)
  @Max(120000)
  timeoutMs?: number;

  /** The largest response body taken (default and ceiling `HTTP_TOOL_MAX_RESPONSE_BYTES`); a larger one fails the run with `RESPONSE_TOO_LARGE`. */
  @ValidateIf((object: Record<string, unknown>) => object["maxResponseBytes"] !== undefined)
  @IsInt()
  @Min(1024)
  @Max(104857600)
  maxResponseBytes?: number;

  /** Permissions a caller must hold, besides `execute:tools`, to see and run the tool (as a server's `permissions`). */
  @ValidateIf((object: Record<string, unknown>) => object["permissions"] !== undefined)
  @IsArray()
  @ArrayMaxSize(16)
  @ArrayUnique()
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  @Matches(new RegExp("^[a-z0-9_*-]+:[a-z0-9_*-]+$|^\\*$"), { each: true, message: "a permission is action:resource, e.g. execute:tools or read:*" })
  permissions?: string[];

  @ValidateIf((object: Record<string, unknown>) => object["rateLimit"] !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => RateLimitDto)
  rateLimit?: RateLimitDto;

  /** How the gateway authenticates to an HTTP, SSE or WebSocket upstream (MCP Connect's `auth`; not for stdio). `none`: nothing beyond `transport.headers`. `api_key`: `key` sent in `header` (default `Authorization`) after `prefix` (default `Bearer`; `""` for none). `oauth2`: the client credentials grant at `tokenUrl`, the client authenticating as `clientAuthMethod` says (`client_secret_basic`, the default, or `client_secret_post`; `scopes` and the RFC 8707 `resource` sent when given); the token is sent as `Authorization: Bearer`, kept until shortly before it expires, and fetched again at once when the upstream answers 401. `tokenUrl` must be `https`, or `http` on a loopback address. `key` and `clientSecret` are stored encrypted and answered as `********`; sending `********` back keeps them while they go to the same place (`key`: the same server; `clientSecret`: the same `tokenUrl`, and the tokens it gets to the same server), and is refused otherwise (400 `MASKED_VALUE`). The header it sets may not also be in `transport.headers`. */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => UpstreamAuthDto)
  auth?: UpstreamAuthDto | null;

  /** Tell the service who the caller is: every request carries a JWT the gateway signs (RS256, the key of its access tokens, checked with `/.well-known/jwks.json`) with `iss` the gateway, `aud` the `audience`, `sub` the caller's user id, `email`, `roles`, `client_id` when an application acts for them, `tool`, `execution_id`, `jti`, and `token_use: "identity"`; valid 60 seconds. The gateway itself never takes it as an access token. In `header` as it is, or after `Bearer ` when the header is `Authorization` (then `auth` cannot also set it). Absent or null: the service is not told. */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => HttpToolIdentityDto)
  identity?: HttpToolIdentityDto | null;

  /** What of a successful JSON answer the caller gets as `body`, so an agent reads what it needs rather than the whole document: a path of `$` then `.key`, `['any key']`, `[0]`, `[*]` or `.*` (a linear part of JSONPath), e.g. `$.data.items[*].name`. One value, or once a step takes every element, the list of what each gives; missing: null (or left out of the list). Not applied to text answers or to failing ones, whose whole answer says why. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  responsePath?: string | null;

  /** What the gateway does with credentials in the endpoint's answers, failing ones included, as an upstream server's `credentialScan` does: `mask` replaces each with `[REDACTED:<kind>]` before anything keeps or answers it, `refuse` fails the run (`CREDENTIALS_IN_ANSWER`) and keeps nothing of the answer. Either way it is audited (`http_tool.credentials.found`, a warning, with the kinds; never the values). */
  @ValidateIf((object: Record<string, unknown>) => object["credentialScan"] !== undefined)
  @IsIn(["off","mask","refuse"])
  credentialScan?: "off" | "mask" | "refuse";

  /** Who may see and run the tool: only members of these organizations, and admins (as a server's `organizations`). Absent or null: everyone holding its permissions. An empty list: admins only. A deleted organization leaves the list. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID(undefined, { each: true })
  organizations?: string[] | null;
}

/** An OpenAPI 3 document (JSON, as an object) whose operations become HTTP tools: path and
query parameters and the properties of a JSON object request body become the arguments
(their schemas with the document's `$ref`s written out), the summary the description, the
operationId (or method and path) the name in snake case after `prefix`. What cannot be sent
so is skipped with the reason: a required header or cookie parameter, a body that is not a
JSON object or combines schemas, a recursive schema, a reference outside the document, a
method other than GET, POST, PUT, PATCH and DELETE, a name a tool already has. */
export class HttpToolImportDto {
  /** The OpenAPI 3.0 or 3.1 document. */
  @IsObject()
  document!: Record<string, unknown>;

  /** Where the paths go under (`https://api.example.com/v2`); absent, the document's first `servers` url, which must then be absolute. */
  @ValidateIf((object: Record<string, unknown>) => object["baseUrl"] !== undefined)
  @IsString()
  @MaxLength(2048)
  baseUrl?: string;

  @ValidateIf((object: Record<string, unknown>) => object["prefix"] !== undefined)
  @IsString()
  @MaxLength(30)
  @Matches(new RegExp("^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$"), { message: "prefix must be lower-case letters and digits in words joined by single _, starting with a letter" })
  prefix?: string;

  /** Only these operations; absent, every operation (at most 200 tools in one import). */
  @ValidateIf((object: Record<string, unknown>) => object["operationIds"] !== undefined)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ArrayUnique()
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(200, { each: true })
  operationIds?: string[];

  @ValidateIf((object: Record<string, unknown>) => object["category"] !== undefined)
  @IsIn(["system","data","analytics","monitoring"])
  category?: "system" | "data" | "analytics" | "monitoring";

  /** Sent by every tool made (sealed as an HTTP tool's `headers`). */
  @ValidateIf((object: Record<string, unknown>) => object["headers"] !== undefined)
  @IsObject()
  @IsStringRecord({ maxEntries: 50, maxLength: 8192 })
  headers?: Record<string, string>;

  /** How the gateway authenticates to an HTTP, SSE or WebSocket upstream (MCP Connect's `auth`; not for stdio). `none`: nothing beyond `transport.headers`. `api_key`: `key` sent in `header` (default `Authorization`) after `prefix` (default `Bearer`; `""` for none). `oauth2`: the client credentials grant at `tokenUrl`, the client authenticating as `clientAuthMethod` says (`client_secret_basic`, the default, or `client_secret_post`; `scopes` and the RFC 8707 `resource` sent when given); the token is sent as `Authorization: Bearer`, kept until shortly before it expires, and fetched again at once when the upstream answers 401. `tokenUrl` must be `https`, or `http` on a loopback address. `key` and `clientSecret` are stored encrypted and answered as `********`; sending `********` back keeps them while they go to the same place (`key`: the same server; `clientSecret`: the same `tokenUrl`, and the tokens it gets to the same server), and is refused otherwise (400 `MASKED_VALUE`). The header it sets may not also be in `transport.headers`. */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => UpstreamAuthDto)
  auth?: UpstreamAuthDto | null;

  @ValidateIf((object: Record<string, unknown>) => object["permissions"] !== undefined)
  @IsArray()
  @ArrayMaxSize(16)
  @ArrayUnique()
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  @Matches(new RegExp("^[a-z0-9_*-]+:[a-z0-9_*-]+$|^\\*$"), { each: true, message: "a permission is action:resource, e.g. execute:tools or read:*" })
  permissions?: string[];

  @ValidateIf((object: Record<string, unknown>) => object["timeoutMs"] !== undefined)
  @IsInt()
  @Min(100)
  @Max(120000)
  timeoutMs?: number;

  /** Every tool made scans its answers for credentials so (an HTTP tool's `credentialScan`); absent, `off`. */
  @ValidateIf((object: Record<string, unknown>) => object["credentialScan"] !== undefined)
  @IsIn(["off","mask","refuse"])
  credentialScan?: "off" | "mask" | "refuse";

  /** true answers what would be made, and makes nothing. */
  @ValidateIf((object: Record<string, unknown>) => object["dryRun"] !== undefined)
  @IsBoolean()
  dryRun?: boolean;
}

export class GetHttpToolParamsDto {
  @IsUUID(undefined)
  id!: string;
}

export class UpdateHttpToolParamsDto {
  @IsUUID(undefined)
  id!: string;
}

export class DeleteHttpToolParamsDto {
  @IsUUID(undefined)
  id!: string;
}

export class ClearToolCacheQueryDto {
  @ValidateIf((object: Record<string, unknown>) => object["serverId"] !== undefined)
  @IsUUID(undefined)
  serverId?: string;

  /** A tool's registered name (`<server>__<tool>`) or id; a trailing `*` matches a prefix. */
  @ValidateIf((object: Record<string, unknown>) => object["tool"] !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  tool?: string;
}

export class ListUsersQueryDto {
  @ValidateIf((object: Record<string, unknown>) => object["role"] !== undefined)
  @IsIn(["admin","developer","user"])
  role?: "admin" | "developer" | "user";

  @ValidateIf((object: Record<string, unknown>) => object["status"] !== undefined)
  @IsIn(["active","suspended","deleted"])
  status?: "active" | "suspended" | "deleted";

  /** Case-insensitive substring of the email or the name. */
  @ValidateIf((object: Record<string, unknown>) => object["search"] !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  search?: string;

  @ValidateIf((object: Record<string, unknown>) => object["page"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(100000)
  page?: number;

  @ValidateIf((object: Record<string, unknown>) => object["limit"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class CreateUserRequestDto {
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsEmail({})
  @MaxLength(254)
  email!: string;

  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ValidateIf((object: Record<string, unknown>) => object["organization"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MaxLength(100)
  organization?: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @ArrayUnique()
  @IsIn(["admin","developer","user"], { each: true })
  roles!: Array<"admin" | "developer" | "user">;

  @ValidateIf((object: Record<string, unknown>) => object["permissions"] !== undefined)
  @IsArray()
  @ArrayMaxSize(64)
  @ArrayUnique()
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  @Matches(new RegExp("^[a-z0-9_*-]+:[a-z0-9_*-]+$|^\\*$"), { each: true, message: "a permission is action:resource, e.g. execute:tools or read:*" })
  permissions?: string[];

  /** Optional; at least 12 characters with an upper-case letter, a lower-case letter, a digit and a symbol. Without it the answer carries a one-time set-password token instead. */
  @ValidateIf((object: Record<string, unknown>) => object["password"] !== undefined)
  @IsString()
  @MinLength(12)
  @MaxLength(128)
  @Matches(new RegExp("^(?=.*[a-z])(?=.*[A-Z])(?=.*\\d)(?=.*[^A-Za-z0-9]).+$"), { message: "password must contain an upper-case letter, a lower-case letter, a digit and a symbol" })
  password?: string;
}

export class UpdateUserRolesRequestDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @ArrayUnique()
  @IsIn(["admin","developer","user"], { each: true })
  roles!: Array<"admin" | "developer" | "user">;

  /** Extra permissions on top of the roles'; omitted keeps the current ones. */
  @ValidateIf((object: Record<string, unknown>) => object["permissions"] !== undefined)
  @IsArray()
  @ArrayMaxSize(64)
  @ArrayUnique()
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  @Matches(new RegExp("^[a-z0-9_*-]+:[a-z0-9_*-]+$|^\\*$"), { each: true, message: "a permission is action:resource, e.g. execute:tools or read:*" })
  permissions?: string[];
}

export class UpdateUserRolesParamsDto {
  @IsUUID(undefined)
  id!: string;
}

export class OrganizationAssignmentDto {
  @IsUUID(undefined)
  organizationId!: string;

  @ValidateIf((object: Record<string, unknown>) => object["role"] !== undefined)
  @IsIn(["member","admin"])
  role?: "member" | "admin";
}

export class SetUserOrganizationParamsDto {
  @IsUUID(undefined)
  id!: string;
}

export class RemoveUserOrganizationParamsDto {
  @IsUUID(undefined)
  id!: string;
}

export class UpdateUserStatusRequestDto {
  @IsIn(["active","suspended","deleted"])
  status!: "active" | "suspended" | "deleted";

  @ValidateIf((object: Record<string, unknown>) => object["reason"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class UpdateUserStatusParamsDto {
  @IsUUID(undefined)
  id!: string;
}

export class ResetUserPasswordParamsDto {
  @IsUUID(undefined)
  id!: string;
}

export class ListUserApiKeysParamsDto {
  @IsUUID(undefined)
  id!: string;
}

export class CreateUserApiKeyParamsDto {
  @IsUUID(undefined)
  id!: string;
}

export class RevokeUserApiKeyParamsDto {
  @IsUUID(undefined)
  id!: string;

  @IsUUID(undefined)
  keyId!: string;
}

export class ListUserOAuthGrantsParamsDto {
  @IsUUID(undefined)
  id!: string;
}

export class RevokeUserOAuthGrantParamsDto {
  @IsUUID(undefined)
  id!: string;

  /** The server's id of the client (`clientId` in the list) */
  @IsUUID(undefined)
  clientId!: string;
}

export class EmailTokenRequestDto {
  @IsString()
  @MinLength(16)
  @MaxLength(256)
  token!: string;
}

export class ForgotPasswordRequestDto {
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsEmail({})
  @MaxLength(320)
  email!: string;
}

export class SetPasswordRequestDto {
  @IsString()
  @MinLength(16)
  @MaxLength(256)
  token!: string;

  /** At least 12 characters with an upper-case letter, a lower-case letter, a digit and a symbol. */
  @IsString()
  @MinLength(12)
  @MaxLength(128)
  @Matches(new RegExp("^(?=.*[a-z])(?=.*[A-Z])(?=.*\\d)(?=.*[^A-Za-z0-9]).+$"), { message: "password must contain an upper-case letter, a lower-case letter, a digit and a symbol" })
  password!: string;
}

export class ListMyOrganizationUsersQueryDto {
  @ValidateIf((object: Record<string, unknown>) => object["page"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(100000)
  page?: number;

  @ValidateIf((object: Record<string, unknown>) => object["limit"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class ListMyOrganizationServicesQueryDto {
  @ValidateIf((object: Record<string, unknown>) => object["page"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(100000)
  page?: number;

  @ValidateIf((object: Record<string, unknown>) => object["limit"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class ConfigureMyOrganizationServiceParamsDto {
  /** The service's id (its upstream server's). */
  @IsUUID(undefined)
  serviceId!: string;
}

export class RemoveMyOrganizationServiceConfigurationParamsDto {
  /** The service's id (its upstream server's). */
  @IsUUID(undefined)
  serviceId!: string;
}

export class GetMyOrganizationUsageQueryDto {
  /** How many UTC days up to today (default 30). */
  @ValidateIf((object: Record<string, unknown>) => object["days"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(366)
  days?: number;
}

export class RemoveMyOrganizationUserParamsDto {
  @IsUUID(undefined)
  userId!: string;
}

export class ListOrganizationsQueryDto {
  @ValidateIf((object: Record<string, unknown>) => object["q"] !== undefined)
  @IsString()
  @MaxLength(100)
  q?: string;

  @ValidateIf((object: Record<string, unknown>) => object["page"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(100000)
  page?: number;

  @ValidateIf((object: Record<string, unknown>) => object["limit"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

/** What the organization has (the MCP Online Platform's plan). `maxUsers` and `dailyToolRuns` are enforced; `features` describe it. */
export class OrganizationPlanDto {
  @ValidateIf((object: Record<string, unknown>) => object["id"] !== undefined)
  @IsString()
  @MaxLength(64)
  id?: string;

  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ValidateIf((object: Record<string, unknown>) => object["features"] !== undefined)
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  features?: string[];

  @ValidateIf((object: Record<string, unknown>) => object["maxUsers"] !== undefined)
  @IsInt()
  @Min(1)
  @Max(1000000)
  maxUsers?: number;

  /** Tool runs its members may start in a UTC day, all together, on every door (REST, `/ws`, `/mcp`); past it a run is refused with 429 `RATE_LIMIT_EXCEEDED` and `Retry-After` until midnight UTC. Shared across instances through Redis when configured. */
  @ValidateIf((object: Record<string, unknown>) => object["dailyToolRuns"] !== undefined)
  @IsInt()
  @Min(1)
  @Max(100000000)
  dailyToolRuns?: number;
}

export class OrganizationInputDto {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  /** What the organization has (the MCP Online Platform's plan). `maxUsers` and `dailyToolRuns` are enforced; `features` describe it. */
  @ValidateIf((object: Record<string, unknown>) => object["plan"] !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => OrganizationPlanDto)
  plan?: OrganizationPlanDto;
}

export class GetOrganizationParamsDto {
  @IsUUID(undefined)
  id!: string;
}

export class UpdateOrganizationParamsDto {
  @IsUUID(undefined)
  id!: string;
}

export class DeleteOrganizationParamsDto {
  @IsUUID(undefined)
  id!: string;
}

export class GetOrganizationUsageQueryDto {
  /** How many UTC days up to today (default 30). */
  @ValidateIf((object: Record<string, unknown>) => object["days"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(366)
  days?: number;
}

export class GetOrganizationUsageParamsDto {
  @IsUUID(undefined)
  id!: string;
}

export class ListOrganizationUsersQueryDto {
  @ValidateIf((object: Record<string, unknown>) => object["page"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(100000)
  page?: number;

  @ValidateIf((object: Record<string, unknown>) => object["limit"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class ListOrganizationUsersParamsDto {
  @IsUUID(undefined)
  id!: string;
}

export class ListAuditLogsQueryDto {
  /** Entries at or after this instant. */
  @ValidateIf((object: Record<string, unknown>) => object["startDate"] !== undefined)
  @IsISO8601({ strict: true })
  startDate?: string;

  /** Entries at or before this instant. */
  @ValidateIf((object: Record<string, unknown>) => object["endDate"] !== undefined)
  @IsISO8601({ strict: true })
  endDate?: string;

  @ValidateIf((object: Record<string, unknown>) => object["userId"] !== undefined)
  @IsUUID(undefined)
  userId?: string;

  /** A prefix of the action (`auth.` or `auth.login`). */
  @ValidateIf((object: Record<string, unknown>) => object["action"] !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  @Matches(new RegExp("^[a-z0-9_.:-]+$"), { message: "action is letters, digits, dots, underscores, colons and dashes" })
  action?: string;

  @ValidateIf((object: Record<string, unknown>) => object["severity"] !== undefined)
  @IsIn(["info","warning","error","critical"])
  severity?: "info" | "warning" | "error" | "critical";

  /** What was done with this API key (its id, as `GET /users/me/api-keys` lists it). */
  @ValidateIf((object: Record<string, unknown>) => object["apiKeyId"] !== undefined)
  @IsUUID(undefined)
  apiKeyId?: string;

  /** What it was done to, as a prefix of the entry's `resource`: `upstream:` finds every entry about an upstream server, `upstream:<id>` those about one, `tool_echo` a tool's settings and approvals. Tool runs (`tool.execute`) are not among them: find those in the run history (`GET /tools/executions?toolId=`), or by `action` and `userId`; leaving them out keeps every run from paying for this filter's index. */
  @ValidateIf((object: Record<string, unknown>) => object["resource"] !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  resource?: string;

  /** Page number. Pages reach the first 10,000 matching entries (`page` × `limit` at most 10,000; deeper asks answer 400): reading further down an offset costs the database every row before it. Beyond that, and to walk a long list without gaps or repeats while entries are added, follow `pagination.nextCursor`. */
  @ValidateIf((object: Record<string, unknown>) => object["page"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(10000)
  page?: number;

  /** Continues a listing after the last entry of a page: the `pagination.nextCursor` that page answered (opaque). Send the same filters and `limit`; not together with `page`. */
  @ValidateIf((object: Record<string, unknown>) => object["cursor"] !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  cursor?: string;

  @ValidateIf((object: Record<string, unknown>) => object["limit"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class ExportAuditLogsQueryDto {
  @ValidateIf((object: Record<string, unknown>) => object["format"] !== undefined)
  @IsIn(["csv","json"])
  format?: "csv" | "json";

  /** Entries at or after this instant. */
  @ValidateIf((object: Record<string, unknown>) => object["startDate"] !== undefined)
  @IsISO8601({ strict: true })
  startDate?: string;

  /** Entries at or before this instant. */
  @ValidateIf((object: Record<string, unknown>) => object["endDate"] !== undefined)
  @IsISO8601({ strict: true })
  endDate?: string;

  @ValidateIf((object: Record<string, unknown>) => object["userId"] !== undefined)
  @IsUUID(undefined)
  userId?: string;

  /** A prefix of the action (`auth.` or `auth.login`). */
  @ValidateIf((object: Record<string, unknown>) => object["action"] !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  @Matches(new RegExp("^[a-z0-9_.:-]+$"), { message: "action is letters, digits, dots, underscores, colons and dashes" })
  action?: string;

  @ValidateIf((object: Record<string, unknown>) => object["severity"] !== undefined)
  @IsIn(["info","warning","error","critical"])
  severity?: "info" | "warning" | "error" | "critical";

  /** What was done with this API key (its id, as `GET /users/me/api-keys` lists it). */
  @ValidateIf((object: Record<string, unknown>) => object["apiKeyId"] !== undefined)
  @IsUUID(undefined)
  apiKeyId?: string;

  /** What it was done to, as a prefix of the entry's `resource`: `upstream:` finds every entry about an upstream server, `upstream:<id>` those about one, `tool_echo` a tool's settings and approvals. Tool runs (`tool.execute`) are not among them: find those in the run history (`GET /tools/executions?toolId=`), or by `action` and `userId`; leaving them out keeps every run from paying for this filter's index. */
  @ValidateIf((object: Record<string, unknown>) => object["resource"] !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  resource?: string;
}

export class ListOAuthClientsQueryDto {
  @ValidateIf((object: Record<string, unknown>) => object["page"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(100000)
  page?: number;

  @ValidateIf((object: Record<string, unknown>) => object["limit"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class ListOAuthClientGrantsQueryDto {
  @ValidateIf((object: Record<string, unknown>) => object["page"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(100000)
  page?: number;

  @ValidateIf((object: Record<string, unknown>) => object["limit"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class ListOAuthClientGrantsParamsDto {
  @IsUUID(undefined)
  id!: string;
}

export class DeleteOAuthClientParamsDto {
  @IsUUID(undefined)
  id!: string;
}

export class CreateWebhookRequestDto {
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  @MaxLength(2048)
  @Matches(new RegExp("^https?://"), { message: "url must be http or https" })
  url!: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(8)
  @ArrayUnique()
  @IsIn(["*","tool.executed","context.created","context.updated","context.deleted","session.terminated","user.created","user.security","error","upstream.tools.changed","upstream.credentials.found","server.connected","server.disconnected","server.error","circuit.opened","circuit.closed"], { each: true })
  events!: Array<"*" | "tool.executed" | "context.created" | "context.updated" | "context.deleted" | "session.terminated" | "user.created" | "user.security" | "error" | "upstream.tools.changed" | "upstream.credentials.found" | "server.connected" | "server.disconnected" | "server.error" | "circuit.opened" | "circuit.closed">;

  /** Generated (and shown once) when omitted. */
  @ValidateIf((object: Record<string, unknown>) => object["secret"] !== undefined)
  @IsString()
  @MinLength(16)
  @MaxLength(256)
  secret?: string;

  @ValidateIf((object: Record<string, unknown>) => object["active"] !== undefined)
  @IsBoolean()
  active?: boolean;

  @ValidateIf((object: Record<string, unknown>) => object["description"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MaxLength(500)
  description?: string;
}

export class GetWebhookParamsDto {
  @IsUUID(undefined)
  id!: string;
}

export class UpdateWebhookRequestDto {
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  @MaxLength(2048)
  @Matches(new RegExp("^https?://"), { message: "url must be http or https" })
  url!: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(8)
  @ArrayUnique()
  @IsIn(["*","tool.executed","context.created","context.updated","context.deleted","session.terminated","user.created","user.security","error","upstream.tools.changed","upstream.credentials.found","server.connected","server.disconnected","server.error","circuit.opened","circuit.closed"], { each: true })
  events!: Array<"*" | "tool.executed" | "context.created" | "context.updated" | "context.deleted" | "session.terminated" | "user.created" | "user.security" | "error" | "upstream.tools.changed" | "upstream.credentials.found" | "server.connected" | "server.disconnected" | "server.error" | "circuit.opened" | "circuit.closed">;

  /** Rotates the secret when given. */
  @ValidateIf((object: Record<string, unknown>) => object["secret"] !== undefined)
  @IsString()
  @MinLength(16)
  @MaxLength(256)
  secret?: string;

  @ValidateIf((object: Record<string, unknown>) => object["active"] !== undefined)
  @IsBoolean()
  active?: boolean;

  @ValidateIf((object: Record<string, unknown>) => object["description"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MaxLength(500)
  description?: string;
}

export class UpdateWebhookParamsDto {
  @IsUUID(undefined)
  id!: string;
}

export class DeleteWebhookParamsDto {
  @IsUUID(undefined)
  id!: string;
}

export class TestWebhookParamsDto {
  @IsUUID(undefined)
  id!: string;
}

export class ListWebhookDeliveriesQueryDto {
  @ValidateIf((object: Record<string, unknown>) => object["status"] !== undefined)
  @IsIn(["pending","delivering","delivered","failed"])
  status?: "pending" | "delivering" | "delivered" | "failed";

  /** Page number. Pages reach the first 10,000 matching entries (`page` × `limit` at most 10,000; deeper asks answer 400): reading further down an offset costs the database every row before it. Beyond that, and to walk a long list without gaps or repeats while entries are added, follow `pagination.nextCursor`. */
  @ValidateIf((object: Record<string, unknown>) => object["page"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(10000)
  page?: number;

  @ValidateIf((object: Record<string, unknown>) => object["limit"] !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  /** Continues a listing after the last entry of a page: the `pagination.nextCursor` that page answered (opaque). Send the same filters and `limit`; not together with `page`. */
  @ValidateIf((object: Record<string, unknown>) => object["cursor"] !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  cursor?: string;
}

export class ListWebhookDeliveriesParamsDto {
  @IsUUID(undefined)
  id!: string;
}

export class StreamEventsQueryDto {
  /** Comma-separated event types; omitted, every visible event. */
  @ValidateIf((object: Record<string, unknown>) => object["types"] !== undefined)
  @IsString()
  @MaxLength(500)
  @Matches(new RegExp("^[a-z*][a-z._*]*(,[a-z*][a-z._*]*)*$"), { message: "types is a comma-separated list of event types" })
  types?: string;

  /** Comma-separated upstream server ids (at most 20): only events about one of them (`server.*`, `circuit.*`, `upstream.tools.changed`, `upstream.credentials.found`: those that carry a `serverId`). Omitted, events about any server or none. */
  @ValidateIf((object: Record<string, unknown>) => object["servers"] !== undefined)
  @IsString()
  @MaxLength(760)
  @Matches(new RegExp("^[0-9a-fA-F-]{36}(,[0-9a-fA-F-]{36}){0,19}$"), { message: "servers is a comma-separated list of at most 20 server ids" })
  servers?: string;
}

export class McpStreamContextParamsDto {
  /** A context of the caller's; exactly its tools are served, under their own names. */
  @IsUUID(undefined)
  contextId!: string;
}

export class McpPostContextParamsDto {
  /** A context of the caller's; exactly its tools are served, under their own names. */
  @IsUUID(undefined)
  contextId!: string;
}

export class McpDeleteContextParamsDto {
  /** A context of the caller's; exactly its tools are served, under their own names. */
  @IsUUID(undefined)
  contextId!: string;
}
