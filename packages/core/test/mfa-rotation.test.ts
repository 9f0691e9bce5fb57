import { describe, expect, test } from 'vitest';
import { PortcullisConfigError } from '../src/errors';
import { createMemoryMfaStore } from '../src/mfa/memory-mfa-store';
import { deriveMfaKeys } from '../src/mfa/mfa-keys';
import { createPortcullis } from '../src/portcullis';
import { createTestApp, fastHasher, SECRET } from './app';
import { createMemoryUserStore } from './memory-store';
import { codeAt, enrolled, mfaToken, passwordLogin, second } from './mfa-flow';

// Rotating `mfa.encryptionKey` (docs/mfa.md#rotating-the-key): the old key listed in
// `previousEncryptionKeys` keeps what it made working, and a TOTP secret moves to the new key on
// its next use.

const OLD = SECRET;
const NEW = 'a brand new MFA key of more than thirty-two bytes';

/** A user enrolled under OLD, and the same stores served with NEW (OLD retired). */
async function rotated() {
  const before = await enrolled(createTestApp({ mfa: true, mfaKeys: { encryptionKey: OLD } }));
  const after = createTestApp({
    mfa: true,
    mfaKeys: { encryptionKey: NEW, previousEncryptionKeys: [OLD] },
    sharing: before.app,
  });
  const onlyNew = createTestApp({
    mfa: true,
    mfaKeys: { encryptionKey: NEW },
    sharing: before.app,
  });
  const store = before.app.mfaStore;
  if (!store) throw new Error('no MFA store');
  const user = await before.app.portcullis.userManager.getByEmail(before.email);
  const sealed = async () => (await store.get(user.id))?.totp_secret;
  return { before, after, onlyNew, sealed };
}

describe('rotating the MFA key', () => {
  test('a secret sealed under the retired key logs in, and is sealed again under the new one', async () => {
    const { before, after, onlyNew, sealed } = await rotated();
    const original = await sealed();

    // Before the first login, the new key alone cannot open the secret.
    const refused = await second(
      before,
      'jwt',
      await mfaToken(await passwordLogin({ ...before, app: onlyNew }, 'jwt')),
      await codeAt(before.secret, 1),
    );
    expect(refused.status).toBe(400);
    expect(await sealed()).toBe(original);

    const token = await mfaToken(await passwordLogin({ ...before, app: after }, 'jwt'));
    const ok = await after.request('POST', '/auth/jwt/login/mfa', {
      json: { mfa_token: token, code: await codeAt(before.secret, 1) },
    });
    expect(ok.status).toBe(200);
    const resealed = await sealed();
    expect(resealed).toMatch(/^v1\./);
    expect(resealed).not.toBe(original);

    // Now the new key alone opens it, and the old key alone no longer does. (The next code
    // would be two steps away, outside the window, so the keys are asked directly.)
    const userId = String((await before.app.portcullis.userManager.getByEmail(before.email)).id);
    expect(await (await deriveMfaKeys(NEW)).open(resealed as string, userId)).toBe(before.secret);
    expect(await (await deriveMfaKeys(OLD)).open(resealed as string, userId)).toBeNull();
  });

  test('recovery codes and MFA tokens of the retired key still count while it is listed', async () => {
    const { before, after, onlyNew } = await rotated();
    const [first, secondCode] = before.recoveryCodes as [string, string];

    const unlisted = await mfaToken(await passwordLogin({ ...before, app: onlyNew }, 'jwt'));
    const refused = await onlyNew.request('POST', '/auth/jwt/login/mfa', {
      json: { mfa_token: unlisted, code: first },
    });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ detail: 'MFA_BAD_CODE' });

    // A token the old configuration signed, redeemed after the rotation with an old code.
    const oldToken = await mfaToken(await passwordLogin(before, 'jwt'));
    const ok = await after.request('POST', '/auth/jwt/login/mfa', {
      json: { mfa_token: oldToken, code: first },
    });
    expect(ok.status).toBe(200);
    // Single use survives the rotation: the same code is refused the second time.
    const again = await after.request('POST', '/auth/jwt/login/mfa', {
      json: {
        mfa_token: await mfaToken(await passwordLogin({ ...before, app: after }, 'jwt')),
        code: first,
      },
    });
    expect(await again.json()).toEqual({ detail: 'MFA_BAD_CODE' });
    // A token the new-key-only configuration signed is refused by the old one.
    const newToken = await mfaToken(await passwordLogin({ ...before, app: onlyNew }, 'jwt'));
    const byOld = await second(before, 'jwt', newToken, secondCode);
    expect(await byOld.json()).toEqual({ detail: 'MFA_BAD_TOKEN' });
  });

  test('a retired key under 32 bytes stops start-up, naming its place and not its value', () => {
    const run = () =>
      createPortcullis({
        userManager: {
          users: createMemoryUserStore(),
          passwordHasher: fastHasher(),
          resetPasswordToken: { secret: SECRET },
          verificationToken: { secret: SECRET },
        },
        backends: [],
        mfa: {
          store: createMemoryMfaStore(),
          encryptionKey: NEW,
          previousEncryptionKeys: [OLD, 'too-short-secret'],
        },
      });
    expect(run).toThrow(PortcullisConfigError);
    expect(run).toThrow('mfa.previousEncryptionKeys[1] must be at least 32 bytes (got 16)');
    expect(run).not.toThrow(/too-short-secret/);
  });
});
