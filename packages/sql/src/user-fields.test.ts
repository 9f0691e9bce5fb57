import { defineUserFields, ErrorCode } from '@portcullis/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { userColumns } from './user-fields';

const columnsOf = (
  shape: Parameters<typeof defineUserFields>[0],
  columnTypes?: Record<string, string>,
) => userColumns(defineUserFields(shape), { columnTypes });

describe('userColumns', () => {
  it('derives each column from its zod schema', () => {
    const columns = columnsOf({
      nickname: z.string().max(50).nullable(),
      bio: z.string().default(''),
      karma: z.number().int().default(0),
      score: z.number().nullable(),
      newsletter: z.boolean().default(false),
      tier: z.enum(['gold', 'silver']).default('silver'),
      huge: z.string().max(5000).optional(),
    });
    expect(columns).toEqual([
      {
        name: 'nickname',
        kind: 'string',
        type: 'varchar(50)',
        nullable: true,
        defaultValue: undefined,
      },
      { name: 'bio', kind: 'string', type: 'text', nullable: false, defaultValue: '' },
      { name: 'karma', kind: 'integer', type: 'integer', nullable: false, defaultValue: 0 },
      {
        name: 'score',
        kind: 'number',
        type: 'double precision',
        nullable: true,
        defaultValue: undefined,
      },
      {
        name: 'newsletter',
        kind: 'boolean',
        type: 'boolean',
        nullable: false,
        defaultValue: false,
      },
      { name: 'tier', kind: 'string', type: 'varchar(6)', nullable: false, defaultValue: 'silver' },
      { name: 'huge', kind: 'string', type: 'text', nullable: true, defaultValue: undefined },
    ]);
  });

  it('takes a column type it cannot derive, or an override, from columnTypes', () => {
    const columns = columnsOf(
      { born: z.iso.date().nullable(), code: z.string().max(10).nullable() },
      { born: 'date', code: 'char(10)' },
    );
    expect(columns.map((c) => [c.name, c.type])).toEqual([
      ['born', 'date'],
      ['code', 'char(10)'],
    ]);
    expect(() => columnsOf({ tags: z.array(z.string()).nullable() })).toThrowError(
      expect.objectContaining({ code: ErrorCode.CONFIGURATION }),
    );
    expect(() => columnsOf({ code: z.string().nullable() }, { other: 'text' })).toThrowError(
      /not a declared user field/,
    );
  });

  it('rejects a column type that is not a plain SQL type name', () => {
    expect(() =>
      columnsOf({ x: z.string().nullable() }, { x: 'text; drop table user' }),
    ).toThrowError(expect.objectContaining({ code: ErrorCode.CONFIGURATION }));
  });

  it('rejects a field name that is no SQL identifier of this package, and skips oauth_accounts', () => {
    expect(() => columnsOf({ ['x'.repeat(64)]: z.string().nullable() })).toThrowError(
      expect.objectContaining({ code: ErrorCode.CONFIGURATION }),
    );
    const columns = columnsOf({
      oauth_accounts: z.array(z.object({ id: z.string() })).optional(),
      nickname: z.string().nullable(),
    });
    expect(columns.map((c) => c.name)).toEqual(['nickname']);
  });
});
