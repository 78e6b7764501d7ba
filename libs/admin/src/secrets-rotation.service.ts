import { AuditWriter } from '@app/audit';
import type { RequestOrigin } from '@app/common';
import type { ResealResult, SecretsStatus, SecretsStore } from '@app/contracts';
import { type SealedStore, SealedStores, SecretBox } from '@app/security';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';

const PAGE_SIZE = 200;

interface StoredRow {
  readonly key: readonly unknown[];
  /** The column as stored: the sealed text, or the jsonb document as text. */
  readonly value: string;
}

interface SweepCounts {
  resealed: number;
  unreadable: number;
  changedMeanwhile: number;
}

const quote = (identifier: string): string => `"${identifier.replace(/"/g, '""')}"`;

/** Every sealed value in a stored column: the text itself, or the sealed strings anywhere in a document. */
function sealedValuesOf(store: SealedStore, value: string, isSealed: (text: string) => boolean): string[] {
  if (store.shape === 'text') return isSealed(value) ? [value] : [];
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (typeof node === 'string') {
      if (isSealed(node)) found.push(node);
    } else if (Array.isArray(node)) node.forEach(walk);
    else if (node !== null && typeof node === 'object') Object.values(node).forEach(walk);
  };
  walk(JSON.parse(value));
  return found;
}

/** The document with each sealed string replaced as `replace` says. */
function mapSealed(node: unknown, isSealed: (text: string) => boolean, replace: (sealed: string) => string): unknown {
  if (typeof node === 'string') return isSealed(node) ? replace(node) : node;
  if (Array.isArray(node)) return node.map((item) => mapSealed(item, isSealed, replace));
  if (node !== null && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([name, item]) => [name, mapSealed(item, isSealed, replace)]));
  return node;
}

/**
 * Rotation of SECRETS_KEY for what is stored sealed: counts the values under each key, and seals
 * those under an older key again under the current one. The stores are the ones each lib
 * registered (SealedStores), so nothing here knows another lib's tables.
 */
@Injectable()
export class SecretsRotation implements OnApplicationBootstrap {
  private readonly logger = new Logger('SecretsRotation');
  private sweep?: Promise<SweepCounts>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly secrets: SecretBox,
    private readonly stores: SealedStores,
    private readonly audit: AuditWriter,
  ) {}

  /** With older keys configured, a start seals again what they sealed; it never waits for that, nor fails on it. */
  onApplicationBootstrap(): void {
    if (this.secrets.keyIds.length === 1) return;
    this.reseal(null).then(
      (result) => this.logger.log(`Sealed ${result.resealed} stored secrets again under key ${this.secrets.currentKeyId}; ${result.unreadable} no configured key opens`),
      (error: unknown) => this.logger.error(`Sealing stored secrets again under the current key failed: ${(error as Error).message}`),
    );
  }

  async status(): Promise<SecretsStatus> {
    const byKey = new Map(this.secrets.keyIds.map((id) => [id, 0]));
    const stores: SecretsStore[] = [];
    for (const store of this.stores.all) {
      const counts: SecretsStore = { name: `${store.table}.${store.column}`, description: store.description, sealedValues: 0, underOlderKeys: 0, unreadable: 0 };
      for await (const row of this.rows(store)) {
        for (const sealed of sealedValuesOf(store, row.value, (text) => this.secrets.isSealed(text))) {
          counts.sealedValues++;
          const keyId = this.secrets.keyIdOf(sealed);
          if (keyId === undefined || !byKey.has(keyId)) counts.unreadable++;
          else {
            byKey.set(keyId, (byKey.get(keyId) as number) + 1);
            if (keyId !== this.secrets.currentKeyId) counts.underOlderKeys++;
          }
        }
      }
      stores.push(counts);
    }
    return {
      currentKeyId: this.secrets.currentKeyId,
      keys: [...byKey].map(([id, sealedValues]) => ({ id, current: id === this.secrets.currentKeyId, sealedValues })),
      unreadableValues: stores.reduce((sum, store) => sum + store.unreadable, 0),
      stores,
    };
  }

  /** Seals every value under an older key again under the current one; one sweep at a time here. */
  async reseal(actor: string | null, origin?: RequestOrigin): Promise<ResealResult> {
    const joining = this.sweep !== undefined;
    this.sweep ??= this.resealAll().finally(() => {
      this.sweep = undefined;
    });
    const counts = await this.sweep;
    // The sweep is audited once, by whoever started it.
    if (!joining) await this.audit.record({ action: 'secrets.reseal', result: 'success', userId: actor, resource: `secrets-key:${this.secrets.currentKeyId}`, details: { ...counts }, origin });
    return { ...counts, status: await this.status() };
  }

  private async resealAll(): Promise<SweepCounts> {
    const counts: SweepCounts = { resealed: 0, unreadable: 0, changedMeanwhile: 0 };
    for (const store of this.stores.all) {
      for await (const row of this.rows(store)) await this.resealRow(store, row, counts);
    }
    return counts;
  }

  private async resealRow(store: SealedStore, row: StoredRow, counts: SweepCounts): Promise<void> {
    let resealed = 0;
    const isSealed = (text: string): boolean => this.secrets.isSealed(text);
    const replace = (sealed: string): string => {
      let fresh: string;
      try {
        fresh = this.secrets.reseal(sealed);
      } catch {
        counts.unreadable++;
        return sealed;
      }
      if (fresh !== sealed) resealed++;
      return fresh;
    };
    const next = store.shape === 'text' ? replace(row.value) : JSON.stringify(mapSealed(JSON.parse(row.value), isSealed, replace));
    if (resealed === 0) return;
    const keyMatch = store.key.map((column, index) => `${quote(column)} = $${index + 3}`).join(' AND ');
    const same = store.shape === 'text' ? `${quote(store.column)} = $2` : `${quote(store.column)} = $2::jsonb`;
    const [, changed] = (await this.dataSource.query(
      `UPDATE ${quote(store.table)} SET ${quote(store.column)} = $1${store.shape === 'json' ? '::jsonb' : ''} WHERE ${keyMatch} AND ${same}`,
      [next, row.value, ...row.key],
    )) as [unknown, number];
    // Someone wrote the row since it was read: their value was sealed under the current key.
    if (changed === 1) counts.resealed += resealed;
    else counts.changedMeanwhile += resealed;
  }

  /** The rows of a store that hold a value, a page at a time in primary key order. */
  private async *rows(store: SealedStore): AsyncGenerator<StoredRow> {
    const keys = store.key.map(quote);
    const keyList = keys.join(', ');
    let after: readonly unknown[] | undefined;
    for (;;) {
      const conditions = [`${quote(store.column)} IS NOT NULL`, ...(store.where ? [`(${store.where})`] : [])];
      if (after) conditions.push(`(${keyList}) > (${keys.map((_, index) => `$${index + 1}`).join(', ')})`);
      const page = (await this.dataSource.query(
        `SELECT ${keys.map((key, index) => `${key} AS k${index}`).join(', ')}, ${quote(store.column)}::text AS value FROM ${quote(store.table)}
          WHERE ${conditions.join(' AND ')} ORDER BY ${keyList} LIMIT ${PAGE_SIZE}`,
        after ? [...after] : [],
      )) as Array<Record<string, unknown> & { value: string }>;
      for (const row of page) yield { key: store.key.map((_, index) => row[`k${index}`]), value: row.value };
      if (page.length < PAGE_SIZE) return;
      const last = page[page.length - 1];
      after = store.key.map((_, index) => last[`k${index}`]);
    }
  }
}
