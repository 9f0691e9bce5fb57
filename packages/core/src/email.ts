/**
 * Email validation as FastAPI Users' `EmailStr` does it (spec §1.3): pydantic 2's wrapper (length
 * cap, `Name <addr>`, strip) around python email-validator 2.x with the defaults pydantic uses
 * (SMTPUTF8 allowed, quoted local parts and IP literals refused, deliverability off). Checks run
 * in email-validator's order with its messages, so a 422 `ctx.reason` reads as upstream's does.
 */

/** Outcome of {@link validateEmail}: the normalised address, or email-validator's reason. */
export type EmailValidationResult = { ok: true; email: string } | { ok: false; reason: string };

/** Internal: email-validator raises at the first failing check, and the order decides the reason. */
class Rejection {
  constructor(readonly reason: string) {}
}
function fail(reason: string): never {
  throw new Rejection(reason);
}

const ATEXT = "a-zA-Z0-9_!#$%&'*+\\-/=?^`{|}~"; // RFC 5322 §3.2.3
const INTL = '\\u0080-\\u{10FFFF}'; // RFC 6531 §3.3
const DOT_ATOM = new RegExp(`^[${ATEXT}]+(?:\\.[${ATEXT}]+)*$`);
const DOT_ATOM_INTL = new RegExp(`^[${ATEXT}${INTL}]+(?:\\.[${ATEXT}${INTL}]+)*$`, 'u');
const ATEXT_CHAR = new RegExp(`^[${ATEXT}]$`);
const LOCAL_CHAR = new RegExp(`^[.${ATEXT}${INTL}]$`, 'u');
const QTEXT_CHAR = new RegExp(`^[ -~${INTL}]$`, 'u'); // RFC 5321 §4.1.2
const HOST_CHAR = new RegExp(`^[a-zA-Z0-9.\\-${INTL}]$`, 'u');
// Python's str.isspace(), used by pydantic's `\s` and `str.strip()`: wider than JS's trim().
const PY_SPACE =
  '\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const SPACE_CHAR = new RegExp(`^[${PY_SPACE}]$`);
