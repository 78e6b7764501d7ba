import { ApiError } from '@app/common';
import type { UpstreamAuthDto } from '@app/contracts';
import type { SecretBox } from '@app/security';
import type { UpstreamAuthSettings } from './upstream-auth';
import type { StoredAuth } from './upstream-server.entity';
import { MASK } from './secret-scrubber';

/** Where each stored secret may still go after an edit: the key to the same server, the client secret to the same token endpoint. */
export interface AuthDestination {
  readonly sameServer: boolean;
}

/**
 * The auth to store, its secrets sealed. A masked secret keeps the stored one only where it goes
 * to the same place: an API key to the same server, a client secret to the same token endpoint.
 */
export function sealAuth(secrets: SecretBox, auth: UpstreamAuthDto | null | undefined, previous: StoredAuth | null | undefined, destination: AuthDestination): StoredAuth | null {
  if (!auth || auth.type === 'none') return auth ? { type: 'none' } : null;
  const seal = (field: 'key' | 'clientSecret', value: string | undefined, keep: boolean): string | undefined => {
    if (value !== MASK) return value === undefined ? undefined : secrets.encrypt(value);
    const before = previous?.type === auth.type ? previous[field] : undefined;
    if (keep && before) return before;
    const message = before ? `send ${field} again: a stored secret goes only where it was given for` : `${field} has no stored value to keep: send it`;
    throw ApiError.validation(message, [{ field: `auth.${field}`, message, code: 'MASKED_VALUE' }]);
  };
  if (auth.type === 'api_key') {
    const key = seal('key', auth.key, destination.sameServer);
    return { type: 'api_key', key, header: auth.header ?? 'Authorization', prefix: auth.prefix ?? 'Bearer' };
  }
  return {
    type: 'oauth2',
    tokenUrl: auth.tokenUrl,
    clientId: auth.clientId,
    // The secret goes to tokenUrl, and the tokens it gets to the server's endpoints: both must stay.
    clientSecret: seal('clientSecret', auth.clientSecret, previous?.tokenUrl === auth.tokenUrl && destination.sameServer),
    ...(auth.clientAuthMethod ? { clientAuthMethod: auth.clientAuthMethod } : {}),
    ...(auth.scopes ? { scopes: [...auth.scopes] } : {}),
    ...(auth.resource ? { resource: auth.resource } : {}),
  };
}

export function unsealAuth(secrets: SecretBox, stored: StoredAuth | null): UpstreamAuthSettings | undefined {
  if (!stored || stored.type === 'none') return undefined;
  if (stored.type === 'api_key') return { type: 'api_key', key: secrets.decrypt(stored.key as string), header: stored.header ?? 'Authorization', prefix: stored.prefix ?? 'Bearer' };
  return {
    type: 'oauth2',
    tokenUrl: stored.tokenUrl as string,
    clientId: stored.clientId as string,
    clientSecret: secrets.decrypt(stored.clientSecret as string),
    ...(stored.clientAuthMethod ? { clientAuthMethod: stored.clientAuthMethod } : {}),
    ...(stored.scopes ? { scopes: stored.scopes } : {}),
    ...(stored.resource ? { resource: stored.resource } : {}),
  };
}

/** The stored auth as answered: its secrets masked. */
export function maskedAuth(stored: StoredAuth | null): StoredAuth | null {
  return stored ? { ...stored, ...(stored.key ? { key: MASK } : {}), ...(stored.clientSecret ? { clientSecret: MASK } : {}) } : null;
}
