import { createHash } from 'node:crypto';
import type {
  PasskeyChallenge,
  PasskeyCreateData,
  PasskeyCredential,
  PasskeyStore,
  UserId,
} from '@portcullis/core';
import { ErrorCode, PortcullisError } from '@portcullis/core';
import type { Kysely } from 'kysely';
import { detectDialect } from './dialect';
import { classifyDriverError, toStoreError } from './errors';
import { idCodecFor } from './id';
import { decodeId } from './internal/rows';
import type { SqlSchemaOptions } from './schema';
import { resolveSchema } from './schema';

/** The passkey tables, created by migration `0010_passkeys` (not renameable yet). */
export const PASSKEY_TABLES = Object.freeze({
  passkey: 'passkey',
  challenge: 'passkey_challenge',
} as const);

/** Instants are Unix milliseconds in BIGINT columns: exact and alike on every dialect. */
type Millis = number | string | bigint;

interface PasskeyDatabase {
  passkey: {
    id: string;
    user_id: string | number;
    credential_id: string;
    credential_key: string;
    public_key: Uint8Array;
    counter: Millis;
    transports: string;
    name: string;
    created_at_ms: Millis;
    last_used_at_ms: Millis | null;
  };
  passkey_challenge: {
    challenge_key: string;
    challenge: string;
    purpose: string;
    user_id: string | null;
    expires_at_ms: Millis;
  };
}

/** Table names and id type, the same values given to `migrateToLatest`. */
export type SqlPasskeyStoreOptions = SqlSchemaOptions;

/**
 * WebAuthn credential ids run up to 1023 bytes, past what MySQL can index in a unique key; the
 * unique index is on their SHA-256 instead (`credential_key`).
 */
function credentialKey(credentialId: string): string {
  return createHash('sha256').update(credentialId, 'utf8').digest('hex');
}

/**
 * A `PasskeyStore` on PostgreSQL, MySQL/MariaDB or SQLite, in the `passkey` and
 * `passkey_challenge` tables `migrateToLatest` creates. A user's passkeys are deleted with the
 * user (foreign key, cascade). Taking a challenge is one `DELETE … WHERE challenge_key = ?`
 * after reading it: the call whose delete removed the row is the only one that gets it, so of
 * concurrent takes exactly one wins.
 *
 * @example
 * ```ts
 * await migrateToLatest(db);
 * const passkeys = createPasskeys({ origin: 'https://app.example', store: createSqlPasskeyStore(db) });
 * ```
 */
export function createSqlPasskeyStore<DB>(
  database: Kysely<DB>,
  options: SqlPasskeyStoreOptions = {},
): PasskeyStore {
  const db = database as unknown as Kysely<PasskeyDatabase>;
  detectDialect(database, options.dialect);
  const codec = idCodecFor(resolveSchema(options).idType);
  const { passkey: table, challenge: challenges } = PASSKEY_TABLES;

  async function guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw toStoreError(error);
    }
  }

  const toPasskey = (row: PasskeyDatabase['passkey']): PasskeyCredential => ({
    id: row.id,
    user_id: decodeId(row.user_id, codec),
    credential_id: row.credential_id,
    public_key: new Uint8Array(row.public_key),
    counter: Number(row.counter),
    transports: row.transports === '' ? [] : row.transports.split(','),
    name: row.name,
    created_at: new Date(Number(row.created_at_ms)),
    last_used_at: row.last_used_at_ms === null ? null : new Date(Number(row.last_used_at_ms)),
  });

  return Object.freeze({
    async create(data: PasskeyCreateData): Promise<PasskeyCredential> {
      const row = {
        id: data.id,
        user_id: data.user_id,
        credential_id: data.credential_id,
        credential_key: credentialKey(data.credential_id),
        public_key: data.public_key,
        counter: data.counter,
        transports: data.transports.join(','),
        name: data.name,
        created_at_ms: Date.now(),
        last_used_at_ms: null,
      };
      try {
        await db.insertInto(table).values(row).execute();
      } catch (error) {
        if (classifyDriverError(error)?.kind === 'unique') {
          throw new PortcullisError(ErrorCode.USER_ALREADY_EXISTS, 'Passkey already registered', {
            cause: error,
          });
        }
        throw toStoreError(error);
      }
      return toPasskey(row);
    },

    listForUser(userId: UserId): Promise<PasskeyCredential[]> {
      return guard(async () => {
        const rows = await db
          .selectFrom(table)
          .selectAll()
          .where('user_id', '=', userId)
          .orderBy('created_at_ms')
          .orderBy('id')
          .execute();
        return rows.map(toPasskey);
      });
    },

    getByCredentialId(credentialId: string): Promise<PasskeyCredential | null> {
      return guard(async () => {
        const row = await db
          .selectFrom(table)
          .selectAll()
          .where('credential_key', '=', credentialKey(credentialId))
          .executeTakeFirst();
        return row === undefined || row.credential_id !== credentialId ? null : toPasskey(row);
      });
    },

    recordUse(id: string, counter: number, at: Date): Promise<void> {
      return guard(async () => {
        await db
          .updateTable(table)
          .set({ counter, last_used_at_ms: at.getTime() })
          .where('id', '=', id)
          .execute();
      });
    },

    delete(id: string, userId: UserId): Promise<boolean> {
      return guard(async () => {
        const result = await db
          .deleteFrom(table)
          .where('id', '=', id)
          .where('user_id', '=', userId)
          .executeTakeFirst();
        return Number(result.numDeletedRows) > 0;
      });
    },

    putChallenge(challenge: PasskeyChallenge): Promise<void> {
      return guard(async () => {
        const now = Date.now();
        // Housekeeping: challenges nobody answered would otherwise stay forever.
        await db.deleteFrom(challenges).where('expires_at_ms', '<=', now).execute();
        await db
          .insertInto(challenges)
          .values({
            challenge_key: challenge.key,
            challenge: challenge.challenge,
            purpose: challenge.purpose,
            user_id: challenge.user_id === null ? null : String(challenge.user_id),
            expires_at_ms: challenge.expires_at.getTime(),
          })
          .execute();
      });
    },

    takeChallenge(key: string): Promise<PasskeyChallenge | null> {
      return guard(async () => {
        const row = await db
          .selectFrom(challenges)
          .selectAll()
          .where('challenge_key', '=', key)
          .executeTakeFirst();
        if (row === undefined) return null;
        const result = await db
          .deleteFrom(challenges)
          .where('challenge_key', '=', key)
          .executeTakeFirst();
        // Only the call whose delete removed the row wins.
        if (Number(result.numDeletedRows) !== 1) return null;
        const expires = Number(row.expires_at_ms);
        if (expires <= Date.now()) return null;
        return {
          key,
          challenge: row.challenge,
          purpose: row.purpose === 'register' ? 'register' : 'login',
          user_id: row.user_id,
          expires_at: new Date(expires),
        };
      });
    },
  });
}
