import { generateSecret, generateURI, verify } from 'otplib';
import { toDataURL } from 'qrcode';

/** RFC 6238 as authenticator apps expect it: SHA-1, 6 digits, 30 s steps. */
export const TOTP_ISSUER = 'Secure MCP';
const PERIOD_SECONDS = 30;

export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

export function otpauthUri(secret: string, email: string): string {
  return generateURI({ issuer: TOTP_ISSUER, label: email, secret });
}

/** The otpauth URI as a PNG data URL, ready for an <img>. */
export function qrCodeDataUrl(uri: string): Promise<string> {
  return toDataURL(uri);
}

/**
 * The time step a code belongs to when it is valid now, one step either side included (clock drift
 * and typing time); null otherwise. The caller refuses steps at or before the last accepted one.
 */
export async function totpStep(secret: string, code: string, nowMs = Date.now()): Promise<number | null> {
  try {
    const result = await verify({ secret, token: code, epoch: Math.floor(nowMs / 1000), epochTolerance: PERIOD_SECONDS });
    return result.valid && 'timeStep' in result ? result.timeStep : null;
  } catch {
    // A malformed code or secret is simply not valid.
    return null;
  }
}
