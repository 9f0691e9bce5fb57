import { describe, expect, test } from 'vitest';
import {
  base32Decode,
  base32Encode,
  hotp,
  matchTotp,
  otpauthUri,
  type TotpHash,
  totpStep,
} from './totp';

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

// RFC 6238 Appendix B: the seeds are the ASCII digits repeated to the hash's length.
const SEEDS: Record<TotpHash, Uint8Array> = {
  'SHA-1': ascii('12345678901234567890'),
  'SHA-256': ascii('12345678901234567890123456789012'),
  'SHA-512': ascii('1234567890123456789012345678901234567890123456789012345678901234'),
};

// Appendix B's table: Unix time, then the 8-digit TOTP for SHA-1, SHA-256, SHA-512.
const VECTORS: [number, string, string, string][] = [
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
];

describe('TOTP (RFC 6238)', () => {
  test.each(VECTORS)(
    'Appendix B at T=%i: 8 digits on SHA-1, SHA-256, SHA-512',
    async (time, sha1, sha256, sha512) => {
      const step = totpStep(time * 1000);
      expect(await hotp(SEEDS['SHA-1'], step, { digits: 8, hash: 'SHA-1' })).toBe(sha1);
      expect(await hotp(SEEDS['SHA-256'], step, { digits: 8, hash: 'SHA-256' })).toBe(sha256);
      expect(await hotp(SEEDS['SHA-512'], step, { digits: 8, hash: 'SHA-512' })).toBe(sha512);
    },
  );

  test.each(VECTORS)(
    'Appendix B at T=%i: the 6-digit SHA-1 code Portcullis issues',
    async (time, sha1) => {
      expect(await hotp(SEEDS['SHA-1'], totpStep(time * 1000))).toBe(sha1.slice(2));
    },
  );

  test('RFC 4226 Appendix D: HOTP values for counters 0 to 9', async () => {
    const expected = [
      '755224',
      '287082',
      '359152',
      '969429',
      '338314',
      '254676',
      '287922',
      '162583',
      '399871',
      '520489',
    ];
    const got = await Promise.all(expected.map((_, counter) => hotp(SEEDS['SHA-1'], counter)));
    expect(got).toEqual(expected);
  });

  test('accepts the code of the step before and after now, not two steps away', async () => {
    const now = 1111111111 * 1000;
    const step = totpStep(now);
    const at = (s: number) => hotp(SEEDS['SHA-1'], s);
    expect(await matchTotp(SEEDS['SHA-1'], await at(step), now)).toBe(step);
    expect(await matchTotp(SEEDS['SHA-1'], await at(step - 1), now)).toBe(step - 1);
    expect(await matchTotp(SEEDS['SHA-1'], await at(step + 1), now)).toBe(step + 1);
    expect(await matchTotp(SEEDS['SHA-1'], await at(step - 2), now)).toBeNull();
    expect(await matchTotp(SEEDS['SHA-1'], await at(step + 2), now)).toBeNull();
  });

  test('refuses anything but six digits', async () => {
    const now = 59_000;
    for (const code of ['', '28708', '2870822', '28708a', ' 287082', '287082\n']) {
      expect(await matchTotp(SEEDS['SHA-1'], code, now)).toBeNull();
    }
  });

  test('base32 round-trips and matches RFC 4648 §10', () => {
    expect(base32Encode(ascii('foobar'))).toBe('MZXW6YTBOI');
    expect(base32Encode(ascii('fo'))).toBe('MZXQ');
    expect(base32Decode('MZXW6YTBOI======')).toEqual(ascii('foobar'));
    expect(base32Decode('mzxw6ytboi')).toEqual(ascii('foobar'));
    expect(base32Decode('MZ1W')).toBeNull();
    const bytes = crypto.getRandomValues(new Uint8Array(20));
    expect(base32Decode(base32Encode(bytes))).toEqual(bytes);
  });

  test('the otpauth URI names issuer and account and carries the parameters', () => {
    const uri = otpauthUri('JBSWY3DPEHPK3PXP', 'lance@camelot.bt', 'Round Table');
    expect(uri).toBe(
      'otpauth://totp/Round%20Table:lance%40camelot.bt?secret=JBSWY3DPEHPK3PXP&issuer=Round%20Table&algorithm=SHA1&digits=6&period=30',
    );
  });
});
