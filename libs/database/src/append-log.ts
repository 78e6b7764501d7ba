import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { GroupCommitWriter } from './group-commit.writer';

type Value = string | number | boolean | Date | null | undefined | object;

interface Entry {
  readonly table: string;
  readonly columns: readonly string[];
  readonly values: readonly Value[];
}

function encode(value: Value): unknown {
  return value !== null && typeof value === 'object' && !(value instanceof Date) ? JSON.stringify(value) : (value ?? null);
}

/**
 * Append-only rows of every table (audit entries, run history) committed together: one statement
 * per batch, its INSERTs chained as data-modifying CTEs, so a tool run's audit entry and its
 * history row share one round trip and one commit. `append` resolves once its row is committed.
 */
@Injectable()
export class AppendLog implements BeforeApplicationShutdown {
  private readonly writer: GroupCommitWriter<Entry>;

  constructor(private readonly dataSource: DataSource) {
    this.writer = new GroupCommitWriter('AppendLog', (entries) => this.insert(entries));
  }

  append(table: string, columns: readonly string[], values: readonly Value[]): Promise<void> {
    return this.writer.write({ table, columns, values });
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  private async insert(entries: Entry[]): Promise<void> {
    const groups = new Map<string, Entry[]>();
    for (const entry of entries) {
      const key = `${entry.table}(${entry.columns.join(',')})`;
      groups.set(key, [...(groups.get(key) ?? []), entry]);
    }
    const parameters: unknown[] = [];
    const statements = [...groups.values()].map((group) => {
      const tuples = group.map((entry) => `(${entry.values.map((value) => `$${parameters.push(encode(value))}`).join(', ')})`);
      return `INSERT INTO "${group[0].table}" (${group[0].columns.map((column) => `"${column}"`).join(', ')}) VALUES ${tuples.join(', ')}`;
    });
    const last = statements.pop() as string;
    const sql = statements.length === 0 ? last : `WITH ${statements.map((statement, i) => `w${i} AS (${statement} RETURNING 1)`).join(', ')} ${last}`;
    await this.dataSource.query(sql, parameters);
  }
}
