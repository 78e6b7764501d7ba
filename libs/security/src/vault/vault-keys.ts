import { AppConfig, type SecretKeys, secretKeysFrom, type VaultConfig } from '@app/config';
import { Injectable, Logger } from '@nestjs/common';
import { Agent } from 'undici';

const REQUEST_TIMEOUT_MS = 5_000;
// The public detailed report asks Vault at most this often, however often it is asked.
const HEALTH_TTL_MS = 2_000;
// Start waits this long in all for a Vault that is restarting (503) or not yet reachable.
const RETRY_DELAYS_MS = [500, 1_000, 2_000, 4_000];

/** Vault's answer to GET /v1/sys/health (the fields the report shows). */
export interface VaultHealth {
  readonly status: 'healthy' | 'unhealthy';
  readonly latency: number;
  readonly sealed?: boolean;
  readonly version?: string;
  readonly error?: string;
}

/** Why Vault refused or failed, without the token; `retryable` when trying again may help. */
class VaultError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/**
 * The sealing keys from a HashiCorp Vault KV secret (fields SECRETS_KEY and SECRETS_PREVIOUS_KEYS,
 * the latter comma-separated or a list), read once at start with a token or after an AppRole
 * login, and Vault's health for the detailed report. Nothing is written to disk: a restart reads
 * the secret again.
 */
@Injectable()
export class VaultKeys {
  private readonly logger = new Logger('Vault');
  private lastHealth?: { readonly at: number; readonly answer: Promise<VaultHealth> };
  private agent?: Agent;

  constructor(private readonly config: AppConfig) {}

  get configured(): boolean {
    return this.config.vault !== undefined;
  }

