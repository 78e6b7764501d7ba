#!/usr/bin/env node
// Writes .env.scale: the keys every instance of one deployment must share (JWT signing keys and
// SECRETS_KEY). Used by `docker compose --env-file .env.scale --profile scale up`.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';

const target = process.argv[2] ?? '.env.scale';
if (existsSync(target)) {
  console.error(`${target} exists; remove it to make new keys (tokens signed with the old ones stop working)`);
  process.exit(1);
}
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const quoted = (pem) => `"${pem.trim().replace(/\n/g, '\\n')}"`;
writeFileSync(
  target,
  [
    `JWT_PRIVATE_KEY=${quoted(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString())}`,
    `JWT_PUBLIC_KEY=${quoted(publicKey.export({ type: 'spki', format: 'pem' }).toString())}`,
    `SECRETS_KEY=${randomBytes(32).toString('hex')}`,
    '',
  ].join('\n'),
  { mode: 0o600 },
);
console.log(`wrote ${target}`);
