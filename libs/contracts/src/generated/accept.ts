// GENERATED from openapi/openapi.yaml by scripts/generate-contracts.mjs. Do not edit: run `npm run generate`.
/* eslint-disable */
import { acceptWith } from '@app/common';
import { arrayMaxSize, arrayMinSize, arrayUnique, isArray, isBoolean, isEmail, isISO8601, isIn, isInt, isNumber, isObject, isString, isURL, isUUID, matches, max, maxLength, min, minLength } from 'class-validator';
import { isStringRecord, withinJsonBytes } from '../validators';
import * as dto from './dto';

const PATTERN_0 = new RegExp("^(?=.*[a-z])(?=.*[A-Z])(?=.*\\d)(?=.*[^A-Za-z0-9]).+$");
const PATTERN_1 = new RegExp("^\\+[1-9]\\d{1,14}$");
const PATTERN_2 = new RegExp("^[0-9]{6}$");
const ALLOWED_3 = ["totp","sms"];
const ALLOWED_4 = ["authorization_code","refresh_token"];
const ALLOWED_5 = ["code"];
const ALLOWED_6 = ["none","client_secret_post","client_secret_basic","private_key_jwt"];
const ALLOWED_7 = ["S256"];
const ALLOWED_8 = ["none","login","consent"];
const PATTERN_9 = new RegExp("^[a-z0-9_*-]+:[a-z0-9_*-]+$|^\\*$");
const PATTERN_10 = new RegExp("^[0-9]{1,6}(s|m|h)$");
const ALLOWED_11 = ["name","usage","recent"];
const ALLOWED_12 = ["builtin","upstream","http"];
const ALLOWED_13 = ["system","data","analytics","monitoring"];
const ALLOWED_14 = ["pending","running","completed","failed"];
const ALLOWED_15 = ["active","archived"];
const ALLOWED_16 = ["created","updated","name"];
const ALLOWED_17 = ["asc","desc"];
const ALLOWED_18 = ["active","terminated","expired"];
const ALLOWED_19 = ["websocket","http","mcp"];
const ALLOWED_20 = ["connected","disconnected","error","connecting"];
const PATTERN_21 = new RegExp("^[a-z0-9](?:[a-z0-9-]|_(?![_]|$)){0,62}$");
const ALLOWED_22 = ["never","destructive","always"];
const ALLOWED_23 = ["off","mask","refuse"];
const ALLOWED_24 = ["serve","hold"];
const ALLOWED_25 = ["stdio","streamable-http","sse","websocket"];
const PATTERN_26 = new RegExp("^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$");
const ALLOWED_27 = ["round_robin","least_pending"];
const PATTERN_28 = new RegExp("^[0-9]+(ms|s|m|h)$");
const ALLOWED_29 = ["caller","server"];
const ALLOWED_30 = ["none","api_key","oauth2"];
const PATTERN_31 = new RegExp("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$");
const PATTERN_32 = new RegExp("^[!-~]*$");
const ALLOWED_33 = ["client_secret_basic","client_secret_post"];
const PATTERN_34 = new RegExp("^[!#-\\[\\]-~]+$");
const PATTERN_35 = new RegExp("^[A-Za-z0-9_.*/-]+$");
const ALLOWED_36 = ["connect","disconnect"];
const PATTERN_37 = new RegExp("^[a-z0-9][a-z0-9-]{0,62}$");
const PATTERN_38 = new RegExp("^#[0-9a-fA-F]{6}$");
const PATTERN_39 = new RegExp("^[a-z0-9-]{1,50}$");
const PATTERN_40 = new RegExp("^[^,\\s](?:[^,]*[^,\\s])?$");
const PATTERN_41 = new RegExp("^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$");
const ALLOWED_42 = ["GET","POST","PUT","PATCH","DELETE"];
const ALLOWED_43 = ["admin","developer","user"];
const ALLOWED_44 = ["active","suspended","deleted"];
const ALLOWED_45 = ["member","admin"];
const PATTERN_46 = new RegExp("^[a-z0-9_.:-]+$");
const ALLOWED_47 = ["info","warning","error","critical"];
const ALLOWED_48 = ["csv","json"];
const PATTERN_49 = new RegExp("^https?://");
const ALLOWED_50 = ["*","tool.executed","context.created","context.updated","context.deleted","session.terminated","user.created","user.security","error","upstream.tools.changed","upstream.credentials.found","server.connected","server.disconnected","server.error","circuit.opened","circuit.closed"];
const ALLOWED_51 = ["pending","delivering","delivered","failed"];
const PATTERN_52 = new RegExp("^[a-z*][a-z._*]*(,[a-z*][a-z._*]*)*$");
const PATTERN_53 = new RegExp("^[0-9a-fA-F-]{36}(,[0-9a-fA-F-]{36}){0,19}$");

function acceptRegisterRequestDto(input: unknown): dto.RegisterRequestDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["email"] === undefined || source["password"] === undefined || source["name"] === undefined) return undefined;
  const out = new dto.RegisterRequestDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "email": {
        value = ((value: any) => (typeof value === 'string' ? value.trim().toLowerCase() : value))(value);
        if (!(isEmail(value as string, {}) && maxLength(value as string, 320))) return undefined;
        break;
      }
      case "password": {
        if (!(isString(value) && minLength(value as string, 12) && maxLength(value as string, 128) && matches(value as string, PATTERN_0))) return undefined;
        break;
      }
      case "name": {
        value = ((value: any) => (typeof value === 'string' ? value.trim() : value))(value);
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 200))) return undefined;
        break;
      }
      case "organization": {
        value = ((value: any) => (typeof value === 'string' ? value.trim() : value))(value);
        if (value === undefined) break;
        if (!(isString(value) && maxLength(value as string, 200))) return undefined;
        break;
      }
      case "phone": {
        if (value === undefined) break;
        if (!(isString(value) && matches(value as string, PATTERN_1))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.RegisterRequestDto;
}

function acceptLoginRequestDto(input: unknown): dto.LoginRequestDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["email"] === undefined || source["password"] === undefined) return undefined;
  const out = new dto.LoginRequestDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "email": {
        value = ((value: any) => (typeof value === 'string' ? value.trim().toLowerCase() : value))(value);
        if (!(isEmail(value as string, {}) && maxLength(value as string, 320))) return undefined;
        break;
      }
      case "password": {
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 128))) return undefined;
        break;
      }
      case "mfaCode": {
        if (value === undefined) break;
        if (!(isString(value) && matches(value as string, PATTERN_2))) return undefined;
        break;
      }
      case "backupCode": {
        if (value === undefined) break;
        if (!(isString(value) && minLength(value as string, 8) && maxLength(value as string, 32))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.LoginRequestDto;
}

function acceptRefreshRequestDto(input: unknown): dto.RefreshRequestDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.RefreshRequestDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "refreshToken": {
        if (value === undefined) break;
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 4096))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.RefreshRequestDto;
}

function acceptMfaEnableRequestDto(input: unknown): dto.MfaEnableRequestDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["type"] === undefined) return undefined;
  const out = new dto.MfaEnableRequestDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "type": {
        if (!(isIn(value, ALLOWED_3))) return undefined;
        break;
      }
      case "phoneNumber": {
        if (value === undefined) break;
        if (!(isString(value) && matches(value as string, PATTERN_1))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.MfaEnableRequestDto;
}

function acceptMfaVerifyRequestDto(input: unknown): dto.MfaVerifyRequestDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["code"] === undefined || source["type"] === undefined) return undefined;
  const out = new dto.MfaVerifyRequestDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "code": {
        if (!(isString(value) && matches(value as string, PATTERN_2))) return undefined;
        break;
      }
      case "type": {
        if (!(isIn(value, ALLOWED_3))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.MfaVerifyRequestDto;
}

function acceptMfaDisableRequestDto(input: unknown): dto.MfaDisableRequestDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.MfaDisableRequestDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "code": {
        if (value === undefined) break;
        if (!(isString(value) && minLength(value as string, 6) && maxLength(value as string, 32))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.MfaDisableRequestDto;
}

function acceptVerifyMfaRequestDto(input: unknown): dto.VerifyMfaRequestDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["mfaToken"] === undefined) return undefined;
  const out = new dto.VerifyMfaRequestDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "mfaToken": {
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 256))) return undefined;
        break;
      }
      case "code": {
        if (value === undefined) break;
        if (!(isString(value) && matches(value as string, PATTERN_2))) return undefined;
        break;
      }
      case "backupCode": {
        if (value === undefined) break;
        if (!(isString(value) && minLength(value as string, 8) && maxLength(value as string, 32))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.VerifyMfaRequestDto;
}

function acceptSamlLoginQueryDto(input: unknown): dto.SamlLoginQueryDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.SamlLoginQueryDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "RelayState": {
        if (value === undefined) break;
        if (!(isString(value) && maxLength(value as string, 80))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.SamlLoginQueryDto;
}

function acceptOAuthClientMetadataDto(input: unknown): dto.OAuthClientMetadataDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["redirect_uris"] === undefined) return undefined;
  const out = new dto.OAuthClientMetadataDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "redirect_uris": {
        if (!(isArray(value) && arrayMinSize(value, 1) && arrayMaxSize(value, 10))) return undefined;
        if (!(value as unknown[]).every((item) => isString(item) && maxLength(item as string, 2000))) return undefined;
        value = [...(value as unknown[])];
        break;
      }
      case "client_name": {
        if (value === undefined) break;
        if (!(isString(value) && maxLength(value as string, 200))) return undefined;
        break;
      }
      case "grant_types": {
        if (value === undefined) break;
        if (!(isArray(value))) return undefined;
        if (!(value as unknown[]).every((item) => isIn(item, ALLOWED_4))) return undefined;
        value = [...(value as unknown[])];
        break;
      }
      case "response_types": {
        if (value === undefined) break;
        if (!(isArray(value))) return undefined;
        if (!(value as unknown[]).every((item) => isIn(item, ALLOWED_5))) return undefined;
        value = [...(value as unknown[])];
        break;
      }
      case "token_endpoint_auth_method": {
        if (value === undefined) break;
        if (!(isIn(value, ALLOWED_6))) return undefined;
        break;
      }
      case "jwks_uri": {
        if (value === undefined) break;
        if (!(isString(value) && maxLength(value as string, 2000))) return undefined;
        break;
      }
      case "jwks": {
        if (value === undefined) break;
        if (!(isObject(value))) return undefined;
        break;
      }
      case "scope": {
        if (value === undefined) break;
        if (!(isString(value) && maxLength(value as string, 2000))) return undefined;
        break;
      }
      case "client_uri": {
        if (value === undefined) break;
        if (!(isString(value) && maxLength(value as string, 2000))) return undefined;
        break;
      }
      case "software_id": {
        if (value === undefined) break;
        if (!(isString(value) && maxLength(value as string, 200))) return undefined;
        break;
      }
      case "software_version": {
        if (value === undefined) break;
        if (!(isString(value) && maxLength(value as string, 200))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.OAuthClientMetadataDto;
}

function acceptOauthAuthorizeQueryDto(input: unknown): dto.OauthAuthorizeQueryDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["client_id"] === undefined || source["response_type"] === undefined || source["code_challenge"] === undefined || source["code_challenge_method"] === undefined) return undefined;
  const out = new dto.OauthAuthorizeQueryDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "client_id": {
        if (!(isString(value))) return undefined;
        break;
      }
      case "redirect_uri": {
        if (value === undefined) break;
        if (!(isString(value))) return undefined;
        break;
      }
      case "response_type": {
        if (!(isIn(value, ALLOWED_5))) return undefined;
        break;
      }
      case "code_challenge": {
        if (!(isString(value))) return undefined;
        break;
      }
      case "code_challenge_method": {
        if (!(isIn(value, ALLOWED_7))) return undefined;
        break;
      }
      case "state": {
        if (value === undefined) break;
        if (!(isString(value))) return undefined;
        break;
      }
      case "scope": {
        if (value === undefined) break;
        if (!(isString(value))) return undefined;
        break;
      }
      case "resource": {
        if (value === undefined) break;
        if (!(isString(value))) return undefined;
        break;
      }
      case "prompt": {
        if (value === undefined) break;
        if (!(isIn(value, ALLOWED_8))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.OauthAuthorizeQueryDto;
}

function acceptOauthFinishSsoQueryDto(input: unknown): dto.OauthFinishSsoQueryDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.OauthFinishSsoQueryDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "request": {
        if (value === undefined) break;
        if (!(isString(value))) return undefined;
        break;
      }
      case "completion": {
        if (value === undefined) break;
        if (!(isString(value))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.OauthFinishSsoQueryDto;
}

function acceptOAuthTokenRequestDto(input: unknown): dto.OAuthTokenRequestDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["grant_type"] === undefined) return undefined;
  const out = new dto.OAuthTokenRequestDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "grant_type": {
        if (!(isIn(value, ALLOWED_4))) return undefined;
        break;
      }
      case "code": {
        if (value === undefined) break;
        if (!(isString(value))) return undefined;
        break;
      }
      case "redirect_uri": {
        if (value === undefined) break;
        if (!(isString(value))) return undefined;
        break;
      }
      case "code_verifier": {
        if (value === undefined) break;
        if (!(isString(value))) return undefined;
        break;
      }
      case "client_id": {
        if (value === undefined) break;
        if (!(isString(value))) return undefined;
        break;
      }
      case "client_secret": {
        if (value === undefined) break;
        if (!(isString(value))) return undefined;
        break;
      }
      case "client_assertion_type": {
        if (value === undefined) break;
        if (!(isString(value))) return undefined;
        break;
      }
      case "client_assertion": {
        if (value === undefined) break;
        if (!(isString(value))) return undefined;
        break;
      }
      case "refresh_token": {
        if (value === undefined) break;
        if (!(isString(value))) return undefined;
        break;
      }
      case "resource": {
        if (value === undefined) break;
        if (!(isString(value))) return undefined;
        break;
      }
      case "scope": {
        if (value === undefined) break;
        if (!(isString(value))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.OAuthTokenRequestDto;
}

function acceptUpdateProfileRequestDto(input: unknown): dto.UpdateProfileRequestDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["name"] === undefined) return undefined;
  const out = new dto.UpdateProfileRequestDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "name": {
        value = ((value: any) => (typeof value === 'string' ? value.trim() : value))(value);
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 200))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.UpdateProfileRequestDto;
}

