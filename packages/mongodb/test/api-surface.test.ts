// The runtime export names of the published package, sorted: a change to the public API
// must show up here as a deliberate edit (issue 8). Type-only exports are invisible at
// runtime; the published .d.ts is checked by attw and the pack-and-install test.
import * as api from '@portcullis/mongodb';
import { describe, expect, it } from 'vitest';

const EXPECTED = [
  'DEFAULT_COLLECTION_NAMES',
  'EMAIL_COLLATION',
  'EMAIL_INDEX',
  'PASSKEY_COLLECTIONS',
  'createMongoAccessTokenStore',
  'createMongoMfaStore',
  'createMongoPasskeyStore',
  'createMongoRevocationStore',
  'createMongoUserStore',
  'ensureIndexes',
  'mongoIdCodec',
];

describe('@portcullis/mongodb public API', () => {
  it('exports exactly the listed names', () => {
    expect(Object.keys(api).sort()).toEqual(EXPECTED);
  });
});
