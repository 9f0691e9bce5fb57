import type { SessionCreateData, SessionRecord, SessionStore, UserId } from '@portcullis/core';
import { expect } from 'vitest';
import { expiredData, MINUTE, ms, sessionData } from './session-case-data';

/** What a session case runs with: the store and a source of user ids it accepts. */
export interface SessionCaseContext {
  sessions: SessionStore;
  /** The id of a fresh user the store may hold sessions for. */
  userId(): Promise<UserId>;
  /** A fresh value unique to this run. */
  unique(): string;
  /** How many calls the race cases fire at once (at least 20 here). */
  concurrency: number;
}

/** One session case: a stable id, what it proves, and the proof. */
export interface SessionCase<Id extends string = string> {
  readonly id: Id;
  readonly title: string;
  run(context: SessionCaseContext): Promise<void>;
}

function defineSessionCase<const Id extends string>(
  id: Id,
  title: string,
  run: (context: SessionCaseContext) => Promise<void>,
): SessionCase<Id> {
  return { id, title, run };
}

/** The race cases fire at least this many calls at once. */
const RACE = 20;

async function live(
  { sessions, userId, unique }: SessionCaseContext,
  overrides: Partial<SessionCreateData> = {},
): Promise<SessionRecord> {
  return sessions.create(sessionData(overrides.user_id ?? (await userId()), unique(), overrides));
}

/**
 * Sessions (docs/sessions.md): records of completed logins, found by id or by token key,
 * listed per user, rotated by compare-and-set, deleted exactly once.
 */
