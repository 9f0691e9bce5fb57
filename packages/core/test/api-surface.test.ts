// The runtime export names of the published entries, sorted: a change to the public API must
// show up here as a deliberate edit. Type-only exports are invisible at runtime; the published
// .d.ts is checked by attw and the pack-and-install test.
import * as api from '@portcullis/core';
import * as adapterApi from '@portcullis/core/adapter';
import * as fieldsApi from '@portcullis/core/fields';
import * as nodeApi from '@portcullis/core/node';
import * as openApiApi from '@portcullis/core/openapi';
import { describe, expect, it } from 'vitest';
import * as commonPasswordsApi from '../src/common-passwords';

/** What an application touches (docs: the guides and the reference). */
const EXPECTED = [
  'ErrorCode',
  'InvalidPasswordError',
  'PASSWORD_POLICY_REASONS',
  'PortcullisConfigError',
  'PortcullisError',
  'UserManager',
  'createAuthBackend',
  'createBearerTransport',
  'createBreachedPasswordCheck',
  'createCookieTransport',
  'createDatabaseStrategy',
  'createJwtStrategy',
  'createMemoryMfaStore',
  'createMemoryPasskeyStore',
  'createMemoryRateLimitStore',
  'createPasswordHasher',
  'createPasswordPolicy',
  'createPbkdf2PasswordHasher',
  'createPortcullis',
  'defineUserFields',
  'docsHtml',
  'guardRequest',
  'isPortcullisError',
];

/** What adapter and store authors touch (docs: writing an adapter or a store). */
const EXPECTED_ADAPTER = [
  'DEFAULT_BODY_LIMIT',
  'DEFAULT_BODY_TIMEOUT_MS',
  'DEFAULT_STORE_TIMEOUT_MS',
  'MAX_JSON_DEPTH',
  'RETRY_AFTER_SECONDS',
  'clipUserAgent',
  'createJwtCodec',
  'createMemoryAccessTokenStore',
  'createMemorySessionStore',
  'createMemoryUserStore',
  'createTokenId',
  'eachHeader',
  'fromFetchRequest',
  'isTokenError',
  'json',
  'lockEnd',
  'randomToken',
  'resolveUser',
  'serviceUnavailable',
  'statusError',
  'timeoutOption',
  'timingSafeEqual',
  'toFetchResponse',
  'tokenIdIssuedAt',
  'withDeadline',
];

/** The Node bridge under the Express, Koa and Fastify adapters; what Node-only stores share. */
const EXPECTED_NODE = [
  'ANSWERED_METHODS',
  'adoptedSessionId',
  'createDocsAssets',
  'handleNodeRequest',
  'hardenServer',
  'hostBodyOptions',
  'nodeRequest',
  'releaseUnreadBody',
  'routeNodeRequest',
  'writeNodeResponse',
];

describe('@portcullis/core public API', () => {
  it('exports exactly the listed names', () => {
    expect(Object.keys(api).sort()).toEqual(EXPECTED);
  });

  it('exports exactly the listed names from @portcullis/core/adapter', () => {
    expect(Object.keys(adapterApi).sort()).toEqual(EXPECTED_ADAPTER);
  });

  it('exports exactly the listed names from @portcullis/core/node', () => {
    expect(Object.keys(nodeApi).sort()).toEqual(EXPECTED_NODE);
  });

  it('exports exactly the listed names from @portcullis/core/common-passwords', () => {
    expect(Object.keys(commonPasswordsApi).sort()).toEqual([
      'commonPasswords',
      'commonPasswordsSource',
    ]);
  });

  it('exports exactly the listed names from the entries that load zod', () => {
    expect(Object.keys(openApiApi).sort()).toEqual(['buildOpenApi']);
    expect(Object.keys(fieldsApi).sort()).toEqual(['emailField']);
  });
});