function acceptChangePasswordRequestDto(input: unknown): dto.ChangePasswordRequestDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["currentPassword"] === undefined || source["newPassword"] === undefined) return undefined;
  const out = new dto.ChangePasswordRequestDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "currentPassword": {
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 128))) return undefined;
        break;
      }
      case "newPassword": {
        if (!(isString(value) && minLength(value as string, 12) && maxLength(value as string, 128) && matches(value as string, PATTERN_0))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ChangePasswordRequestDto;
}

function acceptCreateApiKeyRequestDto(input: unknown): dto.CreateApiKeyRequestDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["name"] === undefined || source["scopes"] === undefined) return undefined;
  const out = new dto.CreateApiKeyRequestDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "name": {
        value = ((value: any) => (typeof value === 'string' ? value.trim() : value))(value);
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 100))) return undefined;
        break;
      }
      case "scopes": {
        if (!(isArray(value) && arrayMinSize(value, 1) && arrayMaxSize(value, 50) && arrayUnique(value))) return undefined;
        if (!(value as unknown[]).every((item) => isString(item) && maxLength(item as string, 100) && matches(item as string, PATTERN_9))) return undefined;
        value = [...(value as unknown[])];
        break;
      }
      case "expiresIn": {
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 60) && max(value, 63072000))) return undefined;
        break;
      }
      case "allowedIps": {
        if (value === undefined) break;
        if (!(isArray(value) && arrayMaxSize(value, 50) && arrayUnique(value))) return undefined;
        if (!(value as unknown[]).every((item) => isString(item) && minLength(item as string, 2) && maxLength(item as string, 64))) return undefined;
        value = [...(value as unknown[])];
        break;
      }
      case "rateLimit": {
        if (value === undefined) break;
        const instance = isObject(value) ? acceptApiKeyRateLimitDto(value) : undefined;
        if (instance === undefined) return undefined;
        value = instance;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.CreateApiKeyRequestDto;
}

function acceptApiKeyRateLimitDto(input: unknown): dto.ApiKeyRateLimitDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["requests"] === undefined || source["window"] === undefined) return undefined;
  const out = new dto.ApiKeyRateLimitDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "requests": {
        if (!(isInt(value) && min(value, 1) && max(value, 1000000))) return undefined;
        break;
      }
      case "window": {
        if (!(isString(value) && matches(value as string, PATTERN_10))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ApiKeyRateLimitDto;
}

function acceptRevokeApiKeyParamsDto(input: unknown): dto.RevokeApiKeyParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.RevokeApiKeyParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.RevokeApiKeyParamsDto;
}

function acceptUpdateApiKeyRequestDto(input: unknown): dto.UpdateApiKeyRequestDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.UpdateApiKeyRequestDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "name": {
        value = ((value: any) => (typeof value === 'string' ? value.trim() : value))(value);
        if (value === undefined) break;
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 100))) return undefined;
        break;
      }
      case "allowedIps": {
        if (value === undefined) break;
        if (!(isArray(value) && arrayMaxSize(value, 50) && arrayUnique(value))) return undefined;
        if (!(value as unknown[]).every((item) => isString(item) && minLength(item as string, 2) && maxLength(item as string, 64))) return undefined;
        value = [...(value as unknown[])];
        break;
      }
      case "rateLimit": {
        if (value === null || value === undefined) break;
        const instance = isObject(value) ? acceptUpdateApiKeyRequestRateLimitDto(value) : undefined;
        if (instance === undefined) return undefined;
        value = instance;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.UpdateApiKeyRequestDto;
}

function acceptUpdateApiKeyRequestRateLimitDto(input: unknown): dto.UpdateApiKeyRequestRateLimitDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["requests"] === undefined || source["window"] === undefined) return undefined;
  const out = new dto.UpdateApiKeyRequestRateLimitDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "requests": {
        if (!(isInt(value) && min(value, 1) && max(value, 1000000))) return undefined;
        break;
      }
      case "window": {
        if (!(isString(value) && matches(value as string, PATTERN_10))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.UpdateApiKeyRequestRateLimitDto;
}

function acceptUpdateApiKeyParamsDto(input: unknown): dto.UpdateApiKeyParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.UpdateApiKeyParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.UpdateApiKeyParamsDto;
}

function acceptRotateApiKeyRequestDto(input: unknown): dto.RotateApiKeyRequestDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.RotateApiKeyRequestDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "gracePeriod": {
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 0) && max(value, 604800))) return undefined;
        break;
      }
      case "expiresIn": {
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 60) && max(value, 63072000))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.RotateApiKeyRequestDto;
}

function acceptRotateApiKeyParamsDto(input: unknown): dto.RotateApiKeyParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.RotateApiKeyParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.RotateApiKeyParamsDto;
}

function acceptRevokeOAuthGrantParamsDto(input: unknown): dto.RevokeOAuthGrantParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["clientId"] === undefined) return undefined;
  const out = new dto.RevokeOAuthGrantParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "clientId": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.RevokeOAuthGrantParamsDto;
}

function acceptAddFavoriteToolParamsDto(input: unknown): dto.AddFavoriteToolParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.AddFavoriteToolParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 200))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.AddFavoriteToolParamsDto;
}

function acceptRemoveFavoriteToolParamsDto(input: unknown): dto.RemoveFavoriteToolParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.RemoveFavoriteToolParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 200))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.RemoveFavoriteToolParamsDto;
}

function acceptListMcpServicesQueryDto(input: unknown): dto.ListMcpServicesQueryDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.ListMcpServicesQueryDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "filter": {
        if (value === undefined) break;
        if (!(isString(value) && maxLength(value as string, 100))) return undefined;
        break;
      }
      case "page": {
        value = ((value: any) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))(value);
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 100000))) return undefined;
        break;
      }
      case "limit": {
        value = ((value: any) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))(value);
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 100))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ListMcpServicesQueryDto;
}

function acceptGetMcpServiceParamsDto(input: unknown): dto.GetMcpServiceParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["serviceId"] === undefined) return undefined;
  const out = new dto.GetMcpServiceParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "serviceId": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.GetMcpServiceParamsDto;
}

function acceptConfigureMcpServiceRequestDto(input: unknown): dto.ConfigureMcpServiceRequestDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["config"] === undefined) return undefined;
  const out = new dto.ConfigureMcpServiceRequestDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "config": {
        if (!(isObject(value) && withinJsonBytes(value, 65536))) return undefined;
        break;
      }
      case "verify": {
        if (value === undefined) break;
        if (!(isBoolean(value))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ConfigureMcpServiceRequestDto;
}

function acceptConfigureMcpServiceParamsDto(input: unknown): dto.ConfigureMcpServiceParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["serviceId"] === undefined) return undefined;
  const out = new dto.ConfigureMcpServiceParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "serviceId": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ConfigureMcpServiceParamsDto;
}

function acceptRemoveMcpServiceConfigurationParamsDto(input: unknown): dto.RemoveMcpServiceConfigurationParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["serviceId"] === undefined) return undefined;
  const out = new dto.RemoveMcpServiceConfigurationParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "serviceId": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.RemoveMcpServiceConfigurationParamsDto;
}

function acceptListMcpServiceResourcesParamsDto(input: unknown): dto.ListMcpServiceResourcesParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["serviceId"] === undefined) return undefined;
  const out = new dto.ListMcpServiceResourcesParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "serviceId": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ListMcpServiceResourcesParamsDto;
}

function acceptReadMcpResourceRequestDto(input: unknown): dto.ReadMcpResourceRequestDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["uri"] === undefined) return undefined;
  const out = new dto.ReadMcpResourceRequestDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "uri": {
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 4096))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ReadMcpResourceRequestDto;
}

function acceptReadMcpServiceResourceParamsDto(input: unknown): dto.ReadMcpServiceResourceParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["serviceId"] === undefined) return undefined;
  const out = new dto.ReadMcpServiceResourceParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "serviceId": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ReadMcpServiceResourceParamsDto;
}

function acceptListMcpServicePromptsParamsDto(input: unknown): dto.ListMcpServicePromptsParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["serviceId"] === undefined) return undefined;
  const out = new dto.ListMcpServicePromptsParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "serviceId": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ListMcpServicePromptsParamsDto;
}

function acceptGetMcpPromptRequestDto(input: unknown): dto.GetMcpPromptRequestDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["name"] === undefined) return undefined;
  const out = new dto.GetMcpPromptRequestDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "name": {
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 200))) return undefined;
        break;
      }
      case "arguments": {
        if (value === undefined) break;
        if (!(isObject(value) && isStringRecord(value, {"maxLength":4096}))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.GetMcpPromptRequestDto;
}

function acceptGetMcpServicePromptParamsDto(input: unknown): dto.GetMcpServicePromptParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["serviceId"] === undefined) return undefined;
  const out = new dto.GetMcpServicePromptParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "serviceId": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.GetMcpServicePromptParamsDto;
}

function acceptListToolsQueryDto(input: unknown): dto.ListToolsQueryDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.ListToolsQueryDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "tags": {
        if (value === undefined) break;
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 700))) return undefined;
        break;
      }
      case "sort": {
        if (value === undefined) break;
        if (!(isIn(value, ALLOWED_11))) return undefined;
        break;
      }
      case "source": {
        if (value === undefined) break;
        if (!(isIn(value, ALLOWED_12))) return undefined;
        break;
      }
      case "server": {
        if (value === undefined) break;
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 63))) return undefined;
        break;
      }
      case "category": {
        if (value === undefined) break;
        if (!(isIn(value, ALLOWED_13))) return undefined;
        break;
      }
      case "enabled": {
        value = ((value: any) => (value === 'true' ? true : value === 'false' ? false : value))(value);
        if (value === undefined) break;
        if (!(isBoolean(value))) return undefined;
        break;
      }
      case "q": {
        if (value === undefined) break;
        if (!(isString(value) && maxLength(value as string, 100))) return undefined;
        break;
      }
      case "page": {
        value = ((value: any) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))(value);
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 100000))) return undefined;
        break;
      }
      case "limit": {
        value = ((value: any) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))(value);
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 100))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ListToolsQueryDto;
}

function acceptGetToolParamsDto(input: unknown): dto.GetToolParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.GetToolParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 200))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.GetToolParamsDto;
}

function acceptExecuteToolRequestDto(input: unknown): dto.ExecuteToolRequestDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.ExecuteToolRequestDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "parameters": {
        if (value === undefined) break;
        if (!(isObject(value) && withinJsonBytes(value, 2097152))) return undefined;
        break;
      }
      case "context": {
        if (value === undefined) break;
        const instance = isObject(value) ? acceptExecuteToolRequestContextDto(value) : undefined;
        if (instance === undefined) return undefined;
        value = instance;
        break;
      }
      case "options": {
        if (value === undefined) break;
        const instance = isObject(value) ? acceptExecuteToolRequestOptionsDto(value) : undefined;
        if (instance === undefined) return undefined;
        value = instance;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ExecuteToolRequestDto;
}

function acceptExecuteToolRequestContextDto(input: unknown): dto.ExecuteToolRequestContextDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.ExecuteToolRequestContextDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "sessionId": {
        if (value === undefined) break;
        if (!(isString(value) && maxLength(value as string, 64))) return undefined;
        break;
      }
      case "requestId": {
        if (value === undefined) break;
        if (!(isString(value) && maxLength(value as string, 128))) return undefined;
        break;
      }
      case "contextId": {
        if (value === undefined) break;
        if (!(isString(value) && maxLength(value as string, 64))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ExecuteToolRequestContextDto;
}

function acceptExecuteToolRequestOptionsDto(input: unknown): dto.ExecuteToolRequestOptionsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.ExecuteToolRequestOptionsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "timeout": {
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 3600000))) return undefined;
        break;
      }
      case "async": {
        if (value === undefined) break;
        if (!(isBoolean(value))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ExecuteToolRequestOptionsDto;
}

function acceptExecuteToolParamsDto(input: unknown): dto.ExecuteToolParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.ExecuteToolParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 200))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ExecuteToolParamsDto;
}

function acceptListRecentToolsQueryDto(input: unknown): dto.ListRecentToolsQueryDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.ListRecentToolsQueryDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "limit": {
        value = ((value: any) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))(value);
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 50))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ListRecentToolsQueryDto;
}

