import pg from 'pg';
import { describe, expect, it } from 'vitest';
import {
  fromSqlTimestamp,
  lastStampCache,
  readPostgresTimestamp,
  toIsoTimestamp,
  toSqlTimestamp,
} from './timestamp';

describe('SQLite timestamps', () => {
  it('writes UTC in SQLAlchemy layout with microsecond width', () => {
    expect(toSqlTimestamp(new Date('2024-05-01T12:34:56.789Z'))).toBe('2024-05-01 12:34:56.789000');
    expect(toSqlTimestamp(new Date('2024-05-01T00:00:00.000+02:00'))).toBe(
      '2024-04-30 22:00:00.000000',
    );
  });

  it('lastStampCache formats each new instant, and refuses an invalid date every time', () => {
    const formatted: string[] = [];
    const stamp = lastStampCache((date: Date) => {
      const text = toSqlTimestamp(date);
      formatted.push(text);
      return text;
    });
    const a = new Date('2024-05-01T12:34:56.789Z');
    const b = new Date('2024-05-01T12:34:56.790Z');
    expect([a, a, b, new Date(a), b].map(stamp)).toEqual([
      '2024-05-01 12:34:56.789000',
      '2024-05-01 12:34:56.789000',
      '2024-05-01 12:34:56.790000',
      '2024-05-01 12:34:56.789000',
      '2024-05-01 12:34:56.790000',
    ]);
    expect(formatted).toHaveLength(4);
    expect(() => stamp(new Date(Number.NaN))).toThrow(RangeError);
    expect(() => stamp(new Date(Number.NaN))).toThrow(RangeError);
  });

  it('writes what toISOString gives, for any instant, and its layout outside years 1–9999', () => {
    const iso = (date: Date): string => `${date.toISOString().slice(0, 23).replace('T', ' ')}000`;
    const dates = [
      new Date(0),
      new Date('0001-01-01T00:00:00.000Z'),
      new Date('0999-12-31T23:59:59.999Z'),
      new Date('9999-12-31T23:59:59.999Z'),
      new Date('+010000-01-01T00:00:00.000Z'),
      new Date('-000001-06-01T00:00:00.000Z'),
    ];
    for (let i = 0; i < 2000; i++) dates.push(new Date(Math.floor(Math.random() * 2 ** 45)));
    for (const date of dates) {
      expect(toSqlTimestamp(date)).toBe(iso(date));
      expect(toIsoTimestamp(date)).toBe(date.toISOString());
    }
    expect(() => toIsoTimestamp(new Date(Number.NaN))).toThrow(RangeError);
  });

  it('reads its own layout as the general pattern does, digits checked', () => {
    for (let i = 0; i < 2000; i++) {
      const date = new Date(Math.floor(Math.random() * 253_402_300_799_999));
      expect(fromSqlTimestamp(toSqlTimestamp(date))?.getTime()).toBe(date.getTime());
    }
    // 26 characters, separators in place, a non-digit inside: not a timestamp.
    expect(fromSqlTimestamp('2024-05-01 12:34:56.78x000')).toBeNull();
    expect(fromSqlTimestamp('2024-05-01 12:3a:56.789000')).toBeNull();
    expect(fromSqlTimestamp('2024-05-01T12:34:56.789000')?.toISOString()).toBe(
      '2024-05-01T12:34:56.789Z',
    );
    // Out-of-range fields roll over, as Date.UTC does for the general pattern.
    expect(fromSqlTimestamp('2024-13-01 00:00:00.000000')?.toISOString()).toBe(
      '2025-01-01T00:00:00.000Z',
    );
  });

  it('round-trips a Date', () => {
    const now = new Date();
    expect(fromSqlTimestamp(toSqlTimestamp(now))).toEqual(now);
  });

  it('reads years 0–99 as written, not as 1900–1999', () => {
    for (const iso of [
      '0000-01-01T00:00:00.000Z',
      '0001-02-03T04:05:06.007Z',
      '0004-02-29T12:00:00.000Z',
      '0050-06-15T23:59:59.999Z',
      '0099-12-31T23:59:59.999Z',
      '0100-01-01T00:00:00.000Z',
    ]) {
      const date = new Date(iso);
      expect(fromSqlTimestamp(toSqlTimestamp(date))?.toISOString()).toBe(iso);
      expect(fromSqlTimestamp(iso)?.toISOString()).toBe(iso);
    }
  });

  it('sorts as text in time order', () => {
    const a = toSqlTimestamp(new Date('2024-05-01T09:59:59.999Z'));
    const b = toSqlTimestamp(new Date('2024-05-01T10:00:00.000Z'));
    expect(a < b).toBe(true);
  });

  it.each([
    ['2024-03-15 12:05:57.105542', '2024-03-15T12:05:57.105Z'],
    ['2024-03-15 12:05:57', '2024-03-15T12:05:57.000Z'],
    ['2024-03-15T12:05:57.1Z', '2024-03-15T12:05:57.100Z'],
    ['2024-03-15T12:05:57.105542+00:00', '2024-03-15T12:05:57.105Z'],
    ['2024-03-15T14:05:57+02:00', '2024-03-15T12:05:57.000Z'],
    ['2024-03-15T07:05:57-0500', '2024-03-15T12:05:57.000Z'],
    // PostgreSQL's text: an hour-only offset, minutes, and local mean time's seconds.
    ['2024-03-15 12:05:57.105542+00', '2024-03-15T12:05:57.105Z'],
    ['2024-03-15 17:35:57.105542+05:30', '2024-03-15T12:05:57.105Z'],
    ['2024-03-15 08:35:57-03:30', '2024-03-15T12:05:57.000Z'],
    ['1850-03-15 12:07:12+00:01:15', '1850-03-15T12:05:57.000Z'],
    ['1850-03-15 12:04:42-00:01:15', '1850-03-15T12:05:57.000Z'],
  ])('reads %s', (input, iso) => {
    expect(fromSqlTimestamp(input)?.toISOString()).toBe(iso);
  });

  it('reads Dates and epoch milliseconds', () => {
    expect(fromSqlTimestamp(new Date(5))?.getTime()).toBe(5);
    expect(fromSqlTimestamp(1_700_000_000_000)?.toISOString()).toBe('2023-11-14T22:13:20.000Z');
    expect(fromSqlTimestamp(1_700_000_000_000n)?.getTime()).toBe(1_700_000_000_000);
  });

  it.each([['yesterday'], [''], [null], [undefined], [{}], [new Date(Number.NaN)], ['2024-03-15']])(
    'answers null for %j',
    (input) => {
      expect(fromSqlTimestamp(input)).toBeNull();
    },
  );
});

