// The runtime export names of the published package, sorted: a change to the public API
// must show up here as a deliberate edit (issue 8). Type-only exports are invisible at
// runtime; the published .d.ts is checked by attw and the pack-and-install test.
import * as api from '@portcullis/testing';
import { describe, expect, it } from 'vitest';

const EXPECTED = [
  'createSoftwareAuthenticator',
  'freshEmail',
  'httpAdapterSuite',
  'httpCaseIds',
  'httpContractSuite',
  'passkeyCaseIds',
  'passkeyStoreSuite',
  'rateLimitCaseIds',
  'rateLimitStoreSuite',
  'serveFetch',
  'serveNode',
  'startTcpProxy',
  'storeCaseIds',
  'storeSuite',
  'toRequestInit',
];

describe('@portcullis/testing public API', () => {
  it('exports exactly the listed names', () => {
    expect(Object.keys(api).sort()).toEqual(EXPECTED);
  });
});
