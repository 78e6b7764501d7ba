import { randomInt } from 'node:crypto';

export const BACKUP_CODE_COUNT = 10;
// 32 symbols without the look-alikes 0/O and 1/I: 10 symbols carry 50 bits.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const LENGTH = 10;

/** Fresh codes, shown once, formatted `XXXXX-XXXXX`. */
export function newBackupCodes(): string[] {
  return Array.from({ length: BACKUP_CODE_COUNT }, () => {
    const symbols = Array.from({ length: LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    return `${symbols.slice(0, 5)}-${symbols.slice(5)}`;
  });
}

/** What users type back: any case, with or without the hyphen and spaces. */
export function normalizeBackupCode(code: string): string {
  return code.replace(/[\s-]/g, '').toUpperCase();
}
