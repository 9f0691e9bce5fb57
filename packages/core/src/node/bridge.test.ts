import { createServer, IncomingMessage, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Socket } from 'node:net';
import { describe, expect, test } from 'vitest';
import { ErrorCode } from '../errors';
import { eachHeader, empty, type PortcullisResponse } from '../http/response';
import { hostBodyOptions, nodeRequest, writeNodeResponse } from './bridge';

async function serveOnce(listener: RequestListener, init: RequestInit = {}): Promise<Response> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await fetch(`http://127.0.0.1:${port}/`, init);
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

/** A request whose body a host parser has already read to the end. */
function readRequest(headers: Record<string, string>): IncomingMessage {
  const req = new IncomingMessage(new Socket());
  req.headers = headers;
  req.push(null);
  req.resume();
  return req;
}

async function ended(headers: Record<string, string>): Promise<IncomingMessage> {
  const req = readRequest(headers);
  await new Promise((resolve) => req.once('end', resolve));
  return req;
}

const cookies: [string, string][] = [
  ['set-cookie', 'a=1; Expires=Wed, 21 Oct 2037 07:28:00 GMT; Path=/'],
  ['set-cookie', 'b=2; Path=/'],
];

describe('writeNodeResponse', () => {
  test('sends every Set-Cookie whole, after the cookies the app already set', async () => {
    const response = await serveOnce(async (req, res) => {
      res.setHeader('set-cookie', 'app=0; Path=/');
      writeNodeResponse(req, res, { status: 201, headers: [...cookies], body: '{}' });
    });
    expect(response.status).toBe(201);
    expect(response.headers.getSetCookie()).toEqual([
      'app=0; Path=/',
      'a=1; Expires=Wed, 21 Oct 2037 07:28:00 GMT; Path=/',
      'b=2; Path=/',
    ]);
    expect(response.headers.get('content-length')).toBe('2');
  });
});

describe('eachHeader', () => {
  test('hands Set-Cookie over once, as an array, and every other header as a string', () => {
    const seen: [string, string | string[]][] = [];
    const response: PortcullisResponse = empty(204, [
      cookies[0] as [string, string],
      ['content-type', 'application/json'],
      cookies[1] as [string, string],
    ]);
    eachHeader(response, (name, value) => seen.push([name, value]));
    expect(seen).toEqual([
      ['content-type', 'application/json'],
      ['set-cookie', ['a=1; Expires=Wed, 21 Oct 2037 07:28:00 GMT; Path=/', 'b=2; Path=/']],
    ]);
  });
});

