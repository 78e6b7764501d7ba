import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { pgPoolOf } from './data-source.factory';

export interface PoolStats {
  readonly active: number;
  readonly idle: number;
  readonly waiting: number;
  readonly max: number;
}

/** What operations need to know about the database, without leaking the driver. */
@Injectable()
export class DatabaseService {
  constructor(private readonly dataSource: DataSource) {}

  /** Round-trip latency in ms; rejects when the database does not answer within `timeoutMs`. */
  async ping(timeoutMs: number): Promise<number> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`database did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.dataSource.query('SELECT 1'), timeout]);
      return Math.round((performance.now() - started) * 100) / 100;
    } finally {
      clearTimeout(timer);
    }
  }

  poolStats(): PoolStats {
    const pool = pgPoolOf(this.dataSource);
    if (!pool) return { active: 0, idle: 0, waiting: 0, max: 0 };
    return { active: pool.totalCount - pool.idleCount, idle: pool.idleCount, waiting: pool.waitingCount, max: pool.options.max ?? 10 };
  }
}