function acceptGetToolStatsQueryDto(input: unknown): dto.GetToolStatsQueryDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.GetToolStatsQueryDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "days": {
        value = ((value: any) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))(value);
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 366))) return undefined;
        break;
      }
      case "top": {
        value = ((value: any) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))(value);
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 50))) return undefined;
        break;
      }
      case "userId": {
        if (value === undefined) break;
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      case "allUsers": {
        value = ((value: any) => (value === 'true' ? true : value === 'false' ? false : value))(value);
        if (value === undefined) break;
        if (!(isBoolean(value))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.GetToolStatsQueryDto;
}

function acceptListExecutionsQueryDto(input: unknown): dto.ListExecutionsQueryDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.ListExecutionsQueryDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "toolId": {
        if (value === undefined) break;
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 200))) return undefined;
        break;
      }
      case "status": {
        if (value === undefined) break;
        if (!(isIn(value, ALLOWED_14))) return undefined;
        break;
      }
      case "contextId": {
        if (value === undefined) break;
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      case "userId": {
        if (value === undefined) break;
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      case "async": {
        value = ((value: any) => (value === 'true' ? true : value === 'false' ? false : value))(value);
        if (value === undefined) break;
        if (!(isBoolean(value))) return undefined;
        break;
      }
      case "startDate": {
        if (value === undefined) break;
        if (!(isISO8601(value as string, { strict: true }))) return undefined;
        break;
      }
      case "endDate": {
        if (value === undefined) break;
        if (!(isISO8601(value as string, { strict: true }))) return undefined;
        break;
      }
      case "page": {
        value = ((value: any) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))(value);
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 10000))) return undefined;
        break;
      }
      case "limit": {
        value = ((value: any) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))(value);
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 100))) return undefined;
        break;
      }
      case "cursor": {
        if (value === undefined) break;
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 200))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ListExecutionsQueryDto;
}

function acceptGetToolExecutionParamsDto(input: unknown): dto.GetToolExecutionParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["executionId"] === undefined) return undefined;
  const out = new dto.GetToolExecutionParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "executionId": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.GetToolExecutionParamsDto;
}

function acceptCancelExecutionRequestDto(input: unknown): dto.CancelExecutionRequestDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.CancelExecutionRequestDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "reason": {
        if (value === undefined) break;
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 200))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.CancelExecutionRequestDto;
}

function acceptCancelToolExecutionParamsDto(input: unknown): dto.CancelToolExecutionParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["executionId"] === undefined) return undefined;
  const out = new dto.CancelToolExecutionParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "executionId": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.CancelToolExecutionParamsDto;
}

function acceptListToolExecutionsQueryDto(input: unknown): dto.ListToolExecutionsQueryDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.ListToolExecutionsQueryDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "status": {
        if (value === undefined) break;
        if (!(isIn(value, ALLOWED_14))) return undefined;
        break;
      }
      case "page": {
        value = ((value: any) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))(value);
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 10000))) return undefined;
        break;
      }
      case "limit": {
        value = ((value: any) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))(value);
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 100))) return undefined;
        break;
      }
      case "cursor": {
        if (value === undefined) break;
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 200))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ListToolExecutionsQueryDto;
}

function acceptListToolExecutionsParamsDto(input: unknown): dto.ListToolExecutionsParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.ListToolExecutionsParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 200))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ListToolExecutionsParamsDto;
}

function acceptListContextsQueryDto(input: unknown): dto.ListContextsQueryDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.ListContextsQueryDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "status": {
        if (value === undefined) break;
        if (!(isIn(value, ALLOWED_15))) return undefined;
        break;
      }
      case "sort": {
        if (value === undefined) break;
        if (!(isIn(value, ALLOWED_16))) return undefined;
        break;
      }
      case "order": {
        if (value === undefined) break;
        if (!(isIn(value, ALLOWED_17))) return undefined;
        break;
      }
      case "userId": {
        if (value === undefined) break;
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      case "page": {
        value = ((value: any) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))(value);
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 100000))) return undefined;
        break;
      }
      case "limit": {
        value = ((value: any) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))(value);
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 100))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ListContextsQueryDto;
}

function acceptCreateContextRequestDto(input: unknown): dto.CreateContextRequestDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["name"] === undefined) return undefined;
  const out = new dto.CreateContextRequestDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "name": {
        value = ((value: any) => (typeof value === 'string' ? value.trim() : value))(value);
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 200))) return undefined;
        break;
      }
      case "description": {
        if (value === undefined) break;
        if (!(isString(value) && maxLength(value as string, 2000))) return undefined;
        break;
      }
      case "status": {
        if (value === undefined) break;
        if (!(isIn(value, ALLOWED_15))) return undefined;
        break;
      }
      case "metadata": {
        if (value === undefined) break;
        if (!(isObject(value) && withinJsonBytes(value, 65536))) return undefined;
        break;
      }
      case "tools": {
        if (value === undefined) break;
        if (!(isArray(value) && arrayMaxSize(value, 200) && arrayUnique(value))) return undefined;
        if (!(value as unknown[]).every((item) => isString(item) && minLength(item as string, 1) && maxLength(item as string, 200))) return undefined;
        value = [...(value as unknown[])];
        break;
      }
      case "settings": {
        if (value === undefined) break;
        const instance = isObject(value) ? acceptContextSettingsDto(value) : undefined;
        if (instance === undefined) return undefined;
        value = instance;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.CreateContextRequestDto;
}

function acceptContextSettingsDto(input: unknown): dto.ContextSettingsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.ContextSettingsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "maxExecutionTime": {
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 3600000))) return undefined;
        break;
      }
      case "retryPolicy": {
        if (value === undefined) break;
        const instance = isObject(value) ? acceptContextSettingsRetryPolicyDto(value) : undefined;
        if (instance === undefined) return undefined;
        value = instance;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ContextSettingsDto;
}

function acceptContextSettingsRetryPolicyDto(input: unknown): dto.ContextSettingsRetryPolicyDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.ContextSettingsRetryPolicyDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "maxRetries": {
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 0) && max(value, 5))) return undefined;
        break;
      }
      case "backoffMultiplier": {
        if (value === undefined) break;
        if (!(isNumber(value, { allowNaN: false, allowInfinity: false }) && min(value, 1) && max(value, 10))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ContextSettingsRetryPolicyDto;
}

function acceptGetContextParamsDto(input: unknown): dto.GetContextParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.GetContextParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.GetContextParamsDto;
}

function acceptUpdateContextRequestDto(input: unknown): dto.UpdateContextRequestDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.UpdateContextRequestDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "name": {
        value = ((value: any) => (typeof value === 'string' ? value.trim() : value))(value);
        if (value === undefined) break;
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 200))) return undefined;
        break;
      }
      case "description": {
        if (value === undefined) break;
        if (!(isString(value) && maxLength(value as string, 2000))) return undefined;
        break;
      }
      case "status": {
        if (value === undefined) break;
        if (!(isIn(value, ALLOWED_15))) return undefined;
        break;
      }
      case "metadata": {
        if (value === undefined) break;
        if (!(isObject(value) && withinJsonBytes(value, 65536))) return undefined;
        break;
      }
      case "tools": {
        if (value === undefined) break;
        if (!(isArray(value) && arrayMaxSize(value, 200) && arrayUnique(value))) return undefined;
        if (!(value as unknown[]).every((item) => isString(item) && minLength(item as string, 1) && maxLength(item as string, 200))) return undefined;
        value = [...(value as unknown[])];
        break;
      }
      case "settings": {
        if (value === undefined) break;
        const instance = isObject(value) ? acceptContextSettingsDto(value) : undefined;
        if (instance === undefined) return undefined;
        value = instance;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.UpdateContextRequestDto;
}

function acceptUpdateContextParamsDto(input: unknown): dto.UpdateContextParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.UpdateContextParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.UpdateContextParamsDto;
}

function acceptDeleteContextParamsDto(input: unknown): dto.DeleteContextParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.DeleteContextParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.DeleteContextParamsDto;
}

function acceptListSessionsQueryDto(input: unknown): dto.ListSessionsQueryDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.ListSessionsQueryDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "userId": {
        if (value === undefined) break;
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      case "status": {
        if (value === undefined) break;
        if (!(isIn(value, ALLOWED_18))) return undefined;
        break;
      }
      case "connectionType": {
        if (value === undefined) break;
        if (!(isIn(value, ALLOWED_19))) return undefined;
        break;
      }
      case "page": {
        value = ((value: any) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))(value);
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 10000))) return undefined;
        break;
      }
      case "limit": {
        value = ((value: any) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))(value);
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 100))) return undefined;
        break;
      }
      case "cursor": {
        if (value === undefined) break;
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 200))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ListSessionsQueryDto;
}

function acceptTerminateSessionParamsDto(input: unknown): dto.TerminateSessionParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.TerminateSessionParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.TerminateSessionParamsDto;
}

function acceptListServersQueryDto(input: unknown): dto.ListServersQueryDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.ListServersQueryDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "status": {
        if (value === undefined) break;
        if (!(isIn(value, ALLOWED_20))) return undefined;
        break;
      }
      case "enabled": {
        value = ((value: any) => (value === 'true' ? true : value === 'false' ? false : value))(value);
        if (value === undefined) break;
        if (!(isBoolean(value))) return undefined;
        break;
      }
      case "groupId": {
        if (value === undefined) break;
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      case "tag": {
        if (value === undefined) break;
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 64))) return undefined;
        break;
      }
      case "q": {
        if (value === undefined) break;
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 100))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ListServersQueryDto;
}

function acceptUpstreamServerInputDto(input: unknown): dto.UpstreamServerInputDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["name"] === undefined || source["transport"] === undefined) return undefined;
  const out = new dto.UpstreamServerInputDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "name": {
        if (!(isString(value) && matches(value as string, PATTERN_21))) return undefined;
        break;
      }
      case "description": {
        if (value === undefined) break;
        if (!(isString(value) && maxLength(value as string, 1000))) return undefined;
        break;
      }
      case "transport": {
        const instance = isObject(value) ? acceptUpstreamTransportDto(value) : undefined;
        if (instance === undefined) return undefined;
        value = instance;
        break;
      }
      case "enabled": {
        if (value === undefined) break;
        if (!(isBoolean(value))) return undefined;
        break;
      }
      case "timeouts": {
        if (value === undefined) break;
        const instance = isObject(value) ? acceptUpstreamServerInputTimeoutsDto(value) : undefined;
        if (instance === undefined) return undefined;
        value = instance;
        break;
      }
      case "healthCheck": {
        if (value === undefined) break;
        const instance = isObject(value) ? acceptUpstreamServerInputHealthCheckDto(value) : undefined;
        if (instance === undefined) return undefined;
        value = instance;
        break;
      }
      case "replicas": {
        if (value === undefined) break;
        const instance = isObject(value) ? acceptUpstreamReplicasDto(value) : undefined;
        if (instance === undefined) return undefined;
        value = instance;
        break;
      }
      case "rateLimits": {
        if (value === undefined) break;
        const instance = isObject(value) ? acceptUpstreamRateLimitsDto(value) : undefined;
        if (instance === undefined) return undefined;
        value = instance;
        break;
      }
      case "cache": {
        if (value === null || value === undefined) break;
        const instance = isObject(value) ? acceptUpstreamCacheDto(value) : undefined;
        if (instance === undefined) return undefined;
        value = instance;
        break;
      }
      case "auth": {
        if (value === null || value === undefined) break;
        const instance = isObject(value) ? acceptUpstreamAuthDto(value) : undefined;
        if (instance === undefined) return undefined;
        value = instance;
        break;
      }
      case "userConfig": {
        if (value === null || value === undefined) break;
        const instance = isObject(value) ? acceptUpstreamUserConfigDto(value) : undefined;
        if (instance === undefined) return undefined;
        value = instance;
        break;
      }
      case "organizations": {
        if (value === null || value === undefined) break;
        if (!(isArray(value) && arrayMaxSize(value, 100))) return undefined;
        if (!(value as unknown[]).every((item) => isUUID(item as string, undefined))) return undefined;
        value = [...(value as unknown[])];
        break;
      }
      case "permissions": {
        if (value === undefined) break;
        if (!(isArray(value) && arrayMaxSize(value, 16) && arrayUnique(value))) return undefined;
        if (!(value as unknown[]).every((item) => isString(item) && maxLength(item as string, 100) && matches(item as string, PATTERN_9))) return undefined;
        value = [...(value as unknown[])];
        break;
      }
      case "toolFilter": {
        if (value === null || value === undefined) break;
        const instance = isObject(value) ? acceptUpstreamToolFilterDto(value) : undefined;
        if (instance === undefined) return undefined;
        value = instance;
        break;
      }
      case "confirmTools": {
        if (value === undefined) break;
        if (!(isIn(value, ALLOWED_22))) return undefined;
        break;
      }
      case "credentialScan": {
        if (value === undefined) break;
        if (!(isIn(value, ALLOWED_23))) return undefined;
        break;
      }
      case "toolChanges": {
        if (value === undefined) break;
        if (!(isIn(value, ALLOWED_24))) return undefined;
        break;
      }
      case "metadata": {
        if (value === undefined) break;
        const instance = isObject(value) ? acceptUpstreamServerInputMetadataDto(value) : undefined;
        if (instance === undefined) return undefined;
        value = instance;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.UpstreamServerInputDto;
}

