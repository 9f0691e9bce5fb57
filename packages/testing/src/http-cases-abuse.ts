import { expect } from 'vitest';
import { ABUSE_LIMITS, type AbuseCaseContext } from './http-abuse-fixture';
import { PASSWORD } from './http-case';
import { freshEmail } from './http-client';

/** One abuse-protection case: a stable id, what it proves, and the proof. */
export interface AbuseCase<Id extends string = string> {
  readonly id: Id;
  readonly title: string;
  run(context: AbuseCaseContext): Promise<void>;
}

function defineCase<const Id extends string>(
  id: Id,
  title: string,
  run: (context: AbuseCaseContext) => Promise<void>,
): AbuseCase<Id> {
  return { id, title, run };
}

const WRONG = 'not-the-password';
const PAIR = ABUSE_LIMITS.failuresBeforeDelay;

/** Asserts the throttle's answer: 429, its body, a whole-second Retry-After, no cookie. */
async function expectThrottled(response: Response): Promise<void> {
  expect(response.status).toBe(429);
  expect(await response.json()).toEqual({ detail: 'TOO_MANY_REQUESTS' });
  const retryAfter = response.headers.get('retry-after') ?? '';
  expect(retryAfter).toMatch(/^[1-9]\d*$/);
  expect(response.headers.getSetCookie()).toEqual([]);
}

async function fail(
  c: AbuseCaseContext,
  from: string,
  email: string,
  times: number,
): Promise<void> {
  for (let i = 0; i < times; i++) {
    expect((await c.login(from, email, WRONG)).status).toBe(400);
  }
}

/** Login throttling and the per-address budget over real HTTP (docs/abuse-protection.md). */
export const abuseCases = [
  defineCase(
    'HTTP-ABUSE-001',
    'after N failures the next attempt from that address is 429 with Retry-After, right password included, and sets no cookie',
    async (c) => {
      const email = freshEmail('gawain');
      await c.createUser(email);
      const from = c.address();
      await fail(c, from, email, PAIR);
      await expectThrottled(await c.login(from, email, WRONG));
      await expectThrottled(await c.login(from, email, PASSWORD, 'cookie'));
      await expectThrottled(await c.login(from, email.toUpperCase(), PASSWORD));
    },
  ),
  defineCase('HTTP-ABUSE-002', 'throttles an unknown email exactly like a known one', async (c) => {
    const known = freshEmail('bors');
    await c.createUser(known);
    const unknown = freshEmail('nobody');
    const from = c.address();
    const answers: number[][] = [];
    for (const email of [known, unknown]) {
      const statuses: number[] = [];
      for (let i = 0; i <= PAIR; i++) statuses.push((await c.login(from, email, WRONG)).status);
      answers.push(statuses);
    }
    expect(answers[0]).toEqual([...Array(PAIR).fill(400), 429]);
    expect(answers[1]).toEqual(answers[0]);
    await expectThrottled(await c.login(from, unknown, WRONG));
  }),
  defineCase(
    'HTTP-ABUSE-003',
    'lets the account holder log in from another address while the attacker waits',
    async (c) => {
      const email = freshEmail('kay');
      await c.createUser(email);
      const attacker = c.address();
      await fail(c, attacker, email, PAIR);
      await expectThrottled(await c.login(attacker, email, PASSWORD));
      expect((await c.login(c.address(), email, PASSWORD)).status).toBe(200);
    },
  ),
  defineCase(
    'HTTP-ABUSE-004',
    'holds the per-account cap across addresses: after 100 failures every address waits',
    async (c) => {
      const email = freshEmail('lamorak');
      await c.createUser(email);
      const perAddress = PAIR - 1;
      let failures = 0;
      while (failures < ABUSE_LIMITS.accountFailureLimit) {
        const from = c.address();
        const times = Math.min(perAddress, ABUSE_LIMITS.accountFailureLimit - failures);
        await fail(c, from, email, times);
        failures += times;
      }
      const fresh = c.address();
      await expectThrottled(await c.login(fresh, email, PASSWORD));
      expect(c.throttles.at(-1)).toMatchObject({ reason: 'login_account', address: fresh });
    },
  ),
  defineCase('HTTP-ABUSE-005', 'runs no password hash for a throttled attempt', async (c) => {
    const email = freshEmail('pellinore');
    await c.createUser(email);
    const from = c.address();
    const before = c.hashes();
    await fail(c, from, email, PAIR);
    expect(c.hashes() - before).toBe(PAIR);
    const throttled = c.hashes();
    for (let i = 0; i < 3; i++) expect((await c.login(from, email, PASSWORD)).status).toBe(429);
    expect(c.hashes()).toBe(throttled);
  }),
  defineCase('HTTP-ABUSE-006', 'forgets the failures of a pair on success', async (c) => {
    const email = freshEmail('dagonet');
    await c.createUser(email);
    const from = c.address();
    await fail(c, from, email, PAIR - 1);
    expect((await c.login(from, email, PASSWORD)).status).toBe(200);
    await fail(c, from, email, PAIR - 1);
    expect((await c.login(from, email, PASSWORD)).status).toBe(200);
  }),
  defineCase(
    'HTTP-ABUSE-007',
    'keeps a client in its bucket whatever it writes to the left of X-Forwarded-For',
    async (c) => {
      const email = freshEmail('mordred');
      await c.createUser(email);
      const real = c.address();
      for (let i = 0; i < PAIR; i++) {
        // A client-written entry ahead of the one the trusted proxy appended.
        expect((await c.login(`198.51.100.${i + 1}, ${real}`, email, WRONG)).status).toBe(400);
      }
      await expectThrottled(await c.login(`198.51.100.99, ${real}`, email, PASSWORD));
    },
  ),
  defineCase(
    'HTTP-ABUSE-008',
    'spends a per-address budget on routes reached without credentials, never on the others',
    async (c) => {
      const from = c.address();
      const forgot = () =>
        c.request(from, 'POST', '/auth/forgot-password', { json: { email: freshEmail() } });
      for (let i = 0; i < ABUSE_LIMITS.perAddressPerMinute; i++) {
        expect((await forgot()).status).toBe(202);
      }
      await expectThrottled(await forgot());
      await expectThrottled(
        await c.request(from, 'POST', '/auth/register', {
          json: { email: freshEmail(), password: PASSWORD },
        }),
      );
      expect(c.throttles.at(-1)).toMatchObject({
        reason: 'address_budget',
        address: from,
        path: '/auth/register',
      });
      // Another address is not affected; a route that needs credentials spends nothing.
      expect(
        (
          await c.request(c.address(), 'POST', '/auth/forgot-password', {
            json: { email: freshEmail() },
          })
        ).status,
      ).toBe(202);
      expect((await c.request(from, 'GET', '/users/me')).status).toBe(401);
    },
  ),
  defineCase(
    'HTTP-ABUSE-009',
    'reports failures and throttles as events with the address and the reason, never the password',
    async (c) => {
      const email = freshEmail('tristan');
      await c.createUser(email);
      const from = c.address();
      const failuresBefore = c.failures.length;
      await fail(c, from, email, PAIR);
      await c.login(from, email, WRONG);
      const failures = c.failures.slice(failuresBefore);
      expect(failures).toHaveLength(PAIR);
      expect(failures[0]).toMatchObject({ email, address: from, reason: 'bad_credentials' });
      expect(c.throttles.at(-1)).toMatchObject({ reason: 'login_pair', address: from, email });
      expect(JSON.stringify([...failures, ...c.throttles])).not.toContain(WRONG);
    },
  ),
] as const;
