import { expect } from 'vitest';
import { defineCase, PASSWORD } from './http-case';
import { freshEmail } from './http-client';

type Issue = Record<string, unknown>;
const issuesOf = async (response: Response): Promise<Issue[]> =>
  ((await response.json()) as { detail: Issue[] }).detail;

/** A body of `size` bytes sent in 64 KiB chunks, so no `content-length` announces it. */
export function chunkedBody(size: number): ReadableStream<Uint8Array> {
  const chunk = new Uint8Array(64 * 1024).fill(0x61);
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= size) return controller.close();
      controller.enqueue(chunk);
      sent += chunk.byteLength;
    },
  });
}

/** POST /auth/register (see docs/contract/routes.md#register) and the validation every JSON route shares (see docs/contract/routes.md#validation-errors). */
export const registerCases = [
  defineCase(
    'HTTP-REGISTER-001',
    '201 with the read schema; privilege fields in the body are ignored',
    async ({ request }) => {
      const email = freshEmail();
      const response = await request('POST', '/auth/register', {
        json: {
          email,
          password: PASSWORD,
          is_superuser: true,
          is_active: false,
          is_verified: true,
        },
      });
      expect(response.status).toBe(201);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await response.json()).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$|^[0-9a-f]{24}$|^\d+$/),
        email,
        is_active: true,
        is_superuser: false,
        is_verified: false,
      });
    },
  ),
  defineCase(
    'HTTP-REGISTER-002',
    'normalises the domain and keeps the local part',
    async ({ register }) => {
      const local = freshEmail('King.Arthur').split('@')[0];
      const body = await register(`  ${local}@Camelot.BT `);
      expect(body.email).toBe(`${local}@camelot.bt`);
    },
  ),
  defineCase(
    'HTTP-REGISTER-003',
    '400 REGISTER_USER_ALREADY_EXISTS, case-insensitively',
    async ({ request, register }) => {
      const email = freshEmail();
      await register(email);
      const response = await request('POST', '/auth/register', {
        json: { email: email.toUpperCase(), password: PASSWORD },
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ detail: 'REGISTER_USER_ALREADY_EXISTS' });
    },
  ),
  defineCase(
    'HTTP-REGISTER-004',
    '400 REGISTER_INVALID_PASSWORD with the reason, checked before duplicates',
    async ({ request, register }) => {
      const email = freshEmail();
      await register(email);
      const response = await request('POST', '/auth/register', {
        json: { email, password: 'short' },
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        detail: {
          code: 'REGISTER_INVALID_PASSWORD',
          reason: 'Password should be at least 8 characters',
        },
      });
    },
  ),
  defineCase(
    'HTTP-REGISTER-005',
    'concurrent registrations of one email: exactly one 201',
    async ({ request }) => {
      const email = freshEmail('race');
      const responses = await Promise.all(
        [email, email.toUpperCase(), email, email].map((e) =>
          request('POST', '/auth/register', { json: { email: e, password: PASSWORD } }),
        ),
      );
      expect(responses.map((r) => r.status).sort()).toEqual([201, 400, 400, 400]);
      for (const r of responses.filter((r) => r.status === 400)) {
        expect(await r.json()).toEqual({ detail: 'REGISTER_USER_ALREADY_EXISTS' });
      }
    },
  ),
  defineCase(
    'HTTP-VALIDATION-001',
    '422 for a missing field, with the whole body as input',
    async ({ request }) => {
      const email = freshEmail();
      const response = await request('POST', '/auth/register', { json: { email } });
      expect(response.status).toBe(422);
      expect(await issuesOf(response)).toEqual([
        { type: 'missing', loc: ['body', 'password'], msg: 'Field required', input: { email } },
      ]);
    },
  ),
  defineCase('HTTP-VALIDATION-002', '422 for an invalid email, with the reason', async (c) => {
    const response = await c.request('POST', '/auth/register', {
      json: { email: 'arthur@camelot.test', password: PASSWORD },
    });
    expect(response.status).toBe(422);
    const [issue] = await issuesOf(response);
    expect(issue).toMatchObject({
      type: 'value_error',
      loc: ['body', 'email'],
      input: 'arthur@camelot.test',
    });
    expect(String(issue?.msg)).toMatch(/^value is not a valid email address: /);
    expect(issue?.ctx).toHaveProperty('reason');
  }),
  defineCase(
    'HTTP-VALIDATION-003',
    '422 for operator objects, arrays, wrong types and non-object JSON; never a 5xx',
    async ({ request }) => {
      for (const json of [
        { email: { $ne: null }, password: PASSWORD },
        { email: [freshEmail()], password: PASSWORD },
        { email: freshEmail(), password: 12345678 },
        { email: freshEmail(), password: PASSWORD, is_active: 'maybe' },
        [],
        'text',
        null,
      ]) {
        const response = await request('POST', '/auth/register', { json });
        expect(response.status, JSON.stringify(json)).toBe(422);
      }
    },
  ),
  defineCase(
    'HTTP-VALIDATION-004',
    '422 json_invalid for malformed JSON, with the offset and the reason',
    async ({ request }) => {
      const response = await request('POST', '/auth/register', {
        body: '{"email": ',
        headers: { 'content-type': 'application/json' },
      });
      expect(response.status).toBe(422);
      expect(await issuesOf(response)).toEqual([
        {
          type: 'json_invalid',
          loc: ['body', 10],
          msg: 'JSON decode error',
          input: {},
          ctx: { error: 'Expecting value' },
        },
      ]);
    },
  ),
  defineCase('HTTP-VALIDATION-005', '422 field required for an empty body', async ({ request }) => {
    const response = await request('POST', '/auth/register', {
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({
      detail: [{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }],
    });
  }),
  defineCase(
    'HTTP-VALIDATION-006',
    'NUL characters are refused with 422, invalid UTF-8 with 400',
    async ({ request }) => {
      const nul = await request('POST', '/auth/register', {
        json: { email: `a\u0000${freshEmail()}`, password: PASSWORD },
      });
      expect(nul.status).toBe(422);
      const bad = await request('POST', '/auth/register', {
        body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
        headers: { 'content-type': 'application/json' },
      });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toEqual({ detail: 'There was an error parsing the body' });
    },
  ),
  defineCase(
    'HTTP-LIMIT-001',
    '413 for a body over the limit, announced by content-length',
    async ({ request }) => {
      const response = await request('POST', '/auth/register', {
        json: { email: freshEmail(), password: 'x'.repeat(2 * 1024 * 1024) },
      });
      expect(response.status).toBe(413);
      expect(await response.json()).toEqual({ detail: 'Request Entity Too Large' });
    },
  ),
  defineCase(
    'HTTP-LIMIT-002',
    '413 for a chunked body that grows over the limit',
    async ({ request }) => {
      const response = await request('POST', '/auth/register', {
        body: chunkedBody(2 * 1024 * 1024),
        headers: { 'content-type': 'application/json' },
      });
      expect(response.status).toBe(413);
      expect(await response.json()).toEqual({ detail: 'Request Entity Too Large' });
    },
  ),
];
