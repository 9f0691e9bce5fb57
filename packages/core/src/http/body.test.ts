import { describe, expect, test } from 'vitest';
import { ErrorCode } from '../errors';
import { MAX_JSON_DEPTH, readFormBody, readJsonBody } from './body';
import { fromFetchRequest, type PortcullisRequest } from './request';

const URL_ = 'http://app.test/auth/register';
const LIMIT = { bodyLimit: 1024, bodyTimeoutMs: 30_000 };
const encoder = new TextEncoder();

/** A POST request; a Uint8Array body gets no default content type (a string would be text/plain). */
function post(body: BodyInit | null, headers: Record<string, string> = {}): PortcullisRequest {
  return fromFetchRequest(new Request(URL_, { method: 'POST', body, headers }));
}
const json = (text: string, type = 'application/json') =>
  post(encoder.encode(text), { 'content-type': type });

/** A body streamed in chunks, with no content-length; records whether it was cancelled. */
function streamed(chunk: Uint8Array, count: number) {
  const state = { pulled: 0, cancelled: false };
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (state.pulled++ >= count) controller.close();
      else controller.enqueue(chunk);
    },
    cancel() {
      state.cancelled = true;
    },
  });
  const request = new Request(URL_, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
    duplex: 'half',
  } as RequestInit);
  return { request: fromFetchRequest(request), state };
}

/** The 422 issues a rejected read carries. */
async function issues(promise: Promise<unknown>): Promise<unknown> {
  const error = await promise.then(
    () => expect.unreachable('expected a rejection'),
    (e: unknown) => e,
  );
  expect(error).toMatchObject({ code: ErrorCode.VALIDATION_ERROR, status: 422 });
  return (error as { detail: unknown }).detail;
}

describe('readJsonBody', () => {
  test('an empty body is undefined', async () => {
    expect(await readJsonBody(post(null), LIMIT)).toBeUndefined();
    expect(await readJsonBody(json(''), LIMIT)).toBeUndefined();
  });

  test('parses JSON for a JSON content type, a +json type, or none at all', async () => {
    const value = { email: 'a@example.com', n: [1, null] };
    const text = JSON.stringify(value);
    expect(await readJsonBody(json(text), LIMIT)).toEqual(value);
    expect(await readJsonBody(json(text, 'application/json; charset=utf-8'), LIMIT)).toEqual(value);
    expect(await readJsonBody(json(text, 'Application/Merge-Patch+JSON'), LIMIT)).toEqual(value);
    expect(await readJsonBody(post(encoder.encode(text)), LIMIT)).toEqual(value);
    expect(await readJsonBody(json('null'), LIMIT)).toBeNull();
  });

  test('malformed JSON is a 422 json_invalid issue at ["body", offset]', async () => {
    const reason = await issues(readJsonBody(json('{"email": "a@example.com",'), LIMIT));
    expect(reason).toEqual([
      {
        type: 'json_invalid',
        loc: ['body', expect.any(Number)],
        msg: 'JSON decode error',
        input: {},
        ctx: { error: expect.any(String) },
      },
    ]);
  });

  test('reports the offset Python names for errors V8 places ([1,2 and trailing data)', async () => {
    expect(await issues(readJsonBody(json('[1,2'), LIMIT))).toMatchObject([{ loc: ['body', 4] }]);
    const extra = await issues(readJsonBody(json('{"a":1}x'), LIMIT));
    expect(extra).toMatchObject([{ loc: ['body', 7] }]);
  });

  test('reports the offset Python names for a missing value', async () => {
    const missingValue = await issues(readJsonBody(json('{"email": }'), LIMIT));
    expect(missingValue).toMatchObject([{ loc: ['body', 10], ctx: { error: 'Expecting value' } }]);
    const word = await issues(readJsonBody(json('not json'), LIMIT));
    expect(word).toMatchObject([{ loc: ['body', 0], ctx: { error: 'Expecting value' } }]);
  });

  test('a non-JSON content type yields the raw text, unparsed', async () => {
    expect(await readJsonBody(post('{"a":1}', { 'content-type': 'text/plain' }), LIMIT)).toBe(
      '{"a":1}',
    );
    expect(await readJsonBody(post('{not json', { 'content-type': 'text/plain' }), LIMIT)).toBe(
      '{not json',
    );
  });

  test('invalid UTF-8 is BAD_REQUEST "There was an error parsing the body"', async () => {
    const request = post(new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), {
      'content-type': 'application/json',
    });
    await expect(readJsonBody(request, LIMIT)).rejects.toMatchObject({
      code: ErrorCode.BAD_REQUEST,
      status: 400,
      detail: 'There was an error parsing the body',
    });
  });

  test('a declared content-length over the limit is BODY_TOO_LARGE (413)', async () => {
    const request = post(encoder.encode('{}'), {
      'content-type': 'application/json',
      'content-length': String(LIMIT.bodyLimit + 1),
    });
    await expect(readJsonBody(request, LIMIT)).rejects.toMatchObject({
      code: ErrorCode.BODY_TOO_LARGE,
      status: 413,
    });
  });

  test('a streamed body over the limit is BODY_TOO_LARGE and the stream is cancelled', async () => {
    const { request, state } = streamed(new Uint8Array(100), 1_000_000);
    await expect(readJsonBody(request, LIMIT)).rejects.toMatchObject({
      code: ErrorCode.BODY_TOO_LARGE,
    });
    expect(state.pulled).toBeLessThan(20);
    expect(state.cancelled).toBe(true);
  });

  test('a streamed body of exactly the limit is read whole', async () => {
    const text = `"${'x'.repeat(LIMIT.bodyLimit - 2)}"`;
    const { request } = streamed(encoder.encode(text), 1);
    expect(await readJsonBody(request, LIMIT)).toBe('x'.repeat(LIMIT.bodyLimit - 2));
    const chunked = streamed(encoder.encode('[1,'), 3);
    await expect(readJsonBody(chunked.request, LIMIT)).rejects.toMatchObject({ status: 422 });
  });

  test('a body the host already parsed is used without reading the stream', async () => {
    let read = false;
    const request: PortcullisRequest = {
      ...json('{broken'),
      readBody: async () => {
        read = true;
        return new Uint8Array(0);
      },
      parsedBody: { kind: 'json', value: { a: 1 } },
    };
    expect(await readJsonBody(request, LIMIT)).toEqual({ a: 1 });
    expect(read).toBe(false);
  });

  test('JSON nested past MAX_JSON_DEPTH is a 400, whether raw or parsed by the host', async () => {
    const deep = (n: number) => `{"email":${'['.repeat(n)}${']'.repeat(n)}}`;
    const refused = { code: ErrorCode.BAD_REQUEST, detail: 'There was an error parsing the body' };
    const roomy = { ...LIMIT, bodyLimit: 1 << 20 };
    await expect(readJsonBody(json(deep(5000)), roomy)).rejects.toMatchObject(refused);
    // Brackets inside strings do not count.
    expect(await readJsonBody(json(`{"a":"${'['.repeat(500)}"}`), LIMIT)).toEqual({
      a: '['.repeat(500),
    });
    expect(await readJsonBody(json(deep(MAX_JSON_DEPTH - 1)), LIMIT)).toBeTypeOf('object');
    const parsed: PortcullisRequest = {
      ...json(''),
      parsedBody: { kind: 'json', value: JSON.parse(deep(5000)) },
    };
    await expect(readJsonBody(parsed, LIMIT)).rejects.toMatchObject(refused);
  });
});

