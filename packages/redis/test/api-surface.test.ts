// The runtime export names of the published package, sorted: a change to the public API
// must show up here as a deliberate edit (issue 8). Type-only exports are invisible at
// runtime; the published .d.ts is checked by attw and the pack-and-install test.
import * as api from '@portcullis/redis';
import { describe, expect, it } from 'vitest';

const EXPECTED = [
  'createRedisRateLimitStore',
  'createRedisRevocationStore',
  'createRedisSessionStore',
  'createRedisStrategy',
  'redisClientOptions',
];

describe('@portcullis/redis public API', () => {
  it('exports exactly the listed names', () => {
    expect(Object.keys(api).sort()).toEqual(EXPECTED);
  });
});
