import { describe, expect, test } from 'vitest';
import { ErrorCode, isPortcullisError } from '../errors';
import { createJwtCodec } from '../jwt';
import { createOAuthStateCodec } from './state';

const SECRET = 'state-secret-state-secret-state-secret';

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return isPortcullisError(error) ? error.code : `not a PortcullisError: ${String(error)}`;
  }
  return 'resolved';
}

describe('OAuth state token', () => {
  const codec = createOAuthStateCodec({ secret: SECRET });

  test('round-trips the CSRF token, and the user id in the associate flow', async () => {
    expect(await codec.read(await codec.issue({ csrftoken: 'abc' }))).toEqual({
      csrftoken: 'abc',
      sub: null,
    });
    expect(await codec.read(await codec.issue({ csrftoken: 'abc', sub: '42' }))).toEqual({
      csrftoken: 'abc',
      sub: '42',
    });
  });

  test('writes upstream claims: sub, csrftoken, aud and exp one hour ahead', async () => {
    const token = await codec.issue({ csrftoken: 'abc', sub: '42' });
    const payload = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString());
    expect(Object.keys(payload)).toEqual(['sub', 'csrftoken', 'aud', 'exp']);
    expect(payload.aud).toBe('portcullis:oauth-state');
    expect(payload.exp - Math.floor(Date.now() / 1000)).toBeGreaterThan(3590);
  });

  test('answers ACCESS_TOKEN_DECODE_ERROR for a missing, malformed or forged state', async () => {
    const forged = createOAuthStateCodec({ secret: 'another-secret-another-secret-another' });
    expect(await codeOf(codec.read(null))).toBe(ErrorCode.ACCESS_TOKEN_DECODE_ERROR);
    expect(await codeOf(codec.read(''))).toBe(ErrorCode.ACCESS_TOKEN_DECODE_ERROR);
    expect(await codeOf(codec.read('not-a-jwt'))).toBe(ErrorCode.ACCESS_TOKEN_DECODE_ERROR);
    const token = await forged.issue({ csrftoken: 'abc' });
    expect(await codeOf(codec.read(token))).toBe(ErrorCode.ACCESS_TOKEN_DECODE_ERROR);
  });

  test('answers ACCESS_TOKEN_DECODE_ERROR, not a 500, for another audience (upstream: a 500)', async () => {
    const jwt = createJwtCodec({ secret: SECRET });
    const token = await jwt.sign({ csrftoken: 'abc', aud: 'portcullis:reset' }, 3600);
    const error = await codec.read(token).catch((e: unknown) => e);
    expect(isPortcullisError(error) && error.status).toBe(400);
    expect(await codeOf(codec.read(token))).toBe(ErrorCode.ACCESS_TOKEN_DECODE_ERROR);
  });

  test('answers ACCESS_TOKEN_ALREADY_EXPIRED for an expired state', async () => {
    const jwt = createJwtCodec({ secret: SECRET });
    const token = await jwt.sign({ csrftoken: 'abc', aud: 'portcullis:oauth-state' }, -10);
    expect(await codeOf(codec.read(token))).toBe(ErrorCode.ACCESS_TOKEN_ALREADY_EXPIRED);
  });

  test('reads a state without csrftoken as null (the CSRF check then fails)', async () => {
    const jwt = createJwtCodec({ secret: SECRET });
    const token = await jwt.sign({ aud: 'portcullis:oauth-state' }, 60);
    expect(await codec.read(token)).toEqual({ csrftoken: null, sub: null });
  });

  test('accepts FastAPI Users states when configured with its audience', async () => {
    const upstream = createOAuthStateCodec({
      secret: SECRET,
      audience: 'fastapi-users:oauth-state',
    });
    const jwt = createJwtCodec({ secret: SECRET });
    const token = await jwt.sign({ csrftoken: 'x', aud: 'fastapi-users:oauth-state' }, 60);
    expect((await upstream.read(token)).csrftoken).toBe('x');
    expect(await codeOf(codec.read(token))).toBe(ErrorCode.ACCESS_TOKEN_DECODE_ERROR);
  });

  test('refuses a lifetime that is not positive', () => {
    expect(() => createOAuthStateCodec({ secret: SECRET, lifetimeSeconds: 0 })).toThrow(/positive/);
    expect(() => createOAuthStateCodec({ secret: SECRET, lifetimeSeconds: Number.NaN })).toThrow();
  });
});