describe('PostgreSQL timestamptz text', () => {
  const driver = pg.types.getTypeParser(1184, 'text') as (text: string) => unknown;

  it('gives the instant node-postgres’ own parser gives', () => {
    const texts = [
      '2026-12-05 14:06:10.468123+00',
      '2026-12-05 14:06:10+00',
      '2026-12-05 14:06:10.4+00',
      '2026-12-05 14:06:10.46+00',
      '2026-12-05 14:06:10.999999+00',
      '2026-12-05 14:06:10.000001+00',
      '2026-12-05 19:36:10.468+05:30',
      '2026-12-05 11:06:10.468-03',
      '1883-11-18 12:03:58+00:09:21',
      '1883-11-18 11:51:37-00:12:23',
      '2024-02-29 00:00:00+14',
      '1970-01-01 00:00:00+00',
      '1969-12-31 23:59:59.999+00',
      '0050-06-15 12:00:00+00',
      '9999-12-31 23:59:59.999999+00',
    ];
    for (let i = 0; i < 1000; i++) {
      // Every millisecond digit triple, with a microsecond tail.
      texts.push(
        `2025-07-0${1 + (i % 9)} 08:0${i % 10}:3${i % 6}.${String(i).padStart(3, '0')}${i % 7}${i % 5}${i % 3}+00`,
      );
    }
    for (const text of texts) {
      const theirs = driver(text) as Date;
      expect(readPostgresTimestamp(text)?.getTime(), text).toBe(theirs.getTime());
    }
  });

  it.each([
    ['infinity'],
    ['-infinity'],
    ['0044-03-15 12:00:00+00 BC'],
    ['12024-01-01 00:00:00+00'],
    ['2024-01-01 00:00:00'],
    ['2024-01-01T00:00:00Z'],
    ['2024-01-01 00:00:00.+00'],
    ['2024-01-01 00:00:00.1234567+00'],
    ['2024-01-01 00:00:00+0'],
    ['2024-01-01 00:00:00+00:3'],
    ['2024-01-01 00:00:00+00;30'],
    ['2024-01-01 00:00:00+00:30:00:00'],
    ['2024-01-01 0a:00:00+00'],
  ])('leaves %s to the driver', (text) => {
    expect(readPostgresTimestamp(text)).toBeUndefined();
  });
});
