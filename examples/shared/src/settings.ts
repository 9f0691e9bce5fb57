import { createHmac } from 'node:crypto';
import { type AbuseSettings, readAbuseSettings } from './rate-limit';

/** The demo's environment (see docs/demo.md), read and checked once at start. */
export interface DemoSettings {
  port: number;
  host: string;
  databaseUrl: string;
  secret: string;
  outbox: string | null;
  redisUrl: string | null;
  publicUrl: string;
  /** The origin passkeys are bound to: PUBLIC_URL's, or http://localhost:PORT (never an IP). */
  passkeyOrigin: string;
  /** False when the demo is served over plain http (then cookies cannot be Secure). */
  secureCookies: boolean;
  /** The `oidc` OAuth provider, when OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are set. */
  oidc: OidcSettings | null;
  /** RATE_LIMIT, RATE_LIMIT_*, TRUST_PROXY. */
  abuse: AbuseSettings;
  /** MFA_ENCRYPTION_KEY, else a key derived from SECRET (docs/demo.md). */
  mfaEncryptionKey: string;
}

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** OIDC_ASSOCIATE_BY_EMAIL=1 */
  associateByEmail: boolean;
  /** An `http://` issuer on a loopback host (a local test provider). */
  allowInsecureHttp: boolean;
}

export class SettingsError extends Error {
  override name = 'SettingsError';
}

const DEV_SECRET = 'portcullis-demo-secret-change-me-0123456789abcdef';

/**
 * Reads the demo env. Warnings go to `warn` (stderr in the demos); the secret itself is never
 * printed.
 */
export function readSettings(
  env: NodeJS.ProcessEnv,
  warn: (message: string) => void,
): DemoSettings {
  const port = env.PORT === undefined || env.PORT === '' ? 8000 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new SettingsError(`PORT must be an integer between 0 and 65535, got "${env.PORT}"`);
  }
  const host = env.HOST || '127.0.0.1';
  let secret = env.SECRET ?? '';
  if (secret === '') {
    secret = DEV_SECRET;
    warn('SECRET is not set: using a development secret. Set SECRET before exposing this server.');
  }
  const secretBytes = new TextEncoder().encode(secret).byteLength;
  if (secretBytes < 32) {
    // HS256 wants a key as long as its hash (RFC 7518 §3.2); Portcullis refuses shorter ones.
    throw new SettingsError(`SECRET must be at least 32 bytes (got ${secretBytes})`);
  }
  const hostForUrl = host.includes(':') ? `[${host}]` : host;
  const publicUrl = (env.PUBLIC_URL || `http://${hostForUrl}:${port}`).replace(/\/+$/, '');
  let parsed: URL;
  try {
    parsed = new URL(publicUrl);
  } catch {
    throw new SettingsError(`PUBLIC_URL is not a valid URL: "${publicUrl}"`);
  }
  const secureCookies = parsed.protocol !== 'http:';
  if (!secureCookies) {
    warn(
      `PUBLIC_URL is plain http (${publicUrl}): cookies are sent without the Secure flag. Use https in production.`,
    );
  }
  // Browsers refuse an IP address as WebAuthn RP id: passkeys use PUBLIC_URL's origin when it
  // names a host, else http://localhost:PORT (docs/demo.md).
  const namedHost = !/^(\d{1,3}(\.\d{1,3}){3}|\[.*\])$/.test(parsed.hostname);
  const passkeyOrigin = env.PUBLIC_URL && namedHost ? parsed.origin : `http://localhost:${port}`;
  if (env.PUBLIC_URL && !namedHost) {
    warn(`PUBLIC_URL names an IP address: passkeys use ${passkeyOrigin} instead.`);
  }
  return {
    port,
    host,
    passkeyOrigin,
    databaseUrl: env.DATABASE_URL || 'sqlite:./data/app.db',
    secret,
    outbox: env.OUTBOX || null,
    redisUrl: env.REDIS_URL || null,
    publicUrl,
    secureCookies,
    oidc: readOidcSettings(env, warn),
    abuse: readAbuseSettings(env),
    mfaEncryptionKey: readMfaKey(env, secret),
  };
}

/**
 * MFA_ENCRYPTION_KEY (at least 32 bytes), else a key derived from SECRET with HMAC-SHA-256 under
 * a label of its own, so the demo needs one secret and the sealing key is not the signing key.
 * Changing either disables every enrolled authenticator (docs/demo.md).
 */
function readMfaKey(env: NodeJS.ProcessEnv, secret: string): string {
  const key = env.MFA_ENCRYPTION_KEY ?? '';
  if (key === '') {
    return createHmac('sha256', secret).update('portcullis demo mfa encryption key').digest('hex');
  }
  const bytes = new TextEncoder().encode(key).byteLength;
  if (bytes < 32) {
    throw new SettingsError(`MFA_ENCRYPTION_KEY must be at least 32 bytes (got ${bytes})`);
  }
  return key;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/** OIDC_* (see docs/demo.md): all three or none; `http://` only on a loopback host, with a warning. */
function readOidcSettings(
  env: NodeJS.ProcessEnv,
  warn: (message: string) => void,
): OidcSettings | null {
  const names = ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'] as const;
  const missing = names.filter((name) => !env[name]);
  if (missing.length === names.length) return null;
  if (missing.length > 0) {
    throw new SettingsError(
      `${names.join(', ')} must be set together (missing: ${missing.join(', ')})`,
    );
  }
  const issuer = env.OIDC_ISSUER as string;
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new SettingsError(`OIDC_ISSUER is not a valid URL: "${issuer}"`);
  }
  const insecure = url.protocol === 'http:';
  if (url.protocol !== 'https:' && !(insecure && LOOPBACK.test(url.hostname))) {
    throw new SettingsError('OIDC_ISSUER must be https:// (http:// only on a loopback host)');
  }
  if (insecure) {
    warn(
      `OIDC_ISSUER is plain http (${issuer}): OAuth codes and tokens cross the network ` +
        'unencrypted. Only for a local test provider.',
    );
  }
  return {
    issuer,
    clientId: env.OIDC_CLIENT_ID as string,
    clientSecret: env.OIDC_CLIENT_SECRET as string,
    associateByEmail: env.OIDC_ASSOCIATE_BY_EMAIL === '1',
    allowInsecureHttp: insecure,
  };
}
