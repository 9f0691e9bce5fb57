import { describe, expect, it } from 'vitest';
import type { RateLimitErrorEvent } from '../src/abuse/events';
import { webCryptoEmailTag } from '../src/abuse/login-throttle';
import { createMemoryRateLimitStore } from '../src/abuse/memory-rate-limit-store';
import type { RateLimitOptions } from '../src/abuse/rate-limit-options';
import type { RateLimitStore } from '../src/abuse/rate-limit-store';
import { createAuthBackend } from '../src/auth/backend';
import { createBearerTransport } from '../src/auth/bearer-transport';
import { createJwtStrategy } from '../src/auth/jwt-strategy';
import type { HandlerOptions } from '../src/http/handler';
import type { Logger } from '../src/logger';
import { createPortcullis } from '../src/portcullis';
import { fastHasher, SECRET } from './app';
import { createMemoryUserStore } from './memory-store';

const PASSWORD = 'correct-horse';

interface Logged {
  level: 'error' | 'warn' | 'info';
  fields: object;
  message?: string;
}

async function app(
  options: { rateLimit?: RateLimitOptions | false; handler?: HandlerOptions; email?: string } = {},
) {
  const logged: Logged[] = [];
  const logger: Logger = {
    error: (fields, message) => logged.push({ level: 'error', fields, message }),
    warn: (fields, message) => logged.push({ level: 'warn', fields, message }),
    info: (fields, message) => logged.push({ level: 'info', fields, message }),
  };
  const storeErrors: RateLimitErrorEvent[] = [];
  const users = createMemoryUserStore();
  const portcullis = createPortcullis({
    userManager: {
      users,
      passwordHasher: fastHasher(),
      resetPasswordToken: { secret: SECRET },
      verificationToken: { secret: SECRET },
      hooks: { onRateLimitError: (event) => void storeErrors.push(event) },
    },
    backends: [
      createAuthBackend({
        name: 'jwt',
        transport: createBearerTransport({ tokenUrl: 'auth/jwt/login' }),
        strategy: createJwtStrategy({ secret: SECRET, lifetimeSeconds: 60 }),
      }),
    ],
    logger,
    ...(options.rateLimit === undefined ? {} : { rateLimit: options.rateLimit }),
  });
  const email = options.email ?? `ywain.${Math.random().toString(36).slice(2)}@camelot.bt`;
  await portcullis.userManager.create({ email, password: PASSWORD });
  const handler = portcullis.handler(
    [['/auth/jwt', portcullis.authRouter('jwt')]],
    options.handler,
  );
  const login = (
    password: string,
    remoteAddress?: string | null,
    headers: Record<string, string> = {},
  ) =>
    handler.fetch(
      new Request('http://app.test/auth/jwt/login', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams({ username: email, password }),
      }),
      remoteAddress === undefined ? undefined : { remoteAddress },
    );
  return { login, logged, storeErrors, email };
}

describe('abuse protection through the Fetch handler', () => {
  it('is on by default: the sixth attempt of a pair answers 429 with Retry-After', async () => {
    const { login } = await app();
    for (let i = 0; i < 5; i++) expect((await login('wrong', '192.0.2.1')).status).toBe(400);
    const throttled = await login(PASSWORD, '192.0.2.1');
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await login(PASSWORD, '192.0.2.2')).status).toBe(200);
  });

  it('turns off with rateLimit: false', async () => {
    const { login } = await app({ rateLimit: false });
    for (let i = 0; i < 8; i++) expect((await login('wrong', '192.0.2.1')).status).toBe(400);
    expect((await login(PASSWORD, '192.0.2.1')).status).toBe(200);
  });

  it('takes the address from the handler option when the host gives no connection info', async () => {
    const { login } = await app({
      handler: { remoteAddress: (request) => request.headers.get('cf-connecting-ip') },
    });
    const from = (ip: string) => ({ 'cf-connecting-ip': ip });
    for (let i = 0; i < 5; i++)
      expect((await login('wrong', undefined, from('198.51.100.3'))).status).toBe(400);
    expect((await login(PASSWORD, undefined, from('198.51.100.3'))).status).toBe(429);
    expect((await login(PASSWORD, undefined, from('198.51.100.4'))).status).toBe(200);
  });

  it('limits only per email when the address is unknown, and says so once', async () => {
    const { login, logged } = await app({ rateLimit: { accountFailureLimit: 7 } });
    for (let i = 0; i < 7; i++) expect((await login('wrong', null)).status).toBe(400);
    expect((await login(PASSWORD, null)).status).toBe(429);
    const warnings = logged.filter(
      (l) => l.level === 'warn' && /no client address/.test(l.message ?? ''),
    );
    expect(warnings).toHaveLength(1);
  });

  it('warns once when forwarded requests come from a private peer without trustProxy', async () => {
    const { login, logged } = await app();
    await login('wrong', '127.0.0.1', { 'x-forwarded-for': '203.0.113.8' });
    await login('wrong', '127.0.0.1', { 'x-forwarded-for': '203.0.113.9' });
    const warnings = logged.filter((l) => /trustProxy is not set/.test(l.message ?? ''));
    expect(warnings).toHaveLength(1);
  });
});