export const sessionCases = [
  defineSessionCase(
    'STORE-SESSION-001',
    'creates a session and reads every field back, dates, mfa, ip and a 512-character user agent included',
    async ({ sessions, userId, unique }) => {
      const user = await userId();
      const createdAt = new Date(Date.now() - 5 * MINUTE);
      // 512 characters, some beyond ASCII: the limit counts characters, not bytes.
      const agent = `Mozilla/5.0 (Ünïcode; ✓) ${'x'.repeat(512)}`.slice(0, 512);
      const data = sessionData(user, unique(), {
        created_at: createdAt,
        user_agent: agent,
        ip: '2001:db8:85a3::8a2e:370:7334',
        mfa: true,
        auth_time: new Date(createdAt.getTime() - 123),
        refresh_generation: 0,
      });
      const created = await sessions.create(data);
      const expected: SessionRecord = {
        ...data,
        created_at: createdAt,
        last_used_at: createdAt,
        refreshed_at: null,
      };
      expect(created).toEqual(expected);
      expect(created.user_agent).toHaveLength(512);
      expect(await sessions.get(data.id)).toEqual(expected);
      expect(await sessions.getByTokenKey(data.token_key as string)).toEqual(expected);
    },
  ),
  defineSessionCase(
    'STORE-SESSION-002',
    'round-trips the nullable fields as null and sets created_at and last_used_at to now when not given',
    async ({ sessions, userId, unique }) => {
      const user = await userId();
      const data = sessionData(user, unique(), {
        expires_at: null,
        user_agent: null,
        ip: null,
        token_key: null,
        refresh_generation: null,
      });
      const before = Date.now();
      const created = await sessions.create(data);
      expect(created).toMatchObject({
        id: data.id,
        user_id: user,
        expires_at: null,
        user_agent: null,
        ip: null,
        token_key: null,
        refresh_generation: null,
        refreshed_at: null,
        mfa: false,
      });
      expect(created.created_at.getTime()).toBeGreaterThanOrEqual(before - 1000);
      expect(created.created_at.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
      expect(ms(created.last_used_at)).toBe(ms(created.created_at));
      expect(ms(created.auth_time)).toBe(ms(data.auth_time));
      expect(await sessions.get(data.id)).toEqual(created);
    },
  ),
  defineSessionCase(
    'STORE-SESSION-003',
    'finds a session by its token key exactly, case included, and answers unknown keys and ids with null',
    async (context) => {
      const { sessions, unique } = context;
      const created = await live(context, { token_key: `AbCdEf-${unique()}` });
      const key = created.token_key as string;
      expect(await sessions.getByTokenKey(key)).toEqual(created);
      expect(await sessions.getByTokenKey(key.toLowerCase())).toBeNull();
      expect(await sessions.getByTokenKey(key.toUpperCase())).toBeNull();
      expect(await sessions.getByTokenKey(`${key}x`)).toBeNull();
      expect(await sessions.getByTokenKey('')).toBeNull();
      expect(await sessions.get(`${created.id}x`)).toBeNull();
      expect(await sessions.get(created.id.toUpperCase())).toBeNull();
      expect(await sessions.get('')).toBeNull();
    },
  ),
  defineSessionCase(
    'STORE-SESSION-004',
    'hides a session created before maxAge from getByTokenKey and shows it from maxAge on',
    async (context) => {
      const { sessions } = context;
      const createdAt = new Date(Date.now() - 10 * MINUTE);
      const created = await live(context, { created_at: createdAt });
      const key = created.token_key as string;
      const at = createdAt.getTime();
      expect(await sessions.getByTokenKey(key, new Date(at))).toEqual(created);
      expect(await sessions.getByTokenKey(key, new Date(at - 60 * MINUTE))).toEqual(created);
      expect(await sessions.getByTokenKey(key, new Date(at + 1))).toBeNull();
      expect(await sessions.getByTokenKey(key, new Date(Date.now()))).toBeNull();
      // maxAge filters the lookup only; the session itself is untouched.
      expect(await sessions.get(created.id)).toEqual(created);
    },
  ),
  defineSessionCase(
    'STORE-SESSION-005',
    'never returns an expired session: get, getByTokenKey, listForUser, touch, advanceRefresh, delete and deleteAllForUser all pass it by',
    async (context) => {
      const { sessions, userId, unique } = context;
      const user = await userId();
      const data = expiredData(user, unique());
      await sessions.create(data);
      const kept = await live(context, { user_id: user });
      expect(await sessions.get(data.id)).toBeNull();
      expect(await sessions.getByTokenKey(data.token_key as string)).toBeNull();
      expect(await sessions.listForUser(user)).toEqual([kept]);
      await sessions.touch(data.id, new Date());
      expect(await sessions.get(data.id)).toBeNull();
      expect(await sessions.advanceRefresh(data.id, 0, new Date())).toBe(false);
      expect(await sessions.delete(data.id)).toBe(false);
      expect(await sessions.deleteAllForUser(user)).toBe(1);
      expect(await sessions.listForUser(user)).toEqual([]);
    },
  ),
  defineSessionCase(
    'STORE-SESSION-006',
    'lists only the user’s live sessions, newest first',
    async (context) => {
      const { sessions, userId, unique } = context;
      const user = await userId();
      const other = await userId();
      const now = Date.now();
      const created: SessionRecord[] = [];
      // Created out of order, so the listing's order comes from created_at.
      for (const minutesAgo of [20, 5, 40, 10]) {
        created.push(
          await live(context, { user_id: user, created_at: new Date(now - minutesAgo * MINUTE) }),
        );
      }
      await live(context, { user_id: other });
      await sessions.create(expiredData(user, unique()));
      const listed = await sessions.listForUser(user);
      const order = [...created].sort((a, b) => b.created_at.getTime() - a.created_at.getTime());
      expect(listed).toEqual(order);
      expect((await sessions.listForUser(other)).map((s) => s.user_id)).toEqual([other]);
      expect(await sessions.listForUser(await userId())).toEqual([]);
    },
  ),
  defineSessionCase(
    'STORE-SESSION-007',
    'touch sets last_used_at and nothing else; touching an unknown id creates nothing',
    async (context) => {
      const { sessions, unique } = context;
      const created = await live(context, { created_at: new Date(Date.now() - 30 * MINUTE) });
      const at = new Date(Date.now() - 1234);
      await sessions.touch(created.id, at);
      expect(await sessions.get(created.id)).toEqual({ ...created, last_used_at: at });
      const ghost = `sid-${unique()}`;
      await sessions.touch(ghost, at);
      expect(await sessions.get(ghost)).toBeNull();
    },
  ),
  defineSessionCase(
    'STORE-SESSION-008',
    'deletes a session once: true, then false; other sessions of the user stay',
    async (context) => {
      const { sessions } = context;
      const doomed = await live(context);
      const kept = await live(context, { user_id: doomed.user_id });
      expect(await sessions.delete(doomed.id)).toBe(true);
      expect(await sessions.get(doomed.id)).toBeNull();
      expect(await sessions.getByTokenKey(doomed.token_key as string)).toBeNull();
      expect(await sessions.delete(doomed.id)).toBe(false);
      expect(await sessions.listForUser(doomed.user_id)).toEqual([kept]);
    },
  ),
  defineSessionCase(
    'STORE-SESSION-009',
    'reports true for exactly one of 20 concurrent deletes of one session',
    async (context) => {
      const { sessions, concurrency } = context;
      for (let round = 0; round < 3; round += 1) {
        const session = await live(context);
        const results = await Promise.all(
          Array.from({ length: concurrency }, () => sessions.delete(session.id)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await sessions.get(session.id)).toBeNull();
      }
    },
  ),
  defineSessionCase(
    'STORE-SESSION-010',
    'deletes all of a user’s sessions, counts them, and leaves other users’ sessions',
    async (context) => {
      const { sessions, userId } = context;
      const user = await userId();
      const mine = [
        await live(context, { user_id: user }),
        await live(context, { user_id: user, token_key: null }),
        await live(context, { user_id: user, refresh_generation: 3 }),
      ];
      const theirs = await live(context);
      expect(await sessions.deleteAllForUser(user)).toBe(3);
      expect(await sessions.deleteAllForUser(user)).toBe(0);
      for (const session of mine) expect(await sessions.get(session.id)).toBeNull();
      expect(await sessions.listForUser(user)).toEqual([]);
      expect(await sessions.get(theirs.id)).toEqual(theirs);
    },
  ),
  defineSessionCase(
    'STORE-SESSION-011',
    'deletes all of a user’s sessions but the one named by exceptId, and does not count it',
    async (context) => {
      const { sessions, userId } = context;
      const user = await userId();
      const current = await live(context, { user_id: user });
      const others = [
        await live(context, { user_id: user }),
        await live(context, { user_id: user }),
      ];
      const stranger = await live(context);
      expect(await sessions.deleteAllForUser(user, current.id)).toBe(2);
      expect(await sessions.listForUser(user)).toEqual([current]);
      for (const session of others) expect(await sessions.get(session.id)).toBeNull();
      // Another user's session named as the exception protects nothing of this user.
      expect(await sessions.deleteAllForUser(user, stranger.id)).toBe(1);
      expect(await sessions.get(stranger.id)).toEqual(stranger);
    },
  ),
  defineSessionCase(
    'STORE-SESSION-012',
    'advances the refresh generation only from the expected one, setting refreshed_at',
    async (context) => {
      const { sessions } = context;
      const created = await live(context, { refresh_generation: 0 });
      const first = new Date(Date.now() - 2000);
      expect(await sessions.advanceRefresh(created.id, 0, first)).toBe(true);
      expect(await sessions.get(created.id)).toEqual({
        ...created,
        refresh_generation: 1,
        refreshed_at: first,
      });
      expect(await sessions.advanceRefresh(created.id, 0, new Date())).toBe(false);
      expect(await sessions.advanceRefresh(created.id, 2, new Date())).toBe(false);
      const second = new Date(Date.now() - 1000);
      expect(await sessions.advanceRefresh(created.id, 1, second)).toBe(true);
      const after = await sessions.get(created.id);
      expect(after?.refresh_generation).toBe(2);
      expect(ms(after?.refreshed_at)).toBe(second.getTime());
      // The login's facts stay: a refresh keeps auth_time and created_at.
      expect(ms(after?.auth_time)).toBe(ms(created.auth_time));
      expect(ms(after?.created_at)).toBe(ms(created.created_at));
      expect(after?.token_key).toBe(created.token_key);
    },
  ),
  defineSessionCase(
    'STORE-SESSION-013',
    'gives exactly one of 20 concurrent advanceRefresh calls with one expected generation the win',
    async (context) => {
      const { sessions, concurrency } = context;
      const created = await live(context, { refresh_generation: 7 });
      const at = new Date();
      const results = await Promise.all(
        Array.from({ length: concurrency }, () => sessions.advanceRefresh(created.id, 7, at)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const after = await sessions.get(created.id);
      expect(after?.refresh_generation).toBe(8);
      expect(ms(after?.refreshed_at)).toBe(at.getTime());
    },
  ),
  defineSessionCase(
    'STORE-SESSION-014',
    'refuses advanceRefresh on a deleted session, an unknown id and a session without a refresh token',
    async (context) => {
      const { sessions, unique } = context;
      const created = await live(context, { refresh_generation: 0 });
      expect(await sessions.delete(created.id)).toBe(true);
      expect(await sessions.advanceRefresh(created.id, 0, new Date())).toBe(false);
      expect(await sessions.get(created.id)).toBeNull();
      expect(await sessions.advanceRefresh(`sid-${unique()}`, 0, new Date())).toBe(false);
      const plain = await live(context, { refresh_generation: null });
      expect(await sessions.advanceRefresh(plain.id, 0, new Date())).toBe(false);
      expect(await sessions.get(plain.id)).toEqual(plain);
    },
  ),
];

/** The concurrency the session race cases use for a suite configured with `concurrency`. */
export function sessionRace(concurrency: number): number {
  return Math.max(RACE, concurrency);
}