describe('nodeRequest', () => {
  test('uses the original URL a mounting host kept, not the rewritten req.url', () => {
    const req = readRequest({ host: 'camelot.bt' });
    req.url = '/auth/register';
    req.method = 'GET';
    const request = nodeRequest(req, {
      url: '/api/auth/register?x=1',
      origin: 'https://camelot.bt',
    });
    expect(request.url).toBe('https://camelot.bt/api/auth/register?x=1');
    expect(nodeRequest(req).url).toBe('http://camelot.bt/auth/register');
  });

  test('an origin given as a function is asked once, and only when the URL is read', () => {
    const req = readRequest({ host: 'camelot.bt' });
    req.url = '/users/me';
    req.method = 'GET';
    let asked = 0;
    const origin = () => {
      asked++;
      return 'https://avalon.bt';
    };
    const request = nodeRequest(req, { origin });
    expect(request.header('host')).toBe('camelot.bt');
    expect(asked).toBe(0);
    expect(request.url).toBe('https://avalon.bt/users/me');
    expect(request.url).toBe('https://avalon.bt/users/me');
    expect(asked).toBe(1);
    // A function that finds no origin falls back to the Host header, as none given does.
    expect(nodeRequest(req, { origin: () => undefined }).url).toBe('http://camelot.bt/users/me');
  });

  test("the client's address is looked up only when a route reads it; a given one wins", () => {
    const req = readRequest({});
    let lookups = 0;
    Object.defineProperty(req.socket, 'remoteAddress', {
      get: () => {
        lookups++;
        return '203.0.113.7';
      },
    });
    const request = nodeRequest(req);
    expect(lookups).toBe(0);
    expect(request.remoteAddress).toBe('203.0.113.7');
    expect(lookups).toBe(1);
    expect(nodeRequest(req, { remoteAddress: '198.51.100.2' }).remoteAddress).toBe('198.51.100.2');
    expect(nodeRequest(req, { remoteAddress: null }).remoteAddress).toBe('203.0.113.7');
    expect(lookups).toBe(2);
  });

  test('reads headers by lower-case name, repeated ones joined', () => {
    const req = readRequest({ authorization: 'Bearer x', 'x-many': 'a, b' });
    const request = nodeRequest(req);
    expect(request.header('authorization')).toBe('Bearer x');
    expect(request.header('x-many')).toBe('a, b');
    expect(request.header('cookie')).toBeNull();
  });

  test('a body still trickling in at the deadline is a 408', async () => {
    const req = new IncomingMessage(new Socket());
    req.headers = { 'content-type': 'application/json' };
    req.push('{"email":');
    const reading = nodeRequest(req).readBody(1024, 50);
    await expect(reading).rejects.toMatchObject({ code: ErrorCode.REQUEST_TIMEOUT, status: 408 });
  });

  test('a body over the limit is a 413, a declared one before any byte is read', async () => {
    const declared = new IncomingMessage(new Socket());
    declared.headers = { 'content-length': '2048' };
    await expect(nodeRequest(declared).readBody(1024, 1000)).rejects.toMatchObject({
      code: ErrorCode.BODY_TOO_LARGE,
    });
    const streamed = new IncomingMessage(new Socket());
    streamed.headers = {};
    streamed.push('x'.repeat(2048));
    await expect(nodeRequest(streamed).readBody(1024, 1000)).rejects.toMatchObject({
      code: ErrorCode.BODY_TOO_LARGE,
    });
  });
});

describe('hostBodyOptions', () => {
  test('take a JSON value the host parsed, and an empty body as no body', async () => {
    const req = await ended({ 'content-type': 'application/json', 'content-length': '9' });
    expect(hostBodyOptions(req, { a: [1] })).toEqual({
      parsedBody: { kind: 'json', value: { a: [1] } },
    });
    const none = await ended({ 'content-type': 'application/json', 'content-length': '0' });
    expect(hostBodyOptions(none, {})).toEqual({ parsedBody: { kind: 'json', value: undefined } });
  });

  test('keep the last value of a repeated form field and drop nested values', async () => {
    const req = await ended({ 'content-type': 'application/x-www-form-urlencoded' });
    expect(hostBodyOptions(req, { username: ['a', 'b'], nested: { x: '1' } })).toEqual({
      parsedBody: { kind: 'form', value: { username: 'b' } },
    });
  });

  test('ignore a body while the stream is still unread, and types core does not take', async () => {
    const unread = new IncomingMessage(new Socket());
    unread.headers = { 'content-type': 'application/json' };
    expect(hostBodyOptions(unread, { a: 1 })).toEqual({});
    const multipart = await ended({ 'content-type': 'multipart/form-data; boundary=x' });
    expect(hostBodyOptions(multipart, {})).toEqual({});
  });

  test('turn bytes or text a raw parser kept into the raw body', async () => {
    const req = await ended({ 'content-type': 'text/plain' });
    const bytes = new Uint8Array([1, 2]);
    expect(hostBodyOptions(req, bytes)).toEqual({ rawBody: bytes });
    expect(hostBodyOptions(req, 'hi')).toEqual({ rawBody: new TextEncoder().encode('hi') });
    const json = await ended({ 'content-type': 'application/json' });
    expect(hostBodyOptions(json, { a: 1 })).toEqual({
      parsedBody: { kind: 'json', value: { a: 1 } },
    });
  });
});