// pydantic's unquoted display name: Python's `\w` (letters, numbers, `_`), atext, whitespace.
const NAME_RUN = new RegExp(`^(?:[\\p{L}\\p{N}${ATEXT}]|[${PY_SPACE}])*`, 'u');
const VISIBLE = /^[\p{L}\p{N}\p{P}\p{S}]$/u;
const NON_ASCII = /[^\p{ASCII}]/u;
const MARKS = /\p{M}+/uy;
// RFC 5892 PVALID approximated by category (no table in core), plus the CONTEXTO code points.
const IDNA_CHAR = /^[a-z0-9\-\p{Ll}\p{Lo}\p{Lm}\p{Mn}\p{Mc}\p{Nd}\u00b7\u0375\u05f3\u05f4\u30fb]$/u;
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^(?:${OCTET}\\.){3}${OCTET}$`);
// email-validator's SPECIAL_USE_DOMAIN_NAMES; `example.*` is deliberately not among them.
const SPECIAL_USE = ['arpa', 'invalid', 'local', 'localhost', 'onion', 'test'];
// RFC 2142 mailboxes, which email-validator lower-cases (`Postmaster@` → `postmaster@`).
const ROLE_MAILBOXES = new Set(
  (
    'info marketing sales support abuse noc security postmaster hostmaster ' +
    'usenet news webmaster www uucp ftp'
  ).split(' '),
);
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

const cp = (ch: string): number => ch.codePointAt(0) ?? 0;
// Python's len() counts code points; a pair of UTF-16 surrogates is one.
const codePoints = (s: string): number =>
  s.length - (s.match(/[\ud800-\udbff][\udc00-\udfff]/g)?.length ?? 0);
const plural = (n: number): string => (n > 1 ? 's' : '');
const tooMany = (length: number, limit: number): string =>
  `(${length - limit} character${plural(length - limit)} too many)`;

/** email-validator's safe_character_display: Python's repr() when visible, else the name. */
function display(ch: string): string {
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
function badChars(s: string, allowed: (ch: string) => boolean): string {
  const bad = new Set<string>();
  for (const ch of s) if (!allowed(ch)) bad.add(display(ch));
  return [...bad].sort().join(', ');
}

/** check_unsafe_chars: only letters, numbers, punctuation and symbols, plus a mark after the start. */
function checkUnsafe(s: string, allowSpace: boolean): void {
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
function checkDotAtom(s: string, start: Describe, end: Describe, hostname: boolean): void {
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
function strip(s: string, left = true): string {
  let a = 0;
  let b = s.length;
  while (b > a && SPACE_CHAR.test(s.charAt(b - 1))) b--;
  while (left && a < b && SPACE_CHAR.test(s.charAt(a))) a++;
  return s.slice(a, b);
}

/**
 * pydantic's `pretty_email_regex` fullmatch, scanned rather than backtracked so adversarial
 * input stays linear: the stripped text inside `<…>`, or null where the regex does not match.
 */
function prettyAddress(value: string): string | null {
  let start = 0;
  while (SPACE_CHAR.test(value.charAt(start))) start++;
  const text = strip(value);
  const end = start + text.length;
  if (!text.endsWith('>')) return null;
  // `<(.+)>`: one character at least, and Python's `.` stops at a newline.
  const inner = (lt: number): string | null => {
    const address = value.slice(lt + 1, end - 1);
    return address === '' || address.includes('\n') ? null : strip(address);
  };
  if (!text.startsWith('"')) {
    const lt = start + (NAME_RUN.exec(text)?.[0].length ?? 0);
    return value.charAt(lt) === '<' ? inner(lt) : null;
  }
  // A quoted name is greedy: the last closing quote that leaves a valid `<addr>` wins.
  for (let q = end - 2; q >= start + 2; q--) {
    if (value.charAt(q) !== '"') continue;
    let lt = q + 1;
    while (SPACE_CHAR.test(value.charAt(lt))) lt++;
    const address = value.charAt(lt) === '<' ? inner(lt) : null;
    if (address === null) continue;
    // pydantic drops the name unchecked; we still refuse controls in it (DESIGN §3: no U+0000).
    const control = (ch: string): boolean => /^[\p{Cc}\p{Cs}]$/u.test(ch) && !SPACE_CHAR.test(ch);
    const bad = badChars(value.slice(start + 1, q), (ch) => !control(ch));
    if (bad) fail(`The email address contains unsafe characters: ${bad}.`);
    return address;
  }
  return null;
}

/** Punycode (RFC 3492 §6.2) decoding of a label without its `xn--`; null when malformed. */
function punycodeDecode(input: string): string | null {
  const delimiter = input.lastIndexOf('-');
  const out = [...input.slice(0, Math.max(delimiter, 0))].map(cp);
  let [n, bias, i] = [0x80, 72, 0];
  for (let k = delimiter > 0 ? delimiter + 1 : 0; k < input.length; ) {
    const old = i;
    for (let w = 1, t = 36; ; t += 36) {
      const c = k < input.length ? input.charCodeAt(k++) : 0;
      const digit = c >= 48 && c <= 57 ? c - 22 : c >= 97 && c <= 122 ? c - 97 : 36;
      if (digit >= 36) return null;
      i += digit * w;
      const threshold = t <= bias ? 1 : t >= bias + 26 ? 26 : t - bias;
      if (digit < threshold) break;
      w *= 36 - threshold;
    }
    let delta = Math.floor((i - old) / (old === 0 ? 700 : 2));
    delta += Math.floor(delta / (out.length + 1));
    let shift = 0;
    for (; delta > 455; shift += 36) delta = Math.floor(delta / 35);
    bias = shift + Math.floor((36 * delta) / (delta + 38));
    n += Math.floor(i / (out.length + 1));
    i %= out.length + 1;
    if (n > 0x10ffff) return null;
    out.splice(i++, 0, n);
  }
  return String.fromCodePoint(...out);
}

/**
 * UTS #46 ToASCII by the WHATWG URL parser, as core may not import `node:url`. The `.a` suffix
 * stops a numeric last label being read as IPv4; empty labels survive for checkDotAtom.
 */
function toAscii(domain: string): string | null {
  try {
    return new URL(`http://${domain}.a/`).hostname.slice(0, -2);
  } catch {
    return null;
  }
}

const toUnicode = (ascii: string): string[] =>
  ascii.split('.').map((l) => (l.startsWith('xn--') ? (punycodeDecode(l.slice(4)) ?? l) : l));

