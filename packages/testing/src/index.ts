// HTTP adapter suite
export type { HttpSuiteApp, HttpSuiteServer } from './http-app';
export type { HttpContractTarget, HttpSuiteUser } from './http-case';
export { freshEmail, type HttpRequestInit, toRequestInit } from './http-client';
export { type FetchListener, serveFetch, serveNode } from './http-server';
export {
  type HttpAdapterSuiteOptions,
  type HttpCaseId,
  type HttpContractCaseId,
  type HttpContractSuiteOptions,
  type HttpSkips,
  httpAdapterSuite,
  httpCaseIds,
  httpContractSuite,
} from './http-suite';

// Rate-limit store suite
export {
  type RateLimitCaseId,
  type RateLimitStoreSuiteOptions,
  rateLimitCaseIds,
  rateLimitStoreSuite,
} from './rate-limit-store-suite';

// Store suite
export type { CustomFieldSamples, StoreSuiteStores } from './store-case';
export {
  type StoreCaseId,
  type StoreSkips,
  type StoreSuiteCapabilities,
  type StoreSuiteOptions,
  storeCaseIds,
  storeSuite,
} from './store-suite';

// Passkeys: the passkey store suite, a WebAuthn authenticator in software (real signatures)
export {
  type PasskeyCaseId,
  type PasskeyStoreSuiteOptions,
  passkeyCaseIds,
  passkeyStoreSuite,
} from './passkey-store-suite';
export {
  createSoftwareAuthenticator,
  type SoftwareAuthenticator,
  type SoftwareAuthenticatorOptions,
  type SoftwareCredential,
} from './software-authenticator';

// Outages: a TCP proxy in front of a real server that a test can cut or silence
export { startTcpProxy, type TcpProxy, type TcpProxyMode } from './tcp-proxy';
