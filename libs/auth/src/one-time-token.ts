import { createHash } from 'node:crypto';

/** How a one-time token (set-password, email verification) is kept: its SHA-256, never the token. */
export const hashOneTimeToken = (token: string): string => createHash('sha256').update(token).digest('hex');
