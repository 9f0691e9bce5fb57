import { createServer, IncomingMessage, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Socket } from 'node:net';
import { describe, expect, test } from 'vitest';
import { json } from '../http/response';
import {
  eachHeader,
  hostBodyOptions,
  parsedBodyOf,
  responseBytes,
  toRequest,
  writeResponse,
} from './bridge';

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

const cookies = new Headers();
cookies.append('set-cookie', 'a=1; Expires=Wed, 21 Oct 2037 07:28:00 GMT; Path=/');
cookies.append('set-cookie', 'b=2; Path=/');

describe('writeResponse', () => {
  test('sends every Set-Cookie whole, after the cookies the app already set', async () => {
    const response = await serveOnce(async (req, res) => {
      res.setHeader('set-cookie', 'app=0; Path=/');
      await writeResponse(req, res, new Response('{}', { status: 201, headers: cookies }));
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
    const headers = new Headers(cookies);
    headers.set('content-type', 'application/json');
    eachHeader(new Response(null, { headers }), (name, value) => seen.push([name, value]));
    expect(seen).toEqual([
      ['content-type', 'application/json'],
      ['set-cookie', ['a=1; Expires=Wed, 21 Oct 2037 07:28:00 GMT; Path=/', 'b=2; Path=/']],
    ]);
  });
});

describe('toRequest', () => {
  test('uses the original URL a mounting host kept, not the rewritten req.url', () => {
    const req = readRequest({ host: 'camelot.bt' });
    req.url = '/auth/register';
    req.method = 'GET';
    const request = toRequest(req, { url: '/api/auth/register?x=1', origin: 'https://camelot.bt' });
    expect(request.url).toBe('https://camelot.bt/api/auth/register?x=1');
  });
});

describe('parsedBodyOf and hostBodyOptions', () => {
  test('take a JSON value the host parsed, and an empty body as no body', async () => {
    const req = await ended({ 'content-type': 'application/json', 'content-length': '9' });
    expect(parsedBodyOf(req, { a: [1] })).toEqual({ kind: 'json', value: { a: [1] } });
    const empty = await ended({ 'content-type': 'application/json', 'content-length': '0' });
    expect(parsedBodyOf(empty, {})).toEqual({ kind: 'json', value: undefined });
  });

  test('keep the last value of a repeated form field and drop nested values', async () => {
    const req = await ended({ 'content-type': 'application/x-www-form-urlencoded' });
    expect(parsedBodyOf(req, { username: ['a', 'b'], nested: { x: '1' } })).toEqual({
      kind: 'form',
      value: { username: 'b' },
    });
  });

  test('ignore a body while the stream is still unread, and types core does not take', async () => {
    const unread = new IncomingMessage(new Socket());
    unread.headers = { 'content-type': 'application/json' };
    expect(parsedBodyOf(unread, { a: 1 })).toBeUndefined();
    const multipart = await ended({ 'content-type': 'multipart/form-data; boundary=x' });
    expect(parsedBodyOf(multipart, {})).toBeUndefined();
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

describe('responseBytes', () => {
  const text = (bytes: Uint8Array | null) =>
    bytes === null ? null : new TextDecoder().decode(bytes);

  test('a body core serialised: its bytes, even once a hook has read the stream', async () => {
    const response = json({ detail: 'LOGIN_BAD_CREDENTIALS', note: 'ünïcode' }, 400);
    expect(text(await responseBytes(response))).toBe(
      '{"detail":"LOGIN_BAD_CREDENTIALS","note":"ünïcode"}',
    );
    const consumed = json({ access_token: 'abc', token_type: 'bearer' });
    await consumed.text();
    expect(consumed.bodyUsed).toBe(true);
    expect(text(await responseBytes(consumed))).toBe(
      '{"access_token":"abc","token_type":"bearer"}',
    );
  });

  test('any other response is read from its stream; no body is null', async () => {
    expect(text(await responseBytes(new Response('plain text')))).toBe('plain text');
    const copy = new Response(json({ a: 1 }).body, { status: 201 });
    expect(text(await responseBytes(copy))).toBe('{"a":1}');
    expect(await responseBytes(new Response(null, { status: 204 }))).toBeNull();
  });
});
