import { ErrorCode } from '@portcullis/core';
import { createUserSchemas } from '@portcullis/core/adapter';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineUserFields } from './user-fields';

describe('defineUserFields', () => {
  it('derives each column from its zod schema', () => {
    const { columns } = defineUserFields({
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

  it('takes a column type it cannot derive, or an override, from options.types', () => {
    const fields = defineUserFields(
      { born: z.iso.date().nullable(), code: z.string().max(10).nullable() },
      { types: { born: 'date', code: 'char(10)' } },
    );
    expect(fields.columns.map((c) => [c.name, c.type])).toEqual([
      ['born', 'date'],
      ['code', 'char(10)'],
    ]);
    expect(() => defineUserFields({ tags: z.array(z.string()).nullable() })).toThrowError(
      expect.objectContaining({ code: ErrorCode.CONFIGURATION }),
    );
  });

  it.each([
    [{ karma: z.number().int() }, 'must be nullable or have a default'],
    [{ email: z.string().nullable() }, 'built-in'],
    [{ hashed_password: z.string().nullable() }, 'built-in'],
    [{ password: z.string().nullable() }, 'built-in'],
    [{ 'nick name': z.string().nullable() }, 'identifier'],
    [{ sizes: z.string().nullable() }, undefined],
  ])('validates %j', (fields, message) => {
    if (message === undefined) {
      expect(() => defineUserFields(fields)).not.toThrow();
    } else {
      expect(() => defineUserFields(fields)).toThrowError(message);
    }
  });

  it('rejects a column type that is not a plain SQL type name', () => {
    expect(() =>
      defineUserFields({ x: z.string().nullable() }, { types: { x: 'text; drop table user' } }),
    ).toThrowError(expect.objectContaining({ code: ErrorCode.CONFIGURATION }));
  });

  it('gives core schemas that default on create and leave absent fields alone on update', () => {
    const fields = defineUserFields({
      nickname: z.string().max(50).nullable().default(null),
      karma: z.number().int().default(0),
    });
    const schemas = createUserSchemas(fields.userSchemas);
    expect(schemas.customFields).toEqual(['nickname', 'karma']);
    const created = schemas.create.parse({ email: 'a@camelot.bt', password: 'x' });
    expect(created).toMatchObject({ nickname: null, karma: 0 });
    expect(schemas.update.parse({})).toEqual({});
    expect(schemas.update.parse({ karma: 3 })).toEqual({ karma: 3 });
    expect(schemas.update.safeParse({ karma: 'many' }).success).toBe(false);
    expect(
      schemas.read.parse({ id: '1', email: 'a@camelot.bt', nickname: 'Kay', karma: 2 }),
    ).toMatchObject({ nickname: 'Kay', karma: 2 });
  });
});