  /**
   * The keys, checked as SECRETS_KEY would be; retried while Vault is unreachable or unavailable,
   * refused at once when it says no. With an AppRole, one login (its secret_id may be good for one
   * use), and the token it gave revoked once read: the gateway keeps no Vault token.
   */
  async readKeys(): Promise<SecretKeys> {
    const vault = this.settings();
    const auth = vault.auth;
    let token = auth.method === 'token' ? auth.token : undefined;
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          token ??= await this.appRoleLogin(vault);
          return keysOf(await this.request(vault, 'GET', `/v1/${vault.secretPath}`, token), vault.secretPath);
        } catch (error) {
          const retryable = error instanceof VaultError && error.retryable;
          if (!retryable || attempt >= RETRY_DELAYS_MS.length) throw new Error(`Could not read the sealing keys from Vault: ${(error as Error).message}`);
          this.logger.warn(`reading ${vault.secretPath} failed (${(error as Error).message}); trying again`);
          await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS_MS[attempt]));
        }
      }
    } finally {
      if (auth.method === 'approle' && token !== undefined) await this.revoke(vault, token);
    }
  }

  private async revoke(vault: VaultConfig, token: string): Promise<void> {
    await this.request(vault, 'POST', '/v1/auth/token/revoke-self', token).catch((error: unknown) => this.logger.warn(`the AppRole login's token could not be revoked (${(error as Error).message}); it lapses at the end of its TTL`));
  }

  private async appRoleLogin(vault: VaultConfig): Promise<string> {
    const auth = vault.auth;
    if (auth.method !== 'approle') throw new VaultError('no token to read the secret with', false);
    const answer = (await this.request(vault, 'POST', `/v1/auth/${auth.mount}/login`, undefined, { role_id: auth.roleId, secret_id: auth.secretId })) as { auth?: { client_token?: unknown } } | undefined;
    const token = answer?.auth?.client_token;
    if (typeof token !== 'string' || token === '') throw new VaultError(`the AppRole login at auth/${auth.mount} gave no client_token`, false);
    return token;
  }

  /** Unsealed and answering (active, or a standby that can serve) is healthy; asked at most every HEALTH_TTL_MS. */
  health(): Promise<VaultHealth> {
    const now = Date.now();
    if (this.lastHealth && now - this.lastHealth.at < HEALTH_TTL_MS) return this.lastHealth.answer;
    const answer = this.askHealth();
    this.lastHealth = { at: now, answer };
    return answer;
  }

  /** sys/health needs no token, so none is sent. */
  private async askHealth(): Promise<VaultHealth> {
    const vault = this.settings();
    const started = performance.now();
    const latency = (): number => Math.round((performance.now() - started) * 100) / 100;
    try {
      const response = await fetch(`${vault.address}/v1/sys/health?standbyok=true&perfstandbyok=true`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS), ...this.dispatcher(vault) });
      const body = (await response.json().catch(() => ({}))) as { sealed?: unknown; version?: unknown; initialized?: unknown };
      const sealed = typeof body.sealed === 'boolean' ? body.sealed : undefined;
      const version = typeof body.version === 'string' ? body.version.slice(0, 50) : undefined;
      const facts = { latency: latency(), ...(sealed === undefined ? {} : { sealed }), ...(version === undefined ? {} : { version }) };
      if (response.ok && sealed !== true) return { status: 'healthy', ...facts };
      const why = sealed ? 'sealed' : body.initialized === false ? 'not initialized' : `answering ${response.status}`;
      return { status: 'unhealthy', ...facts, error: `Vault is ${why}` };
    } catch (error) {
      return { status: 'unhealthy', latency: latency(), error: `Vault is not reachable: ${describe(error)}` };
    }
  }

  private settings(): VaultConfig {
    if (!this.config.vault) throw new Error('Vault is not configured (VAULT_ADDR)');
    return this.config.vault;
  }

  private async request(vault: VaultConfig, method: 'GET' | 'POST', path: string, token: string | undefined, body?: Record<string, string>): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${vault.address}${path}`, {
        method,
        headers: { ...headersFor(vault, token), ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        ...this.dispatcher(vault),
      });
    } catch (error) {
      // A certificate Vault's is not trusted, or not for its name, will not change while we wait.
      const certificate = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/.test(String((error as { cause?: { code?: unknown } }).cause?.code ?? ''));
      throw new VaultError(`not reachable at ${vault.address} (${describe(error)})`, !certificate);
    }
    const answer = (await response.json().catch(() => undefined)) as { errors?: unknown } | undefined;
    if (!response.ok) {
      const errors = Array.isArray(answer?.errors) ? answer.errors.filter((item): item is string => typeof item === 'string').join('; ').slice(0, 300) : '';
      // 5xx and 429 (a standby, a rate limit) may pass; 4xx (no permission, no such secret, a wrong secret_id) will not.
      throw new VaultError(`${method} ${path} answered ${response.status}${errors ? `: ${errors}` : ''}`, response.status >= 500 || response.status === 429);
    }
    return answer;
  }

  /** Fetch's way to Vault: through an agent trusting VAULT_CACERT when there is one. */
  private dispatcher(vault: VaultConfig): { dispatcher?: Agent } {
    if (!vault.caCert) return {};
    this.agent ??= new Agent({ connect: { ca: vault.caCert } });
    return { dispatcher: this.agent };
  }
}

function headersFor(vault: VaultConfig, token: string | undefined): Record<string, string> {
  return { ...(token ? { 'x-vault-token': token } : {}), 'x-vault-request': 'true', ...(vault.namespace ? { 'x-vault-namespace': vault.namespace } : {}) };
}

/** The fields of a KV v2 (`data.data`) or v1 (`data`) secret. */
function keysOf(body: unknown, path: string): SecretKeys {
  const data = (body as { data?: { data?: unknown } } | undefined)?.data;
  const fields = (data && typeof data.data === 'object' && data.data !== null ? data.data : data) as Record<string, unknown> | undefined;
  const current = fields?.SECRETS_KEY;
  if (typeof current !== 'string' || current.trim() === '') throw new Error(`the secret ${path} has no SECRETS_KEY field`);
  const previous = fields?.SECRETS_PREVIOUS_KEYS;
  const previousText = Array.isArray(previous) ? previous.filter((key): key is string => typeof key === 'string').join(',') : typeof previous === 'string' ? previous : undefined;
  if (previous !== undefined && previous !== null && previousText === undefined) throw new Error(`the secret ${path} has a SECRETS_PREVIOUS_KEYS that is neither text nor a list`);
  return secretKeysFrom(current.trim(), previousText, `Vault ${path}: `);
}

function describe(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause;
  const message = error instanceof Error ? error.message : String(error);
  return cause instanceof Error && cause.message ? `${message}: ${cause.message}` : message;
}
