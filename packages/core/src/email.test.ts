import { describe, expect, it } from 'vitest';
import { validateEmail } from './email';

// Expected values follow email-validator 2.x + pydantic 2 (see docs/contract/behaviour.md#email-validation): the reason strings are
// theirs, so a 422 body carries the same `ctx.reason` FastAPI Users would send.

const local64 = 'k'.repeat(64);
// 63 + 1 + 63 + 1 + 57 + 4 = 189 characters, so 64 + 1 + 189 = 254.
const domain189 = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(57)}.com`;

describe('validateEmail accepts and normalises', () => {
  it.each([
    [
      'strips whitespace, lower-cases the domain, keeps the local part',
      ' King.Arthur@Camelot.BT ',
      'King.Arthur@camelot.bt',
    ],
    [
      'strips Python whitespace such as tabs and newlines',
      '\tking@camelot.bt\n',
      'king@camelot.bt',
    ],
    [
      'reduces `Name <addr>` to the address',
      'Lancelot <lancelot@camelot.bt>',
      'lancelot@camelot.bt',
    ],
    [
      'reduces a quoted display name',
      '"Sir Lancelot, KG" <Lancelot@Camelot.BT>',
      'Lancelot@camelot.bt',
    ],
    ['reduces a bare `<addr>`', '  < galahad@camelot.bt >  ', 'galahad@camelot.bt'],
    ['accepts example.com (not special-use)', 'x@example.com', 'x@example.com'],
    [
      'accepts atext symbols',
      "o'brien+tag!#$%&*/=?^_`{|}~-@sub-domain.example.co.uk",
      "o'brien+tag!#$%&*/=?^_`{|}~-@sub-domain.example.co.uk",
    ],
    [
      'accepts a Unicode local part, NFC-normalised',
      'n\u0303ino\u0303@example.com',
      '\u00f1in\u00f5@example.com',
    ],
    ['accepts a Unicode local part and domain', '用户@例子.广告', '用户@例子.广告'],
    ['lower-cases an internationalised domain', 'user@Bücher.EXAMPLE', 'user@bücher.example'],
    [
      'returns the Unicode form of a Punycode domain',
      'user@xn--bcher-kva.example',
      'user@bücher.example',
    ],
    [
      'maps full-width characters and dots (UTS #46)',
      'user@ＥＸＡＭＰＬＥ．com',
      'user@example.com',
    ],
    ['lower-cases RFC 2142 role mailboxes', 'PostMaster@Camelot.BT', 'postmaster@camelot.bt'],
    ['accepts a 64-character local part', `${local64}@camelot.bt`, `${local64}@camelot.bt`],
    ['accepts a 254-character address', `${local64}@${domain189}`, `${local64}@${domain189}`],
    ['accepts a numeric label that is not the TLD', 'user@123.example', 'user@123.example'],
  ])('%s', (_name, input, email) => {
    expect(validateEmail(input)).toEqual({ ok: true, email });
  });
});

