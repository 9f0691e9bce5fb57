import { describe, expect, it } from 'vitest';
import { createTestApp } from '../../test/app';
import { createFakeOAuthClient } from '../../test/oauth-fake-client';
import { spendsAddressBudget } from './address-budget';

const doc = { responses: [] };

describe('which routes spend the per-address budget', () => {
  it('every POST reached without credentials, and nothing else by default', () => {
    expect(spendsAddressBudget({ method: 'POST', doc })).toBe(true);
    expect(spendsAddressBudget({ method: 'POST', doc: { ...doc, secured: true } })).toBe(false);
    expect(spendsAddressBudget({ method: 'GET', doc })).toBe(false);
    expect(spendsAddressBudget({ method: 'PATCH', doc })).toBe(false);
  });

  it('follows the route’s own flag when it has one', () => {
    expect(spendsAddressBudget({ method: 'GET', doc, perAddressLimit: true })).toBe(true);
    expect(spendsAddressBudget({ method: 'POST', doc, perAddressLimit: false })).toBe(false);
  });
});

describe('the routes core ships', () => {
  it('spend the budget exactly where a client needs no credentials', () => {
    const { portcullis } = createTestApp();
    const oauth = portcullis.oauthRouter(createFakeOAuthClient(), 'jwt', {
      stateSecret: 'oauth-state-secret-oauth-state-secret',
    });
    const handler = portcullis.handler([
      ['/auth/jwt', portcullis.authRouter('jwt')],
      ['/auth', portcullis.registerRouter()],
      ['/auth', portcullis.resetPasswordRouter()],
      ['/auth', portcullis.verifyRouter()],
      ['/users', portcullis.usersRouter()],
      ['/auth/fake', oauth],
    ]);
    const spending = handler.routes
      .filter((route) => spendsAddressBudget(route))
      .map((route) => `${route.method} ${route.fullPath}`)
      .sort();
    expect(spending).toEqual([
      'GET /auth/fake/callback',
      'POST /auth/forgot-password',
      'POST /auth/jwt/login',
      'POST /auth/register',
      'POST /auth/request-verify-token',
      'POST /auth/reset-password',
      'POST /auth/verify',
    ]);
  });
});
