import { expect } from 'vitest';
import { auth, type CaseContext, defineCase, PASSWORD } from './http-case';
import { freshEmail } from './http-client';

/** JSON arrays nested `depth` deep under `"email"`: a few kilobytes that stack-overflow naive code. */
export function deepJson(depth: number): string {
  return `{"email":${'['.repeat(depth)}${']'.repeat(depth)}}`;
}

const PARSE_ERROR = { detail: 'There was an error parsing the body' } as const;

/** Every route that reads a JSON body, and what it needs to get that far. */
async function jsonRoutes(
  context: CaseContext,
): Promise<[string, string, Record<string, string>][]> {
  const token = await context.superToken();
  return [
    ['POST', '/auth/register', {}],
    ['POST', '/auth/forgot-password', {}],
    ['POST', '/auth/request-verify-token', {}],
    ['POST', '/auth/reset-password', {}],
    ['POST', '/auth/verify', {}],
    ['PATCH', '/users/me', auth(token)],
    ['PATCH', '/users/00000000-0000-4000-8000-000000000000', auth(token)],
  ];
}

function bytes(...parts: (string | number[])[]): Uint8Array<ArrayBuffer> {
  const chunks = parts.map((part) =>
    typeof part === 'string' ? new TextEncoder().encode(part) : Uint8Array.from(part),
  );
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

const issuesOf = async (response: Response): Promise<Record<string, unknown>[]> =>
  ((await response.json()) as { detail: Record<string, unknown>[] }).detail;

/** GET, PATCH and DELETE `/users/{id}`: 401 without a token, 404 with a superuser's. */
async function expectUserPaths(context: CaseContext, ids: readonly string[]): Promise<void> {
  const token = await context.superToken();
  for (const id of ids) {
    for (const method of ['GET', 'PATCH', 'DELETE']) {
      // PATCH reads its body before it authenticates (as FastAPI does): give it a valid one.
      const json = method === 'PATCH' ? {} : undefined;
      const shown = `${method} /users/${id.slice(0, 12)}`;
      const anonymous = await context.request(method, `/users/${id}`, { json });
      expect(anonymous.status, shown).toBe(401);
      expect(await anonymous.json()).toEqual({ detail: 'Unauthorized' });
      const known = await context.request(method, `/users/${id}`, { headers: auth(token), json });
      expect(known.status, shown).toBe(404);
      expect(await known.json()).toEqual({ detail: 'Not Found' });
    }
  }
}

/**
 * Hostile input a client can send through any HTTP library: whatever its shape, it gets the
 * same 4xx and the same body on every framework, never a 5xx and never a framework's own error
 * body. (Malformed framing, CONNECT and half-closed connections are below any adapter: see
 * `hardenServer` in `@portcullis/core/node`.)
 */
export const hostileCases = [
  defineCase(
    'HTTP-HOSTILE-001',
    'JSON nested 5,000 deep answers 400 on every JSON route, authenticated or not',
    async (context) => {
      for (const [method, path, headers] of await jsonRoutes(context)) {
        const response = await context.request(method, path, {
          body: deepJson(5000),
          headers: { ...headers, 'content-type': 'application/json' },
        });
        expect(response.status, `${method} ${path}`).toBe(400);
        expect(await response.json()).toEqual(PARSE_ERROR);
      }
    },
  ),
  defineCase(
    'HTTP-HOSTILE-002',
    'invalid or truncated UTF-8 in a JSON body answers 400; a raw NUL or control byte is 422',
    async ({ request }) => {
      const json = { 'content-type': 'application/json' };
      for (const body of [
        bytes('{"email":"', [0xff, 0xfe], '@camelot.bt"}'),
        bytes('{"email":"arthur@camelot.bt","password":"', [0xe2, 0x82], '"}'),
      ]) {
        const response = await request('POST', '/auth/register', { body, headers: json });
        expect(response.status).toBe(400);
        expect(await response.json()).toEqual(PARSE_ERROR);
      }
      const nul = await request('POST', '/auth/register', {
        body: bytes('{"email":"a', [0], 'b@camelot.bt","password":"guinevere"}'),
        headers: json,
      });
      expect(nul.status).toBe(422);
      expect((await issuesOf(nul))[0]).toMatchObject({ type: 'json_invalid' });
    },
  ),
  defineCase(
    'HTTP-HOSTILE-003',
    'escaped NULs, operator objects and odd JSON values are 422 at the field, never reach a store',
    async ({ request }) => {
      const cases: [unknown, unknown[]][] = [
        [{ email: 'lancelot\u0000@camelot.bt', password: PASSWORD }, ['body', 'email']],
        [{ email: { $gt: '' }, password: PASSWORD }, ['body', 'email']],
        [{ email: freshEmail(), password: { $ne: null } }, ['body', 'password']],
        [{ email: ['a@camelot.bt'], password: PASSWORD }, ['body', 'email']],
        [{ email: 1e308, password: PASSWORD }, ['body', 'email']],
        [[], ['body']],
        ['just a string', ['body']],
      ];
      for (const [body, loc] of cases) {
        const response = await request('POST', '/auth/register', { json: body });
        expect(response.status, JSON.stringify(body)).toBe(422);
        expect((await issuesOf(response))[0]?.loc).toEqual(loc);
      }
    },
  ),
  defineCase(
    'HTTP-HOSTILE-004',
    '__proto__ and constructor keys in a body change nothing: the user is created plain',
    async ({ request }) => {
      const email = freshEmail();
      const body = `{"email":"${email}","password":"${PASSWORD}","__proto__":{"is_superuser":true},"constructor":{"prototype":{"is_superuser":true}}}`;
      const response = await request('POST', '/auth/register', {
        body,
        headers: { 'content-type': 'application/json' },
      });
      expect(response.status).toBe(201);
      expect(await response.json()).toMatchObject({ email, is_superuser: false });
      expect(({} as Record<string, unknown>).is_superuser).toBeUndefined();
    },
  ),
  defineCase(
    'HTTP-HOSTILE-005',
    'a malformed or unexpected Content-Type gets the same 422 everywhere, never a 415',
    async ({ request }) => {
      for (const type of [';;;=', 'text/plain', 'application/x-www-form-urlencoded', '']) {
        const response = await request('POST', '/auth/register', {
          body: '{}',
          headers: { 'content-type': type },
        });
        expect(response.status, JSON.stringify(type)).toBe(422);
        expect(await response.json()).toEqual({
          detail: [
            {
              type: 'model_attributes_type',
              loc: ['body'],
              msg: 'Input should be a valid dictionary or object to extract fields from',
              input: '{}',
            },
          ],
        });
      }
      const login = await request('POST', '/auth/jwt/login', {
        body: 'username=a&password=b',
        headers: { 'content-type': 'multipart/form-data' },
      });
      expect(login.status).toBe(400);
      expect(await login.json()).toEqual(PARSE_ERROR);
    },
  ),
  defineCase(
    'HTTP-HOSTILE-006',
    'a user id of any length gets 401 without a token and 404 with one',
    async (context) => {
      await expectUserPaths(context, ['a'.repeat(101), 'b'.repeat(4000), '%00', 'x%2Fy', '%20']);
    },
  ),
  defineCase(
    'HTTP-HOSTILE-007',
    'junk credentials of any size answer 401, and odd queries change nothing',
    async ({ request }) => {
      const junk: Record<string, string>[] = [
        { authorization: `Bearer ${'A'.repeat(8000)}` },
        { authorization: 'Bearer' },
        { authorization: 'Basic YTpi' },
        { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.' },
        { cookie: Array.from({ length: 200 }, (_, i) => `c${i}=${'z'.repeat(20)}`).join('; ') },
        { cookie: 'fastapiusersauth=%E0%A4%A; fastapiusersauth=' },
      ];
      for (const headers of junk) {
        const response = await request('GET', '/users/me?x=%zz&&=&y[$gt]=1', { headers });
        expect(response.status, JSON.stringify(headers).slice(0, 60)).toBe(401);
        expect(await response.json()).toEqual({ detail: 'Unauthorized' });
      }
    },
  ),
  defineCase(
    'HTTP-HOSTILE-008',
    'a user id that is not valid percent-encoding gets 401 without a token and 404 with one',
    async (context) => {
      await expectUserPaths(context, ['%E0%A4%A', '%', '%zz', 'a%C0%80b']);
    },
  ),
];

/** The same hostile bodies when the app's own body parsers ran first: 4xx, never a 5xx. */
export const hostileParsedCases = [
  defineCase(
    'HTTP-HOSTILE-101',
    "JSON nested 5,000 deep that the app's parser built answers 400, not a 500",
    async ({ request }) => {
      const response = await request('POST', '/auth/register', {
        body: deepJson(5000),
        headers: { 'content-type': 'application/json' },
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual(PARSE_ERROR);
    },
  ),
  defineCase(
    'HTTP-HOSTILE-102',
    "bodies the app's parsers choke on or turn into odd values get a 4xx, never a 5xx",
    async ({ request }) => {
      const sends: [string, string | Uint8Array<ArrayBuffer>][] = [
        ['application/json', bytes('{"email":"', [0xff], '"}')],
        ['application/json', '{"email":{"$gt":""},"password":"guinevere"}'],
        ['application/json', `{"__proto__":{"is_superuser":true},"email":"${freshEmail()}"}`],
        ['application/json', 'null'],
        ['application/json', '"text"'],
        ['application/x-www-form-urlencoded', 'email[$gt]=&password[]=x&__proto__[a]=1'],
        ['application/x-www-form-urlencoded', '%zz=%&a'],
      ];
      for (const [type, body] of sends) {
        const response = await request('POST', '/auth/register', {
          body,
          headers: { 'content-type': type },
        });
        expect(response.status, String(body).slice(0, 40)).toBeGreaterThanOrEqual(400);
        expect(response.status, String(body).slice(0, 40)).toBeLessThan(500);
      }
      const login = await request('POST', '/auth/jwt/login', {
        body: 'username[$ne]=x&password[]=y',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(login.status).toBeGreaterThanOrEqual(400);
      expect(login.status).toBeLessThan(500);
    },
  ),
];
