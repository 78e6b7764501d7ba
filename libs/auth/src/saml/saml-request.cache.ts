import type { CacheItem, CacheProvider } from '@node-saml/node-saml';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** How long the IdP has to answer an AuthnRequest (the user may have to log in there first). */
export const SAML_REQUEST_TTL_MS = 10 * 60_000;
const SWEEP_EVERY = 200;

/**
 * The AuthnRequest ids we issued, in the database: any instance can accept the answer to a request
 * another one sent. node-saml saves and looks ids up here; spending one is `consume`, a single
 * conditional UPDATE called once the whole response is verified, so a response (or a copy of it)
 * is accepted at most once even when two arrive together. node-saml's own `removeAsync` is a no-op:
 * a forged response that names a real request id must not be able to burn it.
 */
@Injectable()
export class SamlRequestCache implements CacheProvider {
  private saved = 0;

  constructor(private readonly dataSource: DataSource) {}

  async saveAsync(key: string, value: string): Promise<CacheItem | null> {
    if (++this.saved % SWEEP_EVERY === 0) await this.dataSource.query(`DELETE FROM saml_requests WHERE expires_at < now() - interval '1 day'`);
    const createdAt = Date.now();
    await this.dataSource.query(`INSERT INTO saml_requests (id, issued_at, expires_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING`, [
      key,
      new Date(createdAt),
      new Date(createdAt + SAML_REQUEST_TTL_MS),
    ]);
    return { value, createdAt };
  }

  /** The issue instant of a live, unanswered request; null for unknown, expired or answered ones. */
  async getAsync(key: string): Promise<string | null> {
    if (key.length > 128) return null;
    const rows = (await this.dataSource.query(`SELECT issued_at FROM saml_requests WHERE id = $1 AND consumed_at IS NULL AND expires_at > now()`, [key])) as Array<{ issued_at: Date }>;
    return rows.length > 0 ? new Date(rows[0].issued_at).toISOString() : null;
  }

  async removeAsync(): Promise<string | null> {
    return null;
  }

  /** Marks a request answered; exactly one caller gets true. */
  async consume(key: string): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `WITH answered AS (UPDATE saml_requests SET consumed_at = now() WHERE id = $1 AND consumed_at IS NULL AND expires_at > now() RETURNING id) SELECT id FROM answered`,
      [key],
    )) as unknown[];
    return rows.length === 1;
  }
}
