// Builds docs/reference/error-codes.md from `ErrorCode` (packages/core/src/errors.ts) and the
// demo app's OpenAPI document: every code, the status it is answered with, what it means, and
// the demo routes whose documented responses carry it as a named example. The meanings are
// written here, once per code; a code added to `ErrorCode` without one fails the generator,
// and so the docs tests.
import { ErrorCode, PortcullisError } from '@portcullis/core';
import { buildDemoOpenApi, operationsOf } from './openapi';

type Kind = 'wire' | 'added' | 'internal';

interface Meaning {
  kind: Kind;
  text: string;
  /** What the client receives, for codes that are not sent verbatim as `detail`. */
  wire?: string;
  /** Routes that answer the code although no OpenAPI example names it. */
  alsoFrom?: string;
}

/** One entry per code; the generator refuses to run when `ErrorCode` has a code not here. */
const MEANINGS: Record<ErrorCode, Meaning> = {
  REGISTER_INVALID_PASSWORD: {
    kind: 'wire',
    text: 'The password policy (`validatePassword`) rejected the password at registration. Sent as `{"detail": {"code", "reason"}}`; checked before the duplicate-email check.',
  },
  REGISTER_USER_ALREADY_EXISTS: {
    kind: 'wire',
    text: 'A user with this email exists (compared case-insensitively, enforced by the store).',
  },
  OAUTH_NOT_AVAILABLE_EMAIL: {
    kind: 'wire',
    text: 'The OAuth provider gave no email for the account.',
  },
  OAUTH_USER_ALREADY_EXISTS: {
    kind: 'wire',
    text: 'OAuth login: a user has this email and the account may not be linked to it (`associateByEmail` off, or the provider did not say the email is verified).',
  },
  OAUTH_INVALID_STATE: {
    kind: 'wire',
    text: 'OAuth callback: the CSRF cookie is missing or does not match the state.',
  },
  LOGIN_BAD_CREDENTIALS: {
    kind: 'wire',
    text: 'Unknown email, wrong password, or an inactive user (the same answer for all three, so the route tells nobody which emails exist).',
  },
  LOGIN_USER_NOT_VERIFIED: {
    kind: 'wire',
    text: 'The credentials are right but the router was built with `requiresVerification` and the user is not verified.',
  },
  RESET_PASSWORD_BAD_TOKEN: {
    kind: 'wire',
    text: 'The reset token is malformed, expired, for another purpose, already used, or the password changed since it was issued; or the user is gone or inactive.',
  },
  RESET_PASSWORD_INVALID_PASSWORD: {
    kind: 'wire',
    text: 'The password policy rejected the new password (`{"detail": {"code", "reason"}}`); the token stays usable.',
  },
  VERIFY_USER_BAD_TOKEN: {
    kind: 'wire',
    text: 'The verify token is malformed, expired, for another purpose, for a user that is gone, or for an email the user no longer has.',
  },
  VERIFY_USER_ALREADY_VERIFIED: {
    kind: 'wire',
    text: 'The user is already verified.',
  },
  UPDATE_USER_EMAIL_ALREADY_EXISTS: {
    kind: 'wire',
    text: 'PATCH: another user has this email (case-insensitively); also a case-only change of your own email, as upstream.',
  },
  UPDATE_USER_INVALID_PASSWORD: {
    kind: 'wire',
    text: 'PATCH: the password policy rejected the new password (`{"detail": {"code", "reason"}}`).',
  },
  ACCESS_TOKEN_ALREADY_EXPIRED: {
    kind: 'wire',
    text: 'OAuth callback: the `state` token has expired (its lifetime is `stateLifetimeSeconds`, one hour by default).',
  },
  ACCESS_TOKEN_DECODE_ERROR: {
    kind: 'wire',
    text: 'OAuth callback: the `state` token is missing, malformed, forged or for another audience.',
  },
  OAUTH_PROVIDER_ERROR: {
    kind: 'added',
    text: 'The provider refused the code, the profile lookup failed, or the client could not build the authorization URL (for example OpenID discovery failed). Upstream answers most of these with a 500.',
    alsoFrom: 'the OAuth `authorize` routes',
  },
  OAUTH_ACCOUNT_ALREADY_LINKED: {
    kind: 'added',
    text: 'OAuth associate: the provider account is already linked to another user.',
  },
  SERVICE_UNAVAILABLE: {
    kind: 'added',
    text: 'A store (database, Redis) is unreachable or timed out. Sent with `Retry-After`; clients may retry. Upstream answers a 500.',
    wire: '`{"detail":"SERVICE_UNAVAILABLE"}`',
    alsoFrom: 'any route that reads or writes a store, and every guarded route of the app',
  },
  TOO_MANY_REQUESTS: {
    kind: 'added',
    text: "Login throttling or the per-address budget refused the request (429, with `Retry-After`); nothing was checked. On by default, `rateLimit: false` turns it off. Upstream has no such limit. With `mfa`, also the second factor's own limits (`Retry-After`: the rest of the five-minute window): ten `/login/mfa` attempts per user and five `/totp/disable` attempts per user in five minutes.",
    wire: '`{"detail":"TOO_MANY_REQUESTS"}`',
    alsoFrom: 'the password login routes, and every route reached without credentials',
  },
  LOGIN_MFA_REQUIRED: {
    kind: 'added',
    text: 'The credentials (or the OAuth login) were right, but the user has a second factor: no session, no cookie. Send the `mfa_token` with a TOTP or recovery code to `{prefix}/login/mfa` within 5 minutes (see [Second factor](../mfa.md)).',
    wire: '`{"detail":{"code":"LOGIN_MFA_REQUIRED","mfa_token":"…"}}`',
  },
  MFA_BAD_CODE: {
    kind: 'added',
    text: "The TOTP or recovery code is wrong, already used (a TOTP code is accepted once), or the user has no factor any more. At `/login/mfa` each one counts against the MFA token's five attempts.",
  },
  MFA_BAD_TOKEN: {
    kind: 'added',
    text: "`/login/mfa`: the `mfa_token` is malformed, forged, expired (5 minutes), already used, issued by another backend's login, or five wrong codes were already tried with it. Log in again.",
  },
  MFA_ALREADY_ENABLED: {
    kind: 'added',
    text: 'TOTP setup or enable for a user who already has TOTP enabled: disable it first.',
  },
  PASSKEY_BAD_RESPONSE: {
    kind: 'added',
    text: 'A passkey registration or login response did not verify: bad signature, wrong challenge, origin or RP id, no user verification, an unknown or deleted credential, a used, expired or missing challenge (cookie). One code for every reason (see [Passkeys](../mfa.md#passkeys)).',
  },
  REFRESH_TOKEN_BAD_TOKEN: {
    kind: 'added',
    text: 'POST `{prefix}/refresh`: the refresh token is unknown, malformed, expired, revoked, for another backend, of an inactive user, or a rotated one presented again after the grace window (which also ends the session). On a cookie backend both cookies are cleared. Upstream has no refresh tokens.',
    wire: '`{"detail":"REFRESH_TOKEN_BAD_TOKEN"}`',
  },
  USER_ALREADY_EXISTS: {
    kind: 'internal',
    text: 'A store refused a user because the email is taken. The routes answer `REGISTER_USER_ALREADY_EXISTS` or `UPDATE_USER_EMAIL_ALREADY_EXISTS` (or `OAUTH_USER_ALREADY_EXISTS`).',
    wire: 'translated',
  },
  USER_NOT_EXISTS: {
    kind: 'internal',
    text: 'The manager found no such user. Superuser routes answer 404; token routes answer their `…_BAD_TOKEN` code.',
    wire: '`{"detail":"Not Found"}`',
  },
  USER_INACTIVE: {
    kind: 'internal',
    text: 'The manager refused an action for an inactive user. Routes answer their own code (`RESET_PASSWORD_BAD_TOKEN`) or nothing at all (`request-verify-token` and `forgot-password` answer 202 regardless).',
    wire: 'translated',
  },
  INVALID_PASSWORD: {
    kind: 'internal',
    text: 'Thrown by a `validatePassword` policy (`InvalidPasswordError`). Each route sends it as its own `…_INVALID_PASSWORD` code with the `reason`.',
    wire: 'translated',
  },
  INVALID_ID: {
    kind: 'internal',
    text: 'A path id that the store cannot parse: the user does not exist.',
    wire: '`{"detail":"Not Found"}`',
  },
  UNAUTHORIZED: {
    kind: 'internal',
    text: 'No user: no credentials, a bad or expired token, or an inactive user.',
    wire: '`{"detail":"Unauthorized"}`',
    alsoFrom: 'every guarded route',
  },
  FORBIDDEN: {
    kind: 'internal',
    text: 'A user, but not one the guard accepts (not verified when verification is required, not a superuser).',
    wire: '`{"detail":"Forbidden"}`',
    alsoFrom: 'every guarded route with `verified` or `superuser`',
  },
  NOT_FOUND: {
    kind: 'internal',
    text: 'No such resource.',
    wire: '`{"detail":"Not Found"}`',
  },
  BODY_TOO_LARGE: {
    kind: 'internal',
    text: 'The request body is over `bodyLimit` (1 MiB by default); refused before it is buffered.',
    wire: '`{"detail":"Request Entity Too Large"}`',
    alsoFrom: 'every route that reads a body',
  },
  BAD_REQUEST: {
    kind: 'internal',
    text: "A body that cannot be read (for example invalid UTF-8), or an OAuth callback without `code` or with a state issued for another flow or user. The provider's `error=X` on a callback is also answered 400 with `detail` X verbatim.",
    wire: '`{"detail": <message>}`',
    alsoFrom: 'every route that reads a body; the OAuth callbacks',
  },
  REQUEST_TIMEOUT: {
    kind: 'internal',
    text: 'The request body did not arrive completely within `bodyTimeoutMs` of the request (30 s by default); the connection is closed.',
    wire: '`{"detail":"Request Timeout"}`',
    alsoFrom: 'every route that reads a body',
  },
  CLIENT_CLOSED_REQUEST: {
    kind: 'internal',
    text: "The client closed its connection while its login waited for a password-hash slot: the hash is skipped and the answer (nginx's 499) reaches nobody. Not logged and not an `onLoginFailed` event; the throttle still counts the attempt ([performance](../performance.md#logins-whose-client-went-away)).",
    wire: '`{"detail":"CLIENT_CLOSED_REQUEST"}` (never read)',
    alsoFrom: '`POST /auth/{backend}/login`',
  },
  TOKEN_EXPIRED: {
    kind: 'internal',
    text: 'The JWT codec refused an expired token. The routes answer their own code (for an OAuth state, `ACCESS_TOKEN_ALREADY_EXPIRED`); a strategy treats the token as no user (401).',
    wire: 'translated',
  },
  TOKEN_INVALID: {
    kind: 'internal',
    text: 'The JWT codec refused a malformed, forged or wrong-audience token. The routes answer their own code (for an OAuth state, `ACCESS_TOKEN_DECODE_ERROR`); a strategy treats it as no user (401).',
    wire: 'translated',
  },
  VALIDATION_ERROR: {
    kind: 'internal',
    text: 'The body, query or form failed validation; FastAPI\'s shape: `{"detail": [{"type", "loc", "msg", "input"}]}`.',
    wire: '`{"detail": [ … ]}`',
  },
  CONFIGURATION: {
    kind: 'internal',
    text: 'The app is configured wrongly (for example an OAuth router without a store that loads `oauth_accounts`). Thrown at start or surfaced as an error to the app, never answered as a 4xx.',
    wire: 'not answered: a 500 from the host',
  },
};

