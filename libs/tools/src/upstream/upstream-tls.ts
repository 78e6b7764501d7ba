import { ApiError, type ErrorDetail } from '@app/common';
import type { ClientCertificate, UpstreamTlsDto } from '@app/contracts';
import type { SecretBox } from '@app/security';
import { createPrivateKey, KeyObject, X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { isDeepStrictEqual } from 'node:util';
import { Agent } from 'undici';
import { MASK } from './secret-scrubber';

/** TLS to a remote server as stored: `key` and `passphrase` sealed with the SecretBox (opened in the settings a connection gets). */
export interface StoredTls {
  ca?: string;
  cert?: string;
  key?: string;
  passphrase?: string;
  servername?: string;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const TLS_SCHEMES = new Set(['https:', 'wss:']);

/** Each certificate of a PEM bundle, parsed; a bundle without one, or with one that does not parse, throws. */
function certificatesOf(pem: string): X509Certificate[] {
  const blocks = pem.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) throw new Error('no PEM certificate (-----BEGIN CERTIFICATE-----) in it');
  return blocks.map((block) => new X509Certificate(block));
}

function validityProblem(certificate: X509Certificate, field: string, now: number): ErrorDetail | undefined {
  if (Date.parse(certificate.validTo) <= now) return { field, message: `the certificate of ${certificate.subject.replace(/\n/g, ', ')} expired on ${new Date(certificate.validTo).toISOString()}`, code: 'CERTIFICATE_EXPIRED' };
  if (Date.parse(certificate.validFrom) > now) return { field, message: `the certificate of ${certificate.subject.replace(/\n/g, ', ')} is valid only from ${new Date(certificate.validFrom).toISOString()}`, code: 'CERTIFICATE_NOT_YET_VALID' };
  return undefined;
}

const PEM_LABEL = /-----BEGIN ([A-Z0-9 ]+)-----/g;

function parsedBundle(pem: string, field: string, now: number): { certificates?: X509Certificate[]; problems: ErrorDetail[] } {
  // Stored and answered as given: a private key pasted with the certificates would be shown to every admin.
  const others = [...pem.matchAll(PEM_LABEL)].map((match) => match[1]).filter((label) => label !== 'CERTIFICATE');
  if (others.length > 0) {
    const what = others.some((label) => label.endsWith('PRIVATE KEY')) ? 'a private key' : 'PEM blocks that are not certificates';
    return { problems: [{ field, message: `holds ${what}: only certificates go here (a key goes in transport.tls.key)`, code: 'NOT_A_CERTIFICATE' }] };
  }
  try {
    const certificates = certificatesOf(pem);
    return { certificates, problems: certificates.map((certificate) => validityProblem(certificate, field, now)).filter((problem) => problem !== undefined) };
  } catch (error) {
    return { problems: [{ field, message: `not a PEM certificate: ${(error as Error).message}`, code: 'INVALID_CERTIFICATE' }] };
  }
}

function openedKey(key: string, passphrase: string | undefined): KeyObject | ErrorDetail {
  try {
    return createPrivateKey({ key, format: 'pem', ...(passphrase === undefined ? {} : { passphrase }) });
  } catch (error) {
    const message = (error as Error).message;
    // An encrypted key that does not open: the passphrase is missing or wrong. A wrong one usually
    // fails as "bad decrypt", but now and then decrypts to bytes that are no key ("unsupported").
    const encrypted = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type:\s*4,ENCRYPTED/.test(key);
    if (encrypted || /passphrase|bad decrypt|interrupted or cancelled/i.test(message)) return { field: 'transport.tls.passphrase', message: passphrase === undefined ? 'the key is encrypted: send its passphrase' : 'the passphrase does not open the key', code: 'INVALID_VALUE' };
    return { field: 'transport.tls.key', message: `not a PEM private key: ${message}`, code: 'INVALID_KEY' };
  }
}

/**
 * What is wrong with a server's TLS settings (key and passphrase in clear), for the endpoints
 * it would be used on: every one must be https:// or wss://, every certificate must parse and be
 * valid now, and a client certificate comes with its own key.
 */
export function tlsProblems(tls: StoredTls, endpoints: readonly string[], now = Date.now()): ErrorDetail[] {
  const unreachable = endpointProblems(endpoints);
  if (unreachable.length > 0) return unreachable;
  const problems: ErrorDetail[] = [];
  if (tls.ca !== undefined) problems.push(...parsedBundle(tls.ca, 'transport.tls.ca', now).problems);
  if (tls.cert === undefined && tls.key !== undefined) problems.push({ field: 'transport.tls.cert', message: 'a key needs the certificate it belongs to', code: 'REQUIRED' });
  if (tls.cert !== undefined && tls.key === undefined) problems.push({ field: 'transport.tls.key', message: 'a client certificate needs its private key', code: 'REQUIRED' });
  if (tls.passphrase !== undefined && tls.key === undefined) problems.push({ field: 'transport.tls.passphrase', message: 'a passphrase opens a key: send the key', code: 'INVALID_VALUE' });
  if (tls.cert === undefined || tls.key === undefined) return problems;
  const chain = parsedBundle(tls.cert, 'transport.tls.cert', now);
  problems.push(...chain.problems);
  const key = openedKey(tls.key, tls.passphrase);
  if (isProblem(key)) return [...problems, key];
  if (chain.certificates && !chain.certificates[0].checkPrivateKey(key)) problems.push({ field: 'transport.tls.key', message: 'the key is not the one of the certificate (its first in the PEM)', code: 'KEY_MISMATCH' });
  if (problems.length > 0) return problems;
  try {
    createSecureContext(agentOptions(tls));
  } catch (error) {
    problems.push({ field: 'transport.tls', message: `TLS refuses these settings: ${(error as Error).message}`, code: 'INVALID_VALUE' });
  }
  return problems;
}

/** TLS settings are for https:// and wss:// endpoints only. */
function endpointProblems(endpoints: readonly string[]): ErrorDetail[] {
  const plain = endpoints.find((endpoint) => !TLS_SCHEMES.has(new URL(endpoint).protocol));
  return plain === undefined ? [] : [{ field: 'transport.tls', message: `tls applies to https:// and wss:// endpoints, and ${plain} is not one`, code: 'INVALID_VALUE' }];
}

function isProblem(value: KeyObject | ErrorDetail): value is ErrorDetail {
  return !(value instanceof KeyObject);
}

function agentOptions(tls: StoredTls): { ca?: string; cert?: string; key?: string; passphrase?: string; servername?: string } {
  return {
    ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
    ...(tls.cert !== undefined ? { cert: tls.cert } : {}),
    ...(tls.key !== undefined ? { key: tls.key } : {}),
    ...(tls.passphrase !== undefined ? { passphrase: tls.passphrase } : {}),
    ...(tls.servername !== undefined ? { servername: tls.servername } : {}),
  };
}

/** The options `ws` (and Node's tls) take for these settings. */
export function socketTlsOptions(tls: StoredTls | undefined): ReturnType<typeof agentOptions> {
  return tls ? agentOptions(tls) : {};
}

/** A dispatcher for fetch that speaks TLS as these settings say; closed with the connection that made it. */
export function tlsDispatcher(tls: StoredTls): Agent {
  return new Agent({ connect: { ...agentOptions(tls), rejectUnauthorized: true } });
}

const described = new Map<string, ClientCertificate>();
const DESCRIBED_CAP = 256;

/** The client certificate (the first of its PEM) as the admin API shows it; parsed once per text. */
export function clientCertificate(tls: StoredTls | undefined): ClientCertificate | null {
  if (!tls?.cert) return null;
  let description = described.get(tls.cert);
  if (description === undefined) {
    const [certificate] = certificatesOf(tls.cert);
    description = {
      subject: certificate.subject.replace(/\n/g, ', '),
      issuer: certificate.issuer.replace(/\n/g, ', '),
      serialNumber: certificate.serialNumber,
      validFrom: new Date(certificate.validFrom).toISOString(),
      validTo: new Date(certificate.validTo).toISOString(),
      fingerprint256: certificate.fingerprint256,
    };
    if (described.size >= DESCRIBED_CAP) described.delete(described.keys().next().value as string);
    described.set(tls.cert, description);
  }
  return description;
}

/**
 * TLS settings to store: checked for `endpoints`, the key and passphrase sealed. A masked key or
 * passphrase keeps the stored one, whichever server the url names: the key never leaves the gateway.
 */
export function sealTls(secrets: SecretBox, input: UpstreamTlsDto, previous: StoredTls | undefined, endpoints: readonly string[]): StoredTls {
  // Sent back as answered: kept as stored, checked only for where it goes. A certificate that has
  // expired since must not stop an admin from editing (or disabling) the server.
  if (previous && isDeepStrictEqual(definedOnly({ ...input }), maskedTls(previous))) {
    const problems = endpointProblems(endpoints);
    if (problems.length > 0) throw ApiError.validation(problems[0].message, problems);
    return previous;
  }
  const opened = (field: 'key' | 'passphrase'): string | undefined => {
    const value = input[field];
    if (value !== MASK) return value;
    const stored = previous?.[field];
    if (stored) return secrets.decrypt(stored);
    const message = `${field} has no stored value to keep: send it`;
    throw ApiError.validation(message, [{ field: `transport.tls.${field}`, message, code: 'MASKED_VALUE' }]);
  };
  const plain = definedOnly({ ca: input.ca, cert: input.cert, key: opened('key'), passphrase: opened('passphrase'), servername: input.servername });
  const problems = tlsProblems(plain, endpoints);
  if (problems.length > 0) throw ApiError.validation(problems.length === 1 ? problems[0].message : `${problems[0].message} (and ${problems.length - 1} more problems)`, problems);
  const sealed = (field: 'key' | 'passphrase'): string | undefined => (input[field] === MASK ? previous?.[field] : plain[field] === undefined ? undefined : secrets.encrypt(plain[field]));
  return definedOnly({ ...plain, key: sealed('key'), passphrase: sealed('passphrase') });
}

export function unsealTls(secrets: SecretBox, stored: StoredTls | undefined): StoredTls | undefined {
  if (!stored) return undefined;
  return definedOnly({ ...stored, key: stored.key === undefined ? undefined : secrets.decrypt(stored.key), passphrase: stored.passphrase === undefined ? undefined : secrets.decrypt(stored.passphrase) });
}

/** The stored settings as answered: the key and passphrase masked. */
export function maskedTls(stored: StoredTls): StoredTls {
  return definedOnly({ ...stored, key: stored.key === undefined ? undefined : MASK, passphrase: stored.passphrase === undefined ? undefined : MASK });
}

function definedOnly(tls: { [field in keyof StoredTls]: string | undefined }): StoredTls {
  return Object.fromEntries(Object.entries(tls).filter(([, value]) => value !== undefined)) as StoredTls;
}
