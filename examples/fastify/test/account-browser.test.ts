// The account page in a real browser: Debian's Chromium driven by playwright-core, with the
// DevTools WebAuthn virtual authenticator standing in for a platform authenticator. Registers
// a passkey, logs out, logs in with it; enrols TOTP from the page (the code computed here from
// the secret the page shows), then passes the second step with a recovery code. Screenshots
// go to examples/fastify/test-artifacts/ (gitignored).
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { createDemo, type Demo, type DemoServer, readSettings } from 'portcullis-example-shared';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { listenFastify } from '../src/listen';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));

/** Installs Debian's Chromium when it is missing; the reason it is unavailable, or null. */
function chromiumMissing(): string | null {
  if (existsSync(CHROMIUM)) return null;
  const apt = (args: string[]): void => {
    execFileSync('apt-get', args, { stdio: 'ignore', timeout: 600_000 });
  };
  try {
    try {
      apt(['install', '-y', '--no-install-recommends', 'chromium']);
    } catch {
      // A fresh machine may not know the package yet.
      apt(['update']);
      apt(['install', '-y', '--no-install-recommends', 'chromium']);
    }
  } catch (error) {
    return `Chromium is not installed and apt-get install chromium failed: ${(error as Error).message}`;
  }
  return existsSync(CHROMIUM) ? null : `apt-get install chromium left no ${CHROMIUM}`;
}

// Decided once, before any test runs: without a browser the whole file is skipped, saying why.
const missing = chromiumMissing();
if (missing) process.stderr.write(`account-browser.test.ts skipped: ${missing}\n`);

/** The RFC 6238 code (SHA-1, 6 digits, 30 s) of a base32 secret, `offset` steps from now. */
function totp(secret: string, offset = 0): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const char of secret.replace(/=+$/, '')) {
    bits += alphabet.indexOf(char).toString(2).padStart(5, '0');
  }
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((byte) => Number.parseInt(byte, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30_000) + offset));
  const mac = createHmac('sha1', key).update(counter).digest();
  const at = (mac[mac.length - 1] ?? 0) & 0x0f;
  return ((mac.readUInt32BE(at) & 0x7fffffff) % 1_000_000).toString().padStart(6, '0');
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.skipIf(missing !== null)('the account page in Chromium (fastify demo)', () => {
  let demo: Demo;
  let server: DemoServer;
  let context: BrowserContext;
  let page: Page;
  let origin: string;
  const dirs: string[] = [];
  const email = `percival.${Date.now().toString(36)}@camelot.bt`;
  const password = 'grail-quest-2026';

  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, name), fullPage: true });
  const status = () => page.locator('#status');

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const data = mkdtempSync(join(tmpdir(), 'account-browser-'));
    const profile = mkdtempSync(join(tmpdir(), 'account-browser-profile-'));
    dirs.push(data, profile);
    const port = await freePort();
    origin = `http://localhost:${port}`;
    const settings = readSettings(
      {
        PORT: String(port),
        PUBLIC_URL: origin,
        DATABASE_URL: `sqlite:${join(data, 'app.db')}`,
        SECRET: 'account-browser-test-secret-0123456789abcdef',
        RATE_LIMIT: '0',
      },
      () => undefined,
    );
    demo = await createDemo(settings);
    server = await listenFastify(demo, settings);
    // A fresh profile (user-data-dir) per run; the flags keep Chromium from reaching out.
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await server?.close();
    await demo?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  test('registers, adds a passkey, logs out and logs back in with it', async () => {
    await page.goto(`${origin}/account`);
    await page.locator('#register-email').fill(email);
    await page.locator('#register-password').fill(password);
    await page.locator('#register-form button').click();
    await expect.poll(() => page.locator('#me-email').textContent()).toBe(email);

    await page.locator('#passkey-name').fill('Virtual authenticator');
    await page.locator('#passkey-add-form button').click();
    await expect.poll(() => status().textContent()).toBe('Passkey "Virtual authenticator" added.');
    await expect.poll(() => page.locator('#passkeys li').count()).toBe(1);
    await shot('passkey-added.png');

    await page.locator('#logout').click();
    await expect.poll(() => page.locator('#signed-out').isVisible()).toBe(true);
    await page.locator('#passkey-login').click();
    await expect.poll(() => status().textContent()).toBe('Logged in with a passkey.');
    await expect.poll(() => page.locator('#me-email').textContent()).toBe(email);
    await expect.poll(() => page.locator('#passkeys li').textContent()).toContain('last used');
    await shot('passkey-login.png');
  }, 120_000);

  test('enrols TOTP from the QR page, then a password login needs the second step', async () => {
    await page.locator('#totp-setup').click();
    await expect.poll(() => page.locator('#totp-secret').textContent()).toMatch(/^[A-Z2-7]{16,}$/);
    expect(await page.locator('#totp-qr svg').count()).toBe(1);
    const secret = (await page.locator('#totp-secret').textContent()) ?? '';
    await shot('totp-qr.png');
    await page.locator('#totp-code').fill(totp(secret));
    await page.locator('#totp-enable-form button').click();
    await expect.poll(() => page.locator('#recovery-codes li').count()).toBe(10);
    const recovery = (await page.locator('#recovery-codes li').first().textContent()) ?? '';
    await shot('totp-recovery-codes.png');

    await page.locator('#logout').click();
    await page.locator('#login-email').fill(email);
    await page.locator('#login-password').fill(password);
    await page.locator('#login-form button').click();
    await expect.poll(() => page.locator('#mfa-form').isVisible()).toBe(true);
    // No session before the second step.
    expect((await context.cookies(origin)).some((c) => c.name === 'fastapiusersauth')).toBe(false);
    await shot('totp-second-step.png');
    await page.locator('#mfa-code').fill(recovery);
    await page.locator('#mfa-form button').click();
    await expect.poll(() => page.locator('#me-email').textContent()).toBe(email);

    // A passkey login stands for both factors: straight in.
    await page.locator('#logout').click();
    await page.locator('#passkey-login').click();
    await expect.poll(() => status().textContent()).toBe('Logged in with a passkey.');
  }, 120_000);
});
