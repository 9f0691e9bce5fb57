import type {
  OAuthAccount,
  OAuthAccountData,
  UpdateCondition,
  UserCreateData,
  UserFieldShape,
  UserFields,
  UserId,
  UserOfShape,
  UserStore,
  UserUpdateData,
} from '@portcullis/core';
import { ErrorCode, PortcullisError } from '@portcullis/core';
import type { ExpressionBuilder, Insertable, Kysely, Selectable, Updateable } from 'kysely';
import { detectDialect } from './dialect';
import { toStoreError } from './errors';
import { idCodecFor } from './id';
import { compileOnce, slot } from './internal/compiled-query';
import type { CustomColumn } from './internal/rows';
import {
  OAUTH_ACCOUNT_COLUMNS,
  pickColumns,
  rowToOAuthAccount,
  rowToUser,
  toSqlValue,
  USER_COLUMNS,
} from './internal/rows';
import { registerUserReader } from './internal/user-readers';
import type { OAuthAccountTable, PortcullisDatabase, SqlSchemaOptions, UserTable } from './schema';
import { asPortcullisDb, assertIdentifier, resolveSchema } from './schema';
import { columnsOf } from './user-fields';

export interface SqlUserStoreOptions<S extends UserFieldShape = UserFieldShape>
  extends SqlSchemaOptions {
  /**
   * Attach `oauth_accounts` (the user's linked accounts, tokens included) to every user the
   * store returns. Off by default: it costs a query per read. Turn it on when the app mounts
   * OAuth routes, whose callbacks look through `user.oauth_accounts`.
   */
  withOAuthAccounts?: boolean;
  /**
   * The app's own user fields (core's `defineUserFields`): read and written under their names,
   * values converted back to the declared kind (booleans, numbers) on every dialect; the
   * store's users are typed from it.
   */
  userFields?: UserFields<S>;
  /**
   * Extra columns of the user table, added by the app's own migration, that the store reads
   * and writes under the same names. Values are passed through as the driver returns them
   * (a boolean column reads back as 0/1 on SQLite and MySQL); prefer `userFields`.
   */
  customColumns?: readonly string[];
}

const FLAG_DEFAULTS = Object.freeze({ is_active: true, is_superuser: false, is_verified: false });

function withoutUndefined(data: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([, value]) => value !== undefined));
}

const RESERVED = new Set<string>(['id', 'oauth_accounts', ...USER_COLUMNS]);

function resolveCustomColumns(options: SqlUserStoreOptions): readonly CustomColumn[] {
  const columns = new Map<string, CustomColumn>();
  for (const name of options.customColumns ?? []) {
    assertIdentifier(name, 'customColumns entries');
    columns.set(name, { name, kind: 'other' });
  }
  for (const { name, kind } of columnsOf(options.userFields, {}, false)) {
    columns.set(name, { name, kind });
  }
  for (const name of columns.keys()) {
    if (RESERVED.has(name)) {
      throw new PortcullisError(
        ErrorCode.CONFIGURATION,
        `customColumns must not repeat a built-in field (${name})`,
      );
    }
  }
  return Object.freeze([...columns.values()]);
}

/** PostgreSQL rejects U+0000 in text; no stored value contains one, so nothing matches. */
const hasNul = (value: string): boolean => value.includes('\u0000');

/**
 * A `UserStore` on a Kysely database (PostgreSQL, MySQL/MariaDB or SQLite) whose tables were
 * created by `migrateToLatest` with the same schema options. The case-insensitive unique email
 * is enforced by the database: a unique index on `lower(email)` (PostgreSQL, SQLite; lookups
 * use the same expression) or a `_ci` collation on the column (MySQL/MariaDB). SQLite's
 * `lower()` folds ASCII letters only: see the README. Driver errors become
 * `USER_ALREADY_EXISTS` (email taken) and `SERVICE_UNAVAILABLE` (database unreachable).
 *
 * @example
 * ```ts
 * const db = openSqlite('./data/app.db');
 * await migrateToLatest(db);
 * const users = createSqlUserStore(db, { withOAuthAccounts: true });
 * const user = await users.create({ email: 'king.arthur@camelot.bt', hashed_password: hash });
 * await users.getByEmail('KING.ARTHUR@camelot.bt'); // the same user
 * ```
 */