const KIND_TITLE: Record<Kind, string> = {
  wire: "FastAPI Users' codes (sent verbatim as `detail`)",
  added: 'Codes Portcullis adds',
  internal: 'Codes between layers',
};

const KIND_INTRO: Record<Kind, string> = {
  wire: "The fifteen codes of FastAPI Users' `ErrorCode`, with the same meaning and status.",
  added:
    "Sent like upstream's codes, where FastAPI Users has no code (most of these are upstream 500s).",
  internal:
    'A store or the user manager raises these to its caller; the routes translate them into a status and body (right column). Your hooks, stores and guards may see them as `PortcullisError` codes.',
};

export interface ErrorCodeRow {
  code: string;
  kind: Kind;
  statuses: number[];
  text: string;
  wire?: string;
  routes: string[];
  alsoFrom?: string;
}

export async function collectErrorCodes(): Promise<ErrorCodeRow[]> {
  const missing = Object.values(ErrorCode).filter((code) => !(code in MEANINGS));
  if (missing.length > 0) {
    throw new Error(
      `docs/scripts/error-codes.ts has no meaning for ${missing.join(', ')}: add one to MEANINGS`,
    );
  }
  const document = await buildDemoOpenApi();
  const found = new Map<string, { statuses: Set<number>; routes: Set<string> }>();
  for (const { method, path, operation } of operationsOf(document)) {
    for (const [status, response] of Object.entries(operation.responses)) {
      for (const media of Object.values(response.content ?? {})) {
        for (const name of Object.keys(media.examples ?? {})) {
          const entry = found.get(name) ?? { statuses: new Set(), routes: new Set() };
          entry.statuses.add(Number(status));
          entry.routes.add(`${method} ${path}`);
          found.set(name, entry);
        }
      }
    }
  }
  return Object.values(ErrorCode).map((code) => {
    const meaning = MEANINGS[code];
    const documented = found.get(code);
    const statuses = documented
      ? [...documented.statuses].sort()
      : [new PortcullisError(code).status];
    return {
      code,
      kind: meaning.kind,
      statuses,
      text: meaning.text,
      wire: meaning.wire,
      routes: documented ? [...documented.routes] : [],
      alsoFrom: meaning.alsoFrom,
    };
  });
}

