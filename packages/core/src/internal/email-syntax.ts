/**
 * The shared grammar of email validation (see ../email.ts): the first-failure Rejection, the
 * RFC 5322/6531 character classes, and email-validator's character display and dot-atom checks.
 */

/** Internal: email-validator raises at the first failing check, and the order decides the reason. */
export class Rejection {
  constructor(readonly reason: string) {}
}
export function fail(reason: string): never {
  throw new Rejection(reason);
}

const ATEXT = "a-zA-Z0-9_!#$%&'*+\\-/=?^`{|}~"; // RFC 5322 §3.2.3
const INTL = '\\u0080-\\u{10FFFF}'; // RFC 6531 §3.3
export const DOT_ATOM = new RegExp(`^[${ATEXT}]+(?:\\.[${ATEXT}]+)*$`);
export const DOT_ATOM_INTL = new RegExp(`^[${ATEXT}${INTL}]+(?:\\.[${ATEXT}${INTL}]+)*$`, 'u');
export const ATEXT_CHAR = new RegExp(`^[${ATEXT}]$`);
export const LOCAL_CHAR = new RegExp(`^[.${ATEXT}${INTL}]$`, 'u');
export const QTEXT_CHAR = new RegExp(`^[ -~${INTL}]$`, 'u'); // RFC 5321 §4.1.2
export const HOST_CHAR = new RegExp(`^[a-zA-Z0-9.\\-${INTL}]$`, 'u');
// Python's str.isspace(), used by pydantic's `\s` and `str.strip()`: wider than JS's trim().
const PY_SPACE =
  '\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
export const SPACE_CHAR = new RegExp(`^[${PY_SPACE}]$`);
// pydantic's unquoted display name: Python's `\w` (letters, numbers, `_`), atext, whitespace.
export const NAME_RUN = new RegExp(`^(?:[\\p{L}\\p{N}${ATEXT}]|[${PY_SPACE}])*`, 'u');
const VISIBLE = /^[\p{L}\p{N}\p{P}\p{S}]$/u;
export const NON_ASCII = /[^\p{ASCII}]/u;
export const MARKS = /\p{M}+/uy;
// unicodedata.name() for invisible characters people paste; any other shows as U+XXXX, as upstream.
const NAMES = new Map(
  (
    '20 SPACE|a0 NO-BREAK SPACE|ad SOFT HYPHEN|301 COMBINING ACUTE ACCENT|200b ZERO WIDTH SPACE|' +
    '200c ZERO WIDTH NON-JOINER|200d ZERO WIDTH JOINER|200e LEFT-TO-RIGHT MARK|200f RIGHT-TO-LEFT MARK|' +
    '2028 LINE SEPARATOR|2029 PARAGRAPH SEPARATOR|202e RIGHT-TO-LEFT OVERRIDE|' +
    '202f NARROW NO-BREAK SPACE|2060 WORD JOINER|3000 IDEOGRAPHIC SPACE|feff ZERO WIDTH NO-BREAK SPACE'
  )
    .split('|')
    .map((entry): [number, string] => [
      Number.parseInt(entry, 16),
      entry.slice(entry.indexOf(' ') + 1),
    ]),
);

export const cp = (ch: string): number => ch.codePointAt(0) ?? 0;
// Python's len() counts code points; a pair of UTF-16 surrogates is one.
export const codePoints = (s: string): number =>
  s.length - (s.match(/[\ud800-\udbff][\udc00-\udfff]/g)?.length ?? 0);
export const plural = (n: number): string => (n > 1 ? 's' : '');
export const tooMany = (length: number, limit: number): string =>
  `(${length - limit} character${plural(length - limit)} too many)`;

/** email-validator's safe_character_display: Python's repr() when visible, else the name. */
export function display(ch: string): string {
  if (ch === '\\') return '"\\"';
  if (VISIBLE.test(ch)) return ch === "'" ? `"'"` : `'${ch}'`;
  const c = cp(ch);
  return (
    NAMES.get(c) ??
    `U+${c
      .toString(16)
      .toUpperCase()
      .padStart(c < 0xffff ? 4 : 8, '0')}`
  );
}

/** The sorted, de-duplicated displays of the characters `allowed` refuses ('' if none). */
export function badChars(s: string, allowed: (ch: string) => boolean): string {
  const bad = new Set<string>();
  for (const ch of s) if (!allowed(ch)) bad.add(display(ch));
  return [...bad].sort().join(', ');
}

/** check_unsafe_chars: only letters, numbers, punctuation and symbols, plus a mark after the start. */
export function checkUnsafe(s: string, allowSpace: boolean): void {
  const bad = new Set<number>();
  let first = true;
  for (const ch of s) {
    const mark = !first && /^\p{M}$/u.test(ch);
    if (!VISIBLE.test(ch) && !mark && !(allowSpace && /^\p{Zs}$/u.test(ch))) bad.add(cp(ch));
    first = false;
  }
  const list = [...bad].sort((a, b) => a - b).map((c) => display(String.fromCodePoint(c)));
  if (list.length > 0) fail(`The email address contains unsafe characters: ${list.join(', ')}.`);
}

type Describe = (what: 'period' | 'hyphen') => string;

/** check_dot_atom (RFC 5322 §3.2.3; RFC 952 adds the hyphen rules for hostnames). */
export function checkDotAtom(s: string, start: Describe, end: Describe, hostname: boolean): void {
  if (s.endsWith('.')) fail(end('period'));
  if (s.startsWith('.')) fail(start('period'));
  if (s.includes('..')) fail('An email address cannot have two periods in a row.');
  if (!hostname) return;
  if (s.endsWith('-')) fail(end('hyphen'));
  if (s.startsWith('-')) fail(start('hyphen'));
  if (s.includes('.-') || s.includes('-.')) {
    fail('An email address cannot have a period and a hyphen next to each other.');
  }
}

/** Python's str.strip() (or rstrip() with `left` false). */
export function strip(s: string, left = true): string {
  let a = 0;
  let b = s.length;
  while (b > a && SPACE_CHAR.test(s.charAt(b - 1))) b--;
  while (left && a < b && SPACE_CHAR.test(s.charAt(a))) a++;
  return s.slice(a, b);
}
