import { describe, expect, test } from 'vitest';
import { createPkceDeriver, pkceChallenge } from './pkce';

describe('PKCE (RFC 7636)', () => {
  test('computes the S256 challenge of RFC 7636 Appendix B', async () => {
    expect(await pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  test('derives the same 43-character verifier from the same CSRF token', async () => {
    const derive = createPkceDeriver('state-secret-state-secret-state-secret');
    const first = await derive('csrf-token');
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await derive('csrf-token')).toBe(first);
  });

  test('derives different verifiers for other tokens and other secrets', async () => {
    const derive = createPkceDeriver('state-secret-state-secret-state-secret');
    const other = createPkceDeriver(new TextEncoder().encode('another-secret-another-secret!!'));
    const verifier = await derive('csrf-token');
    expect(await derive('csrf-token2')).not.toBe(verifier);
    expect(await other('csrf-token')).not.toBe(verifier);
  });

  test('never equals the CSRF token it came from (the state reveals that token)', async () => {
    const derive = createPkceDeriver('state-secret-state-secret-state-secret');
    const token = 'k3JvN5qN1xq2cQz0lq6r8zT8m2mYpV3uHk1s9XwYb0c';
    expect(await derive(token)).not.toContain(token);
  });
});
