import type { PortcullisOptions, RateLimitStore, TrustProxy } from '@portcullis/core';
import { createRedisRateLimitStore, type RedisClientLike } from '@portcullis/redis';
import { SettingsError } from './settings';

/** RATE_LIMIT, RATE_LIMIT_* and TRUST_PROXY (docs/demo.md), read and checked at start. */
export interface AbuseSettings {
  /** RATE_LIMIT=0 turns login throttling and the per-address budget off. */
  enabled: boolean;
  loginFailures: number;
  accountFailures: number;
  perMinute: number;
  /** RATE_LIMIT_DELAY_SECONDS: the first wait after too many failures. */
  initialDelaySeconds: number;
  trustProxy: TrustProxy | undefined;
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 1): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new SettingsError(`${name} must be an integer of at least ${min}, got "${raw}"`);
  }
  return value;
}

const CIDR = /^[0-9A-Fa-f:.]+(\/\d{1,3})?$/;

/** TRUST_PROXY: `loopback`, a hop count, or comma-separated CIDRs (`loopback` among them). */
function readTrustProxy(raw: string | undefined): TrustProxy | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const text = raw.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const entries = text.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    if (entry !== 'loopback' && !CIDR.test(entry)) {
      throw new SettingsError(
        `TRUST_PROXY must be "loopback", a hop count or CIDRs separated by commas, got "${raw}"`,
      );
    }
  }
  return entries.length === 1 && entries[0] === 'loopback' ? 'loopback' : entries;
}

/** Reads the abuse-protection part of the demo env. */
export function readAbuseSettings(env: NodeJS.ProcessEnv): AbuseSettings {
  const flag = env.RATE_LIMIT;
  if (flag !== undefined && flag !== '' && flag !== '0' && flag !== '1') {
    throw new SettingsError(`RATE_LIMIT must be 0 or 1, got "${flag}"`);
  }
  return {
    enabled: flag !== '0',
    loginFailures: positive(env, 'RATE_LIMIT_LOGIN_FAILURES', 5),
    accountFailures: positive(env, 'RATE_LIMIT_ACCOUNT_FAILURES', 100),
    perMinute: positive(env, 'RATE_LIMIT_PER_MINUTE', 60, 0),
    initialDelaySeconds: positive(env, 'RATE_LIMIT_DELAY_SECONDS', 1),
    trustProxy: readTrustProxy(env.TRUST_PROXY),
  };
}

/**
 * The `trustProxy` and `rateLimit` options of the demo's Portcullis. Counters live in Redis
 * with REDIS_URL (shared by every instance), else in the SQL database (shared too), else in
 * memory (MongoDB: per instance).
 */
export function abuseOptions(
  settings: AbuseSettings,
  stores: { redis: RedisClientLike | null; sql: RateLimitStore | undefined },
): Pick<PortcullisOptions, 'trustProxy' | 'rateLimit'> {
  const store = stores.redis ? createRedisRateLimitStore({ redis: stores.redis }) : stores.sql;
  return {
    ...(settings.trustProxy === undefined ? {} : { trustProxy: settings.trustProxy }),
    rateLimit: settings.enabled
      ? {
          ...(store ? { store } : {}),
          failuresBeforeDelay: settings.loginFailures,
          accountFailureLimit: settings.accountFailures,
          perAddressPerMinute: settings.perMinute,
          initialDelaySeconds: settings.initialDelaySeconds,
          maxDelaySeconds: Math.max(900, settings.initialDelaySeconds),
        }
      : false,
  };
}
