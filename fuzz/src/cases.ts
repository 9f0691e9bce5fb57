import {
  breakEncoding,
  deepJson,
  formBody,
  jsonValue,
  multipartBody,
  plausibleJson,
  truncate,
} from './bodies';
import { createRandom, type Random } from './prng';

/** How a request's body is framed on the wire. */
export type Framing =
  /** `Content-Length` equal to the body. */
  | 'length'
  /** `Transfer-Encoding: chunked`, in random chunk sizes. */
  | 'chunked'
  /** `Content-Length` larger than the body: the case half-closes, so the server sees EOF. */
  | 'length-short'
  /** `Content-Length` smaller than the body: the rest reads as the next request. */
  | 'length-long'
  /** Both `Content-Length` and `Transfer-Encoding` (request smuggling's favourite). */
  | 'length-and-chunked'
  /** A chunked body that never sends its last chunk: the case half-closes. */
  | 'chunked-cut'
  /** No framing header at all: the body bytes read as the next request. */
  | 'none';

/** One request of a case, serialised only when sent (the bearer token differs per run). */
export interface RequestSpec {
  method: string;
  target: string;
  version: string;
  /** Values may hold `{{token}}`, replaced by a real access token of the run's user. */
  headers: [string, string][];
  body: Uint8Array | null;
  framing: Framing;
  /** `\r\n`, or a bare `\n` (tolerated by some parsers, refused by others). */
  eol: string;
  /** Chunk sizes for `chunked` framings, drawn when the case is built. */
  chunks: number[];
}

export interface FuzzCase {
  index: number;
  /** What kind of abuse this is, for the report (`json.deep`, `framing.length-short`). */
  category: string;
  /** Requests, or raw bytes that are not a request at all. */
  pieces: (RequestSpec | Uint8Array)[];
  /** Shut the client's sending side (FIN) after the bytes. */
  halfClose: boolean;
  /** Per request, in order: whether it is a HEAD (its answer has no body). */
  heads: boolean[];
}

const encoder = new TextEncoder();

const JSON_ROUTES = [
  '/auth/register',
  '/auth/forgot-password',
  '/auth/request-verify-token',
  '/auth/reset-password',
  '/auth/verify',
  '/users/me',
];
const FORM_ROUTES = ['/auth/jwt/login', '/auth/cookie/login'];
const OTHER_PATHS = [
  '/auth/jwt/logout',
  '/auth/cookie/logout',
  '/users/me',
  '/openapi.json',
  '/docs',
  '/docs/assets/swagger-ui.css',
  '/whoami',
  '/',
  '/nowhere',
];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
const ODD_METHODS = [
  'TRACE',
  'PROPFIND',
  'PURGE',
  'M-SEARCH',
  'get',
  'FOO',
  'QUERY',
  'X'.repeat(40),
];
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'application/vnd.api+json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/form-data; boundary=',
  ';;;=',
  '',
  'application/json;;;',
  '*/*',
  `application/${'x'.repeat(3000)}`,
];

/** A user id in any shape: long, badly encoded, traversal, NUL. */
function userPath(random: Random): string {
  const id = random.pick([
    '00000000-0000-4000-8000-000000000000',
    'a'.repeat(random.pick([99, 100, 101, 1000, 7000])),
    '%E0%A4%A',
    '%',
    '%zz',
    '%00',
    'x%2Fy',
    '..%2F..',
    '%C0%80',
    '1;DROP TABLE user',
    'me%20',
    '{id}',
  ]);
  return `/users/${id}`;
}

/** A request target bent out of shape: query junk, doubled slashes, absolute form, `*`. */
function bendTarget(random: Random, path: string): string {
  switch (random.int(0, 9)) {
    case 0:
      return `${path}?${random.pick(['x=%zz', 'a[$gt]=1&&=', `q=${'z'.repeat(4000)}`, '?#', 'token=abc'])}`;
    case 1:
      return `/${path}`;
    case 2:
      return `${path}/`;
    case 3:
      return `http://fuzz.test${path}`;
    case 4:
      return random.pick(['*', '', 'http://', '//', '/%', '/\u00e9']);
    case 5:
      return `${path}#frag`;
    default:
      return path;
  }
}

