import { Injectable } from '@nestjs/common';

/** A column that keeps values sealed by SecretBox: each lib names its own, so a rotation finds them all. */
export interface SealedStore {
  readonly table: string;
  readonly column: string;
  /** `text`: the column is one sealed value; `json`: a jsonb document with sealed values among its strings. */
  readonly shape: 'text' | 'json';
  /** The primary key's columns, to page through the table and write one row back. */
  readonly key: readonly string[];
  /** A condition that holds for every row with a value (lets the database use a partial index). */
  readonly where?: string;
  /** What the values are, for operators. */
  readonly description: string;
}

@Injectable()
export class SealedStores {
  private readonly stores = new Map<string, SealedStore>();

  register(store: SealedStore): void {
    this.stores.set(`${store.table}.${store.column}`, store);
  }

  get all(): readonly SealedStore[] {
    return [...this.stores.values()].sort((a, b) => `${a.table}.${a.column}`.localeCompare(`${b.table}.${b.column}`));
  }
}
