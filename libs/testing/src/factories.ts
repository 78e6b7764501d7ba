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
