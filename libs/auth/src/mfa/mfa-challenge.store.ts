import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';

/** `login`: an mfaToken (plus, for SMS users, the code sent); `sms-enroll`/`sms-disable`: a code. */
export type ChallengePurpose = 'login' | 'sms-enroll' | 'sms-disable';

export interface MfaChallenge {
  readonly id: string;
  readonly userId: string;
  readonly purpose: ChallengePurpose;
  readonly codeHash: string | null;
  readonly attempts: number;
  readonly expiresAt: Date;
  readonly consumedAt: Date | null;
}

interface ChallengeRow {
  id: string;
  user_id: string;
  purpose: ChallengePurpose;
  code_hash: string | null;
  attempts: number;
  expires_at: Date;
  consumed_at: Date | null;
}

const COLUMNS = 'id, user_id, purpose, code_hash, attempts, expires_at, consumed_at';
const SWEEP_EVERY = 200;

function toChallenge(row: ChallengeRow): MfaChallenge {
  return { id: row.id, userId: row.user_id, purpose: row.purpose, codeHash: row.code_hash, attempts: row.attempts, expiresAt: new Date(row.expires_at), consumedAt: row.consumed_at ? new Date(row.consumed_at) : null };
}

/**
 * Short-lived, single-use MFA challenges in the database, so any instance can finish a login another
 * one started. Every state change is one conditional statement: two requests racing for the same
 * challenge cannot both win.
 */
@Injectable()
export class MfaChallengeStore {
  private created = 0;

  constructor(private readonly dataSource: DataSource) {}

  /** A new challenge; `hashFor(id)` computes its token and code hashes, which are bound to the id. */
  async create(input: { userId: string; purpose: ChallengePurpose; ttlMs: number; tokenHash?: string; codeHash?: (id: string) => string }): Promise<MfaChallenge> {
    if (++this.created % SWEEP_EVERY === 0) await this.sweep();
    const id = randomUUID();
    const rows = await this.rows(
      `INSERT INTO mfa_challenges (id, user_id, purpose, token_hash, code_hash, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
      [id, input.userId, input.purpose, input.tokenHash ?? null, input.codeHash?.(id) ?? null, new Date(Date.now() + input.ttlMs)],
    );
    return rows[0];
  }

  /** The login challenge whose token hashes to one of `tokenHashes` (one per configured key). */
  async findByToken(tokenHashes: readonly string[]): Promise<MfaChallenge | null> {
    const rows = await this.rows(`SELECT ${COLUMNS} FROM mfa_challenges WHERE token_hash = ANY($1) AND purpose = 'login'`, [tokenHashes]);
    return rows[0] ?? null;
  }

  /** The newest live challenge of a kind that carries a code. */
  async latestWithCode(userId: string, purpose: ChallengePurpose): Promise<MfaChallenge | null> {
    const rows = await this.rows(
      `SELECT ${COLUMNS} FROM mfa_challenges WHERE user_id = $1 AND purpose = $2 AND code_hash IS NOT NULL AND consumed_at IS NULL AND expires_at > now() ORDER BY created_at DESC LIMIT 1`,
      [userId, purpose],
    );
    return rows[0] ?? null;
  }

  /** Counts one try at a challenge's code; null when it is spent, expired, or out of tries. */
  async spendAttempt(id: string, maxAttempts: number): Promise<MfaChallenge | null> {
    const rows = await this.rows(
      `UPDATE mfa_challenges SET attempts = attempts + 1 WHERE id = $1 AND attempts < $2 AND consumed_at IS NULL AND expires_at > now() RETURNING ${COLUMNS}`,
      [id, maxAttempts],
    );
    return rows[0] ?? null;
  }

  /** Claims a live challenge; exactly one caller gets true. */
  async consume(id: string): Promise<boolean> {
    const rows = await this.rows(`UPDATE mfa_challenges SET consumed_at = now() WHERE id = $1 AND consumed_at IS NULL AND expires_at > now() RETURNING ${COLUMNS}`, [id]);
    return rows.length === 1;
  }

  /** Ends a user's open challenges (a new enrolment, MFA turned off). */
  async discard(userId: string, purposes: readonly ChallengePurpose[]): Promise<void> {
    await this.dataSource.query(`UPDATE mfa_challenges SET consumed_at = now() WHERE user_id = $1 AND purpose = ANY($2) AND consumed_at IS NULL`, [userId, purposes]);
  }

  private async sweep(): Promise<void> {
    await this.dataSource.query(`DELETE FROM mfa_challenges WHERE expires_at < now() - interval '1 day'`);
  }

  // Data-modifying statements run inside a CTE so the driver hands back plain rows for every kind.
  private async rows(sql: string, parameters: unknown[]): Promise<MfaChallenge[]> {
    const wrapped = /^\s*(UPDATE|INSERT|DELETE)/i.test(sql) ? `WITH changed AS (${sql}) SELECT * FROM changed` : sql;
    const rows = (await this.dataSource.query(wrapped, parameters)) as ChallengeRow[];
    return rows.map(toChallenge);
  }
}
