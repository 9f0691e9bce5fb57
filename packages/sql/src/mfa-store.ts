import type { MfaRecord, MfaStore, UserId } from '@portcullis/core';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { SqlDialectName } from './dialect';
import { detectDialect } from './dialect';
import { toStoreError } from './errors';
import { mysqlIndexExists } from './internal/introspect';
import {
  addUserIdColumn,
  type MigrationContext,
  userIdType,
  withTableOptions,
} from './internal/migration-steps';

/** The MFA tables, created by migration `0009_mfa` (not renameable yet). */
export const MFA_TABLES = Object.freeze({
  factor: 'mfa_factor',
  recoveryCode: 'mfa_recovery_code',
  token: 'mfa_token',
} as const);

/** Instants are Unix milliseconds in BIGINT columns: exact and alike on every dialect. */
type Millis = number | string | bigint;

interface MfaDatabase {
  mfa_factor: {
    user_id: UserId;
    totp_secret: string | null;
    pending_secret: string | null;
    enabled_at_ms: Millis | null;
    last_step: Millis | null;
  };
  mfa_recovery_code: { user_id: UserId; code_digest: string };
  mfa_token: {
    token_id: string;
    attempts: number;
    spent_at_ms: Millis | null;
    expires_at_ms: Millis;
  };
}

export interface SqlMfaStoreOptions {
  /** Normally read from the Kysely instance; give it for a dialect that cannot be told. */
  dialect?: SqlDialectName;
}

/**
 * An `MfaStore` on the three tables `migrateToLatest` creates (`mfa_factor`,
 * `mfa_recovery_code`, `mfa_token`); rows go with their user (`on delete cascade`). Every
 * compare-and-set is one `UPDATE … WHERE` and every consumption one `DELETE … WHERE`, so of
 * concurrent calls exactly one wins on PostgreSQL, MySQL/MariaDB and SQLite. Secrets arrive
 * sealed by core (docs/mfa.md).
 *
 * @example
 * ```ts
 * await migrateToLatest(db);
 * const portcullis = createPortcullis({
 *   userManager,
 *   backends,
 *   mfa: { store: createSqlMfaStore(db), encryptionKey: process.env.MFA_ENCRYPTION_KEY! },
 * });
 * ```
 */
export function createSqlMfaStore<DB>(
  database: Kysely<DB>,
  options: SqlMfaStoreOptions = {},
): MfaStore {
  const db = database as unknown as Kysely<MfaDatabase>;
  const dialect = detectDialect(database, options.dialect);
  const { factor, recoveryCode, token } = MFA_TABLES;
  let lastPurge = 0;

  async function guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw toStoreError(error);
    }
  }

  /** Creates the token's row if it is new; a duplicate changes nothing. */
  async function ensureToken(tokenId: string, expiresAt: Date): Promise<void> {
    const now = Date.now();
    // Housekeeping at most once a minute: entries of expired tokens are never read again.
    if (now - lastPurge > 60_000) {
      lastPurge = now;
      await db.deleteFrom(token).where('expires_at_ms', '<=', now).execute();
    }
    const insert = db.insertInto(token).values({
      token_id: tokenId,
      attempts: 0,
      spent_at_ms: null,
      expires_at_ms: expiresAt.getTime(),
    });
    await (dialect === 'mysql'
      ? insert.onDuplicateKeyUpdate({ token_id: (eb) => eb.ref('token_id') })
      : insert.onConflict((oc) => oc.column('token_id').doNothing())
    ).execute();
  }

  return Object.freeze({
    get(userId: UserId): Promise<MfaRecord | null> {
      return guard(async () => {
        const row = await db
          .selectFrom(factor)
          .selectAll()
          .where('user_id', '=', userId)
          .executeTakeFirst();
        if (!row) return null;
        const count = await db
          .selectFrom(recoveryCode)
          .select((eb) => eb.fn.countAll().as('n'))
          .where('user_id', '=', userId)
          .executeTakeFirstOrThrow();
        return {
          user_id: userId,
          totp_secret: row.totp_secret,
          pending_secret: row.pending_secret,
          enabled_at: row.enabled_at_ms === null ? null : new Date(Number(row.enabled_at_ms)),
          last_step: row.last_step === null ? null : Number(row.last_step),
          recovery_codes_left: Number(count.n),
        };
      });
    },

    setPendingSecret(userId: UserId, sealedSecret: string): Promise<void> {
      return guard(async () => {
        const insert = db.insertInto(factor).values({
          user_id: userId,
          totp_secret: null,
          pending_secret: sealedSecret,
          enabled_at_ms: null,
          last_step: null,
        });
        await (dialect === 'mysql'
          ? insert.onDuplicateKeyUpdate({ pending_secret: sealedSecret })
          : insert.onConflict((oc) =>
              oc.column('user_id').doUpdateSet({ pending_secret: sealedSecret }),
            )
        ).execute();
      });
    },

    enable(
      userId: UserId,
      pendingSecret: string,
      data: { recoveryCodeDigests: readonly string[]; lastStep: number; at: Date },
    ): Promise<boolean> {
      return guard(() =>
        db.transaction().execute(async (trx) => {
          const result = await trx
            .updateTable(factor)
            .set({
              totp_secret: pendingSecret,
              pending_secret: null,
              enabled_at_ms: data.at.getTime(),
              last_step: data.lastStep,
            })
            .where('user_id', '=', userId)
            .where('pending_secret', '=', pendingSecret)
            .where('totp_secret', 'is', null)
            .executeTakeFirst();
          if (Number(result.numUpdatedRows) !== 1) return false;
          await trx.deleteFrom(recoveryCode).where('user_id', '=', userId).execute();
          if (data.recoveryCodeDigests.length > 0) {
            await trx
              .insertInto(recoveryCode)
              .values(
                data.recoveryCodeDigests.map((code_digest) => ({ user_id: userId, code_digest })),
              )
              .execute();
          }
          return true;
        }),
      );
    },

    disable(userId: UserId): Promise<boolean> {
      return guard(() =>
        db.transaction().execute(async (trx) => {
          const enabled = await trx
            .deleteFrom(factor)
            .where('user_id', '=', userId)
            .where('totp_secret', 'is not', null)
            .executeTakeFirst();
          await trx.deleteFrom(factor).where('user_id', '=', userId).execute();
          await trx.deleteFrom(recoveryCode).where('user_id', '=', userId).execute();
          return Number(enabled.numDeletedRows) === 1;
        }),
      );
    },

    advanceStep(userId: UserId, step: number): Promise<boolean> {
      return guard(async () => {
        const result = await db
          .updateTable(factor)
          .set({ last_step: step })
          .where('user_id', '=', userId)
          .where('totp_secret', 'is not', null)
          .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
          .executeTakeFirst();
        return Number(result.numUpdatedRows) === 1;
      });
    },

    replaceSecret(userId: UserId, sealedSecret: string, newSealedSecret: string): Promise<boolean> {
      return guard(async () => {
        const result = await db
          .updateTable(factor)
          .set({ totp_secret: newSealedSecret })
          .where('user_id', '=', userId)
          .where('totp_secret', '=', sealedSecret)
          .executeTakeFirst();
        return Number(result.numUpdatedRows) === 1;
      });
    },

    consumeRecoveryCode(userId: UserId, digest: string): Promise<boolean> {
      return guard(async () => {
        const result = await db
          .deleteFrom(recoveryCode)
          .where('user_id', '=', userId)
          .where('code_digest', '=', digest)
          .executeTakeFirst();
        return Number(result.numDeletedRows) === 1;
      });
    },

    countTokenAttempt(tokenId: string, limit: number, expiresAt: Date): Promise<boolean> {
      return guard(async () => {
        await ensureToken(tokenId, expiresAt);
        const result = await db
          .updateTable(token)
          .set({ attempts: sql<number>`attempts + 1` })
          .where('token_id', '=', tokenId)
          .where('spent_at_ms', 'is', null)
          .where('attempts', '<', limit)
          .executeTakeFirst();
        return Number(result.numUpdatedRows) === 1;
      });
    },

    spendToken(tokenId: string, expiresAt: Date): Promise<boolean> {
      return guard(async () => {
        await ensureToken(tokenId, expiresAt);
        const result = await db
          .updateTable(token)
          .set({ spent_at_ms: Date.now() })
          .where('token_id', '=', tokenId)
          .where('spent_at_ms', 'is', null)
          .executeTakeFirst();
        return Number(result.numUpdatedRows) === 1;
      });
    },
  });
}

