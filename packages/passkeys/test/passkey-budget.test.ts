import { createMemoryPasskeyStore } from '@portcullis/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PasskeyTestApp, startPasskeyApp } from './app';

describe('the per-address budget', () => {
  let app: PasskeyTestApp;
  beforeAll(async () => {
    app = await startPasskeyApp(createMemoryPasskeyStore(), { perAddressPerMinute: 3 });
  });
  afterAll(() => app.close());

  it('counts /passkey/options and /passkey/login like the other routes reached without credentials', async () => {
    expect((await app.post('/auth/jwt/passkey/options')).status).toBe(200);
    expect((await app.post('/auth/cookie/passkey/options')).status).toBe(200);
    expect((await app.post('/auth/jwt/passkey/login', { json: {} })).status).toBe(422);
    const over = await app.post('/auth/jwt/passkey/login', { json: {} });
    expect(over.status).toBe(429);
    expect(await over.json()).toEqual({ detail: 'TOO_MANY_REQUESTS' });
    expect((await app.post('/auth/jwt/passkey/options')).status).toBe(429);
  });
});
