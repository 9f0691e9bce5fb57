/**
 * Email validation as FastAPI Users' `EmailStr` does it (see docs/contract/behaviour.md#email-validation): pydantic 2's wrapper (length
 * cap, `Name <addr>`, strip) around python email-validator 2.x with the defaults pydantic uses
 * (SMTPUTF8 allowed, quoted local parts and IP literals refused, deliverability off). Checks run
 * in email-validator's order with its messages, so a 422 `ctx.reason` reads as upstream's does.
 */

import { checkDomain, checkDomainLiteral } from './internal/email-domain';
import {
  ATEXT_CHAR,
  badChars,
  checkDotAtom,
  checkUnsafe,
  codePoints,
  DOT_ATOM,
  DOT_ATOM_INTL,
  display,
  fail,
  LOCAL_CHAR,
  MARKS,
  NAME_RUN,
  NON_ASCII,
  plural,
  QTEXT_CHAR,
  Rejection,
  SPACE_CHAR,
  strip,
  tooMany,
} from './internal/email-syntax';

/** Outcome of {@link validateEmail}: the normalised address, or email-validator's reason. */
export type EmailValidationResult = { ok: true; email: string } | { ok: false; reason: string };

// RFC 2142 mailboxes, which email-validator lower-cases (`Postmaster@` → `postmaster@`).
const ROLE_MAILBOXES = new Set(
  (
    'info marketing sales support abuse noc security postmaster hostmaster ' +
    'usenet news webmaster www uucp ftp'
  ).split(' '),
);

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
    // pydantic drops the name unchecked; we still refuse controls in it (see docs/contract/decisions.md#no-nul).
    const control = (ch: string): boolean => /^[\p{Cc}\p{Cs}]$/u.test(ch) && !SPACE_CHAR.test(ch);
    const bad = badChars(value.slice(start + 1, q), (ch) => !control(ch));
    if (bad) fail(`The email address contains unsafe characters: ${bad}.`);
    return address;
  }
  return null;
}

/** validate_email_local_part: returns whether the local part needs SMTPUTF8 (is not ASCII). */
function checkLocal(local: string, quoted: boolean): boolean {
  if (local === '') fail('There must be something before the @-sign.');
  // 2.3 checks this only with `strict`; we keep the RFC 5321 §4.5.3.1.1 limit of ≤ 2.2 (see docs/contract/decisions.md#email-local-part-limit).
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