function acceptUpstreamTransportDto(input: unknown): dto.UpstreamTransportDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["type"] === undefined) return undefined;
  const out = new dto.UpstreamTransportDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "type": {
        if (!(isIn(value, ALLOWED_25))) return undefined;
        break;
      }
      case "command": {
        if (value === undefined) break;
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 1024))) return undefined;
        break;
      }
      case "args": {
        if (value === undefined) break;
        if (!(isArray(value) && arrayMaxSize(value, 64))) return undefined;
        if (!(value as unknown[]).every((item) => isString(item) && maxLength(item as string, 4096))) return undefined;
        value = [...(value as unknown[])];
        break;
      }
      case "env": {
        if (value === undefined) break;
        if (!(isObject(value) && isStringRecord(value, {"maxEntries":100,"maxLength":8192}))) return undefined;
        break;
      }
      case "cwd": {
        if (value === undefined) break;
        if (!(isString(value) && maxLength(value as string, 1024))) return undefined;
        break;
      }
      case "url": {
        if (value === undefined) break;
        if (!(isURL(value as string, { require_tld: false, require_protocol: true, protocols: ['http', 'https', 'ws', 'wss'] }) && maxLength(value as string, 2048))) return undefined;
        break;
      }
      case "headers": {
        if (value === undefined) break;
        if (!(isObject(value) && isStringRecord(value, {"maxEntries":50,"maxLength":8192}))) return undefined;
        break;
      }
      case "tls": {
        if (value === undefined) break;
        const instance = isObject(value) ? acceptUpstreamTlsDto(value) : undefined;
        if (instance === undefined) return undefined;
        value = instance;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.UpstreamTransportDto;
}

function acceptUpstreamTlsDto(input: unknown): dto.UpstreamTlsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.UpstreamTlsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "ca": {
        if (value === undefined) break;
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 65536))) return undefined;
        break;
      }
      case "cert": {
        if (value === undefined) break;
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 65536))) return undefined;
        break;
      }
      case "key": {
        if (value === undefined) break;
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 65536))) return undefined;
        break;
      }
      case "passphrase": {
        if (value === undefined) break;
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 1024))) return undefined;
        break;
      }
      case "servername": {
        if (value === undefined) break;
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 253) && matches(value as string, PATTERN_26))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.UpstreamTlsDto;
}

function acceptUpstreamServerInputTimeoutsDto(input: unknown): dto.UpstreamServerInputTimeoutsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.UpstreamServerInputTimeoutsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "connectMs": {
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 100) && max(value, 120000))) return undefined;
        break;
      }
      case "requestMs": {
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 100) && max(value, 3600000))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.UpstreamServerInputTimeoutsDto;
}

function acceptUpstreamServerInputHealthCheckDto(input: unknown): dto.UpstreamServerInputHealthCheckDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.UpstreamServerInputHealthCheckDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "enabled": {
        if (value === undefined) break;
        if (!(isBoolean(value))) return undefined;
        break;
      }
      case "intervalMs": {
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1000) && max(value, 3600000))) return undefined;
        break;
      }
      case "timeoutMs": {
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 100) && max(value, 60000))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.UpstreamServerInputHealthCheckDto;
}

function acceptUpstreamReplicasDto(input: unknown): dto.UpstreamReplicasDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["count"] === undefined) return undefined;
  const out = new dto.UpstreamReplicasDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "count": {
        if (!(isInt(value) && min(value, 1) && max(value, 8))) return undefined;
        break;
      }
      case "strategy": {
        if (value === undefined) break;
        if (!(isIn(value, ALLOWED_27))) return undefined;
        break;
      }
      case "urls": {
        if (value === undefined) break;
        if (!(isArray(value) && arrayMaxSize(value, 7) && arrayUnique(value))) return undefined;
        if (!(value as unknown[]).every((item) => isURL(item as string, { require_tld: false, require_protocol: true, protocols: ['http', 'https', 'ws', 'wss'] }) && maxLength(item as string, 2048))) return undefined;
        value = [...(value as unknown[])];
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.UpstreamReplicasDto;
}

function acceptUpstreamRateLimitsDto(input: unknown): dto.UpstreamRateLimitsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.UpstreamRateLimitsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "requests": {
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 1000000000))) return undefined;
        break;
      }
      case "window": {
        if (value === undefined) break;
        if (!(isString(value) && matches(value as string, PATTERN_28))) return undefined;
        break;
      }
      case "requestsPerMinute": {
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 1000000000))) return undefined;
        break;
      }
      case "requestsPerHour": {
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 1000000000))) return undefined;
        break;
      }
      case "requestsPerDay": {
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 1000000000))) return undefined;
        break;
      }
      case "scope": {
        if (value === undefined) break;
        if (!(isIn(value, ALLOWED_29))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.UpstreamRateLimitsDto;
}

function acceptUpstreamCacheDto(input: unknown): dto.UpstreamCacheDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["ttlSeconds"] === undefined) return undefined;
  const out = new dto.UpstreamCacheDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "ttlSeconds": {
        if (!(isInt(value) && min(value, 1) && max(value, 86400))) return undefined;
        break;
      }
      case "tools": {
        if (value === undefined) break;
        if (!(isArray(value) && arrayMaxSize(value, 100) && arrayUnique(value))) return undefined;
        if (!(value as unknown[]).every((item) => isString(item) && minLength(item as string, 1) && maxLength(item as string, 128))) return undefined;
        value = [...(value as unknown[])];
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.UpstreamCacheDto;
}

function acceptUpstreamAuthDto(input: unknown): dto.UpstreamAuthDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["type"] === undefined) return undefined;
  const out = new dto.UpstreamAuthDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "type": {
        if (!(isIn(value, ALLOWED_30))) return undefined;
        break;
      }
      case "key": {
        if (value === undefined) break;
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 8192))) return undefined;
        break;
      }
      case "header": {
        if (value === undefined) break;
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 100) && matches(value as string, PATTERN_31))) return undefined;
        break;
      }
      case "prefix": {
        if (value === undefined) break;
        if (!(isString(value) && maxLength(value as string, 50) && matches(value as string, PATTERN_32))) return undefined;
        break;
      }
      case "clientId": {
        if (value === undefined) break;
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 512))) return undefined;
        break;
      }
      case "clientSecret": {
        if (value === undefined) break;
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 8192))) return undefined;
        break;
      }
      case "clientAuthMethod": {
        if (value === undefined) break;
        if (!(isIn(value, ALLOWED_33))) return undefined;
        break;
      }
      case "tokenUrl": {
        if (value === undefined) break;
        if (!(isURL(value as string, { require_tld: false, require_protocol: true, protocols: ['http', 'https'] }) && maxLength(value as string, 2048))) return undefined;
        break;
      }
      case "scopes": {
        if (value === undefined) break;
        if (!(isArray(value) && arrayMaxSize(value, 50) && arrayUnique(value))) return undefined;
        if (!(value as unknown[]).every((item) => isString(item) && minLength(item as string, 1) && maxLength(item as string, 200) && matches(item as string, PATTERN_34))) return undefined;
        value = [...(value as unknown[])];
        break;
      }
      case "resource": {
        if (value === undefined) break;
        if (!(isURL(value as string, { require_tld: false, require_protocol: true, protocols: ['http', 'https'] }) && maxLength(value as string, 2048))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.UpstreamAuthDto;
}

function acceptUpstreamUserConfigDto(input: unknown): dto.UpstreamUserConfigDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["schema"] === undefined) return undefined;
  const out = new dto.UpstreamUserConfigDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "schema": {
        if (!(isObject(value) && withinJsonBytes(value, 65536))) return undefined;
        break;
      }
      case "env": {
        if (value === undefined) break;
        if (!(isObject(value) && isStringRecord(value, {"maxEntries":32,"maxLength":8192}))) return undefined;
        break;
      }
      case "headers": {
        if (value === undefined) break;
        if (!(isObject(value) && isStringRecord(value, {"maxEntries":32,"maxLength":8192}))) return undefined;
        break;
      }
      case "required": {
        if (value === undefined) break;
        if (!(isBoolean(value))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.UpstreamUserConfigDto;
}

function acceptUpstreamToolFilterDto(input: unknown): dto.UpstreamToolFilterDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.UpstreamToolFilterDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "include": {
        if (value === undefined) break;
        if (!(isArray(value) && arrayMaxSize(value, 100))) return undefined;
        if (!(value as unknown[]).every((item) => isString(item) && minLength(item as string, 1) && maxLength(item as string, 128) && matches(item as string, PATTERN_35))) return undefined;
        value = [...(value as unknown[])];
        break;
      }
      case "exclude": {
        if (value === undefined) break;
        if (!(isArray(value) && arrayMaxSize(value, 100))) return undefined;
        if (!(value as unknown[]).every((item) => isString(item) && minLength(item as string, 1) && maxLength(item as string, 128) && matches(item as string, PATTERN_35))) return undefined;
        value = [...(value as unknown[])];
        break;
      }
      case "readOnly": {
        if (value === undefined) break;
        if (!(isBoolean(value))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.UpstreamToolFilterDto;
}

function acceptUpstreamServerInputMetadataDto(input: unknown): dto.UpstreamServerInputMetadataDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.UpstreamServerInputMetadataDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "category": {
        if (value === undefined) break;
        if (!(isIn(value, ALLOWED_13))) return undefined;
        break;
      }
      case "tags": {
        if (value === undefined) break;
        if (!(isArray(value) && arrayMaxSize(value, 32))) return undefined;
        if (!(value as unknown[]).every((item) => isString(item) && maxLength(item as string, 64))) return undefined;
        value = [...(value as unknown[])];
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.UpstreamServerInputMetadataDto;
}

function acceptGetServerParamsDto(input: unknown): dto.GetServerParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.GetServerParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.GetServerParamsDto;
}

function acceptUpdateServerParamsDto(input: unknown): dto.UpdateServerParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.UpdateServerParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.UpdateServerParamsDto;
}

function acceptDeleteServerParamsDto(input: unknown): dto.DeleteServerParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.DeleteServerParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.DeleteServerParamsDto;
}

function acceptUpstreamServerPatchDto(input: unknown): dto.UpstreamServerPatchDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.UpstreamServerPatchDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "name": {
        if (value === undefined) break;
        if (!(isString(value) && matches(value as string, PATTERN_21))) return undefined;
        break;
      }
      case "description": {
        if (value === null || value === undefined) break;
        if (!(isString(value) && maxLength(value as string, 1000))) return undefined;
        break;
      }
      case "transport": {
        if (value === undefined) break;
        if (!(isObject(value))) return undefined;
        break;
      }
      case "enabled": {
        if (value === undefined) break;
        if (!(isBoolean(value))) return undefined;
        break;
      }
      case "timeouts": {
        if (value === null || value === undefined) break;
        if (!(isObject(value))) return undefined;
        break;
      }
      case "healthCheck": {
        if (value === null || value === undefined) break;
        if (!(isObject(value))) return undefined;
        break;
      }
      case "replicas": {
        if (value === null || value === undefined) break;
        if (!(isObject(value))) return undefined;
        break;
      }
      case "rateLimits": {
        if (value === null || value === undefined) break;
        if (!(isObject(value))) return undefined;
        break;
      }
      case "cache": {
        if (value === null || value === undefined) break;
        if (!(isObject(value))) return undefined;
        break;
      }
      case "auth": {
        if (value === null || value === undefined) break;
        if (!(isObject(value))) return undefined;
        break;
      }
      case "userConfig": {
        if (value === null || value === undefined) break;
        if (!(isObject(value) && withinJsonBytes(value, 131072))) return undefined;
        break;
      }
      case "organizations": {
        if (value === null || value === undefined) break;
        if (!(isArray(value) && arrayMaxSize(value, 100))) return undefined;
        if (!(value as unknown[]).every((item) => isUUID(item as string, undefined))) return undefined;
        value = [...(value as unknown[])];
        break;
      }
      case "permissions": {
        if (value === null || value === undefined) break;
        if (!(isArray(value) && arrayMaxSize(value, 16))) return undefined;
        if (!(value as unknown[]).every((item) => isString(item) && maxLength(item as string, 100) && matches(item as string, PATTERN_9))) return undefined;
        value = [...(value as unknown[])];
        break;
      }
      case "toolFilter": {
        if (value === null || value === undefined) break;
        if (!(isObject(value))) return undefined;
        break;
      }
      case "confirmTools": {
        if (value === null || value === undefined) break;
        if (!(isIn(value, ALLOWED_22))) return undefined;
        break;
      }
      case "credentialScan": {
        if (value === null || value === undefined) break;
        if (!(isIn(value, ALLOWED_23))) return undefined;
        break;
      }
      case "toolChanges": {
        if (value === null || value === undefined) break;
        if (!(isIn(value, ALLOWED_24))) return undefined;
        break;
      }
      case "metadata": {
        if (value === null || value === undefined) break;
        if (!(isObject(value))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.UpstreamServerPatchDto;
}

function acceptPatchServerParamsDto(input: unknown): dto.PatchServerParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.PatchServerParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.PatchServerParamsDto;
}

function acceptConnectServerParamsDto(input: unknown): dto.ConnectServerParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.ConnectServerParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ConnectServerParamsDto;
}

function acceptApproveServerToolsParamsDto(input: unknown): dto.ApproveServerToolsParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.ApproveServerToolsParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ApproveServerToolsParamsDto;
}

