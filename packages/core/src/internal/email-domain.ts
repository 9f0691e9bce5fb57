/**
 * The part after the @-sign as email-validator checks it (see ../email.ts): hostnames with
 * IDNA, and address literals.
 */

import {
  badChars,
  checkDotAtom,
  checkUnsafe,
  cp,
  fail,
  HOST_CHAR,
  NON_ASCII,
  plural,
  tooMany,
} from './email-syntax';

// RFC 5892 PVALID approximated by category (no table in core), plus the CONTEXTO code points.
const IDNA_CHAR = /^[a-z0-9\-\p{Ll}\p{Lo}\p{Lm}\p{Mn}\p{Mc}\p{Nd}\u00b7\u0375\u05f3\u05f4\u30fb]$/u;
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^(?:${OCTET}\\.){3}${OCTET}$`);
// email-validator's SPECIAL_USE_DOMAIN_NAMES; `example.*` is deliberately not among them.
const SPECIAL_USE = ['arpa', 'invalid', 'local', 'localhost', 'onion', 'test'];

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
export function checkDomain(domain: string): { ascii: string; unicode: string } {
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
export function checkDomainLiteral(literal: string): void {
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
