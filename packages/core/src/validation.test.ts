import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { ErrorCode } from './errors';
import { createUserSchemas, emailRequestBody, resetPasswordBody, verifyBody } from './schemas';
import { defineUserFields } from './user-fields';
import { parseEmbeddedBody, parseModelBody } from './validation';

const schemas = createUserSchemas(defineUserFields({ first_name: z.string().optional() }));
const EMAIL = 'arthur@example.com';

/** The 422 issues a parse throws; fails the test when it does not throw one. */
async function issues(parse: () => Promise<unknown>): Promise<unknown> {
  try {
    await parse();
  } catch (error) {
    expect(error).toMatchObject({ code: ErrorCode.VALIDATION_ERROR, status: 422 });
    return (error as { detail: unknown }).detail;
  }
  return expect.unreachable('expected a 422');
}
const create = (body: unknown) => parseModelBody(schemas.create, body);
const createIssues = (body: unknown) => issues(() => create(body));

const FIELD_REQUIRED = { type: 'missing', msg: 'Field required' };
const BOOL_PARSING = {
  type: 'bool_parsing',
  msg: 'Input should be a valid boolean, unable to interpret input',
};
const BOOL_TYPE = { type: 'bool_type', msg: 'Input should be a valid boolean' };

describe('parseModelBody', () => {
  test('no body at all is one missing issue at ["body"] with input null', async () => {
    expect(await createIssues(undefined)).toEqual([
      { ...FIELD_REQUIRED, loc: ['body'], input: null },
    ]);
  });

  test('a JSON null body is missing at ["body"], as no body', async () => {
    expect(await createIssues(null)).toEqual([{ ...FIELD_REQUIRED, loc: ['body'], input: null }]);
  });

  test('a body that is not an object is model_attributes_type at ["body"]', async () => {
    expect(await createIssues('text')).toEqual([
      {
        type: 'model_attributes_type',
        loc: ['body'],
        msg: 'Input should be a valid dictionary or object to extract fields from',
        input: 'text',
      },
    ]);
  });

  test('a missing field reports the whole submitted object as its input', async () => {
    const body = { password: 'x', first_name: 'Arthur' };
    expect(await createIssues(body)).toEqual([
      { ...FIELD_REQUIRED, loc: ['body', 'email'], input: body },
    ]);
  });

  test('a non-string is string_type with the offending value as input', async () => {
    expect(await createIssues({ email: EMAIL, password: 5 })).toEqual([
      {
        type: 'string_type',
        loc: ['body', 'password'],
        msg: 'Input should be a valid string',
        input: 5,
      },
    ]);
  });

  test('an unparsable string or number is bool_parsing; another type is bool_type', async () => {
    const body = {
      email: EMAIL,
      password: 'x',
      is_active: 'maybe',
      is_superuser: 2,
      is_verified: [],
    };
    expect(await createIssues(body)).toEqual([
      { ...BOOL_PARSING, loc: ['body', 'is_active'], input: 'maybe' },
      { ...BOOL_PARSING, loc: ['body', 'is_superuser'], input: 2 },
      { ...BOOL_TYPE, loc: ['body', 'is_verified'], input: [] },
    ]);
  });

  test('accepts lax booleans: "yes", "0", 1, "OFF", "true"', async () => {
    expect(
      await create({
        email: EMAIL,
        password: 'x',
        is_active: 'yes',
        is_superuser: '0',
        is_verified: 1,
      }),
    ).toMatchObject({ is_active: true, is_superuser: false, is_verified: true });
    expect(
      await create({
        email: EMAIL,
        password: 'x',
        is_active: 'OFF',
        is_superuser: 'true',
        is_verified: 0,
      }),
    ).toMatchObject({ is_active: false, is_superuser: true, is_verified: false });
  });

  test('an invalid email is value_error with the reason in msg and ctx', async () => {
    const reason = 'An email address must have an @-sign.';
    expect(await createIssues({ email: 'nope', password: 'x' })).toEqual([
      {
        type: 'value_error',
        loc: ['body', 'email'],
        msg: `value is not a valid email address: ${reason}`,
        input: 'nope',
        ctx: { reason },
      },
    ]);
    const special = await createIssues({ email: 'arthur@camelot.test', password: 'x' });
    expect(special).toMatchObject([{ type: 'value_error', ctx: { reason: expect.any(String) } }]);
  });

  test('normalises the email and drops unknown fields', async () => {
    expect(await create({ email: ' Arthur@Example.COM ', password: 'x', admin: true })).toEqual({
      email: 'Arthur@example.com',
      password: 'x',
    });
  });

  test('reports every issue, in field order', async () => {
    const reported = (await createIssues({ is_active: 'maybe', password: 1 })) as {
      loc: unknown[];
    }[];
    expect(reported.map((i) => i.loc)).toEqual([
      ['body', 'email'],
      ['body', 'password'],
      ['body', 'is_active'],
    ]);
  });

  test('a NUL in a string that would be stored is string_nul', async () => {
    const body = { email: EMAIL, password: 'x', first_name: 'Art\u0000hur' };
    expect(await createIssues(body)).toEqual([
      {
        type: 'string_nul',
        loc: ['body', 'first_name'],
        msg: 'String should not contain the NUL character',
        input: 'Art\u0000hur',
      },
    ]);
  });

  test('a NUL in the password is accepted: it is only ever hashed', async () => {
    expect(await create({ email: EMAIL, password: 'pass\u0000word' })).toMatchObject({
      password: 'pass\u0000word',
    });
  });

  test('update: explicit null is refused for flags (upstream writes it), allowed for password', async () => {
    const update = (body: unknown) => parseModelBody(schemas.update, body);
    expect(await update({ password: null })).toEqual({ password: null });
    expect(await update({})).toEqual({});
    expect(await issues(() => update({ is_active: null }))).toEqual([
      { ...BOOL_TYPE, loc: ['body', 'is_active'], input: null },
    ]);
  });
});