function acceptListServerUserConfigsQueryDto(input: unknown): dto.ListServerUserConfigsQueryDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.ListServerUserConfigsQueryDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "page": {
        value = ((value: any) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))(value);
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 100000))) return undefined;
        break;
      }
      case "limit": {
        value = ((value: any) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))(value);
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 100))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ListServerUserConfigsQueryDto;
}

function acceptListServerUserConfigsParamsDto(input: unknown): dto.ListServerUserConfigsParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.ListServerUserConfigsParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ListServerUserConfigsParamsDto;
}

function acceptDeleteServerUserConfigParamsDto(input: unknown): dto.DeleteServerUserConfigParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined || source["userId"] === undefined) return undefined;
  const out = new dto.DeleteServerUserConfigParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      case "userId": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.DeleteServerUserConfigParamsDto;
}

function acceptListServerOrganizationConfigsQueryDto(input: unknown): dto.ListServerOrganizationConfigsQueryDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.ListServerOrganizationConfigsQueryDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "page": {
        value = ((value: any) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))(value);
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 100000))) return undefined;
        break;
      }
      case "limit": {
        value = ((value: any) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))(value);
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 100))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ListServerOrganizationConfigsQueryDto;
}

function acceptListServerOrganizationConfigsParamsDto(input: unknown): dto.ListServerOrganizationConfigsParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.ListServerOrganizationConfigsParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ListServerOrganizationConfigsParamsDto;
}

function acceptDeleteServerOrganizationConfigParamsDto(input: unknown): dto.DeleteServerOrganizationConfigParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined || source["organizationId"] === undefined) return undefined;
  const out = new dto.DeleteServerOrganizationConfigParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      case "organizationId": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.DeleteServerOrganizationConfigParamsDto;
}

function acceptDisconnectServerParamsDto(input: unknown): dto.DisconnectServerParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.DisconnectServerParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.DisconnectServerParamsDto;
}

function acceptServerBulkRequestDto(input: unknown): dto.ServerBulkRequestDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["serverIds"] === undefined) return undefined;
  const out = new dto.ServerBulkRequestDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "serverIds": {
        if (!(isArray(value) && arrayMinSize(value, 1) && arrayMaxSize(value, 100) && arrayUnique(value))) return undefined;
        if (!(value as unknown[]).every((item) => isUUID(item as string, undefined))) return undefined;
        value = [...(value as unknown[])];
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ServerBulkRequestDto;
}

function acceptBulkServerActionParamsDto(input: unknown): dto.BulkServerActionParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["action"] === undefined) return undefined;
  const out = new dto.BulkServerActionParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "action": {
        if (!(isIn(value, ALLOWED_36))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.BulkServerActionParamsDto;
}

function acceptListServerTemplatesQueryDto(input: unknown): dto.ListServerTemplatesQueryDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.ListServerTemplatesQueryDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "category": {
        if (value === undefined) break;
        if (!(isString(value) && maxLength(value as string, 50))) return undefined;
        break;
      }
      case "q": {
        if (value === undefined) break;
        if (!(isString(value) && maxLength(value as string, 100))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ListServerTemplatesQueryDto;
}

function acceptServerTemplateInstanceDto(input: unknown): dto.ServerTemplateInstanceDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["name"] === undefined) return undefined;
  const out = new dto.ServerTemplateInstanceDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "name": {
        if (!(isString(value) && matches(value as string, PATTERN_21))) return undefined;
        break;
      }
      case "description": {
        if (value === undefined) break;
        if (!(isString(value) && maxLength(value as string, 1000))) return undefined;
        break;
      }
      case "values": {
        if (value === undefined) break;
        if (!(isObject(value) && isStringRecord(value, {"maxEntries":50,"maxLength":4096}))) return undefined;
        break;
      }
      case "enabled": {
        if (value === undefined) break;
        if (!(isBoolean(value))) return undefined;
        break;
      }
      case "toolChanges": {
        if (value === undefined) break;
        if (!(isIn(value, ALLOWED_24))) return undefined;
        break;
      }
      case "replicas": {
        if (value === undefined) break;
        const instance = isObject(value) ? acceptUpstreamReplicasDto(value) : undefined;
        if (instance === undefined) return undefined;
        value = instance;
        break;
      }
      case "groupId": {
        if (value === undefined) break;
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ServerTemplateInstanceDto;
}

function acceptInstantiateServerTemplateParamsDto(input: unknown): dto.InstantiateServerTemplateParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.InstantiateServerTemplateParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isString(value) && matches(value as string, PATTERN_37))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.InstantiateServerTemplateParamsDto;
}

function acceptServerGroupInputDto(input: unknown): dto.ServerGroupInputDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["name"] === undefined) return undefined;
  const out = new dto.ServerGroupInputDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "name": {
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 100))) return undefined;
        break;
      }
      case "description": {
        if (value === null || value === undefined) break;
        if (!(isString(value) && maxLength(value as string, 500))) return undefined;
        break;
      }
      case "color": {
        if (value === null || value === undefined) break;
        if (!(isString(value) && matches(value as string, PATTERN_38))) return undefined;
        break;
      }
      case "icon": {
        if (value === null || value === undefined) break;
        if (!(isString(value) && matches(value as string, PATTERN_39))) return undefined;
        break;
      }
      case "sortOrder": {
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 0) && max(value, 100000))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ServerGroupInputDto;
}

function acceptGetServerGroupParamsDto(input: unknown): dto.GetServerGroupParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.GetServerGroupParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.GetServerGroupParamsDto;
}

function acceptUpdateServerGroupParamsDto(input: unknown): dto.UpdateServerGroupParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.UpdateServerGroupParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.UpdateServerGroupParamsDto;
}

function acceptDeleteServerGroupParamsDto(input: unknown): dto.DeleteServerGroupParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.DeleteServerGroupParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.DeleteServerGroupParamsDto;
}

function acceptServerGroupMembersDto(input: unknown): dto.ServerGroupMembersDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["serverIds"] === undefined) return undefined;
  const out = new dto.ServerGroupMembersDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "serverIds": {
        if (!(isArray(value) && arrayMinSize(value, 1) && arrayMaxSize(value, 100) && arrayUnique(value))) return undefined;
        if (!(value as unknown[]).every((item) => isUUID(item as string, undefined))) return undefined;
        value = [...(value as unknown[])];
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ServerGroupMembersDto;
}

function acceptAddServersToGroupParamsDto(input: unknown): dto.AddServersToGroupParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.AddServersToGroupParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.AddServersToGroupParamsDto;
}

function acceptRemoveServerFromGroupParamsDto(input: unknown): dto.RemoveServerFromGroupParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined || source["serverId"] === undefined) return undefined;
  const out = new dto.RemoveServerFromGroupParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      case "serverId": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.RemoveServerFromGroupParamsDto;
}

function acceptConnectServerGroupParamsDto(input: unknown): dto.ConnectServerGroupParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.ConnectServerGroupParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ConnectServerGroupParamsDto;
}

function acceptDisconnectServerGroupParamsDto(input: unknown): dto.DisconnectServerGroupParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.DisconnectServerGroupParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.DisconnectServerGroupParamsDto;
}

function acceptToolSettingsUpdateDto(input: unknown): dto.ToolSettingsUpdateDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.ToolSettingsUpdateDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "tags": {
        if (value === undefined) break;
        if (!(isArray(value) && arrayMaxSize(value, 16) && arrayUnique(value))) return undefined;
        if (!(value as unknown[]).every((item) => isString(item) && minLength(item as string, 1) && maxLength(item as string, 64) && matches(item as string, PATTERN_40))) return undefined;
        value = [...(value as unknown[])];
        break;
      }
      case "enabled": {
        if (value === undefined) break;
        if (!(isBoolean(value))) return undefined;
        break;
      }
      case "requiresConfirmation": {
        if (value === null || value === undefined) break;
        if (!(isBoolean(value))) return undefined;
        break;
      }
      case "reason": {
        if (value === undefined) break;
        if (!(isString(value) && maxLength(value as string, 500))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ToolSettingsUpdateDto;
}

function acceptUpdateToolSettingsParamsDto(input: unknown): dto.UpdateToolSettingsParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.UpdateToolSettingsParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 200))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.UpdateToolSettingsParamsDto;
}

function acceptHttpToolInputDto(input: unknown): dto.HttpToolInputDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["name"] === undefined || source["description"] === undefined || source["method"] === undefined || source["url"] === undefined) return undefined;
  const out = new dto.HttpToolInputDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "name": {
        if (!(isString(value) && maxLength(value as string, 63) && matches(value as string, PATTERN_41))) return undefined;
        break;
      }
      case "description": {
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 1000))) return undefined;
        break;
      }
      case "category": {
        if (value === undefined) break;
        if (!(isIn(value, ALLOWED_13))) return undefined;
        break;
      }
      case "method": {
        if (!(isIn(value, ALLOWED_42))) return undefined;
        break;
      }
      case "url": {
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 2048))) return undefined;
        break;
      }
      case "query": {
        if (value === undefined) break;
        if (!(isArray(value) && arrayMaxSize(value, 100) && arrayUnique(value))) return undefined;
        if (!(value as unknown[]).every((item) => isString(item) && minLength(item as string, 1) && maxLength(item as string, 200))) return undefined;
        value = [...(value as unknown[])];
        break;
      }
      case "headers": {
        if (value === undefined) break;
        if (!(isObject(value) && isStringRecord(value, {"maxEntries":50,"maxLength":8192}))) return undefined;
        break;
      }
      case "inputSchema": {
        if (value === undefined) break;
        if (!(isObject(value))) return undefined;
        break;
      }
      case "timeoutMs": {
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 100) && max(value, 120000))) return undefined;
        break;
      }
      case "maxResponseBytes": {
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1024) && max(value, 104857600))) return undefined;
        break;
      }
      case "permissions": {
        if (value === undefined) break;
        if (!(isArray(value) && arrayMaxSize(value, 16) && arrayUnique(value))) return undefined;
        if (!(value as unknown[]).every((item) => isString(item) && maxLength(item as string, 100) && matches(item as string, PATTERN_9))) return undefined;
        value = [...(value as unknown[])];
        break;
      }
      case "rateLimit": {
        if (value === undefined) break;
        const instance = isObject(value) ? acceptRateLimitDto(value) : undefined;
        if (instance === undefined) return undefined;
        value = instance;
        break;
      }
      case "auth": {
        if (value === null || value === undefined) break;
        const instance = isObject(value) ? acceptUpstreamAuthDto(value) : undefined;
        if (instance === undefined) return undefined;
        value = instance;
        break;
      }
      case "identity": {
        if (value === null || value === undefined) break;
        const instance = isObject(value) ? acceptHttpToolIdentityDto(value) : undefined;
        if (instance === undefined) return undefined;
        value = instance;
        break;
      }
      case "responsePath": {
        if (value === null || value === undefined) break;
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 500))) return undefined;
        break;
      }
      case "credentialScan": {
        if (value === undefined) break;
        if (!(isIn(value, ALLOWED_23))) return undefined;
        break;
      }
      case "organizations": {
        if (value === null || value === undefined) break;
        if (!(isArray(value) && arrayMaxSize(value, 100))) return undefined;
        if (!(value as unknown[]).every((item) => isUUID(item as string, undefined))) return undefined;
        value = [...(value as unknown[])];
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.HttpToolInputDto;
}

function acceptRateLimitDto(input: unknown): dto.RateLimitDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["requests"] === undefined || source["window"] === undefined) return undefined;
  const out = new dto.RateLimitDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "requests": {
        if (!(isInt(value) && min(value, 1))) return undefined;
        break;
      }
      case "window": {
        if (!(isString(value) && matches(value as string, PATTERN_28))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.RateLimitDto;
}

function acceptHttpToolIdentityDto(input: unknown): dto.HttpToolIdentityDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.HttpToolIdentityDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "header": {
        if (value === undefined) break;
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 100) && matches(value as string, PATTERN_31))) return undefined;
        break;
      }
      case "audience": {
        if (value === undefined) break;
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 2048))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.HttpToolIdentityDto;
}

function acceptHttpToolImportDto(input: unknown): dto.HttpToolImportDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["document"] === undefined) return undefined;
  const out = new dto.HttpToolImportDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "document": {
        if (!(isObject(value))) return undefined;
        break;
      }
      case "baseUrl": {
        if (value === undefined) break;
        if (!(isString(value) && maxLength(value as string, 2048))) return undefined;
        break;
      }
      case "prefix": {
        if (value === undefined) break;
        if (!(isString(value) && maxLength(value as string, 30) && matches(value as string, PATTERN_41))) return undefined;
        break;
      }
      case "operationIds": {
        if (value === undefined) break;
        if (!(isArray(value) && arrayMinSize(value, 1) && arrayMaxSize(value, 500) && arrayUnique(value))) return undefined;
        if (!(value as unknown[]).every((item) => isString(item) && minLength(item as string, 1) && maxLength(item as string, 200))) return undefined;
        value = [...(value as unknown[])];
        break;
      }
      case "category": {
        if (value === undefined) break;
        if (!(isIn(value, ALLOWED_13))) return undefined;
        break;
      }
      case "headers": {
        if (value === undefined) break;
        if (!(isObject(value) && isStringRecord(value, {"maxEntries":50,"maxLength":8192}))) return undefined;
        break;
      }
      case "auth": {
        if (value === null || value === undefined) break;
        const instance = isObject(value) ? acceptUpstreamAuthDto(value) : undefined;
        if (instance === undefined) return undefined;
        value = instance;
        break;
      }
      case "permissions": {
        if (value === undefined) break;
        if (!(isArray(value) && arrayMaxSize(value, 16) && arrayUnique(value))) return undefined;
        if (!(value as unknown[]).every((item) => isString(item) && maxLength(item as string, 100) && matches(item as string, PATTERN_9))) return undefined;
        value = [...(value as unknown[])];
        break;
      }
      case "timeoutMs": {
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 100) && max(value, 120000))) return undefined;
        break;
      }
      case "credentialScan": {
        if (value === undefined) break;
        if (!(isIn(value, ALLOWED_23))) return undefined;
        break;
      }
      case "dryRun": {
        if (value === undefined) break;
        if (!(isBoolean(value))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.HttpToolImportDto;
}

function acceptGetHttpToolParamsDto(input: unknown): dto.GetHttpToolParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.GetHttpToolParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.GetHttpToolParamsDto;
}