describe('readFormBody', () => {
  test('reads an urlencoded form; a repeated field keeps its last value', async () => {
    const request = post('username=a%40example.com&password=p+w%26&username=b%40example.com', {
      'content-type': 'application/x-www-form-urlencoded; charset=UTF-8',
    });
    expect(await readFormBody(request, LIMIT)).toEqual({
      username: 'b@example.com',
      password: 'p w&',
    });
  });

  test('reads the text fields of a multipart form and skips files', async () => {
    const form = new FormData();
    form.set('username', 'a@example.com');
    form.set('password', 'secret');
    form.set('avatar', new Blob(['binary']), 'avatar.png');
    expect(await readFormBody(post(form), LIMIT)).toEqual({
      username: 'a@example.com',
      password: 'secret',
    });
  });

  test('a malformed multipart body is BAD_REQUEST', async () => {
    const request = post('not multipart at all', {
      'content-type': 'multipart/form-data; boundary=xyz',
    });
    await expect(readFormBody(request, LIMIT)).rejects.toMatchObject({
      code: ErrorCode.BAD_REQUEST,
      detail: 'There was an error parsing the body',
    });
  });

  test('any other content type, or none, reads as an empty form', async () => {
    const body = 'username=a%40example.com&password=x';
    expect(await readFormBody(post(body, { 'content-type': 'application/json' }), LIMIT)).toEqual(
      {},
    );
    expect(await readFormBody(post(body, { 'content-type': 'text/plain' }), LIMIT)).toEqual({});
    expect(await readFormBody(post(encoder.encode(body)), LIMIT)).toEqual({});
  });

  test('a form over the limit is BODY_TOO_LARGE', async () => {
    const request = post(`username=${'a'.repeat(LIMIT.bodyLimit)}`, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    await expect(readFormBody(request, LIMIT)).rejects.toMatchObject({
      code: ErrorCode.BODY_TOO_LARGE,
    });
  });
});
