import { describe, expect, test } from 'vitest';
import { hex } from './hex';
import { webCryptoSha256 } from './node-sha256';

describe('hex and webCryptoSha256', () => {
  test('hex writes two lower-case digits a byte, leading zeros kept', () => {
    expect(hex(new Uint8Array([0, 1, 15, 16, 171, 255]))).toBe('00010f10abff');
    expect(hex(new Uint8Array(0))).toBe('');
  });

  test('webCryptoSha256 hashes the UTF-8 bytes (FIPS 180-2 "abc", and a non-ASCII text)', async () => {
    expect(hex(await webCryptoSha256('abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    const bytes = new TextEncoder().encode('ü');
    const viaBytes = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    expect(await webCryptoSha256('ü')).toEqual(viaBytes);
  });
});