function acceptUpdateHttpToolParamsDto(input: unknown): dto.UpdateHttpToolParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.UpdateHttpToolParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.UpdateHttpToolParamsDto;
}

function acceptDeleteHttpToolParamsDto(input: unknown): dto.DeleteHttpToolParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.DeleteHttpToolParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.DeleteHttpToolParamsDto;
}

function acceptClearToolCacheQueryDto(input: unknown): dto.ClearToolCacheQueryDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.ClearToolCacheQueryDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "serverId": {
        if (value === undefined) break;
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      case "tool": {
        if (value === undefined) break;
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 200))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ClearToolCacheQueryDto;
}

function acceptListUsersQueryDto(input: unknown): dto.ListUsersQueryDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.ListUsersQueryDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "role": {
        if (value === undefined) break;
        if (!(isIn(value, ALLOWED_43))) return undefined;
        break;
      }
      case "status": {
        if (value === undefined) break;
        if (!(isIn(value, ALLOWED_44))) return undefined;
        break;
      }
      case "search": {
        if (value === undefined) break;
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 100))) return undefined;
        break;
      }
      case "page": {
        value = ((value: any) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))(value);
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 100000))) return undefined;
        break;
      }
      case "limit": {
        value = ((value: any) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))(value);
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 100))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ListUsersQueryDto;
}

function acceptCreateUserRequestDto(input: unknown): dto.CreateUserRequestDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["email"] === undefined || source["name"] === undefined || source["roles"] === undefined) return undefined;
  const out = new dto.CreateUserRequestDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "email": {
        value = ((value: any) => (typeof value === 'string' ? value.trim().toLowerCase() : value))(value);
        if (!(isEmail(value as string, {}) && maxLength(value as string, 254))) return undefined;
        break;
      }
      case "name": {
        value = ((value: any) => (typeof value === 'string' ? value.trim() : value))(value);
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 100))) return undefined;
        break;
      }
      case "organization": {
        value = ((value: any) => (typeof value === 'string' ? value.trim() : value))(value);
        if (value === undefined) break;
        if (!(isString(value) && maxLength(value as string, 100))) return undefined;
        break;
      }
      case "roles": {
        if (!(isArray(value) && arrayMinSize(value, 1) && arrayMaxSize(value, 3) && arrayUnique(value))) return undefined;
        if (!(value as unknown[]).every((item) => isIn(item, ALLOWED_43))) return undefined;
        value = [...(value as unknown[])];
        break;
      }
      case "permissions": {
        if (value === undefined) break;
        if (!(isArray(value) && arrayMaxSize(value, 64) && arrayUnique(value))) return undefined;
        if (!(value as unknown[]).every((item) => isString(item) && maxLength(item as string, 100) && matches(item as string, PATTERN_9))) return undefined;
        value = [...(value as unknown[])];
        break;
      }
      case "password": {
        if (value === undefined) break;
        if (!(isString(value) && minLength(value as string, 12) && maxLength(value as string, 128) && matches(value as string, PATTERN_0))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.CreateUserRequestDto;
}

function acceptUpdateUserRolesRequestDto(input: unknown): dto.UpdateUserRolesRequestDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["roles"] === undefined) return undefined;
  const out = new dto.UpdateUserRolesRequestDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "roles": {
        if (!(isArray(value) && arrayMinSize(value, 1) && arrayMaxSize(value, 3) && arrayUnique(value))) return undefined;
        if (!(value as unknown[]).every((item) => isIn(item, ALLOWED_43))) return undefined;
        value = [...(value as unknown[])];
        break;
      }
      case "permissions": {
        if (value === undefined) break;
        if (!(isArray(value) && arrayMaxSize(value, 64) && arrayUnique(value))) return undefined;
        if (!(value as unknown[]).every((item) => isString(item) && maxLength(item as string, 100) && matches(item as string, PATTERN_9))) return undefined;
        value = [...(value as unknown[])];
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.UpdateUserRolesRequestDto;
}

function acceptUpdateUserRolesParamsDto(input: unknown): dto.UpdateUserRolesParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.UpdateUserRolesParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.UpdateUserRolesParamsDto;
}

function acceptOrganizationAssignmentDto(input: unknown): dto.OrganizationAssignmentDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["organizationId"] === undefined) return undefined;
  const out = new dto.OrganizationAssignmentDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "organizationId": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      case "role": {
        if (value === undefined) break;
        if (!(isIn(value, ALLOWED_45))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.OrganizationAssignmentDto;
}

function acceptSetUserOrganizationParamsDto(input: unknown): dto.SetUserOrganizationParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.SetUserOrganizationParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.SetUserOrganizationParamsDto;
}

function acceptRemoveUserOrganizationParamsDto(input: unknown): dto.RemoveUserOrganizationParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.RemoveUserOrganizationParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.RemoveUserOrganizationParamsDto;
}

function acceptUpdateUserStatusRequestDto(input: unknown): dto.UpdateUserStatusRequestDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["status"] === undefined) return undefined;
  const out = new dto.UpdateUserStatusRequestDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "status": {
        if (!(isIn(value, ALLOWED_44))) return undefined;
        break;
      }
      case "reason": {
        value = ((value: any) => (typeof value === 'string' ? value.trim() : value))(value);
        if (value === undefined) break;
        if (!(isString(value) && maxLength(value as string, 500))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.UpdateUserStatusRequestDto;
}

function acceptUpdateUserStatusParamsDto(input: unknown): dto.UpdateUserStatusParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.UpdateUserStatusParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.UpdateUserStatusParamsDto;
}

function acceptResetUserPasswordParamsDto(input: unknown): dto.ResetUserPasswordParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.ResetUserPasswordParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ResetUserPasswordParamsDto;
}

function acceptListUserApiKeysParamsDto(input: unknown): dto.ListUserApiKeysParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.ListUserApiKeysParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ListUserApiKeysParamsDto;
}

function acceptCreateUserApiKeyParamsDto(input: unknown): dto.CreateUserApiKeyParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.CreateUserApiKeyParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.CreateUserApiKeyParamsDto;
}

function acceptRevokeUserApiKeyParamsDto(input: unknown): dto.RevokeUserApiKeyParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined || source["keyId"] === undefined) return undefined;
  const out = new dto.RevokeUserApiKeyParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      case "keyId": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.RevokeUserApiKeyParamsDto;
}

function acceptListUserOAuthGrantsParamsDto(input: unknown): dto.ListUserOAuthGrantsParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.ListUserOAuthGrantsParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ListUserOAuthGrantsParamsDto;
}

function acceptRevokeUserOAuthGrantParamsDto(input: unknown): dto.RevokeUserOAuthGrantParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined || source["clientId"] === undefined) return undefined;
  const out = new dto.RevokeUserOAuthGrantParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      case "clientId": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.RevokeUserOAuthGrantParamsDto;
}

function acceptEmailTokenRequestDto(input: unknown): dto.EmailTokenRequestDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["token"] === undefined) return undefined;
  const out = new dto.EmailTokenRequestDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "token": {
        if (!(isString(value) && minLength(value as string, 16) && maxLength(value as string, 256))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.EmailTokenRequestDto;
}

function acceptForgotPasswordRequestDto(input: unknown): dto.ForgotPasswordRequestDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["email"] === undefined) return undefined;
  const out = new dto.ForgotPasswordRequestDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "email": {
        value = ((value: any) => (typeof value === 'string' ? value.trim().toLowerCase() : value))(value);
        if (!(isEmail(value as string, {}) && maxLength(value as string, 320))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ForgotPasswordRequestDto;
}

function acceptSetPasswordRequestDto(input: unknown): dto.SetPasswordRequestDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["token"] === undefined || source["password"] === undefined) return undefined;
  const out = new dto.SetPasswordRequestDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "token": {
        if (!(isString(value) && minLength(value as string, 16) && maxLength(value as string, 256))) return undefined;
        break;
      }
      case "password": {
        if (!(isString(value) && minLength(value as string, 12) && maxLength(value as string, 128) && matches(value as string, PATTERN_0))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.SetPasswordRequestDto;
}

function acceptListMyOrganizationUsersQueryDto(input: unknown): dto.ListMyOrganizationUsersQueryDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.ListMyOrganizationUsersQueryDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "page": {
        value = ((value: any) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))(value);
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 100000))) return undefined;
        break;
      }
      case "limit": {
        value = ((value: any) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))(value);
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 100))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ListMyOrganizationUsersQueryDto;
}

function acceptListMyOrganizationServicesQueryDto(input: unknown): dto.ListMyOrganizationServicesQueryDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.ListMyOrganizationServicesQueryDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "page": {
        value = ((value: any) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))(value);
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 100000))) return undefined;
        break;
      }
      case "limit": {
        value = ((value: any) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))(value);
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 100))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ListMyOrganizationServicesQueryDto;
}

function acceptConfigureMyOrganizationServiceParamsDto(input: unknown): dto.ConfigureMyOrganizationServiceParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["serviceId"] === undefined) return undefined;
  const out = new dto.ConfigureMyOrganizationServiceParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "serviceId": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ConfigureMyOrganizationServiceParamsDto;
}

function acceptRemoveMyOrganizationServiceConfigurationParamsDto(input: unknown): dto.RemoveMyOrganizationServiceConfigurationParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["serviceId"] === undefined) return undefined;
  const out = new dto.RemoveMyOrganizationServiceConfigurationParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "serviceId": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.RemoveMyOrganizationServiceConfigurationParamsDto;
}

function acceptGetMyOrganizationUsageQueryDto(input: unknown): dto.GetMyOrganizationUsageQueryDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.GetMyOrganizationUsageQueryDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "days": {
        value = ((value: any) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))(value);
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 366))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.GetMyOrganizationUsageQueryDto;
}

function acceptRemoveMyOrganizationUserParamsDto(input: unknown): dto.RemoveMyOrganizationUserParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["userId"] === undefined) return undefined;
  const out = new dto.RemoveMyOrganizationUserParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "userId": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.RemoveMyOrganizationUserParamsDto;
}

function acceptListOrganizationsQueryDto(input: unknown): dto.ListOrganizationsQueryDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.ListOrganizationsQueryDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "q": {
        if (value === undefined) break;
        if (!(isString(value) && maxLength(value as string, 100))) return undefined;
        break;
      }
      case "page": {
        value = ((value: any) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))(value);
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 100000))) return undefined;
        break;
      }
      case "limit": {
        value = ((value: any) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))(value);
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 100))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ListOrganizationsQueryDto;
}

function acceptOrganizationInputDto(input: unknown): dto.OrganizationInputDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["name"] === undefined) return undefined;
  const out = new dto.OrganizationInputDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "name": {
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 200))) return undefined;
        break;
      }
      case "plan": {
        if (value === undefined) break;
        const instance = isObject(value) ? acceptOrganizationPlanDto(value) : undefined;
        if (instance === undefined) return undefined;
        value = instance;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.OrganizationInputDto;
}

function acceptOrganizationPlanDto(input: unknown): dto.OrganizationPlanDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["name"] === undefined) return undefined;
  const out = new dto.OrganizationPlanDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (value === undefined) break;
        if (!(isString(value) && maxLength(value as string, 64))) return undefined;
        break;
      }
      case "name": {
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 100))) return undefined;
        break;
      }
      case "features": {
        if (value === undefined) break;
        if (!(isArray(value) && arrayMaxSize(value, 20))) return undefined;
        if (!(value as unknown[]).every((item) => isString(item) && maxLength(item as string, 200))) return undefined;
        value = [...(value as unknown[])];
        break;
      }
      case "maxUsers": {
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 1000000))) return undefined;
        break;
      }
      case "dailyToolRuns": {
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 100000000))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.OrganizationPlanDto;
}

function acceptGetOrganizationParamsDto(input: unknown): dto.GetOrganizationParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.GetOrganizationParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.GetOrganizationParamsDto;
}

function acceptUpdateOrganizationParamsDto(input: unknown): dto.UpdateOrganizationParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.UpdateOrganizationParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.UpdateOrganizationParamsDto;
}

function acceptDeleteOrganizationParamsDto(input: unknown): dto.DeleteOrganizationParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.DeleteOrganizationParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.DeleteOrganizationParamsDto;
}

function acceptGetOrganizationUsageQueryDto(input: unknown): dto.GetOrganizationUsageQueryDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.GetOrganizationUsageQueryDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "days": {
        value = ((value: any) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))(value);
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 366))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.GetOrganizationUsageQueryDto;
}

