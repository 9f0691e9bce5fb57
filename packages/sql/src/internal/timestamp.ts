/**
 * Timestamps on SQLite are UTC text in SQLAlchemy's DATETIME layout,
 * `YYYY-MM-DD HH:MM:SS.ffffff`: what FastAPI Users writes to `accesstoken.created_at`, what
 * SQLite's date functions read, and fixed-width, so `created_at >= ?` compares as text and
 * uses the index. JavaScript dates have millisecond precision; the last three digits are 0.
 */
export function toSqlTimestamp(date: Date): string {
  // toISOString() is always UTC: 2024-05-01T12:34:56.789Z
  return `${date.toISOString().slice(0, 23).replace('T', ' ')}000`;
}

/**
 * `format` with a memory of its last instant: a session check stamps "now" (and its oldest
 * accepted creation time) on every request, and requests within the same millisecond share the
 * text. Give each kind of instant its own cache, or they evict each other on every call.
 *
 * @example
 * ```ts
 * const now = lastStampCache(toSqlTimestamp);
 * now(new Date()); // formatted once per millisecond
 * ```
 */
export function lastStampCache<T>(format: (date: Date) => T): (date: Date) => T {
  let lastTime = Number.NaN;
  let last: T;
  return (date) => {
    const time = date.getTime();
    // NaN equals nothing: the first call formats, and an invalid date (a NaN time) is never
    // taken for the last one, so `format` refuses it every time.
    if (time !== lastTime) {
      last = format(date);
      lastTime = time;
    }
    return last;
  };
}

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Reads a timestamp column: our text layout, FastAPI Users' (naive values are UTC, spec
 * §10.2), ISO 8601 with `T`/`Z`/offset, a Date, or epoch milliseconds.
 *
 * @returns the instant, or null when the value is not a timestamp.
 */
export function fromSqlTimestamp(value: unknown): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value === 'number' || typeof value === 'bigint') {
    const date = new Date(Number(value));
    return Number.isNaN(date.getTime()) ? null : date;
  }
  if (typeof value !== 'string') return null;
  const m = TIMESTAMP.exec(value);
  if (m === null) return null;
  const [, year, month, day, hour, minute, second, fraction = '', zone = 'Z'] = m;
  const ms = Number(fraction.padEnd(3, '0').slice(0, 3));
  let time = Date.UTC(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour),
    Number(minute),
    Number(second),
    ms,
  );
  if (zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
    time -= sign * offsetMinutes * 60_000;
  }
  return Number.isNaN(time) ? null : new Date(time);
}