/** idna's check_label without the bidi rule (RFC 5893), with PVALID approximated by category. */
function checkIdna(labels: string[], prefix: string): void {
  for (const label of labels.filter((l) => NON_ASCII.test(l))) {
    if (label.slice(2, 4) === '--') {
      fail(`${prefix} (Label has disallowed hyphens in 3rd and 4th position).`);
    }
    if (/^\p{M}/u.test(label)) {
      fail(`${prefix} (Label begins with an illegal combining character).`);
    }
    const chars = [...label];
    const at = chars.findIndex((ch) => !IDNA_CHAR.test(ch));
    if (at < 0) continue;
    const hex = cp(chars[at] ?? '')
      .toString(16)
      .toUpperCase()
      .padStart(4, '0');
    // Python's repr() escapes what it cannot print (a bad A-label can decode to U+0080).
    const repr = label.replace(/[^\p{L}\p{N}\p{P}\p{S}\p{M}]/gu, (c) => {
      const h = cp(c).toString(16);
      return h.length <= 2
        ? `\\x${h.padStart(2, '0')}`
        : h.length <= 4
          ? `\\u${h.padStart(4, '0')}`
          : `\\U${h.padStart(8, '0')}`;
    });
    fail(`${prefix} (Codepoint U+${hex} at position ${at + 1} of '${repr}' not allowed).`);
  }
}

/** validate_email_domain_name: the IDNA ASCII form and the Unicode form email-validator returns. */
function checkDomain(domain: string): { ascii: string; unicode: string } {
  const bad = badChars(domain, (ch) => HOST_CHAR.test(ch));
  if (bad) fail(`The part after the @-sign contains invalid characters: ${bad}.`);
  checkUnsafe(domain, false);
  const international = NON_ASCII.test(domain);
  let mapped = domain.toLowerCase();
  let ascii: string | null = mapped;
  if (international) {
    // 2.3's uts46_valid_char: nothing that decomposes to a period, like `⒈`, except `．`.
    const dotted = (ch: string): boolean =>
      ch > '\x7f' && ch !== '．' && ch.normalize('NFKD').includes('.');
    const refused = badChars(domain, (ch) => !dotted(ch));
    if (refused) fail(`The part after the @-sign contains invalid characters: ${refused}.`);
    ascii = toAscii(domain);
    // Where the URL parser refuses, NFKC + lower-case (near UTS #46) still finds upstream's reason.
    mapped = ascii === null ? domain.normalize('NFKC').toLowerCase() : toUnicode(ascii).join('.');
    const after = badChars(mapped, (ch) => HOST_CHAR.test(ch));
    if (after) {
      fail(
        `The part after the @-sign contains invalid characters after Unicode normalization: ${after}.`,
      );
    }
  }
  checkDotAtom(
    mapped,
    (what) => `An email address cannot have a ${what} immediately after the @-sign.`,
    (what) => `An email address cannot end with a ${what}.`,
    true,
  );
  // RFC 5890 §2.3.1: `??--` labels are reserved, and only `xn--` is in use.
  if (mapped.split('.').some((label) => /^(?!xn)..--/i.test(label))) {
    fail(
      'An email address cannot have two letters followed by two dashes immediately after the @-sign or after a period, except Punycode.',
    );
  }
  if (!NON_ASCII.test(mapped)) {
    ascii = mapped;
  } else {
    checkIdna(mapped.split('.'), 'The part after the @-sign is invalid');
    if (ascii === null) return fail('The part after the @-sign is invalid.');
    if (ascii.split('.').some((l) => l.length > 63)) {
      fail('The part after the @-sign is invalid (Label too long).');
    }
  }
  if (ascii.length > 253) {
    const diff = ascii.length - 253;
    fail(
      ascii === domain
        ? `The email address is too long after the @-sign ${tooMany(ascii.length, 253)}.`
        : `The email address is too long after the @-sign (${diff} byte${plural(diff)} too many after IDNA encoding).`,
    );
  }
  for (const label of ascii.split('.')) {
    if (label.length > 63) {
      fail(
        `After the @-sign, periods cannot be separated by so many characters ${tooMany(label.length, 63)}.`,
      );
    }
  }
  if (!ascii.includes('.')) {
    fail('The part after the @-sign is not valid. It should have a period.');
  }
  if (!/[a-z]$/.test(ascii)) {
    fail('The part after the @-sign is not valid. It is not within a valid top-level domain.');
  }
  if (SPECIAL_USE.some((name) => ascii === name || ascii.endsWith(`.${name}`))) {
    fail(
      'The part after the @-sign is a special-use or reserved name that cannot be used with email.',
    );
  }
  if (!ascii.includes('xn--')) return { ascii, unicode: ascii };
  // An A-label typed in must be real IDNA; the normalised address carries its Unicode form.
  const labels = toUnicode(ascii);
  checkIdna(labels, 'The part after the @-sign is not valid IDNA');
  if (toAscii(ascii) !== ascii || labels.some((l) => l.startsWith('xn--'))) {
    fail('The part after the @-sign is not valid IDNA (Invalid A-label).');
  }
  return { ascii, unicode: labels.join('.') };
}

