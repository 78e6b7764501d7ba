import type { ContractClient } from './contract-client';
import { DataSource } from 'typeorm';
import { randomBytes } from 'node:crypto';

let sequence = 0;

export interface NewUserInput {
  email: string;
  password: string;
  name: string;
  organization?: string;
  phone?: string;
}

/** A valid registration body, unique per call; override any field. */
export function newUserInput(overrides: Partial<NewUserInput> = {}): NewUserInput {
  sequence++;
  const tag = `${Date.now().toString(36)}${sequence}${randomBytes(2).toString('hex')}`;
  return { email: `user.${tag}@example.test`, password: `Str0ng!Passw0rd-${tag}`, name: `Test User ${sequence}`, ...overrides };
}

export interface LoginTokens {
  readonly userId: string;
  readonly accessToken: string;
  readonly refreshToken: string;
  /** `{ authorization: 'Bearer …' }` */
  readonly auth: Record<string, string>;
}

export interface LoggedInUser extends LoginTokens {
  readonly input: NewUserInput;
}

/** Registers a new user through the API and logs it in. */
export async function registerAndLogin(client: ContractClient, overrides: Partial<NewUserInput> = {}): Promise<LoggedInUser> {
  const input = newUserInput(overrides);
  const registered = await client.call<{ id: string }>('registerUser', { body: input });
  if (registered.status !== 201) throw new Error(`register failed: ${registered.status} ${registered.text}`);
  return { input, ...(await login(client, input)) };
}

export async function login(client: ContractClient, credentials: Pick<NewUserInput, 'email' | 'password'>): Promise<LoginTokens> {
  const response = await client.call<{ accessToken: string; refreshToken: string; user: { id: string } }>('loginUser', { body: { email: credentials.email, password: credentials.password } });
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${response.text}`);
  return {
    userId: response.body.user.id,
    accessToken: response.body.accessToken,
    refreshToken: response.body.refreshToken,
    auth: { authorization: `Bearer ${response.body.accessToken}` },
  };
}

/** A user with the given roles: registered, promoted in the database, then logged in. */
export async function registerAndLoginAs(t: { client: ContractClient; app: { get(token: typeof DataSource): DataSource } }, roles: string[], overrides: Partial<NewUserInput> = {}): Promise<LoggedInUser> {
  const input = newUserInput(overrides);
  const registered = await t.client.call<{ id: string }>('registerUser', { body: input });
  if (registered.status !== 201) throw new Error(`register failed: ${registered.status} ${registered.text}`);
  await t.app.get(DataSource).query('UPDATE users SET roles = $1 WHERE id = $2', [roles, registered.body.id]);
  return { input, ...(await login(t.client, input)) };
}