const cell = (text: string): string => text.replaceAll('|', '\\|');

export async function renderErrorCodes(): Promise<string> {
  const rows = await collectErrorCodes();
  const lines = [
    "<!-- Generated by docs/scripts/error-codes.ts from ErrorCode and the demo's OpenAPI",
    '     document. Do not edit: run `pnpm --dir docs generate`. The docs tests fail when this',
    '     file is stale. -->',
    '',
    '# Error codes',
    '',
    'Every value of `ErrorCode` (`@portcullis/core`), the HTTP status it is answered with, what',
    'it means, and the demo routes whose OpenAPI document names it as an example of a response.',
    'Routes answer errors as `{"detail": "<CODE>"}`; password-policy failures as',
    '`{"detail": {"code": "<CODE>", "reason": "…"}}`; validation failures as FastAPI\'s 422',
    'list. In code, every error is a `PortcullisError` whose `code` is one of these:',
    '',
    '```ts',
    "import { ErrorCode, isPortcullisError } from '@portcullis/core';",
    '',
    'export function describe(error: unknown): string {',
    '  if (isPortcullisError(error) && error.code === ErrorCode.SERVICE_UNAVAILABLE) {',
    "    return 'try again later';",
    '  }',
    "  return 'failed';",
    '}',
    '```',
    '',
    "The status of a code that no route documents is `PortcullisError`'s default for it. The",
    '"routes" column is read from the demo app\'s OpenAPI document (see',
    '[HTTP routes](./http-routes.md)); where a code is answered by routes that do not list it as',
    'an example, the table says so in words.',
    '',
  ];
  for (const kind of ['wire', 'added', 'internal'] as const) {
    lines.push(`## ${KIND_TITLE[kind]}`, '', KIND_INTRO[kind], '');
    const withWire = kind === 'internal';
    lines.push(
      withWire
        ? '| code | status | meaning | answered as | routes |'
        : '| code | status | meaning | routes |',
      withWire ? '| --- | --- | --- | --- | --- |' : '| --- | --- | --- | --- |',
    );
    for (const row of rows.filter((candidate) => candidate.kind === kind)) {
      const routes = [
        ...row.routes.map((route) => `\`${route}\``),
        ...(row.alsoFrom ? [row.alsoFrom] : []),
      ].join('<br>');
      const cells = [
        `\`${row.code}\``,
        row.statuses.join(', '),
        cell(row.text),
        ...(withWire ? [cell(row.wire ?? '')] : []),
        routes || '—',
      ];
      lines.push(`| ${cells.join(' | ')} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
