// The runtime export names of the published package, sorted: a change to the public API
// must show up here as a deliberate edit (issue 8). Type-only exports are invisible at
// runtime; the published .d.ts is checked by attw and the pack-and-install test.
import * as api from '@portcullis/core';
import * as nodeApi from '@portcullis/core/node';
import { describe, expect, it } from 'vitest';

const EXPECTED = [
  'DOCS_INIT_FILE',
  'ErrorCode',
  'InvalidPasswordError',
  'JwtError',
  'PortcullisError',
  'UserManager',
  'booleanField',
  'buildOpenApi',
  'createAuthBackend',
  'createBearerTransport',
  'createCookieTransport',
  'createDatabaseStrategy',
  'createHandler',
  'createJwtCodec',
  'createJwtStrategy',
  'createOAuthStateCodec',
  'createPasswordHasher',
  'createPbkdf2PasswordHasher',
  'createPortcullis',
  'createTokenId',
  'createUserSchemas',
  'destroyAllSessions',
  'docsHtml',
  'docsInitScript',
  'emailField',
  'isPortcullisError',
  'oauthAccountRead',
  'pkceChallenge',
  'publicOAuthAccount',
  'publicOAuthAccounts',
  'randomToken',
  'timingSafeEqual',
  'tokenIdIssuedAt',
  'validateEmail',
  'verifyAndUpdate',
];

const EXPECTED_NODE = [
  'ANSWERED_METHODS',
  'createDocsAssets',
  'eachHeader',
  'handleNodeRequest',
  'hostBodyOptions',
  'parsedBodyOf',
  'releaseUnreadBody',
  'resolveUser',
  'responseBytes',
  'routeNodeRequest',
  'toRequest',
  'writeResponse',
];

describe('@portcullis/core public API', () => {
  it('exports exactly the listed names', () => {
    expect(Object.keys(api).sort()).toEqual(EXPECTED);
  });

  it('exports exactly the listed names from @portcullis/core/node', () => {
    expect(Object.keys(nodeApi).sort()).toEqual(EXPECTED_NODE);
  });
});