/** validate_email_domain_literal: returns when the literal is a real address (refused later). */
function checkDomainLiteral(literal: string): void {
  if (/^[0-9.]+$/.test(literal) && !IPV4.test(literal)) {
    fail(
      'The address in brackets after the @-sign is not valid: It is not an IPv4 address or is missing an address literal tag.',
    );
  }
  if (/^[0-9.]+$/.test(literal)) return;
  if (literal.startsWith('IPv6:')) {
    if (URL.canParse(`http://[${literal.slice(5)}]/`)) return;
    fail('The IPv6 address in brackets after the @-sign is not valid.');
  }
  if (!literal.includes(':')) {
    fail(
      'The part after the @-sign in brackets is not an IPv4 address and has no address literal tag.',
    );
  }
  fail('The part after the @-sign contains an invalid address literal tag in brackets.');
}

/** validate_email_local_part: returns whether the local part needs SMTPUTF8 (is not ASCII). */
function checkLocal(local: string, quoted: boolean): boolean {
  if (local === '') fail('There must be something before the @-sign.');
  // 2.3 checks this only with `strict`; DESIGN §3 keeps the RFC 5321 §4.5.3.1.1 limit of ≤ 2.2.
  const length = codePoints(local);
  if (length > 64) fail(`The email address is too long before the @-sign ${tooMany(length, 64)}.`);
  if (DOT_ATOM.test(local)) return false;
  const intl = DOT_ATOM_INTL.test(local);
  if (intl || quoted) {
    const bad = intl ? '' : badChars(local, (ch) => QTEXT_CHAR.test(ch));
    if (bad) {
      fail(`The email address contains invalid characters in quotes before the @-sign: ${bad}.`);
    }
    checkUnsafe(local, !intl);
    return NON_ASCII.test(local);
  }
  const bad = badChars(local, (ch) => LOCAL_CHAR.test(ch));
  if (bad) fail(`The email address contains invalid characters before the @-sign: ${bad}.`);
  checkDotAtom(
    local,
    (what) => `An email address cannot start with a ${what}.`,
    (what) => `An email address cannot have a ${what} immediately before the @-sign.`,
    false,
  );
  return fail('The email address contains invalid characters before the @-sign.');
}

/** split_email's helper: cut before the first `specials` character outside quotes. */
function splitAt(text: string, specials: string): [string, string] {
  let quoted = false;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    if (!'"\\@<'.includes(ch)) {
      escaped = false;
      continue;
    }
    // Not special when a following mark composes with it (`<` + U+0338 is `≮`).
    MARKS.lastIndex = i + 1;
    const marks = MARKS.exec(text)?.[0];
    if (marks && (ch + marks).normalize('NFC').charAt(0) !== ch) continue;
    if (quoted) {
      quoted = ch !== '"' || escaped;
      escaped = ch === '\\' && !escaped;
    } else if (ch === '"') quoted = true;
    else if (specials.includes(ch)) return [text.slice(0, i), text.slice(i)];
  }
  return fail('An email address must have an @-sign.');
}

/** split_email's unquote_quoted_string: drop the quotes and backslash escapes. */
function unquote(text: string): [string, boolean] {
  if (!text.startsWith('"')) return [text, false];
  let value = '';
  for (let i = 1; i < text.length; i++) {
    const ch = text.charAt(i);
    if (ch === '\\') value += text.charAt(++i);
    else if (ch !== '"') value += ch;
    else if (i === text.length - 1) break;
    else {
      const extra = [...text.slice(i + 1)].map(display).join(', ');
      fail(`Extra character(s) found after close quote: ${extra}`);
    }
  }
  return [value, true];
}

