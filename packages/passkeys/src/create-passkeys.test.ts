import { createMemoryPasskeyStore, isPortcullisError } from '@portcullis/core';
import { describe, expect, it } from 'vitest';
import { createPasskeys } from './create-passkeys';

const store = createMemoryPasskeyStore();

function configError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isPortcullisError(error) && error.code === 'CONFIGURATION') return error.message;
    throw error;
  }
  throw new Error('no configuration error');
}

describe('createPasskeys', () => {
  it("takes the RP id from the origin's host and marks the cookie Secure on https", () => {
    const passkeys = createPasskeys({ origin: 'https://app.example/path', store });
    expect(passkeys.cookie).toEqual({ name: 'portcullis_passkey', secure: true });
    expect(passkeys.challengeSeconds).toBe(300);
    expect(createPasskeys({ origin: 'http://localhost:8000', store }).cookie.secure).toBe(false);
  });

  it('refuses an IP-address RP id, an origin outside the RP id and an origin that is no URL', () => {
    expect(configError(() => createPasskeys({ origin: 'http://127.0.0.1:8000', store }))).toMatch(
      /IP address/,
    );
    expect(configError(() => createPasskeys({ origin: 'http://[::1]:8000', store }))).toMatch(
      /IP address/,
    );
    expect(
      configError(() =>
        createPasskeys({ origin: 'https://app.example', rpId: 'other.example', store }),
      ),
    ).toMatch(/not within/);
    expect(configError(() => createPasskeys({ origin: 'localhost', store }))).toMatch(/not a URL/);
  });

  it('accepts a parent domain as RP id', () => {
    expect(() =>
      createPasskeys({ origin: 'https://login.app.example', rpId: 'app.example', store }),
    ).not.toThrow();
  });
});
