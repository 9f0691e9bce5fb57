import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ErrorCode } from './errors';
import { createUserSchemas, loadUserSchemas } from './schemas';
import { defineUserFields } from './user-fields';

describe('defineUserFields', () => {
  it.each([
    [{ karma: z.number().int() }, 'must be nullable, optional or have a default'],
    [{ email: z.string().nullable() }, 'built-in'],
    [{ hashed_password: z.string().nullable() }, 'built-in'],
    [{ password: z.string().nullable() }, 'built-in'],
    [{ is_superuser: z.boolean().default(false) }, 'built-in'],
    [{ 'nick name': z.string().nullable() }, 'identifiers'],
    [{ $where: z.string().nullable() }, 'identifiers'],
    [{ sizes: z.string().nullable() }, undefined],
    [{ tags: z.array(z.string()).optional() }, undefined],
  ])('validates %j', (fields, message) => {
    if (message === undefined) {
      expect(() => defineUserFields(fields)).not.toThrow();
    } else {
      expect(() => defineUserFields(fields)).toThrowError(
        expect.objectContaining({
          code: ErrorCode.CONFIGURATION,
          message: expect.stringContaining(message),
        }),
      );
    }
  });

  it('gives schemas that default on create and leave absent fields alone on update', async () => {
    const fields = defineUserFields({
      nickname: z.string().max(50).nullable().default(null),
      karma: z.number().int().default(0),
    });
    expect(fields.names).toEqual(['nickname', 'karma']);
    const schemas = await loadUserSchemas(createUserSchemas(fields));
    expect(schemas.customFields).toEqual(['nickname', 'karma']);
    const created = schemas.create.parse({ email: 'a@camelot.bt', password: 'x' });
    expect(created).toMatchObject({ nickname: null, karma: 0 });
    expect(schemas.update.parse({})).toEqual({});
    expect(schemas.update.parse({ karma: 3 })).toEqual({ karma: 3 });
    expect(schemas.update.safeParse({ karma: 'many' }).success).toBe(false);
    expect(
      schemas.create.safeParse({ email: 'a@camelot.bt', password: 'x', nickname: 'x'.repeat(51) })
        .success,
    ).toBe(false);
    expect(
      schemas.read.parse({ id: '1', email: 'a@camelot.bt', nickname: 'Kay', karma: 2 }),
    ).toMatchObject({ nickname: 'Kay', karma: 2 });
  });

  it('keeps read-only fields out of register and PATCH', async () => {
    const fields = defineUserFields(
      { nickname: z.string().nullable(), karma: z.number().int().default(0) },
      { readOnly: ['karma'] },
    );
    expect(fields.writable).toEqual(['nickname']);
    const lazy = createUserSchemas(fields);
    const schemas = await loadUserSchemas(lazy);
    expect(Object.keys(schemas.read.shape)).toContain('karma');
    // Responses list the read schema's fields without building it.
    expect(lazy.readFields).toEqual(Object.keys(schemas.read.shape));
    expect(Object.keys(schemas.create.shape)).not.toContain('karma');
    expect(Object.keys(schemas.update.shape)).not.toContain('karma');
    expect(schemas.update.parse({ karma: 99 })).toEqual({});
  });

  it('refuses read-only names the declaration lacks', () => {
    const shape = { nickname: z.string().nullable() };
    const readOnly = ['karma'] as unknown as ['nickname'];
    expect(() => defineUserFields(shape, { readOnly })).toThrowError(/unknown field karma/);
  });

  it('shows linked OAuth accounts but never accepts them', async () => {
    const fields = defineUserFields({
      oauth_accounts: z.array(z.object({ id: z.string() })).optional(),
    });
    expect(fields.writable).toEqual([]);
    const create = await createUserSchemas(fields).create.load();
    expect(Object.keys(create.shape)).not.toContain('oauth_accounts');
  });
});