/** validate_email_length: at most 254 octets of UTF-8 (RFC 3696 erratum 1690) in each form. */
function checkLength(address: string, form: string): void {
  const sizes = [...address].map((ch) =>
    ch < '\x80' ? 1 : ch < '\u0800' ? 2 : ch.length === 1 ? 3 : 4,
  );
  const diff = sizes.reduce((sum, size) => sum + size, 0) - 254;
  if (diff <= 0) return;
  const least = Math.max(1, Math.floor(diff / Math.max(...sizes)));
  const reason = form
    ? `${form} (${diff} byte${plural(diff)} too many)`
    : `(${least === diff ? '' : `${least}-`}${diff} character${plural(diff)} too many)`;
  fail(`The email address is too long ${reason}.`);
}

/** email-validator's validate_email() with pydantic's arguments; returns `normalized`. */
function emailValidator(email: string): string {
  let [left, right] = splitAt(email, '@<');
  const displayName = right.startsWith('<');
  if (displayName) {
    const [name, quotedName] = unquote(strip(left, false));
    const bad = quotedName ? '' : badChars(name, (ch) => ch === ' ' || ATEXT_CHAR.test(ch));
    if (bad) fail(`The display name contains invalid characters when not quoted: ${bad}.`);
    checkUnsafe(name, true);
    if (!right.includes('>')) {
      fail(
        'An open angle bracket at the start of the email address has to be followed by a close angle bracket at the end.',
      );
    }
    right = right.replace(/(?<! ) +$/, '');
    if (!right.endsWith('>')) fail("There can't be anything after the email address.");
    [left, right] = splitAt(right.slice(1).replace(/(?<!>)>+$/, ''), '@');
  }
  const domainPart = right.slice(1);
  const [rawLocal, quoted] = unquote(left);
  const smtputf8 = checkLocal(rawLocal, quoted);
  let local = rawLocal.normalize('NFC');
  if (local !== rawLocal) {
    try {
      checkLocal(local, quoted);
    } catch (error) {
      throw error instanceof Rejection
        ? new Rejection(`After Unicode normalization: ${error.reason}`)
        : error;
    }
  }
  if (quoted) fail('Quoting the part before the @-sign is not allowed here.');
  if (!smtputf8 && ROLE_MAILBOXES.has(local.toLowerCase())) local = local.toLowerCase();
  if (domainPart === '') fail('There must be something after the @-sign.');
  if (domainPart.startsWith('[') && domainPart.endsWith(']')) {
    checkDomainLiteral(domainPart.slice(1, -1));
    fail('A bracketed IP address after the @-sign is not allowed here.');
  }
  const { ascii, unicode } = checkDomain(domainPart);
  checkLength(`${rawLocal}@${domainPart}`, '');
  checkLength(`${local}@${unicode}`, 'after normalization');
  checkLength(`${local}@${ascii}`, 'when the part after the @-sign is converted to IDNA ASCII');
  if (displayName) {
    fail('A display name and angle brackets around the email address are not permitted here.');
  }
  return `${local}@${unicode}`;
}

/**
 * Validate and normalise an email address the way FastAPI Users' EmailStr does.
 *
 * Follows pydantic 2 + email-validator 2.x with deliverability checks off: `Name <addr>` becomes
 * `addr`, surrounding whitespace goes, the domain is lower-cased in its Unicode form, and the
 * local part keeps its case (NFC). The reason is email-validator's; pydantic shows it as
 * `value is not a valid email address: <reason>`. Pure and synchronous.
 *
 * @param input - The submitted value, as received.
 * @returns `{ ok: true, email }` with the normalised address, or `{ ok: false, reason }`.
 *
 * @example
 * ```ts
 * validateEmail(' King.Arthur@Camelot.BT '); // { ok: true, email: 'King.Arthur@camelot.bt' }
 * validateEmail('merlin@avalon.test').ok; // false: 'The part after the @-sign is a special-use …'
 * ```
 */
export function validateEmail(input: string): EmailValidationResult {
  if (input.length > 2048 && codePoints(input) > 2048) {
    return { ok: false, reason: 'Length must not exceed 2048 characters' };
  }
  try {
    return { ok: true, email: emailValidator(prettyAddress(input) ?? strip(input)) };
  } catch (error) {
    if (error instanceof Rejection) return { ok: false, reason: error.reason };
    throw error;
  }
}