function acceptGetOrganizationUsageParamsDto(input: unknown): dto.GetOrganizationUsageParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.GetOrganizationUsageParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.GetOrganizationUsageParamsDto;
}

function acceptListOrganizationUsersQueryDto(input: unknown): dto.ListOrganizationUsersQueryDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.ListOrganizationUsersQueryDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "page": {
        value = ((value: any) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))(value);
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 100000))) return undefined;
        break;
      }
      case "limit": {
        value = ((value: any) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))(value);
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 100))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ListOrganizationUsersQueryDto;
}

function acceptListOrganizationUsersParamsDto(input: unknown): dto.ListOrganizationUsersParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.ListOrganizationUsersParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ListOrganizationUsersParamsDto;
}

function acceptListAuditLogsQueryDto(input: unknown): dto.ListAuditLogsQueryDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.ListAuditLogsQueryDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "startDate": {
        if (value === undefined) break;
        if (!(isISO8601(value as string, { strict: true }))) return undefined;
        break;
      }
      case "endDate": {
        if (value === undefined) break;
        if (!(isISO8601(value as string, { strict: true }))) return undefined;
        break;
      }
      case "userId": {
        if (value === undefined) break;
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      case "action": {
        if (value === undefined) break;
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 64) && matches(value as string, PATTERN_46))) return undefined;
        break;
      }
      case "severity": {
        if (value === undefined) break;
        if (!(isIn(value, ALLOWED_47))) return undefined;
        break;
      }
      case "apiKeyId": {
        if (value === undefined) break;
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      case "resource": {
        if (value === undefined) break;
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 255))) return undefined;
        break;
      }
      case "page": {
        value = ((value: any) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))(value);
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 10000))) return undefined;
        break;
      }
      case "cursor": {
        if (value === undefined) break;
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 200))) return undefined;
        break;
      }
      case "limit": {
        value = ((value: any) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))(value);
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 1000))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ListAuditLogsQueryDto;
}

function acceptExportAuditLogsQueryDto(input: unknown): dto.ExportAuditLogsQueryDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.ExportAuditLogsQueryDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "format": {
        if (value === undefined) break;
        if (!(isIn(value, ALLOWED_48))) return undefined;
        break;
      }
      case "startDate": {
        if (value === undefined) break;
        if (!(isISO8601(value as string, { strict: true }))) return undefined;
        break;
      }
      case "endDate": {
        if (value === undefined) break;
        if (!(isISO8601(value as string, { strict: true }))) return undefined;
        break;
      }
      case "userId": {
        if (value === undefined) break;
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      case "action": {
        if (value === undefined) break;
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 64) && matches(value as string, PATTERN_46))) return undefined;
        break;
      }
      case "severity": {
        if (value === undefined) break;
        if (!(isIn(value, ALLOWED_47))) return undefined;
        break;
      }
      case "apiKeyId": {
        if (value === undefined) break;
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      case "resource": {
        if (value === undefined) break;
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 255))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ExportAuditLogsQueryDto;
}

function acceptListOAuthClientsQueryDto(input: unknown): dto.ListOAuthClientsQueryDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.ListOAuthClientsQueryDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "page": {
        value = ((value: any) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))(value);
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 100000))) return undefined;
        break;
      }
      case "limit": {
        value = ((value: any) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))(value);
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 100))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ListOAuthClientsQueryDto;
}

function acceptListOAuthClientGrantsQueryDto(input: unknown): dto.ListOAuthClientGrantsQueryDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.ListOAuthClientGrantsQueryDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "page": {
        value = ((value: any) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))(value);
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 100000))) return undefined;
        break;
      }
      case "limit": {
        value = ((value: any) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))(value);
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 100))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ListOAuthClientGrantsQueryDto;
}

function acceptListOAuthClientGrantsParamsDto(input: unknown): dto.ListOAuthClientGrantsParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.ListOAuthClientGrantsParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ListOAuthClientGrantsParamsDto;
}

function acceptDeleteOAuthClientParamsDto(input: unknown): dto.DeleteOAuthClientParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.DeleteOAuthClientParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.DeleteOAuthClientParamsDto;
}

function acceptCreateWebhookRequestDto(input: unknown): dto.CreateWebhookRequestDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["url"] === undefined || source["events"] === undefined) return undefined;
  const out = new dto.CreateWebhookRequestDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "url": {
        value = ((value: any) => (typeof value === 'string' ? value.trim() : value))(value);
        if (!(isURL(value as string, { require_tld: false, require_protocol: true, protocols: ['http', 'https'] }) && maxLength(value as string, 2048) && matches(value as string, PATTERN_49))) return undefined;
        break;
      }
      case "events": {
        if (!(isArray(value) && arrayMinSize(value, 1) && arrayMaxSize(value, 8) && arrayUnique(value))) return undefined;
        if (!(value as unknown[]).every((item) => isIn(item, ALLOWED_50))) return undefined;
        value = [...(value as unknown[])];
        break;
      }
      case "secret": {
        if (value === undefined) break;
        if (!(isString(value) && minLength(value as string, 16) && maxLength(value as string, 256))) return undefined;
        break;
      }
      case "active": {
        if (value === undefined) break;
        if (!(isBoolean(value))) return undefined;
        break;
      }
      case "description": {
        value = ((value: any) => (typeof value === 'string' ? value.trim() : value))(value);
        if (value === undefined) break;
        if (!(isString(value) && maxLength(value as string, 500))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.CreateWebhookRequestDto;
}

function acceptGetWebhookParamsDto(input: unknown): dto.GetWebhookParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.GetWebhookParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.GetWebhookParamsDto;
}

function acceptUpdateWebhookRequestDto(input: unknown): dto.UpdateWebhookRequestDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["url"] === undefined || source["events"] === undefined) return undefined;
  const out = new dto.UpdateWebhookRequestDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "url": {
        value = ((value: any) => (typeof value === 'string' ? value.trim() : value))(value);
        if (!(isURL(value as string, { require_tld: false, require_protocol: true, protocols: ['http', 'https'] }) && maxLength(value as string, 2048) && matches(value as string, PATTERN_49))) return undefined;
        break;
      }
      case "events": {
        if (!(isArray(value) && arrayMinSize(value, 1) && arrayMaxSize(value, 8) && arrayUnique(value))) return undefined;
        if (!(value as unknown[]).every((item) => isIn(item, ALLOWED_50))) return undefined;
        value = [...(value as unknown[])];
        break;
      }
      case "secret": {
        if (value === undefined) break;
        if (!(isString(value) && minLength(value as string, 16) && maxLength(value as string, 256))) return undefined;
        break;
      }
      case "active": {
        if (value === undefined) break;
        if (!(isBoolean(value))) return undefined;
        break;
      }
      case "description": {
        value = ((value: any) => (typeof value === 'string' ? value.trim() : value))(value);
        if (value === undefined) break;
        if (!(isString(value) && maxLength(value as string, 500))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.UpdateWebhookRequestDto;
}

function acceptUpdateWebhookParamsDto(input: unknown): dto.UpdateWebhookParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.UpdateWebhookParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.UpdateWebhookParamsDto;
}

function acceptDeleteWebhookParamsDto(input: unknown): dto.DeleteWebhookParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.DeleteWebhookParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.DeleteWebhookParamsDto;
}

function acceptTestWebhookParamsDto(input: unknown): dto.TestWebhookParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.TestWebhookParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.TestWebhookParamsDto;
}

function acceptListWebhookDeliveriesQueryDto(input: unknown): dto.ListWebhookDeliveriesQueryDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.ListWebhookDeliveriesQueryDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "status": {
        if (value === undefined) break;
        if (!(isIn(value, ALLOWED_51))) return undefined;
        break;
      }
      case "page": {
        value = ((value: any) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))(value);
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 10000))) return undefined;
        break;
      }
      case "limit": {
        value = ((value: any) => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value))(value);
        if (value === undefined) break;
        if (!(isInt(value) && min(value, 1) && max(value, 100))) return undefined;
        break;
      }
      case "cursor": {
        if (value === undefined) break;
        if (!(isString(value) && minLength(value as string, 1) && maxLength(value as string, 200))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ListWebhookDeliveriesQueryDto;
}

function acceptListWebhookDeliveriesParamsDto(input: unknown): dto.ListWebhookDeliveriesParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["id"] === undefined) return undefined;
  const out = new dto.ListWebhookDeliveriesParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "id": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.ListWebhookDeliveriesParamsDto;
}

function acceptStreamEventsQueryDto(input: unknown): dto.StreamEventsQueryDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out = new dto.StreamEventsQueryDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "types": {
        if (value === undefined) break;
        if (!(isString(value) && maxLength(value as string, 500) && matches(value as string, PATTERN_52))) return undefined;
        break;
      }
      case "servers": {
        if (value === undefined) break;
        if (!(isString(value) && maxLength(value as string, 760) && matches(value as string, PATTERN_53))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.StreamEventsQueryDto;
}

function acceptMcpStreamContextParamsDto(input: unknown): dto.McpStreamContextParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["contextId"] === undefined) return undefined;
  const out = new dto.McpStreamContextParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "contextId": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.McpStreamContextParamsDto;
}

function acceptMcpPostContextParamsDto(input: unknown): dto.McpPostContextParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["contextId"] === undefined) return undefined;
  const out = new dto.McpPostContextParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "contextId": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.McpPostContextParamsDto;
}

function acceptMcpDeleteContextParamsDto(input: unknown): dto.McpDeleteContextParamsDto | undefined {
  if (!isObject(input)) return undefined;
  const source = input as Record<string, unknown>;
  if (source["contextId"] === undefined) return undefined;
  const out = new dto.McpDeleteContextParamsDto() as unknown as Record<string, unknown>;
  // In the value's own order, as class-transformer builds the instance; a property the class does not declare is refused.
  for (const key of Object.keys(source)) {
    let value: unknown = source[key];
    switch (key) {
      case "contextId": {
        if (!(isUUID(value as string, undefined))) return undefined;
        break;
      }
      default:
        return undefined;
    }
    out[key] = value;
  }
  return out as unknown as dto.McpDeleteContextParamsDto;
}