describe('parseEmbeddedBody', () => {
  test('a missing field is missing with input null, never the whole body', async () => {
    expect(await issues(() => parseEmbeddedBody(resetPasswordBody, { password: 'x' }))).toEqual([
      { ...FIELD_REQUIRED, loc: ['body', 'token'], input: null },
    ]);
  });

  test('an absent or non-object body reports every field missing with input null', async () => {
    const expected = [
      { ...FIELD_REQUIRED, loc: ['body', 'token'], input: null },
      { ...FIELD_REQUIRED, loc: ['body', 'password'], input: null },
    ];
    for (const body of [undefined, null, 'text', [1, 2], 7]) {
      expect(await issues(() => parseEmbeddedBody(resetPasswordBody, body))).toEqual(expected);
    }
  });

  test('an embedded field set to null is missing, as if absent', async () => {
    expect(await issues(() => parseEmbeddedBody(verifyBody, { token: null }))).toEqual([
      { ...FIELD_REQUIRED, loc: ['body', 'token'], input: null },
    ]);
  });

  test('a wrong type is reported on the field with its value as input', async () => {
    expect(await issues(() => parseEmbeddedBody(verifyBody, { token: 42 }))).toEqual([
      {
        type: 'string_type',
        loc: ['body', 'token'],
        msg: 'Input should be a valid string',
        input: 42,
      },
    ]);
  });

  test('an invalid email is value_error; a valid one is normalised', async () => {
    expect(await issues(() => parseEmbeddedBody(emailRequestBody, { email: 'a@b' }))).toMatchObject(
      [
        {
          type: 'value_error',
          loc: ['body', 'email'],
          input: 'a@b',
          ctx: { reason: expect.any(String) },
        },
      ],
    );
    expect(await parseEmbeddedBody(emailRequestBody, { email: 'Arthur@EXAMPLE.com' })).toEqual({
      email: 'Arthur@example.com',
    });
  });

  test('a NUL in an embedded string is string_nul', async () => {
    expect(await issues(() => parseEmbeddedBody(verifyBody, { token: 'a\u0000b' }))).toMatchObject([
      { type: 'string_nul', loc: ['body', 'token'], input: 'a\u0000b' },
    ]);
  });
});
