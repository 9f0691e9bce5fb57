import { expect } from 'vitest';
import { auth, defineCase, PASSWORD } from './http-case';
import { chunkedBody } from './http-cases-register';
import { freshEmail } from './http-client';

/**
 * The same routes when the app installed its framework's JSON and urlencoded parsers before
 * Portcullis: a body the app parsed is reused (never read twice, never re-serialised), and the
 * answers stay FastAPI's.
 */
export const bodyCases = [
  defineCase(
    'HTTP-BODY-001',
    'a JSON body the app parsed is reused: register 201, PATCH 200, 422 input is the whole body',
    async ({ request, register, bearer }) => {
      const email = freshEmail();
      await register(email);
      const patch = await request('PATCH', '/users/me', {
        headers: auth(await bearer(email)),
        json: { password: 'a-new-password' },
      });
      expect(patch.status).toBe(200);
      await bearer(email, 'a-new-password');
      const other = freshEmail();
      const missing = await request('POST', '/auth/register', { json: { email: other } });
      expect(missing.status).toBe(422);
      expect(await missing.json()).toEqual({
        detail: [
          {
            type: 'missing',
            loc: ['body', 'password'],
            msg: 'Field required',
            input: { email: other },
          },
        ],
      });
    },
  ),
  defineCase(
    'HTTP-BODY-002',
    'an urlencoded login the app parsed is reused, and a repeated field counts with its last value',
    async ({ request, register }) => {
      const email = freshEmail();
      await register(email);
      const response = await request('POST', '/auth/jwt/login', {
        form: [
          ['username', email],
          ['password', 'wrong-password'],
          ['password', PASSWORD],
        ],
      });
      expect(response.status).toBe(200);
      const missing = await request('POST', '/auth/jwt/login', { form: { username: email } });
      expect(await missing.json()).toEqual({
        detail: [
          { type: 'missing', loc: ['body', 'password'], msg: 'Field required', input: null },
        ],
      });
    },
  ),
  defineCase(
    'HTTP-BODY-003',
    "a body the app's parsers leave alone (multipart) still reaches core raw",
    async ({ request, register }) => {
      const email = freshEmail();
      await register(email);
      const response = await request('POST', '/auth/jwt/login', {
        multipart: { username: email, password: PASSWORD },
      });
      expect(response.status).toBe(200);
    },
  ),
  defineCase(
    'HTTP-BODY-004',
    'an empty JSON body stays absent (422 loc ["body"]); a JSON body to the login form is 422',
    async ({ request }) => {
      const empty = await request('POST', '/auth/register', {
        headers: { 'content-type': 'application/json' },
      });
      expect(empty.status).toBe(422);
      expect(await empty.json()).toEqual({
        detail: [{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }],
      });
      const json = await request('POST', '/auth/jwt/login', {
        json: { username: 'a@b.io', password: 'whatever1' },
      });
      expect(json.status).toBe(422);
      expect(
        ((await json.json()) as { detail: { loc: unknown }[] }).detail.map((i) => i.loc),
      ).toEqual([
        ['body', 'username'],
        ['body', 'password'],
      ]);
    },
  ),
  defineCase(
    'HTTP-BODY-005',
    "malformed JSON gets FastAPI's 422 or the app parser's own 4xx, never a 5xx",
    async ({ request }) => {
      const response = await request('POST', '/auth/register', {
        body: '{"email": ',
        headers: { 'content-type': 'application/json' },
      });
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      if (response.status === 422) {
        const body = (await response.json()) as { detail: { type: string }[] };
        expect(body.detail[0]?.type).toBe('json_invalid');
      }
    },
  ),
  defineCase(
    'HTTP-BODY-006',
    "a body over the limit gets 413, from core or from the app's parser",
    async ({ request }) => {
      const announced = await request('POST', '/auth/register', {
        json: { email: freshEmail(), password: 'x'.repeat(2 * 1024 * 1024) },
      });
      expect(announced.status).toBe(413);
      const chunked = await request('POST', '/auth/register', {
        body: chunkedBody(2 * 1024 * 1024),
        headers: { 'content-type': 'application/json' },
      });
      expect(chunked.status).toBe(413);
    },
  ),
];