/** Migration `0009_mfa`: the three tables, the user foreign keys and the expiry index. */
export async function createMfaTables(ctx: MigrationContext): Promise<void> {
  const { db, dialect } = ctx;
  const userId = await userIdType(ctx);
  const { factor, recoveryCode, token } = MFA_TABLES;
  await ctx.run(
    db.schema
      .createTable(factor)
      .ifNotExists()
      .$call((t) => addUserIdColumn(t, ctx, factor, userId))
      // Sealed secrets: `v1.` + base64url IV and ciphertext, about 80 characters.
      .addColumn('totp_secret', 'varchar(255)')
      .addColumn('pending_secret', 'varchar(255)')
      .addColumn('enabled_at_ms', 'bigint')
      .addColumn('last_step', 'bigint')
      .addPrimaryKeyConstraint(`pk_${factor}`, ['user_id'])
      .$call((t) => withTableOptions(t, ctx)),
  );
  await ctx.run(
    db.schema
      .createTable(recoveryCode)
      .ifNotExists()
      .$call((t) => addUserIdColumn(t, ctx, recoveryCode, userId))
      // HMAC-SHA-256 hex digests.
      .addColumn('code_digest', 'varchar(64)', (col) => col.notNull())
      .addPrimaryKeyConstraint(`pk_${recoveryCode}`, ['user_id', 'code_digest'])
      .$call((t) => withTableOptions(t, ctx)),
  );
  await ctx.run(
    db.schema
      .createTable(token)
      .ifNotExists()
      .addColumn('token_id', 'varchar(255)', (col) => col.primaryKey().notNull())
      .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('spent_at_ms', 'bigint')
      .addColumn('expires_at_ms', 'bigint', (col) => col.notNull())
      .$call((t) => withTableOptions(t, ctx)),
  );
  const name = `ix_${token}_expires_at_ms`;
  if (dialect === 'mysql' && (await mysqlIndexExists(db, token, name))) return;
  const index = db.schema.createIndex(name).on(token).column('expires_at_ms');
  await ctx.run(dialect === 'mysql' ? index : index.ifNotExists());
}

/** Undoes `createMfaTables`. */
export async function dropMfaTables(ctx: MigrationContext): Promise<void> {
  for (const table of [MFA_TABLES.token, MFA_TABLES.recoveryCode, MFA_TABLES.factor]) {
    await ctx.run(ctx.db.schema.dropTable(table).ifExists());
  }
}
