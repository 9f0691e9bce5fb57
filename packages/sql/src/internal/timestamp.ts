/**
 * Timestamps on SQLite are UTC text in SQLAlchemy's DATETIME layout,
 * `YYYY-MM-DD HH:MM:SS.ffffff`: what FastAPI Users writes to `accesstoken.created_at`, what
 * SQLite's date functions read, and fixed-width, so `created_at >= ?` compares as text and
 * uses the index. JavaScript dates have millisecond precision; the last three digits are 0.
 */
export function toSqlTimestamp(date: Date): string {
  // Outside years 1–9999, and for an invalid date (NaN: RangeError), toISOString's own layout
  // and errors: 2024-05-01T12:34:56.789Z is always UTC.
  return utcText(date, ' ', '000') ?? `${date.toISOString().slice(0, 23).replace('T', ' ')}000`;
}

/**
 * `date.toISOString()` (`2024-05-01T12:34:56.789Z`), as PostgreSQL's per-request reads bind
 * "now": the same text, by arithmetic.
 */
export function toIsoTimestamp(date: Date): string {
  return utcText(date, 'T', 'Z') ?? date.toISOString();
}

/**
 * `YYYY-MM-DD<between>HH:MM:SS.mmm<end>` in UTC, by arithmetic: V8 formats toISOString through
 * snprintf, about 7,000 instructions, and a session check stamps "now" on every request
 * (docs/performance.md#instruction-counts). Null outside years 1–9999 and for an invalid date,
 * where toISOString's own layout (or its RangeError) applies.
 */
function utcText(date: Date, between: string, end: string): string | null {
  const year = date.getUTCFullYear();
  if (!(year >= 1 && year <= 9999)) return null;
  return `${digits(year, 4)}-${digits(date.getUTCMonth() + 1, 2)}-${digits(date.getUTCDate(), 2)}${between}${digits(date.getUTCHours(), 2)}:${digits(date.getUTCMinutes(), 2)}:${digits(date.getUTCSeconds(), 2)}.${digits(date.getUTCMilliseconds(), 3)}${end}`;
}

/** `value` (a whole number ≥ 0) in at least `width` digits, zero-padded. */
function digits(value: number, width: number): string {
  return String(value).padStart(width, '0');
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

// The offset as ISO 8601 writes it (`Z`, `+02:00`, `-0500`) or as PostgreSQL's text does
// (`+00`, `+05:30`, and with seconds for local mean time before time zones: `+00:01:15`).
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|([+-])(\d{2})(?::?(\d{2})(?::(\d{2}))?)?)?$/;

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
  const own = readOwnLayout(value);
  if (own !== undefined) return own;
  const m = TIMESTAMP.exec(value);
  if (m === null) return null;
  const [, year, month, day, hour, minute, second, fraction = '', sign, zh, zm, zs] = m;
  const ms = Number(fraction.padEnd(3, '0').slice(0, 3));
  let time = utcTime(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour),
    Number(minute),
    Number(second),
    ms,
  );
  if (sign !== undefined) {
    const offsetSeconds = Number(zh) * 3600 + Number(zm ?? 0) * 60 + Number(zs ?? 0);
    time -= (sign === '-' ? -1 : 1) * offsetSeconds * 1000;
  }
  return Number.isNaN(time) ? null : new Date(time);
}

/**
 * The layout `toSqlTimestamp` writes (`YYYY-MM-DD HH:MM:SS.ffffff`, 26 characters), read by
 * character codes: what a SQLite session row holds five times. The same instant the general
 * pattern gives; undefined when `value` is not in exactly this layout, for that pattern to read.
 */
function readOwnLayout(value: string): Date | null | undefined {
  if (value.length !== 26 || value.charCodeAt(19) !== 46) return undefined; // .
  const ms = number(value, 20, 23);
  if ((ms | number(value, 23, 26)) < 0) return undefined;
  const time = readDateTime(value);
  if (time === undefined) return undefined;
  return Number.isNaN(time) ? null : new Date(time + ms);
}

/**
 * `YYYY-MM-DD HH:MM:SS` at the start of `value`, read by character codes, as UTC milliseconds;
 * undefined when the text starts otherwise.
 */
function readDateTime(value: string): number | undefined {
  if (
    value.charCodeAt(4) !== 45 || // -
    value.charCodeAt(7) !== 45 ||
    value.charCodeAt(10) !== 32 || // space
    value.charCodeAt(13) !== 58 || // :
    value.charCodeAt(16) !== 58
  ) {
    return undefined;
  }
  const year = number(value, 0, 4);
  const month = number(value, 5, 7);
  const day = number(value, 8, 10);
  const hour = number(value, 11, 13);
  const minute = number(value, 14, 16);
  const second = number(value, 17, 19);
  if ((year | month | day | hour | minute | second) < 0) return undefined;
  return utcTime(year, month - 1, day, hour, minute, second, 0);
}

/** Milliseconds in 400 Gregorian years (146,097 days): the calendar repeats after them. */
const FOUR_CENTURIES_MS = 146_097 * 86_400_000;

/**
 * `Date.UTC` for every year: `Date.UTC` reads years 0–99 as 1900–1999, so those are taken 400
 * years later, where the calendar is the same, and moved back.
 */
function utcTime(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  ms: number,
): number {
  if (year >= 100) return Date.UTC(year, month, day, hour, minute, second, ms);
  return Date.UTC(year + 400, month, day, hour, minute, second, ms) - FOUR_CENTURIES_MS;
}

/** The decimal number in `text[start, end)`, or -1 when a character there is not a digit. */
function number(text: string, start: number, end: number): number {
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * A `timestamptz` as PostgreSQL sends it in text (DateStyle ISO, its default):
 * `YYYY-MM-DD HH:MM:SS[.ffffff]±HH[:MM[:SS]]`, read by character codes into the instant
 * node-postgres' own parser gives (fractions below a millisecond dropped). A session check reads
 * up to five of them per request, and the regular expressions and `parseInt` calls of the
 * driver's parser cost about 3,500 instructions each
 * (docs/performance.md#fewer-instructions-per-request).
 *
 * @returns the instant, or undefined for any other text (BC, infinity, years past 9999, other
 *   date styles): the driver's parser reads those.
 */
export function readPostgresTimestamp(value: string): Date | undefined {
  const length = value.length;
  const base = length < 22 ? undefined : readDateTime(value);
  if (base === undefined) return undefined;
  let at = 19;
  let ms = 0;
  if (value.charCodeAt(at) === 46) {
    // Up to six digits; the first three are the milliseconds.
    const start = at + 1;
    at = start;
    while (at < length && at - start < 6 && isDigit(value.charCodeAt(at))) at++;
    if (at === start) return undefined;
    const scale = Math.min(at - start, 3);
    ms = number(value, start, start + scale) * 10 ** (3 - scale);
  }
  const sign = value.charCodeAt(at);
  if (sign !== 43 && sign !== 45) return undefined; // + or -
  // ±HH, then optionally :MM and :SS.
  let offset = 0;
  let unit = 3_600_000;
  for (let part = 0; part < 3 && at < length; part++, unit /= 60) {
    if (part > 0 && value.charCodeAt(at) !== 58) return undefined;
    const start = at + 1;
    if (start + 2 > length) return undefined;
    const digits = number(value, start, start + 2);
    if (digits < 0) return undefined;
    offset += digits * unit;
    at = start + 2;
  }
  if (at !== length || Number.isNaN(base)) return undefined;
  const time = base + ms;
  return new Date(sign === 43 ? time - offset : time + offset);
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}
