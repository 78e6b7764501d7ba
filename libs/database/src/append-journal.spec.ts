import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppendJournal } from './append-journal';
import type { AppendGroup, EmbeddedPostgres, RejectedRow } from './embedded-postgres';

const dirs: string[] = [];
function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'smcp-journal-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const group = (id: number, note = 'x'): AppendGroup => ['entries', '"id", "note"', JSON.stringify([{ id, note }])];
const segmentsIn = (dir: string): string[] => readdirSync(dir).filter((name) => name.endsWith('.jsonl') && name !== 'rejected.jsonl');

/** A database that records what it is given and refuses what `refuse` says. */
function fakeDatabase(refuse: (row: { id: number }) => boolean = () => false): { database: EmbeddedPostgres; given: Array<{ groups: readonly AppendGroup[]; replay: boolean }> } {
  const given: Array<{ groups: readonly AppendGroup[]; replay: boolean }> = [];
  const database = {
    append: async (groups: readonly AppendGroup[], options: { replay?: boolean } = {}): Promise<RejectedRow[]> => {
      given.push({ groups, replay: options.replay === true });
      return groups.flatMap(([table, , rows]) => (JSON.parse(rows) as Array<{ id: number }>).filter(refuse).map((row) => ({ table, row, code: '23505', message: 'duplicate key' })));
    },
  } as unknown as EmbeddedPostgres;
  return { database, given };
}

describe('AppendJournal', () => {
  it('keeps a segment until every unit in it is stored, and leaves nothing after a clean close', () => {
    const dir = freshDir();
    const journal = AppendJournal.open(dir);
    const a = journal.write([group(1)]);
    const b = journal.write([group(2)]);
    expect(a).toBe(b);
    journal.stored(a);
    expect(segmentsIn(dir)).toHaveLength(1);
    journal.stored(b);
    journal.close();
    expect(segmentsIn(dir)).toEqual([]);
  });

  it('keeps the current segment at close while a unit in it is not stored, and a new journal starts after it', () => {
    const dir = freshDir();
    const journal = AppendJournal.open(dir);
    journal.write([group(1)]);
    journal.close();
    expect(segmentsIn(dir)).toEqual(['00000001.jsonl']);
    const next = AppendJournal.open(dir);
    next.write([group(2)]);
    expect(segmentsIn(dir)).toEqual(['00000001.jsonl', '00000002.jsonl']);
  });

  it('starts a new segment past 4 MiB and deletes the old one once it is stored', () => {
    const dir = freshDir();
    const journal = AppendJournal.open(dir);
    const big = (id: number): AppendGroup => ['entries', '"id", "note"', JSON.stringify([{ id, note: 'n'.repeat(1024 * 1024) }])];
    const segments = [1, 2, 3, 4, 5].map((id) => journal.write([big(id)]));
    expect(new Set(segments).size).toBe(2);
    expect(segmentsIn(dir)).toHaveLength(2);
    segments.slice(0, 4).forEach((segment) => journal.stored(segment));
    expect(segmentsIn(dir)).toEqual(['00000002.jsonl']);
  });

  it('replays what a killed process left, oldest first, as replays, then deletes it', async () => {
    const dir = freshDir();
    const killed = AppendJournal.open(dir);
    killed.write([group(1), ['other', '"id"', JSON.stringify([{ id: 9 }])]]);
    killed.write([group(2, 'line\nbreak "quoted"')]);
    const { database, given } = fakeDatabase();
    const outcome = await AppendJournal.replay(dir, database);
    expect(outcome).toEqual({ units: 2, refused: 0, unreadable: [] });
    expect(given).toEqual([
      { groups: [group(1), ['other', '"id"', JSON.stringify([{ id: 9 }])]], replay: true },
      { groups: [group(2, 'line\nbreak "quoted"')], replay: true },
    ]);
    expect(segmentsIn(dir)).toEqual([]);
  });

  it('skips a line cut short by the crash, and keeps refused rows for the operator', async () => {
    const dir = freshDir();
    const killed = AppendJournal.open(dir);
    killed.write([group(1)]);
    killed.write([group(2)]);
    appendFileSync(join(dir, '00000001.jsonl'), '{"g":[["entries","\\"id\\"",[{"id":3');
    const { database, given } = fakeDatabase((row) => row.id === 2);
    const outcome = await AppendJournal.replay(dir, database);
    expect(outcome).toEqual({ units: 2, refused: 1, unreadable: ['00000001.jsonl:3'] });
    expect(given).toHaveLength(2);
    const kept = readFileSync(join(dir, 'rejected.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(kept).toEqual([{ at: expect.any(String), table: 'entries', row: { id: 2, note: 'x' }, code: '23505', message: 'duplicate key' }]);
    expect(segmentsIn(dir)).toEqual([]);
  });

  it('replays nothing from an empty or missing directory', async () => {
    const { database, given } = fakeDatabase();
    expect(await AppendJournal.replay(join(freshDir(), 'missing'), database)).toEqual({ units: 0, refused: 0, unreadable: [] });
    expect(given).toEqual([]);
  });
});
