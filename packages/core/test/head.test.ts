import { describe, expect, test } from 'vitest';
import { createTestApp } from './app';

describe('HEAD requests', () => {
  test('HEAD is answered wherever GET is, with the same status and no body', async () => {
    const app = createTestApp();
    const response = await app.request('HEAD', '/users/me');
    expect(response.status).toBe(401);
    expect(await response.text()).toBe('');
  });
});
