import { expect } from 'vitest';
import { bodyOf, defineCase } from './http-case';
import { freshEmail } from './http-client';

/** Forgot/reset password and verification (see docs/contract/routes.md#reset-password-router, docs/contract/routes.md#verify-router). */
export const tokenCases = [
  defineCase(
    'HTTP-RESET-001',
    'forgot-password: 202 null for known and unknown emails alike',
    async ({ request, register }) => {
      const email = freshEmail();
      await register(email);
      for (const address of [email, freshEmail('ghost')]) {
        const response = await request('POST', '/auth/forgot-password', {
          json: { email: address },
        });
        expect(response.status).toBe(202);
        expect(response.headers.get('content-type')).toMatch(/^application\/json/);
        expect(await bodyOf(response)).toBeNull();
      }
    },
  ),
  defineCase(
    'HTTP-RESET-002',
    'forgot-password: 422 for an invalid or a missing email',
    async ({ request }) => {
      const bad = await request('POST', '/auth/forgot-password', {
        json: { email: 'not-an-email' },
      });
      expect(bad.status).toBe(422);
      const missing = await request('POST', '/auth/forgot-password', { json: {} });
      expect(await missing.json()).toEqual({
        detail: [{ type: 'missing', loc: ['body', 'email'], msg: 'Field required', input: null }],
      });
    },
  ),
  defineCase(
    'HTTP-RESET-003',
    'the token resets the password once: 200 null, then RESET_PASSWORD_BAD_TOKEN',
    async ({ request, register, target, bearer }) => {
      const email = freshEmail();
      await register(email);
      await request('POST', '/auth/forgot-password', { json: { email } });
      const token = await target.lastToken('reset', email);
      const weak = await request('POST', '/auth/reset-password', {
        json: { token, password: 'short' },
      });
      expect(weak.status).toBe(400);
      expect(await weak.json()).toEqual({
        detail: {
          code: 'RESET_PASSWORD_INVALID_PASSWORD',
          reason: 'Password should be at least 8 characters',
        },
      });
      const ok = await request('POST', '/auth/reset-password', {
        json: { token, password: 'excalibur!' },
      });
      expect(ok.status).toBe(200);
      expect(await bodyOf(ok)).toBeNull();
      await bearer(email, 'excalibur!');
      const again = await request('POST', '/auth/reset-password', {
        json: { token, password: 'another-one' },
      });
      expect(again.status).toBe(400);
      expect(await again.json()).toEqual({ detail: 'RESET_PASSWORD_BAD_TOKEN' });
    },
  ),
  defineCase(
    'HTTP-RESET-004',
    'reset-password: 400 RESET_PASSWORD_BAD_TOKEN for garbage; 422 for missing fields',
    async ({ request }) => {
      const bad = await request('POST', '/auth/reset-password', {
        json: { token: 'nope', password: 'whatever1' },
      });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toEqual({ detail: 'RESET_PASSWORD_BAD_TOKEN' });
      const missing = await request('POST', '/auth/reset-password', { json: { token: 'x' } });
      expect(missing.status).toBe(422);
    },
  ),
  defineCase(
    'HTTP-VERIFY-001',
    'request-verify-token: 202 null always; the token verifies once',
    async ({ request, register, target }) => {
      const email = freshEmail();
      await register(email);
      const ghost = await request('POST', '/auth/request-verify-token', {
        json: { email: freshEmail('ghost') },
      });
      expect(ghost.status).toBe(202);
      expect(await bodyOf(ghost)).toBeNull();
      const response = await request('POST', '/auth/request-verify-token', { json: { email } });
      expect(response.status).toBe(202);
      const token = await target.lastToken('verify', email);
      const ok = await request('POST', '/auth/verify', { json: { token } });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({ email, is_verified: true });
      const again = await request('POST', '/auth/verify', { json: { token } });
      expect(again.status).toBe(400);
      expect(await again.json()).toEqual({ detail: 'VERIFY_USER_ALREADY_VERIFIED' });
    },
  ),
  defineCase(
    'HTTP-VERIFY-002',
    'verify: 400 VERIFY_USER_BAD_TOKEN for garbage; 422 without a token',
    async ({ request }) => {
      const bad = await request('POST', '/auth/verify', { json: { token: 'garbage' } });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toEqual({ detail: 'VERIFY_USER_BAD_TOKEN' });
      const missing = await request('POST', '/auth/verify', { json: {} });
      expect(missing.status).toBe(422);
    },
  ),
];