describe('the default memory store', () => {
  it('counts per instance: a second instance has not seen the first one’s failures', async () => {
    const first = await app();
    for (let i = 0; i < 5; i++) expect((await first.login('wrong', '192.0.2.1')).status).toBe(400);
    expect((await first.login('wrong', '192.0.2.1')).status).toBe(429);
    // Another instance (a second process behind the same load balancer) over the same users.
    const second = await app({ email: first.email });
    expect((await second.login('wrong', '192.0.2.1')).status).toBe(400);
  });
});

describe('the throttling keys', () => {
  it('hold a digest of the email, never the email, for the pair and for the email alone', async () => {
    const inner = createMemoryRateLimitStore();
    const attempted: string[][] = [];
    const reset: string[][] = [];
    const store: RateLimitStore = {
      hit: (key, windowMs, now) => inner.hit(key, windowMs, now),
      attempt: (keys, policy, now) => {
        attempted.push(keys.map((k) => k.key));
        return inner.attempt(keys, policy, now);
      },
      reset: (keys) => {
        reset.push([...keys]);
        return inner.reset(keys);
      },
    };
    const { login, email } = await app({ rateLimit: { store }, email: 'Ywain@Camelot.bt' });
    expect((await login(PASSWORD, '192.0.2.1')).status).toBe(200);
    const tag = await webCryptoEmailTag(email);
    expect(attempted).toEqual([[`login:{${tag}}:192.0.2.1`, `login:{${tag}}`]]);
    expect(reset).toEqual(attempted);
    expect(JSON.stringify(attempted).toLowerCase()).not.toContain('ywain');
  });
});

describe('a limiter store outage', () => {
  const failing: RateLimitStore = {
    hit: () => Promise.reject(new Error('ECONNREFUSED 10.0.0.9:6379')),
    attempt: () => Promise.reject(new Error('ECONNREFUSED 10.0.0.9:6379')),
    reset: () => Promise.reject(new Error('ECONNREFUSED 10.0.0.9:6379')),
  };
  const hanging: RateLimitStore = {
    hit: () => new Promise(() => undefined),
    attempt: () => new Promise(() => undefined),
    reset: () => new Promise(() => undefined),
  };

  it('fails open: logins go on, the failure is logged once and reported as an event', async () => {
    const { login, logged, storeErrors } = await app({ rateLimit: { store: failing } });
    for (let i = 0; i < 7; i++) expect((await login('wrong', '192.0.2.1')).status).toBe(400);
    expect((await login(PASSWORD, '192.0.2.1')).status).toBe(200);
    expect(storeErrors.map((e) => e.operation)).toContain('attempt');
    expect(storeErrors.map((e) => e.operation)).toContain('reset');
    const errors = logged.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(JSON.stringify(errors[0]?.fields)).not.toContain(PASSWORD);
  });

  it('never hangs a login on a store that does not answer', async () => {
    const { login, storeErrors } = await app({ rateLimit: { store: hanging, storeTimeoutMs: 20 } });
    expect((await login(PASSWORD, '192.0.2.1')).status).toBe(200);
    expect(storeErrors.map((e) => e.operation)).toEqual(['hit', 'attempt', 'reset']);
  });
});