export function createSqlUserStore<DB, S extends UserFieldShape = UserFieldShape>(
  database: Kysely<DB>,
  options: SqlUserStoreOptions<S> = {},
): UserStore<UserOfShape<S>> {
  type U = UserOfShape<S>;
  const db = asPortcullisDb(database);
  const schema = resolveSchema(options);
  const dialect = detectDialect(db, options.dialect);
  const codec = idCodecFor(schema.idType);
  const customColumns = resolveCustomColumns(options);
  const withOAuthAccounts = options.withOAuthAccounts === true;
  const userColumns = new Set<string>([...USER_COLUMNS, ...customColumns.map((c) => c.name)]);
  const accountColumns = new Set<string>(OAUTH_ACCOUNT_COLUMNS);
  const { user: userTable, oauthAccount: accountTable } = schema.tables;
  const errorContext = { emailIndex: schema.indexes.userEmailLower };

  async function guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw toStoreError(error, errorContext);
    }
  }

  async function accountsOf(
    userId: UserId,
    from: Kysely<PortcullisDatabase>,
  ): Promise<OAuthAccount[]> {
    const rows = await from
      .selectFrom(accountTable)
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('oauth_name')
      .orderBy('account_id')
      .orderBy('id')
      .execute();
    return rows.map((row) => rowToOAuthAccount(row, codec));
  }

  // `from` is the transaction a row was read in: a second connection could wait on a pool
  // that has only this one.
  async function toUser(row: Selectable<UserTable>, from = db): Promise<U> {
    const user = rowToUser(row, codec, customColumns);
    if (withOAuthAccounts) user.oauth_accounts = await accountsOf(user.id, from);
    // The row holds the app's declared columns; U is the app's promise about their types.
    return user as U;
  }

  const selectById = (from: Kysely<PortcullisDatabase>, id: UserId) =>
    from.selectFrom(userTable).selectAll().where('id', '=', id);
  // A read by id is on every JWT-guarded request: compiled once (docs/performance.md).
  const byId = compileOnce<Selectable<UserTable>>(db as Kysely<unknown>, () =>
    selectById(db, slot(0)),
  );

  async function read(id: UserId, from: Kysely<PortcullisDatabase> = db): Promise<U | null> {
    const row =
      from === db ? (await byId([id])).rows[0] : await selectById(from, id).executeTakeFirst();
    return row === undefined ? null : toUser(row, from);
  }

  /**
   * `get`'s read in one async function, errors mapped as `guard` maps them: a read by id is on
   * every JWT-guarded request, and each async function on the way costs about a thousand
   * instructions (docs/performance.md#fewer-steps-on-core-s-own-routes).
   */
  async function getById(id: UserId): Promise<U | null> {
    try {
      const row = (await byId([id])).rows[0];
      if (row === undefined) return null;
      return withOAuthAccounts ? await toUser(row) : (rowToUser(row, codec, customColumns) as U);
    } catch (error) {
      throw toStoreError(error, errorContext);
    }
  }

  async function readExisting(id: UserId): Promise<U> {
    const user = await read(id);
    if (user === null) {
      throw new PortcullisError(ErrorCode.USER_NOT_EXISTS, 'The user does not exist');
    }
    return user;
  }

  function requireId(value: unknown): UserId {
    const id = codec.parse(value);
    if (id === null) {
      throw new PortcullisError(ErrorCode.USER_NOT_EXISTS, 'Not an id of this store');
    }
    return id;
  }

  const store: UserStore<U> = Object.freeze({
    get(id: UserId): Promise<U | null> {
      const parsed = codec.parse(id);
      return parsed === null ? Promise.resolve(null) : getById(parsed);
    },

    getByEmail(email: string): Promise<U | null> {
      if (typeof email !== 'string' || hasNul(email)) return Promise.resolve(null);
      return guard(async () => {
        // The same expression as the unique index, so the lookup searches that index; on
        // MySQL the column's _ci collation makes plain equality case-insensitive.
        const row = await db
          .selectFrom(userTable)
          .selectAll()
          .where((eb) =>
            dialect === 'mysql'
              ? eb('email', '=', email)
              : eb(eb.fn('lower', ['email']), '=', eb.fn('lower', [eb.val(email)])),
          )
          .executeTakeFirst();
        return row === undefined ? null : toUser(row);
      });
    },

    getByOAuthAccount(oauthName: string, accountId: string): Promise<U | null> {
      if (typeof oauthName !== 'string' || typeof accountId !== 'string') {
        return Promise.resolve(null);
      }
      if (hasNul(oauthName) || hasNul(accountId)) return Promise.resolve(null);
      return guard(async () => {
        const rows = await db
          .selectFrom(userTable)
          .selectAll()
          .where('id', 'in', (eb) =>
            eb
              .selectFrom(accountTable)
              .select('user_id')
              .where('oauth_name', '=', oauthName)
              .where('account_id', '=', accountId),
          )
          .limit(2)
          .execute();
        // Upstream has no unique (oauth_name, account_id) and fails on two owners; logging in
        // as an arbitrary one of them would be worse.
        if (rows.length > 1) {
          throw new PortcullisError(
            ErrorCode.OAUTH_ACCOUNT_ALREADY_LINKED,
            'This OAuth account is linked to more than one user',
          );
        }
        const [row] = rows;
        return row === undefined ? null : toUser(row);
      });
    },

    create(data: UserCreateData): Promise<U> {
      return guard(async () => {
        // FastAPI Users' defaults live in Python, not in its DDL: a table it created has no
        // column defaults, so the store supplies them.
        const values = pickColumns(
          { ...FLAG_DEFAULTS, ...withoutUndefined(data) },
          userColumns,
          dialect,
        ) as Insertable<UserTable>;
        const id = codec.generate();
        if (id !== undefined) values.id = id;
        if (dialect !== 'mysql') {
          // RETURNING hands back the row with the database defaults in one atomic statement.
          const row = await db
            .insertInto(userTable)
            .values(values)
            .returningAll()
            .executeTakeFirstOrThrow();
          return toUser(row);
        }
        // MySQL has no RETURNING: insert and read back in one transaction, so the row read is
        // the row written even if another connection updates it right away.
        return db.transaction().execute(async (trx) => {
          const result = await trx.insertInto(userTable).values(values).executeTakeFirstOrThrow();
          const newId = id ?? codec.parse(result.insertId);
          const user = newId === null ? null : await read(newId, trx);
          if (user === null) throw new Error('The inserted user could not be read back');
          return user;
        });
      });
    },

    update(user: U, data: UserUpdateData, condition?: UpdateCondition): Promise<U | null> {
      const id = codec.parse(user.id);
      if (id === null) return Promise.resolve(null);
      const values = pickColumns(data, userColumns, dialect) as Updateable<UserTable>;
      // Compare-and-set in the WHERE clause of the one statement that writes (or, on MySQL,
      // locks) the row: of concurrent updates under one condition (reset-password's old hash,
      // verify's is_verified = false), the later ones match no row.
      const matches = (eb: ExpressionBuilder<PortcullisDatabase, 'user'>) => {
        const checks = [eb('id', '=', id)];
        if (condition?.hashedPassword !== undefined) {
          checks.push(eb('hashed_password', '=', condition.hashedPassword));
        }
        if (condition?.isVerified !== undefined) {
          const bound = toSqlValue(condition.isVerified, dialect) as boolean;
          checks.push(eb('is_verified', '=', bound));
        }
        return eb.and(checks);
      };
      return guard(async () => {
        if (Object.keys(values).length === 0) {
          const row = await db.selectFrom(userTable).selectAll().where(matches).executeTakeFirst();
          return row === undefined ? null : toUser(row);
        }
        if (dialect !== 'mysql') {
          const query = db.updateTable(userTable).set(values).where(matches);
          const row = await query.returningAll().executeTakeFirst();
          return row === undefined ? null : toUser(row);
        }
        // MySQL has no UPDATE … RETURNING, and its affected-row count depends on the client's
        // FOUND_ROWS flag. Lock the row first (a locking read sees the latest committed row, so
        // the second of two concurrent compare-and-sets finds no row), then write and read.
        return db.transaction().execute(async (trx) => {
          const lock = trx.selectFrom(userTable).select('id').where(matches);
          if ((await lock.forUpdate().executeTakeFirst()) === undefined) return null;
          await trx.updateTable(userTable).set(values).where('id', '=', id).execute();
          return read(id, trx);
        });
      });
    },

    delete(user: U): Promise<void> {
      const id = codec.parse(user.id);
      if (id === null) return Promise.resolve();
      // OAuth accounts and access tokens go with it: ON DELETE CASCADE (foreign_keys=ON).
      return guard(async () => {
        await db.deleteFrom(userTable).where('id', '=', id).execute();
      });
    },

    addOAuthAccount(user: U, data: OAuthAccountData): Promise<U> {
      return guard(async () => {
        const userId = requireId(user.id);
        const values = pickColumns(data, accountColumns, dialect) as Insertable<OAuthAccountTable>;
        values.user_id = userId;
        const id = codec.generate();
        if (id !== undefined) values.id = id;
        await db.insertInto(accountTable).values(values).execute();
        return readExisting(userId);
      });
    },

    updateOAuthAccount(
      user: U,
      account: OAuthAccount,
      data: Partial<OAuthAccountData>,
    ): Promise<U> {
      return guard(async () => {
        const userId = requireId(user.id);
        const accountId = codec.parse(account.id);
        const values = pickColumns(data, accountColumns, dialect) as Updateable<OAuthAccountTable>;
        if (accountId !== null && Object.keys(values).length > 0) {
          // Scoped to the user, so an account id from elsewhere cannot touch another's link.
          await db
            .updateTable(accountTable)
            .set(values)
            .where('id', '=', accountId)
            .where('user_id', '=', userId)
            .execute();
        }
        return readExisting(userId);
      });
    },

    parseId(value: string): UserId | null {
      return codec.parse(value);
    },
  });
  // A session store given this store reads its users in the same statement as the session,
  // mapped by this store's own code (docs/sessions-storage.md).
  registerUserReader(store, {
    schema,
    columns: [...USER_COLUMNS, ...customColumns.map((c) => c.name)],
    customColumns,
    toUser: (row) => toUser(row as Selectable<UserTable>),
    toUserNow: (row) =>
      withOAuthAccounts ? null : rowToUser(row as Selectable<UserTable>, codec, customColumns),
  });
  return store;
}
