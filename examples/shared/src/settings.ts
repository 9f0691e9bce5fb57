/** The demo's environment (DESIGN §8), read and checked once at start. */
export interface DemoSettings {
  port: number;
  host: string;
  databaseUrl: string;
  secret: string;
  outbox: string | null;
  redisUrl: string | null;
  publicUrl: string;
  /** False when the demo is served over plain http (then cookies cannot be Secure). */
  secureCookies: boolean;
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
  return {
    port,
    host,
    databaseUrl: env.DATABASE_URL || 'sqlite:./data/app.db',
    secret,
    outbox: env.OUTBOX || null,
    redisUrl: env.REDIS_URL || null,
    publicUrl,
    secureCookies,
  };
}
