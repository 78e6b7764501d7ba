import { appendFileSync, closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { AppendGroup, EmbeddedPostgres, RejectedRow } from './embedded-postgres';

// Each segment is deleted once every unit in it is stored; a new one starts past this size.
const SEGMENT_BYTES = 4 * 1024 * 1024;
const SEGMENT_FILE = /^(\d{8})\.jsonl$/;
const REJECTED_FILE = 'rejected.jsonl';

function segmentName(segment: number): string {
  return `${String(segment).padStart(8, '0')}.jsonl`;
}

/** One journal line per append unit: `{"g":[[table, quotedColumns, [rows...]], ...]}`. */
function lineOf(groups: readonly AppendGroup[]): string {
  let line = '{"g":[';
  for (let i = 0; i < groups.length; i++) {
    const [table, columns, rows] = groups[i];
    line += `${i === 0 ? '' : ','}[${JSON.stringify(table)},${JSON.stringify(columns)},${rows}]`;
  }
  return `${line}]}\n`;
}

/** Writes all of `text`: one write for a line of ordinary size, more when the kernel takes less. */
function writeAll(fd: number, text: string): number {
  const bytes = Buffer.from(text, 'utf8');
  for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written, bytes.length - written);
  return bytes.length;
}

/** Rows the database refused after their writers heard they were stored, kept for the operator. */
function keepRejected(dir: string, rows: readonly RejectedRow[]): void {
  const at = new Date().toISOString();
  appendFileSync(AppendJournal.rejectedFile(dir), rows.map((row) => `${JSON.stringify({ at, ...row })}\n`).join(''));
}

export interface ReplayOutcome {
  readonly units: number;
  readonly refused: number;
  /** Journal lines that could not be read: a write cut short by a crash (the last line) or a damaged file. */
  readonly unreadable: readonly string[];
}

/**
 * The embedded database's write-ahead journal for the append log: an append unit is written here
 * (into the operating system's file cache, which outlives the process) before its rows go to the
 * database and before anyone is told they are stored. A process killed with rows still on their
 * way to the database leaves them here, and the next start replays them.
 *
 * Segments are append-only files; one is deleted once every unit in it is stored.
 */
export class AppendJournal {
  private fd: number;
  private segment: number;
  private size = 0;
  // Units written to each segment that the database has not stored yet.
  private readonly unstored = new Map<number, number>();
  private closed = false;

  private constructor(
    private readonly dir: string,
    first: number,
  ) {
    this.segment = first;
    this.fd = openSync(join(dir, segmentName(first)), 'a');
  }

  /** Starts a journal in `dir`, after the segments already there (replay them first). */
  static open(dir: string): AppendJournal {
    mkdirSync(dir, { recursive: true });
    const existing = AppendJournal.segments(dir);
    return new AppendJournal(dir, (existing.at(-1) ?? 0) + 1);
  }

  /**
   * Stores what the segments in `dir` hold (rows already stored are skipped by their primary key),
   * then deletes them. Refused rows are kept in `rejected.jsonl`.
   */
  static async replay(dir: string, database: EmbeddedPostgres): Promise<ReplayOutcome> {
    const segments = AppendJournal.segments(dir);
    const units: AppendGroup[][] = [];
    const unreadable: string[] = [];
    for (const segment of segments) {
      const name = segmentName(segment);
      readFileSync(join(dir, name), 'utf8')
        .split('\n')
        .forEach((line, index) => {
          if (line.length === 0) return;
          try {
            const parsed = JSON.parse(line) as { g: Array<[string, string, unknown[]]> };
            units.push(parsed.g.map(([table, columns, rows]) => [table, columns, JSON.stringify(rows)] as const));
          } catch {
            unreadable.push(`${name}:${index + 1}`);
          }
        });
    }
    const refused = (await Promise.all(units.map((groups) => database.append(groups, { replay: true })))).flat();
    if (refused.length > 0) keepRejected(dir, refused);
    for (const segment of segments) rmSync(join(dir, segmentName(segment)), { force: true });
    return { units: units.length, refused: refused.length, unreadable };
  }

  private static segments(dir: string): number[] {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return names
      .map((name) => SEGMENT_FILE.exec(name))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => Number(match[1]))
      .sort((a, b) => a - b);
  }

  /** Writes a unit and returns its segment, for `stored`. Throws when the file cannot be written. */
  write(groups: readonly AppendGroup[]): number {
    if (this.closed) throw new Error('append journal is closed');
    this.size += writeAll(this.fd, lineOf(groups));
    const segment = this.segment;
    this.unstored.set(segment, (this.unstored.get(segment) ?? 0) + 1);
    if (this.size >= SEGMENT_BYTES) this.rotate();
    return segment;
  }

  /** The database has stored a unit of `segment`. */
  stored(segment: number): void {
    const left = (this.unstored.get(segment) ?? 1) - 1;
    if (left > 0) {
      this.unstored.set(segment, left);
      return;
    }
    this.unstored.delete(segment);
    if (segment !== this.segment) rmSync(join(this.dir, segmentName(segment)), { force: true });
  }

  /** Rows the database refused: kept for the operator, since their writers were told they were stored. */
  keepRejected(rows: readonly RejectedRow[]): void {
    keepRejected(this.dir, rows);
  }

  get rejectedFile(): string {
    return AppendJournal.rejectedFile(this.dir);
  }

  /** Where the rows the database refused after their acknowledgement are kept. */
  static rejectedFile(dir: string): string {
    return join(dir, REJECTED_FILE);
  }

  /** Closes the current segment; deletes it too when everything in it is stored. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
    if (!this.unstored.has(this.segment)) rmSync(join(this.dir, segmentName(this.segment)), { force: true });
  }

  private rotate(): void {
    closeSync(this.fd);
    const previous = this.segment;
    this.segment += 1;
    this.size = 0;
    this.fd = openSync(join(this.dir, segmentName(this.segment)), 'a');
    if (!this.unstored.has(previous)) rmSync(join(this.dir, segmentName(previous)), { force: true });
  }
}
