/**
 * Credentials in what upstreams answer (a tool's result, a resource, a prompt): found by fixed
 * patterns that run in linear time (no nested quantifiers), masked or refused before anything
 * stores, caches, audits or answers them.
 */
export type CredentialScanMode = 'off' | 'mask' | 'refuse';

interface Detector {
  readonly kind: string;
  readonly pattern: RegExp;
}

const DETECTORS: readonly Detector[] = [
  // To its END line, or (none within 20,000 characters) to the end of the text.
  { kind: 'private-key', pattern: /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY-----(?:[\s\S]{0,20000}?-----END [A-Z0-9 ]{0,40}PRIVATE KEY-----|[\s\S]*)/g },
  { kind: 'aws-access-key', pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/g },
  { kind: 'github-token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g },
  { kind: 'gitlab-token', pattern: /\bglpat-[A-Za-z0-9_-]{20,64}\b/g },
  { kind: 'slack-token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,250}\b/g },
  { kind: 'stripe-key', pattern: /\b[rs]k_live_[A-Za-z0-9]{16,247}\b/g },
  { kind: 'google-api-key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { kind: 'openai-key', pattern: /\bsk-(?:proj-|ant-|svcacct-)?[A-Za-z0-9_-]{32,200}\b/g },
  { kind: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{5,4096}\.eyJ[A-Za-z0-9_-]{5,16384}\.[A-Za-z0-9_-]{10,4096}\b/g },
];

/** Deeper than this, a value is not walked: it is replaced whole (masking) or refused. */
const MAX_DEPTH = 64;

export interface ScanOutcome {
  /** The value with every credential replaced by `[REDACTED:<kind>]` (the same object when none was found). */
  readonly value: unknown;
  /** The kinds found, each once, sorted. */
  readonly found: readonly string[];
}

/** Masks the credentials in one string; `found` collects their kinds. */
export function maskText(text: string, found: Set<string>): string {
  let masked = text;
  for (const { kind, pattern } of DETECTORS) {
    pattern.lastIndex = 0;
    if (!pattern.test(masked)) continue;
    found.add(kind);
    pattern.lastIndex = 0;
    masked = masked.replace(pattern, `[REDACTED:${kind}]`);
  }
  return masked;
}

/** Every string in a JSON value, object keys included, masked; a copy is made only where something changed. */
export function scanCredentials(value: unknown): ScanOutcome {
  const found = new Set<string>();
  const scanned = walk(value, { found, keys: new Map() }, 0);
  return { value: found.size === 0 ? value : scanned, found: [...found].sort() };
}

interface Scan {
  readonly found: Set<string>;
  /** Keys masked so far: the same keys recur in every item of a list, and are scanned once. */
  readonly keys: Map<string, string>;
}

function maskKey(key: string, scan: Scan): string {
  let masked = scan.keys.get(key);
  if (masked === undefined) {
    masked = maskText(key, scan.found);
    scan.keys.set(key, masked);
  }
  return masked;
}

function walk(value: unknown, scan: Scan, depth: number): unknown {
  if (typeof value === 'string') return maskText(value, scan.found);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) {
    scan.found.add('too-deep-to-scan');
    return '[REDACTED:too-deep-to-scan]';
  }
  if (Array.isArray(value)) {
    let changed = false;
    const items = value.map((item) => {
      const next = walk(item, scan, depth + 1);
      changed ||= next !== item;
      return next;
    });
    return changed ? items : value;
  }
  let changed = false;
  let keysMasked = false;
  const entries = Object.entries(value).map(([key, item]): [string, string, unknown] => {
    const next = walk(item, scan, depth + 1);
    const masked = maskKey(key, scan);
    keysMasked ||= masked !== key;
    changed ||= next !== item || masked !== key;
    return [key, masked, next];
  });
  if (!changed) return value;
  // fromEntries: own properties whatever the names (`__proto__` included).
  return Object.fromEntries(keysMasked ? withDistinctKeys(entries) : entries.map(([key, , item]) => [key, item]));
}

/**
 * Entries under their masked keys, none lost: two credentials mask to the same text, or to a key
 * the object already has, so a masked key that is taken gets a number (`[REDACTED:jwt]#2`).
 * Keys that were not masked keep their names.
 */
function withDistinctKeys(entries: ReadonlyArray<[string, string, unknown]>): Array<[string, unknown]> {
  const taken = new Set(entries.filter(([key, masked]) => key === masked).map(([key]) => key));
  return entries.map(([key, masked, item]) => {
    if (key === masked) return [key, item];
    let name = masked;
    for (let n = 2; taken.has(name); n++) name = `${masked}#${n}`;
    taken.add(name);
    return [name, item];
  });
}