acceptWith(dto.RegisterRequestDto, acceptRegisterRequestDto);
acceptWith(dto.LoginRequestDto, acceptLoginRequestDto);
acceptWith(dto.RefreshRequestDto, acceptRefreshRequestDto);
acceptWith(dto.MfaEnableRequestDto, acceptMfaEnableRequestDto);
acceptWith(dto.MfaVerifyRequestDto, acceptMfaVerifyRequestDto);
acceptWith(dto.MfaDisableRequestDto, acceptMfaDisableRequestDto);
acceptWith(dto.VerifyMfaRequestDto, acceptVerifyMfaRequestDto);
acceptWith(dto.SamlLoginQueryDto, acceptSamlLoginQueryDto);
acceptWith(dto.OAuthClientMetadataDto, acceptOAuthClientMetadataDto);
acceptWith(dto.OauthAuthorizeQueryDto, acceptOauthAuthorizeQueryDto);
acceptWith(dto.OauthFinishSsoQueryDto, acceptOauthFinishSsoQueryDto);
acceptWith(dto.OAuthTokenRequestDto, acceptOAuthTokenRequestDto);
acceptWith(dto.UpdateProfileRequestDto, acceptUpdateProfileRequestDto);
acceptWith(dto.ChangePasswordRequestDto, acceptChangePasswordRequestDto);
acceptWith(dto.CreateApiKeyRequestDto, acceptCreateApiKeyRequestDto);
acceptWith(dto.ApiKeyRateLimitDto, acceptApiKeyRateLimitDto);
acceptWith(dto.RevokeApiKeyParamsDto, acceptRevokeApiKeyParamsDto);
acceptWith(dto.UpdateApiKeyRequestDto, acceptUpdateApiKeyRequestDto);
acceptWith(dto.UpdateApiKeyRequestRateLimitDto, acceptUpdateApiKeyRequestRateLimitDto);
acceptWith(dto.UpdateApiKeyParamsDto, acceptUpdateApiKeyParamsDto);
acceptWith(dto.RotateApiKeyRequestDto, acceptRotateApiKeyRequestDto);
acceptWith(dto.RotateApiKeyParamsDto, acceptRotateApiKeyParamsDto);
acceptWith(dto.RevokeOAuthGrantParamsDto, acceptRevokeOAuthGrantParamsDto);
acceptWith(dto.AddFavoriteToolParamsDto, acceptAddFavoriteToolParamsDto);
acceptWith(dto.RemoveFavoriteToolParamsDto, acceptRemoveFavoriteToolParamsDto);
acceptWith(dto.ListMcpServicesQueryDto, acceptListMcpServicesQueryDto);
acceptWith(dto.GetMcpServiceParamsDto, acceptGetMcpServiceParamsDto);
acceptWith(dto.ConfigureMcpServiceRequestDto, acceptConfigureMcpServiceRequestDto);
acceptWith(dto.ConfigureMcpServiceParamsDto, acceptConfigureMcpServiceParamsDto);
acceptWith(dto.RemoveMcpServiceConfigurationParamsDto, acceptRemoveMcpServiceConfigurationParamsDto);
acceptWith(dto.ListMcpServiceResourcesParamsDto, acceptListMcpServiceResourcesParamsDto);
acceptWith(dto.ReadMcpResourceRequestDto, acceptReadMcpResourceRequestDto);
acceptWith(dto.ReadMcpServiceResourceParamsDto, acceptReadMcpServiceResourceParamsDto);
acceptWith(dto.ListMcpServicePromptsParamsDto, acceptListMcpServicePromptsParamsDto);
acceptWith(dto.GetMcpPromptRequestDto, acceptGetMcpPromptRequestDto);
acceptWith(dto.GetMcpServicePromptParamsDto, acceptGetMcpServicePromptParamsDto);
acceptWith(dto.ListToolsQueryDto, acceptListToolsQueryDto);
acceptWith(dto.GetToolParamsDto, acceptGetToolParamsDto);
acceptWith(dto.ExecuteToolRequestDto, acceptExecuteToolRequestDto);
acceptWith(dto.ExecuteToolRequestContextDto, acceptExecuteToolRequestContextDto);
acceptWith(dto.ExecuteToolRequestOptionsDto, acceptExecuteToolRequestOptionsDto);
acceptWith(dto.ExecuteToolParamsDto, acceptExecuteToolParamsDto);
acceptWith(dto.ListRecentToolsQueryDto, acceptListRecentToolsQueryDto);
acceptWith(dto.GetToolStatsQueryDto, acceptGetToolStatsQueryDto);
acceptWith(dto.ListExecutionsQueryDto, acceptListExecutionsQueryDto);
acceptWith(dto.GetToolExecutionParamsDto, acceptGetToolExecutionParamsDto);
acceptWith(dto.CancelExecutionRequestDto, acceptCancelExecutionRequestDto);
acceptWith(dto.CancelToolExecutionParamsDto, acceptCancelToolExecutionParamsDto);
acceptWith(dto.ListToolExecutionsQueryDto, acceptListToolExecutionsQueryDto);
acceptWith(dto.ListToolExecutionsParamsDto, acceptListToolExecutionsParamsDto);
acceptWith(dto.ListContextsQueryDto, acceptListContextsQueryDto);
acceptWith(dto.CreateContextRequestDto, acceptCreateContextRequestDto);
acceptWith(dto.ContextSettingsDto, acceptContextSettingsDto);
acceptWith(dto.ContextSettingsRetryPolicyDto, acceptContextSettingsRetryPolicyDto);
acceptWith(dto.GetContextParamsDto, acceptGetContextParamsDto);
acceptWith(dto.UpdateContextRequestDto, acceptUpdateContextRequestDto);
acceptWith(dto.UpdateContextParamsDto, acceptUpdateContextParamsDto);
acceptWith(dto.DeleteContextParamsDto, acceptDeleteContextParamsDto);
acceptWith(dto.ListSessionsQueryDto, acceptListSessionsQueryDto);
acceptWith(dto.TerminateSessionParamsDto, acceptTerminateSessionParamsDto);
acceptWith(dto.ListServersQueryDto, acceptListServersQueryDto);
acceptWith(dto.UpstreamServerInputDto, acceptUpstreamServerInputDto);
acceptWith(dto.UpstreamTransportDto, acceptUpstreamTransportDto);
acceptWith(dto.UpstreamTlsDto, acceptUpstreamTlsDto);
acceptWith(dto.UpstreamServerInputTimeoutsDto, acceptUpstreamServerInputTimeoutsDto);
acceptWith(dto.UpstreamServerInputHealthCheckDto, acceptUpstreamServerInputHealthCheckDto);
acceptWith(dto.UpstreamReplicasDto, acceptUpstreamReplicasDto);
acceptWith(dto.UpstreamRateLimitsDto, acceptUpstreamRateLimitsDto);
acceptWith(dto.UpstreamCacheDto, acceptUpstreamCacheDto);
acceptWith(dto.UpstreamAuthDto, acceptUpstreamAuthDto);
acceptWith(dto.UpstreamUserConfigDto, acceptUpstreamUserConfigDto);
acceptWith(dto.UpstreamToolFilterDto, acceptUpstreamToolFilterDto);
acceptWith(dto.UpstreamServerInputMetadataDto, acceptUpstreamServerInputMetadataDto);
acceptWith(dto.GetServerParamsDto, acceptGetServerParamsDto);
acceptWith(dto.UpdateServerParamsDto, acceptUpdateServerParamsDto);
acceptWith(dto.DeleteServerParamsDto, acceptDeleteServerParamsDto);
acceptWith(dto.UpstreamServerPatchDto, acceptUpstreamServerPatchDto);
acceptWith(dto.PatchServerParamsDto, acceptPatchServerParamsDto);
acceptWith(dto.ConnectServerParamsDto, acceptConnectServerParamsDto);
acceptWith(dto.ApproveServerToolsParamsDto, acceptApproveServerToolsParamsDto);
acceptWith(dto.ListServerUserConfigsQueryDto, acceptListServerUserConfigsQueryDto);
acceptWith(dto.ListServerUserConfigsParamsDto, acceptListServerUserConfigsParamsDto);
acceptWith(dto.DeleteServerUserConfigParamsDto, acceptDeleteServerUserConfigParamsDto);
acceptWith(dto.ListServerOrganizationConfigsQueryDto, acceptListServerOrganizationConfigsQueryDto);
acceptWith(dto.ListServerOrganizationConfigsParamsDto, acceptListServerOrganizationConfigsParamsDto);
acceptWith(dto.DeleteServerOrganizationConfigParamsDto, acceptDeleteServerOrganizationConfigParamsDto);
acceptWith(dto.DisconnectServerParamsDto, acceptDisconnectServerParamsDto);
acceptWith(dto.ServerBulkRequestDto, acceptServerBulkRequestDto);
acceptWith(dto.BulkServerActionParamsDto, acceptBulkServerActionParamsDto);
acceptWith(dto.ListServerTemplatesQueryDto, acceptListServerTemplatesQueryDto);
acceptWith(dto.ServerTemplateInstanceDto, acceptServerTemplateInstanceDto);
acceptWith(dto.InstantiateServerTemplateParamsDto, acceptInstantiateServerTemplateParamsDto);
acceptWith(dto.ServerGroupInputDto, acceptServerGroupInputDto);
acceptWith(dto.GetServerGroupParamsDto, acceptGetServerGroupParamsDto);
acceptWith(dto.UpdateServerGroupParamsDto, acceptUpdateServerGroupParamsDto);
acceptWith(dto.DeleteServerGroupParamsDto, acceptDeleteServerGroupParamsDto);
acceptWith(dto.ServerGroupMembersDto, acceptServerGroupMembersDto);
acceptWith(dto.AddServersToGroupParamsDto, acceptAddServersToGroupParamsDto);
acceptWith(dto.RemoveServerFromGroupParamsDto, acceptRemoveServerFromGroupParamsDto);
acceptWith(dto.ConnectServerGroupParamsDto, acceptConnectServerGroupParamsDto);
acceptWith(dto.DisconnectServerGroupParamsDto, acceptDisconnectServerGroupParamsDto);
acceptWith(dto.ToolSettingsUpdateDto, acceptToolSettingsUpdateDto);
acceptWith(dto.UpdateToolSettingsParamsDto, acceptUpdateToolSettingsParamsDto);
acceptWith(dto.HttpToolInputDto, acceptHttpToolInputDto);
acceptWith(dto.RateLimitDto, acceptRateLimitDto);
acceptWith(dto.HttpToolIdentityDto, acceptHttpToolIdentityDto);
acceptWith(dto.HttpToolImportDto, acceptHttpToolImportDto);
acceptWith(dto.GetHttpToolParamsDto, acceptGetHttpToolParamsDto);
acceptWith(dto.UpdateHttpToolParamsDto, acceptUpdateHttpToolParamsDto);
acceptWith(dto.DeleteHttpToolParamsDto, acceptDeleteHttpToolParamsDto);
acceptWith(dto.ClearToolCacheQueryDto, acceptClearToolCacheQueryDto);
acceptWith(dto.ListUsersQueryDto, acceptListUsersQueryDto);
acceptWith(dto.CreateUserRequestDto, acceptCreateUserRequestDto);
acceptWith(dto.UpdateUserRolesRequestDto, acceptUpdateUserRolesRequestDto);
acceptWith(dto.UpdateUserRolesParamsDto, acceptUpdateUserRolesParamsDto);
acceptWith(dto.OrganizationAssignmentDto, acceptOrganizationAssignmentDto);
acceptWith(dto.SetUserOrganizationParamsDto, acceptSetUserOrganizationParamsDto);
acceptWith(dto.RemoveUserOrganizationParamsDto, acceptRemoveUserOrganizationParamsDto);
acceptWith(dto.UpdateUserStatusRequestDto, acceptUpdateUserStatusRequestDto);
acceptWith(dto.UpdateUserStatusParamsDto, acceptUpdateUserStatusParamsDto);
acceptWith(dto.ResetUserPasswordParamsDto, acceptResetUserPasswordParamsDto);
acceptWith(dto.ListUserApiKeysParamsDto, acceptListUserApiKeysParamsDto);
acceptWith(dto.CreateUserApiKeyParamsDto, acceptCreateUserApiKeyParamsDto);
acceptWith(dto.RevokeUserApiKeyParamsDto, acceptRevokeUserApiKeyParamsDto);
acceptWith(dto.ListUserOAuthGrantsParamsDto, acceptListUserOAuthGrantsParamsDto);
acceptWith(dto.RevokeUserOAuthGrantParamsDto, acceptRevokeUserOAuthGrantParamsDto);
acceptWith(dto.EmailTokenRequestDto, acceptEmailTokenRequestDto);
acceptWith(dto.ForgotPasswordRequestDto, acceptForgotPasswordRequestDto);
acceptWith(dto.SetPasswordRequestDto, acceptSetPasswordRequestDto);
acceptWith(dto.ListMyOrganizationUsersQueryDto, acceptListMyOrganizationUsersQueryDto);
acceptWith(dto.ListMyOrganizationServicesQueryDto, acceptListMyOrganizationServicesQueryDto);
acceptWith(dto.ConfigureMyOrganizationServiceParamsDto, acceptConfigureMyOrganizationServiceParamsDto);
acceptWith(dto.RemoveMyOrganizationServiceConfigurationParamsDto, acceptRemoveMyOrganizationServiceConfigurationParamsDto);
acceptWith(dto.GetMyOrganizationUsageQueryDto, acceptGetMyOrganizationUsageQueryDto);
acceptWith(dto.RemoveMyOrganizationUserParamsDto, acceptRemoveMyOrganizationUserParamsDto);
acceptWith(dto.ListOrganizationsQueryDto, acceptListOrganizationsQueryDto);
acceptWith(dto.OrganizationInputDto, acceptOrganizationInputDto);
acceptWith(dto.OrganizationPlanDto, acceptOrganizationPlanDto);
acceptWith(dto.GetOrganizationParamsDto, acceptGetOrganizationParamsDto);
acceptWith(dto.UpdateOrganizationParamsDto, acceptUpdateOrganizationParamsDto);
acceptWith(dto.DeleteOrganizationParamsDto, acceptDeleteOrganizationParamsDto);
acceptWith(dto.GetOrganizationUsageQueryDto, acceptGetOrganizationUsageQueryDto);
acceptWith(dto.GetOrganizationUsageParamsDto, acceptGetOrganizationUsageParamsDto);
acceptWith(dto.ListOrganizationUsersQueryDto, acceptListOrganizationUsersQueryDto);
acceptWith(dto.ListOrganizationUsersParamsDto, acceptListOrganizationUsersParamsDto);
acceptWith(dto.ListAuditLogsQueryDto, acceptListAuditLogsQueryDto);
acceptWith(dto.ExportAuditLogsQueryDto, acceptExportAuditLogsQueryDto);
acceptWith(dto.ListOAuthClientsQueryDto, acceptListOAuthClientsQueryDto);
acceptWith(dto.ListOAuthClientGrantsQueryDto, acceptListOAuthClientGrantsQueryDto);
acceptWith(dto.ListOAuthClientGrantsParamsDto, acceptListOAuthClientGrantsParamsDto);
acceptWith(dto.DeleteOAuthClientParamsDto, acceptDeleteOAuthClientParamsDto);
acceptWith(dto.CreateWebhookRequestDto, acceptCreateWebhookRequestDto);
acceptWith(dto.GetWebhookParamsDto, acceptGetWebhookParamsDto);
acceptWith(dto.UpdateWebhookRequestDto, acceptUpdateWebhookRequestDto);
acceptWith(dto.UpdateWebhookParamsDto, acceptUpdateWebhookParamsDto);
acceptWith(dto.DeleteWebhookParamsDto, acceptDeleteWebhookParamsDto);
acceptWith(dto.TestWebhookParamsDto, acceptTestWebhookParamsDto);
acceptWith(dto.ListWebhookDeliveriesQueryDto, acceptListWebhookDeliveriesQueryDto);
acceptWith(dto.ListWebhookDeliveriesParamsDto, acceptListWebhookDeliveriesParamsDto);
acceptWith(dto.StreamEventsQueryDto, acceptStreamEventsQueryDto);
acceptWith(dto.McpStreamContextParamsDto, acceptMcpStreamContextParamsDto);
acceptWith(dto.McpPostContextParamsDto, acceptMcpPostContextParamsDto);
acceptWith(dto.McpDeleteContextParamsDto, acceptMcpDeleteContextParamsDto);
