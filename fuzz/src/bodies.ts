import type { Random } from './prng';

// Request bodies: plausible ones for each route, then bent out of shape. Everything is built
// from the seeded generator, so a body is reproducible from its case index and seed.

const encoder = new TextEncoder();

const KEYS = [
  'email',
  'password',
  'token',
  'username',
  'is_superuser',
  'is_active',
  'is_verified',
  'id',
  '$gt',
  '$ne',
  '$where',
  '$regex',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  '',
  'é',
  '\u0000',
];

const STRINGS = [
  'percival@camelot.bt',
  'PERCIVAL@CAMELOT.BT',
  'a@b',
  '@',
  `${'x'.repeat(65)}@camelot.bt`,
  'lancelot@localhost',
  'guinevere',
  '',
  ' ',
  '\u0000',
  'a\u0000b@camelot.bt',
  '\ud800',
  '\uffff',
  '😀@camelot.bt',
  "' OR 1=1 --",
  '{"$gt":""}',
  '../../etc/passwd',
  'Bearer x',
  '%00',
];

/** A JSON string literal, sometimes with escapes JSON allows but many parsers trip on. */
function stringLiteral(random: Random): string {
  if (random.chance(0.1)) return `"${'y'.repeat(random.int(1000, 200_000))}"`;
  if (random.chance(0.1)) return `"\\u${random.int(0, 0xffff).toString(16).padStart(4, '0')}"`;
  return JSON.stringify(random.pick(STRINGS));
}

/** A JSON number literal, including ones that do not fit a double. */
function numberLiteral(random: Random): string {
  return random.pick([
    '0',
    '-0',
    '1',
    '-1',
    '1e308',
    '1e999',
    '-1e999',
    '1e-400',
    '9007199254740993',
    '0.1',
    String(random.int(-1e9, 1e9)),
  ]);
}

/** Any JSON value, up to `depth` levels of nesting. */
export function jsonValue(random: Random, depth: number): string {
  const kind = depth <= 0 ? random.int(0, 3) : random.int(0, 5);
  switch (kind) {
    case 0:
      return random.pick(['null', 'true', 'false']);
    case 1:
      return numberLiteral(random);
    case 2:
    case 3:
      return stringLiteral(random);
    case 4: {
      const items = Array.from({ length: random.int(0, 4) }, () => jsonValue(random, depth - 1));
      return `[${items.join(',')}]`;
    }
    default: {
      const members = Array.from(
        { length: random.int(0, 5) },
        () => `${JSON.stringify(random.pick(KEYS))}:${jsonValue(random, depth - 1)}`,
      );
      return `{${members.join(',')}}`;
    }
  }
}

/** Arrays and objects nested `depth` deep, with the rest of a plausible body around them. */
export function deepJson(random: Random): string {
  const depth = random.pick([64, 127, 128, 129, 500, 4100, 5000, 20_000, 100_000]);
  const open = random.chance(0.5) ? '[' : '{"a":';
  const close = open === '[' ? ']' : '}';
  const inner = `${open.repeat(depth)}${random.chance(0.5) ? '1' : ''}${close.repeat(depth)}`;
  return random.pick([
    `{"email":${inner}}`,
    `{"email":"a@camelot.bt","password":${inner}}`,
    inner,
    `{"token":${inner},"password":"guinevere"}`,
  ]);
}

/** A body a route would accept, give or take (an email, a password, a token). */
export function plausibleJson(random: Random, route: string): string {
  const email = `${random.pick(['gareth', 'bors', 'kay', 'tristan'])}.${random.int(0, 99_999)}@camelot.bt`;
  const password = random.pick(['guinevere', 'short', 'x'.repeat(100), '', 'pässwörd-lang']);
  switch (route) {
    case '/auth/register':
      return JSON.stringify({ email, password });
    case '/auth/reset-password':
      return JSON.stringify({
        token: random.pick(['', 'a.b.c', 'eyJ0eXAiOiJKV1QifQ.e30.x']),
        password,
      });
    case '/auth/verify':
      return JSON.stringify({ token: random.pick(['', 'a.b.c', 'eyJ0eXAiOiJKV1QifQ.e30.x']) });
    case '/users/me':
      return JSON.stringify(random.chance(0.5) ? { password } : { email: `fuzz.${email}` });
    default:
      return JSON.stringify({ email });
  }
}

/** The bytes of `text` with invalid UTF-8, raw NULs or control bytes spliced in. */
export function breakEncoding(random: Random, text: string): Uint8Array {
  const bytes = encoder.encode(text);
  const poison = random.pick([
    [0xff],
    [0xfe, 0xff],
    [0xc0, 0x80],
    [0xed, 0xa0, 0x80],
    [0xe2, 0x82],
    [0x00],
    [0x1b, 0x5b],
    [0xef, 0xbb, 0xbf],
  ]);
  const at = random.int(0, bytes.length);
  const out = new Uint8Array(bytes.length + poison.length);
  out.set(bytes.subarray(0, at), 0);
  out.set(poison, at);
  out.set(bytes.subarray(at), at + poison.length);
  return out;
}

/** The first part of `text`, cut anywhere (mid-string, mid-escape, mid-number). */
export function truncate(random: Random, text: string): string {
  return text.slice(0, random.int(0, Math.max(0, text.length - 1)));
}

/** An urlencoded form, plausible for the login routes or not at all. */
export function formBody(random: Random): string {
  const pairs = [
    `username=${random.pick(['percival%40camelot.bt', '', '%zz', '%', '%00', 'a+b', 'x'.repeat(5000)])}`,
    `password=${random.pick(['guinevere', '', '%E0%A4%A', '%ff%fe'])}`,
    random.pick([
      'grant_type=password',
      'scope=',
      'username[$ne]=x',
      'password[]=a',
      '=',
      '&&&',
      'a',
    ]),
  ];
  if (random.chance(0.3)) pairs.push(pairs[random.int(0, 1)] as string);
  return pairs.filter(() => random.chance(0.85)).join('&');
}

/** A multipart body, well formed or with its boundary, headers or ending broken. */
export function multipartBody(random: Random): { body: string; boundary: string } {
  const boundary = random.pick(['xyz', '----WebKitFormBoundary7MA4YWxkTrZu0gW', 'a'.repeat(70)]);
  const part = (name: string, value: string): string =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  let body = part('username', 'percival@camelot.bt') + part('password', 'guinevere');
  body += random.pick([`--${boundary}--\r\n`, '', `--${boundary}`, '--other--\r\n']);
  if (random.chance(0.2)) body = body.replace('Content-Disposition', 'Content-Type');
  if (random.chance(0.1)) body = body.replaceAll('\r\n', '\n');
  return { body, boundary };
}
