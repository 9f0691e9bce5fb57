import { describe, expect, it, vi } from 'vitest';
import { idCodecFor, integerIdCodec, parseIntegerId, parseUuid, uuidIdCodec } from './id';

const CANONICAL = '6fa459ea-ee8a-3ca4-894e-db77e160355e';

describe('parseUuid', () => {
  it.each([
    CANONICAL,
    '6FA459EA-EE8A-3CA4-894E-DB77E160355E',
    '6fa459eaee8a3ca4894edb77e160355e',
    '{6fa459ea-ee8a-3ca4-894e-db77e160355e}',
    'urn:uuid:6fa459ea-ee8a-3ca4-894e-db77e160355e',
    '{urn:uuid:6FA459EAEE8A3CA4894EDB77E160355E}',
    'uuid:6fa459ea-ee8a-3ca4-894e-db77e160355e',
    // 36 characters, as the canonical form, with the hyphens elsewhere: Python drops them all.
    '6fa459eaee8a-3ca4-894e-db77-e160355e',
    '6FA459EA-EE8A-3CA4-894E-DB77E160355e',
  ])('accepts %s as Python uuid.UUID() does, canonicalised', (input) => {
    expect(parseUuid(input)).toBe(CANONICAL);
  });

  it.each([
    '',
    'not-a-uuid',
    '6fa459ea-ee8a-3ca4-894e-db77e160355',
    '6fa459ea-ee8a-3ca4-894e-db77e160355e0',
    '6fa459ea-ee8a-3ca4-894e-db77e160355g',
    ' 6fa459eaee8a3ca4894edb77e160355e',
    '6fa459ea_ee8a_3ca4_894e_db77e160355e',
    '0x6fa459eaee8a3ca4894edb77e160355',
    'URN:UUID:6fa459ea-ee8a-3ca4-894e-db77e160355e',
    `${CANONICAL}${'-'.repeat(100)}`,
  ])('rejects %j', (input) => {
    expect(parseUuid(input)).toBeNull();
  });
});

describe('parseUuid, the canonical form', () => {
  const CANONICAL_FORM = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

  it('hands back a value as it is exactly when it is in the canonical form', () => {
    // Every position of a canonical id, changed to each character that is on the edge of a
    // class the check tells apart: digits, a-f, A-F, the hyphen, and their neighbours.
    const swaps = ['0', '9', 'a', 'f', 'g', 'A', 'F', '-', '/', ':', '`', ' ', 'é', '{'];
    let canonical = 0;
    for (let i = 0; i < CANONICAL.length; i++) {
      for (const swap of swaps) {
        const value = `${CANONICAL.slice(0, i)}${swap}${CANONICAL.slice(i + 1)}`;
        const asIs = CANONICAL_FORM.test(value);
        if (asIs) canonical++;
        expect(parseUuid(value) === value, value).toBe(asIs);
      }
    }
    // Each hex position keeps 4 of the swaps (0, 9, a, f) and each hyphen one.
    expect(canonical).toBe(32 * 4 + 4);
  });

  it('recognises the id it found canonical last by equality only', () => {
    expect(parseUuid(CANONICAL)).toBe(CANONICAL);
    // The same text in a new string is the same id; anything else is parsed in full.
    expect(parseUuid([...CANONICAL].join(''))).toBe(CANONICAL);
    expect(parseUuid(CANONICAL.toUpperCase())).toBe(CANONICAL);
    expect(parseUuid(`${CANONICAL.slice(0, 35)}g`)).toBeNull();
    expect(parseUuid(`${CANONICAL} `)).toBeNull();
    expect(parseUuid(CANONICAL.slice(0, 35))).toBeNull();
    expect(parseUuid('')).toBeNull();
    expect(parseUuid(CANONICAL)).toBe(CANONICAL);
  });

  it('recognises nothing before it has found an id canonical', async () => {
    vi.resetModules();
    const fresh = await import('./id');
    expect(fresh.parseUuid('')).toBeNull();
    expect(fresh.parseUuid('null')).toBeNull();
  });
});

describe('parseIntegerId', () => {
  it('accepts ASCII decimal digits', () => {
    expect(parseIntegerId('0')).toBe(0);
    expect(parseIntegerId('42')).toBe(42);
    expect(parseIntegerId('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
  });

  it.each([' 12 ', '1_000', '+5', '-5', '1e3', '12.0', '0x1f', '١٢', '', '9007199254740992'])(
    'rejects %j (Python int() would take some of these)',
    (input) => {
      expect(parseIntegerId(input)).toBeNull();
    },
  );
});

describe('codecs', () => {
  it('generates distinct canonical UUIDs', () => {
    const a = uuidIdCodec.generate();
    expect(uuidIdCodec.parse(a)).toBe(a);
    expect(uuidIdCodec.generate()).not.toBe(a);
  });

  it('never throws on values of the wrong type', () => {
    for (const value of [null, undefined, {}, [], Symbol('x'), 1.5, -1, Number.NaN, 2n ** 64n]) {
      expect(uuidIdCodec.parse(value)).toBeNull();
      expect(integerIdCodec.parse(value)).toBeNull();
    }
  });

  it('reads integer ids from numbers and bigints, leaving generation to the database', () => {
    expect(integerIdCodec.parse(7)).toBe(7);
    expect(integerIdCodec.parse(7n)).toBe(7);
    expect(integerIdCodec.generate()).toBeUndefined();
    expect(idCodecFor('integer')).toBe(integerIdCodec);
    expect(idCodecFor('uuid')).toBe(uuidIdCodec);
  });
});