/** Extra headers, most harmless, some hostile (huge, junk credentials, odd expectations). */
function extraHeaders(random: Random): [string, string][] {
  const headers: [string, string][] = [];
  const add = (name: string, value: string): void => {
    headers.push([name, value]);
  };
  if (random.chance(0.3)) add('Authorization', 'Bearer {{token}}');
  if (random.chance(0.15)) {
    add(
      'Authorization',
      random.pick([
        'Bearer',
        'Bearer ',
        `Bearer ${'A'.repeat(random.pick([100, 8000, 15_000]))}`,
        'Basic YTpi',
        'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.',
        'Bearer {{token}}x',
        'bearer {{token}}',
      ]),
    );
  }
  if (random.chance(0.15)) {
    add(
      'Cookie',
      random.pick([
        'fastapiusersauth=junk',
        'fastapiusersauth=',
        'fastapiusersauth=%E0%A4%A; fastapiusersauth=x',
        Array.from({ length: 300 }, (_, i) => `c${i}=v`).join('; '),
        '=;=;=',
      ]),
    );
  }
  if (random.chance(0.05)) add('X-Huge', 'h'.repeat(random.pick([8000, 17_000, 70_000])));
  if (random.chance(0.05)) {
    for (let i = 0; i < random.pick([50, 500, 2500]); i++) add(`X-Many-${i}`, 'v');
  }
  if (random.chance(0.05)) add('Expect', random.pick(['100-continue', 'something-else']));
  if (random.chance(0.05)) add('Content-Encoding', random.pick(['gzip', 'br', 'identity', 'zz']));
  if (random.chance(0.03)) add('Upgrade', 'websocket');
  if (random.chance(0.03)) add('X-Forwarded-For', '1.2.3.4, <script>');
  return headers;
}

function request(
  random: Random,
  method: string,
  target: string,
  body: Uint8Array | null,
  contentType: string | null,
): RequestSpec {
  const headers: [string, string][] = [];
  if (!random.chance(0.03)) headers.push(['Host', random.chance(0.97) ? 'fuzz.test' : '']);
  if (contentType !== null) headers.push(['Content-Type', contentType]);
  headers.push(...extraHeaders(random));
  const chunks = Array.from({ length: random.int(1, 5) }, () => random.int(1, 4000));
  return {
    method,
    target,
    version: 'HTTP/1.1',
    headers,
    body,
    framing: body === null ? 'none' : random.chance(0.75) ? 'length' : 'chunked',
    eol: '\r\n',
    chunks,
  };
}

/** A JSON route with a body of any shape. */
function jsonCase(random: Random): [string, RequestSpec] {
  const route = random.pick(JSON_ROUTES);
  const method = route === '/users/me' ? 'PATCH' : random.chance(0.9) ? 'POST' : 'PATCH';
  const path = random.chance(0.1) ? userPath(random) : route;
  const shape = random.int(0, 5);
  let text: string;
  let category: string;
  if (shape === 0) {
    text = deepJson(random);
    category = 'json.deep';
  } else if (shape === 1) {
    text = jsonValue(random, random.int(0, 6));
    category = 'json.random';
  } else if (shape === 2) {
    text = truncate(random, plausibleJson(random, route));
    category = 'json.truncated';
  } else {
    text = plausibleJson(random, route);
    category = 'json.plausible';
  }
  let body: Uint8Array = encoder.encode(text);
  if (random.chance(0.25)) {
    body = breakEncoding(random, text);
    category = `${category}+bytes`;
  }
  const type = random.chance(0.8) ? 'application/json' : random.pick(CONTENT_TYPES);
  return [category, request(random, method, path, body, type)];
}

/** The login form, urlencoded or multipart, well formed or not. */
function formCase(random: Random): [string, RequestSpec] {
  const route = random.pick(FORM_ROUTES);
  if (random.chance(0.3)) {
    const { body, boundary } = multipartBody(random);
    const type = random.chance(0.8)
      ? `multipart/form-data; boundary=${boundary}`
      : 'multipart/form-data';
    return ['form.multipart', request(random, 'POST', route, encoder.encode(body), type)];
  }
  const type = random.chance(0.9)
    ? 'application/x-www-form-urlencoded'
    : random.pick(CONTENT_TYPES);
  return [
    'form.urlencoded',
    request(random, 'POST', route, encoder.encode(formBody(random)), type),
  ];
}

