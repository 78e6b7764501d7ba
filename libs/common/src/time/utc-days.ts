const DAY_MS = 86_400_000;

/** The `days` UTC days up to the one of `now` (YYYY-MM-DD), newest first. */
export function utcDaysUpTo(now: number, days: number): string[] {
  return Array.from({ length: days }, (_, back) => new Date(now - back * DAY_MS).toISOString().slice(0, 10));
}