describe('validateEmail rejects with email-validator reasons', () => {
  it.each([
    ['empty input', '', 'An email address must have an @-sign.'],
    ['no @-sign', 'camelot.bt', 'An email address must have an @-sign.'],
    ['empty local part', '@camelot.bt', 'There must be something before the @-sign.'],
    ['empty domain', 'arthur@', 'There must be something after the @-sign.'],
    [
      'a space in the local part',
      'king arthur@camelot.bt',
      'The email address contains invalid characters before the @-sign: SPACE.',
    ],
    [
      'specials in the local part',
      'arthur(king)@camelot.bt',
      "The email address contains invalid characters before the @-sign: '(', ')'.",
    ],
    [
      'a backslash in the local part',
      'king\\arthur@camelot.bt',
      'The email address contains invalid characters before the @-sign: "\\".',
    ],
    ['a leading dot', '.arthur@camelot.bt', 'An email address cannot start with a period.'],
    [
      'a trailing dot',
      'arthur.@camelot.bt',
      'An email address cannot have a period immediately before the @-sign.',
    ],
    [
      'two dots in the local part',
      'king..arthur@camelot.bt',
      'An email address cannot have two periods in a row.',
    ],
    [
      'a second @-sign',
      'a@b@camelot.bt',
      "The part after the @-sign contains invalid characters: '@'.",
    ],
    [
      'a domain without a period',
      'arthur@camelot',
      'The part after the @-sign is not valid. It should have a period.',
    ],
    [
      'an underscore in the domain',
      'arthur@round_table.bt',
      "The part after the @-sign contains invalid characters: '_'.",
    ],
    [
      'a domain starting with a hyphen',
      'arthur@-camelot.bt',
      'An email address cannot have a hyphen immediately after the @-sign.',
    ],
    [
      'a label ending with a hyphen',
      'arthur@camelot-.bt',
      'An email address cannot have a period and a hyphen next to each other.',
    ],
    [
      'a domain ending with a hyphen',
      'arthur@camelot.bt-',
      'An email address cannot end with a hyphen.',
    ],
    [
      'a domain ending with a period',
      'arthur@camelot.bt.',
      'An email address cannot end with a period.',
    ],
    [
      'a domain starting with a period',
      'arthur@.camelot.bt',
      'An email address cannot have a period immediately after the @-sign.',
    ],
    [
      'two periods in the domain',
      'arthur@camelot..bt',
      'An email address cannot have two periods in a row.',
    ],
    [
      'a reserved `??--` label',
      'arthur@ab--camelot.bt',
      'An email address cannot have two letters followed by two dashes immediately after the @-sign or after a period, except Punycode.',
    ],
    [
      'an all-numeric TLD',
      'arthur@camelot.123',
      'The part after the @-sign is not valid. It is not within a valid top-level domain.',
    ],
    [
      'a bare IPv4 address',
      'arthur@10.0.0.1',
      'The part after the @-sign is not valid. It is not within a valid top-level domain.',
    ],
    [
      'an IPv4 literal',
      'arthur@[10.0.0.1]',
      'A bracketed IP address after the @-sign is not allowed here.',
    ],
    [
      'an IPv6 literal',
      'arthur@[IPv6:::1]',
      'A bracketed IP address after the @-sign is not allowed here.',
    ],
    [
      'a quoted local part',
      '"king arthur"@camelot.bt',
      'Quoting the part before the @-sign is not allowed here.',
    ],
    [
      'a needlessly quoted local part',
      '"arthur"@camelot.bt',
      'Quoting the part before the @-sign is not allowed here.',
    ],
    [
      'a 65-character local part',
      `${'k'.repeat(65)}@camelot.bt`,
      'The email address is too long before the @-sign (1 character too many).',
    ],
    [
      'a 66-character local part',
      `${'k'.repeat(66)}@camelot.bt`,
      'The email address is too long before the @-sign (2 characters too many).',
    ],
    [
      'a 255-character address',
      `${local64}@${domain189.replace('c', 'cc')}`,
      'The email address is too long (1 character too many).',
    ],
    [
      'a 254-character domain',
      `a@${'d'.repeat(62)}.e.${domain189}`,
      'The email address is too long after the @-sign (1 character too many).',
    ],
    [
      'a 64-character label',
      `arthur@${'l'.repeat(64)}.bt`,
      'After the @-sign, periods cannot be separated by so many characters (1 character too many).',
    ],
    [
      'a bare special-use name, for lack of a period',
      'arthur@localhost',
      'The part after the @-sign is not valid. It should have a period.',
    ],
    [
      'more than 2048 characters (pydantic)',
      `${'a'.repeat(2049)}@camelot.bt`,
      'Length must not exceed 2048 characters',
    ],
    [
      'U+0000 in the local part',
      'ar\u0000thur@camelot.bt',
      'The email address contains invalid characters before the @-sign: U+0000.',
    ],
    [
      'U+0000 at the end (not whitespace)',
      'arthur@camelot.bt\u0000',
      'The part after the @-sign contains invalid characters: U+0000.',
    ],
    [
      'an escape character in the local part',
      'ar\u001bthur@camelot.bt',
      'The email address contains invalid characters before the @-sign: U+001B.',
    ],
    [
      'a C1 control in the local part',
      'ar\u0085thur@camelot.bt',
      'The email address contains unsafe characters: U+0085.',
    ],
    [
      'a lone surrogate',
      'ar\ud800thur@camelot.bt',
      'The email address contains unsafe characters: U+D800.',
    ],
    [
      'a zero-width space in the local part',
      'ar\u200bthur@camelot.bt',
      'The email address contains unsafe characters: ZERO WIDTH SPACE.',
    ],
    [
      'a zero-width space in the domain',
      'arthur@came\u200blot.bt',
      'The email address contains unsafe characters: ZERO WIDTH SPACE.',
    ],
    [
      'a leading combining mark',
      '\u0301arthur@camelot.bt',
      'The email address contains unsafe characters: COMBINING ACUTE ACCENT.',
    ],
    [
      'an emoji domain (not IDNA 2008)',
      'arthur@😀.bt',
      "The part after the @-sign is invalid (Codepoint U+1F600 at position 1 of '😀' not allowed).",
    ],
    [
      'a dotted name pydantic does not parse',
      'King.Arthur <arthur@camelot.bt>',
      "The display name contains invalid characters when not quoted: '.'.",
    ],
    [
      'text after the closing bracket',
      'Arthur <arthur@camelot.bt> of Camelot',
      "There can't be anything after the email address.",
    ],
    [
      'a missing closing bracket',
      'Arthur <arthur@camelot.bt',
      'An open angle bracket at the start of the email address has to be followed by a close angle bracket at the end.',
    ],
    [
      'a second display name inside the brackets',
      'Arthur <Pendragon <arthur@camelot.bt>>',
      'A display name and angle brackets around the email address are not permitted here.',
    ],
    [
      'a character that decomposes to a period',
      'arthur@⒈.bt',
      "The part after the @-sign contains invalid characters: '⒈'.",
    ],
    [
      'a character that maps to a slash',
      'arthur@camelot／bt.uk',
      "The part after the @-sign contains invalid characters after Unicode normalization: '/'.",
    ],
    [
      'a label starting with a combining mark',
      'arthur@camelot.\u0301bt.uk',
      'The part after the @-sign is invalid (Label begins with an illegal combining character).',
    ],
    [
      'a Punycode label that is not IDNA',
      'arthur@xn--a.bt',
      "The part after the @-sign is not valid IDNA (Codepoint U+0080 at position 1 of '\\x80' not allowed).",
    ],
    [
      'text after a quoted display name',
      '"Arthur" x <arthur@camelot.bt>',
      "Extra character(s) found after close quote: SPACE, 'x'",
    ],
  ])('%s', (_name, input, reason) => {
    expect(validateEmail(input)).toEqual({ ok: false, reason });
  });

  it.each(['arpa', 'invalid', 'local', 'localhost', 'onion', 'test'])(
    'rejects the special-use domain %s and its subdomains',
    (name) => {
      const reason =
        'The part after the @-sign is a special-use or reserved name that cannot be used with email.';
      expect(validateEmail(`arthur@camelot.${name}`)).toEqual({ ok: false, reason });
      expect(validateEmail(`arthur@mail.camelot.${name.toUpperCase()}`)).toEqual({
        ok: false,
        reason,
      });
    },
  );

  it('stays fast on adversarial input near the 2048 limit', () => {
    const inputs = [
      '"'.repeat(2047),
      `"${'" <'.repeat(680)}>`,
      `${' '.repeat(2000)}x`,
      `a${'\u0301'.repeat(2000)}@b.c`,
    ];
    const started = performance.now();
    for (const input of inputs) expect(validateEmail(input).ok).toBe(false);
    // Catastrophic backtracking would take seconds; the budget is loose for slow CI machines.
    expect(performance.now() - started).toBeLessThan(500);
  });
});

// Where Portcullis knowingly differs from email-validator 2.3.0 + pydantic 2.13 (checked against
// both): each case says what upstream does instead.
describe('validateEmail deliberate deviations', () => {
  it('rejects a 65-character local part, which 2.3 accepts unless `strict` (as ≤ 2.2)', () => {
    expect(validateEmail(`${'k'.repeat(65)}@camelot.bt`).ok).toBe(false);
  });

  it('rejects U+0000 in a quoted display name, which pydantic drops unchecked', () => {
    expect(validateEmail('"Art\u0000hur" <arthur@camelot.bt>')).toEqual({
      ok: false,
      reason: 'The email address contains unsafe characters: U+0000.',
    });
  });

  it('accepts a label mixing directions, which idna refuses (RFC 5893 bidi rule not ported)', () => {
    expect(validateEmail('arthur@aم.bt')).toEqual({ ok: true, email: 'arthur@aم.bt' });
  });

  it('drops Python ipaddress details from malformed-literal reasons', () => {
    expect(validateEmail('arthur@[300.1.1.1]')).toEqual({
      ok: false,
      reason:
        'The address in brackets after the @-sign is not valid: It is not an IPv4 address or is missing an address literal tag.',
    });
  });
});
