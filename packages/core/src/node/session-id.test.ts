import { describe, expect, test } from 'vitest';
import { adoptedSessionId } from './session-id';

describe('adoptedSessionId', () => {
  // Pinned: stores already wrote these ids into databases, so they must never change.
  test('derives the ids the SQL and MongoDB stores have always given', () => {
    expect(adoptedSessionId('fastapi-users-token')).toBe('hA588h6kxCMQi0dPnCStGyCqjD2LPV3i');
    expect(adoptedSessionId('')).toBe('u_YvxwQ0Ra5m1SU3CmO-gjfa4wVyp41l');
  });

  test('is 32 URL-safe characters', () => {
    expect(adoptedSessionId('x'.repeat(500))).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });
});