/** Any method on any path, with or without a body. */
function routeCase(random: Random): [string, RequestSpec] {
  const method = random.chance(0.85) ? random.pick(METHODS) : random.pick(ODD_METHODS);
  const base = random.chance(0.3)
    ? userPath(random)
    : random.pick([...OTHER_PATHS, ...JSON_ROUTES, ...FORM_ROUTES]);
  const body = random.chance(0.3) ? encoder.encode(jsonValue(random, 2)) : null;
  const type = body ? random.pick(CONTENT_TYPES) : null;
  return ['route', request(random, method, bendTarget(random, base), body, type)];
}

/** Bytes that stop before a request is complete: only a half-close tells the server so. */
const INCOMPLETE = new Set(['GET / HTTP/1.1\r\n', 'GET /\r\n', ' ']);

/** Raw bytes that are not HTTP/1.1 at all, or only nearly. */
function garbage(random: Random): string {
  return random.pick([
    'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n',
    '\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003',
    'GET / HTTP/1.1\r\n',
    'GET /\r\n',
    'GET / HTTP/9.9\r\nHost: x\r\n\r\n',
    'GET  /  HTTP/1.1\r\nHost: x\r\n\r\n',
    'GET / HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n',
    'GET / HTTP/1.1\r\nHost: x\r\n folded: continuation\r\n\r\n',
    'GET / HTTP/1.1\r\nHost: x\r\nX: a\u0000b\r\n\r\n',
    'GET /a\u0000b HTTP/1.1\r\nHost: x\r\n\r\n',
    'CONNECT fuzz.test:443 HTTP/1.1\r\nHost: fuzz.test:443\r\n\r\n',
    `GET /${'u'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    '\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n',
    ' ',
    `${'A'.repeat(random.int(1, 100))}\r\n\r\n`,
  ]);
}

/**
 * Case `index` of the run seeded with `seed`: the same pair always gives the same bytes, so a
 * failing case is replayed with `pnpm fuzz --seed S --only I`.
 */
export function buildCase(seed: number, index: number): FuzzCase {
  const random = createRandom((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const roll = random.int(0, 99);
  let category: string;
  let spec: RequestSpec;
  if (roll < 8) {
    const text = garbage(random);
    const halfClose = INCOMPLETE.has(text) || random.chance(0.5);
    const pieces = [encoder.encode(text)];
    const category = halfClose ? 'garbage+halfclose' : 'garbage';
    return { index, category, pieces, halfClose, heads: [false] };
  }
  if (roll < 40) [category, spec] = jsonCase(random);
  else if (roll < 55) [category, spec] = formCase(random);
  else [category, spec] = routeCase(random);

  let halfClose = random.chance(0.15);
  if (spec.body && random.chance(0.15)) {
    spec.framing = random.pick([
      'length-short',
      'length-long',
      'length-and-chunked',
      'chunked-cut',
    ] as const);
    category = `framing.${spec.framing}`;
    // A body shorter than announced only ends when the client says so.
    if (spec.framing === 'length-short' || spec.framing === 'chunked-cut') halfClose = true;
  }
  if (random.chance(0.05)) {
    spec.version = random.pick(['HTTP/1.0', 'HTTP/1.2', 'HTTP/2.0', 'http/1.1']);
    category = `${category}+${spec.version}`;
  }
  if (random.chance(0.03)) spec.eol = '\n';
  const heads = [spec.method === 'HEAD'];
  const pieces: (RequestSpec | Uint8Array)[] = [spec];
  // Keep-alive: the connection must still answer a plain request after the hostile one.
  if (!halfClose && random.chance(0.2)) {
    pieces.push({
      method: 'GET',
      target: '/openapi.json',
      version: 'HTTP/1.1',
      headers: [
        ['Host', 'fuzz.test'],
        ['Connection', 'close'],
      ],
      body: null,
      framing: 'none',
      eol: '\r\n',
      chunks: [],
    });
    heads.push(false);
    category = `${category}+keepalive`;
  } else if (!halfClose) {
    spec.headers.push(['Connection', 'close']);
  }
  if (halfClose) category = `${category}+halfclose`;
  return { index, category, pieces, halfClose, heads };
}
