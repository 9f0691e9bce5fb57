import { describe, expect, test } from 'vitest';
import { emailTagNow, webCryptoEmailTag } from './login-throttle';

describe('the email tag of the throttling keys', () => {
  test("Node's synchronous SHA-256 and Web Crypto's give the same tag for every email", async () => {
    const emails = [
      '',
      'a@b.c',
      ' Ywain@Camelot.BT ',
      'ünïcödé@exämple.org',
      '{brace}@example.com',
      ...Array.from({ length: 30 }, (_, i) => `user.${i}.${Math.random()}@example.com`),
    ];
    for (const email of emails) {
      const tag = emailTagNow(email);
      expect(tag).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(tag).toBe(await webCryptoEmailTag(email));
    }
  });

  test('is the first 16 bytes of the SHA-256 of the trimmed, lower-cased email, in base64url', async () => {
    // SHA-256("abc") begins ba7816bf8f01cfea414140de5dae2223 (FIPS 180-2, appendix B.1).
    expect(emailTagNow('  ABC ')).toBe('ungWv48Bz-pBQUDeXa4iIw');
    expect(await webCryptoEmailTag('abc')).toBe('ungWv48Bz-pBQUDeXa4iIw');
  });
});
