import { isDatabaseUnavailable } from '@app/common';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppendJournal } from './append-journal';
import { EmbeddedAppendLog } from './embedded-append-log';
import type { AppendGroup, EmbeddedPostgres, RejectedRow } from './embedded-postgres';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function journalDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'smcp-append-'));
  dirs.push(dir);
  return dir;
}
const journalText = (dir: string): string =>
  readdirSync(dir)
    .filter((name) => /^\d+\.jsonl$/.test(name))
    .map((name) => readFileSync(join(dir, name), 'utf8'))
    .join('');

/** A database whose answers the test hands out: each `append` waits until `store` or `lose`. */
function heldDatabase(): {
  database: EmbeddedPostgres;
  units: Array<{ groups: readonly AppendGroup[]; store: (refused?: RejectedRow[]) => void; lose: (error: Error) => void }>;
} {
  const units: Array<{ groups: readonly AppendGroup[]; store: (refused?: RejectedRow[]) => void; lose: (error: Error) => void }> = [];
  const database = {
    append: (groups: readonly AppendGroup[]) =>
      new Promise<RejectedRow[]>((resolve, reject) => units.push({ groups, store: (refused = []) => resolve(refused), lose: reject })),
  } as unknown as EmbeddedPostgres;
  return { database, units };
}

const append = (log: EmbeddedAppendLog, id: number): Promise<void> => log.append('entries', ['id', 'note'], [id, `note ${id}`]);
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('EmbeddedAppendLog', () => {
  it('sends the rows of one turn as one unit, and answers once its journal line is written, before the database stores it', async () => {
    const dir = journalDir();
    const { database, units } = heldDatabase();
    const log = new EmbeddedAppendLog(database, AppendJournal.open(dir));
    await Promise.all([append(log, 1), append(log, 2), log.append('others', ['id'], [3])]);
    expect(units).toHaveLength(1);
    expect(units[0].groups).toEqual([
      ['entries', '"id", "note"', JSON.stringify([{ id: 1, note: 'note 1' }, { id: 2, note: 'note 2' }])],
      ['others', '"id"', JSON.stringify([{ id: 3 }])],
    ]);
    expect(journalText(dir)).toContain('"note 2"');
    let flushed = false;
    const flushing = log.flush().then(() => (flushed = true));
    await turn();
    expect(flushed).toBe(false);
    units[0].store();
    await flushing;
  });

  it('deletes the journal once everything is stored, and leaves nothing at shutdown', async () => {
    const dir = journalDir();
    const { database, units } = heldDatabase();
    const log = new EmbeddedAppendLog(database, AppendJournal.open(dir));
    await append(log, 1);
    units[0].store();
    await log.beforeApplicationShutdown();
    expect(journalText(dir)).toBe('');
  });

  it('makes writers wait for the database when too many rows are not stored yet', async () => {
    const { database, units } = heldDatabase();
    const log = new EmbeddedAppendLog(database, null, 2);
    await Promise.all([append(log, 1), append(log, 2)]);
    let third = false;
    const waiting = Promise.all([append(log, 3), append(log, 4)]).then(() => (third = true));
    await turn();
    await turn();
    expect(units).toHaveLength(2);
    expect(third).toBe(false);
    units[1].store();
    await waiting;
  });

  it('refuses the writers of a turn whose journal line cannot be written, as an outage (503), and sends nothing', async () => {
    const { database, units } = heldDatabase();
    const failing = { write: () => { throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }); } } as unknown as AppendJournal;
    const log = new EmbeddedAppendLog(database, failing);
    const error = await append(log, 1).catch((caught: unknown) => caught);
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(units).toHaveLength(0);
  });

  it('keeps rows the database refused after they were acknowledged, and drops their journal line', async () => {
    const dir = journalDir();
    const { database, units } = heldDatabase();
    const log = new EmbeddedAppendLog(database, AppendJournal.open(dir));
    await append(log, 1);
    units[0].store([{ table: 'entries', row: { id: 1, note: 'note 1' }, code: '22001', message: 'value too long' }]);
    await log.flush();
    await log.beforeApplicationShutdown();
    expect(journalText(dir)).toBe('');
    expect(JSON.parse(readFileSync(join(dir, 'rejected.jsonl'), 'utf8'))).toMatchObject({ table: 'entries', row: { id: 1 }, code: '22001' });
  });

  it('keeps the journal when the database is gone, and says so to readiness', async () => {
    const dir = journalDir();
    const { database, units } = heldDatabase();
    const log = new EmbeddedAppendLog(database, AppendJournal.open(dir));
    await append(log, 1);
    units[0].lose(new Error('Connection terminated: the embedded database worker stopped'));
    await log.flush();
    expect(await log.unavailable(1_000)).toMatch(/worker stopped/);
    expect(journalText(dir)).toContain('"note 1"');
    expect(existsSync(join(dir, 'rejected.jsonl'))).toBe(false);
  });

  it('tells readiness about a unit without an answer past the deadline', async () => {
    const { database, units } = heldDatabase();
    const log = new EmbeddedAppendLog(database, null);
    await append(log, 1);
    expect(await log.unavailable(1_000)).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(await log.unavailable(10)).toMatch(/no answer for \d+ ms/);
    units[0].store();
    await log.flush();
    expect(await log.unavailable(10)).toBeUndefined();
  });
});
