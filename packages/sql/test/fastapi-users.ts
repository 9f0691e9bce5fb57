import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { SqlDialectName } from '../src/index';

/**
 * What a FastAPI Users app (fastapi-users-db-sqlalchemy 7, UUID ids, OAuth accounts and the
 * database strategy) leaves in its database, per dialect: SQLAlchemy's DDL for the tables of
 * docs/contract/behaviour.md#sql-tables and rows as its adapter writes them.
 */

/** pwdlib's default: argon2id with argon2-cffi's parameters (m=64 MiB, t=3, p=4). */
export const ARGON2_PASSWORD = 'excalibur-argon2';
export const ARGON2_HASH = [
  '$argon2id$v=19$m=65536,t=3,p=4',
  'N0sSBsojPv87qTHGwKjRXw',
  'KXhf1Sh6TzxLxQSk4kg3CBfPWe5t506unzF3VYExIOk',
].join('$');
/** pwdlib's BcryptHasher: `$2b$`, 12 rounds. */
export const BCRYPT_PASSWORD = 'excalibur-bcrypt';
export const BCRYPT_HASH = '$2b$12$NFLr34baFq4gN.HTEdhbzOOw9vcfsb2IOHbPv8xtrN8hixDampp96';

export const ARGON2_USER = {
  id: '6fa459ea-ee8a-3ca4-894e-db77e160355e',
  email: 'Arthur.Pendragon@camelot.bt',
};
export const BCRYPT_USER = {
  id: '0b7e2f7c-5f4e-4d5a-9c3e-2a1b0c9d8e7f',
  email: 'guinevere@camelot.bt',
};
/** secrets.token_urlsafe(32): 43 characters, as the database strategy writes them. */
export const UPSTREAM_TOKEN = 'hU3n0JfYtQy9yWcQk7b2l1W2pXz0a5Ue8s7d6f5g4h3';
export const UPSTREAM_OAUTH = { oauth_name: 'google', account_id: '108234567890123456789' };

interface Ddl {
  user: string;
  types: { id: string; bool: string; timestamp: string };
}

const DDL: Record<SqlDialectName, Ddl> = {
  postgres: {
    user: '"user"',
    types: { id: 'UUID', bool: 'BOOLEAN', timestamp: 'TIMESTAMP WITH TIME ZONE' },
  },
  mysql: { user: '`user`', types: { id: 'CHAR(36)', bool: 'BOOL', timestamp: 'TIMESTAMP' } },
  sqlite: { user: 'user', types: { id: 'CHAR(36)', bool: 'BOOLEAN', timestamp: 'TIMESTAMP' } },
};

/** The tables as SQLAlchemy's `create_all()` creates them (see docs/contract/behaviour.md#sql-tables). */
export async function createFastApiUsersTables<DB>(
  db: Kysely<DB>,
  dialect: SqlDialectName,
): Promise<void> {
  const { user, types } = DDL[dialect];
  const { id, bool, timestamp } = types;
  const statements = [
    `CREATE TABLE ${user} (id ${id} NOT NULL, email VARCHAR(320) NOT NULL,
      hashed_password VARCHAR(1024) NOT NULL, is_active ${bool} NOT NULL,
      is_superuser ${bool} NOT NULL, is_verified ${bool} NOT NULL, PRIMARY KEY (id))`,
    `CREATE UNIQUE INDEX ix_user_email ON ${user} (email)`,
    `CREATE TABLE oauth_account (id ${id} NOT NULL, oauth_name VARCHAR(100) NOT NULL,
      access_token VARCHAR(1024) NOT NULL, expires_at INTEGER, refresh_token VARCHAR(1024),
      account_id VARCHAR(320) NOT NULL, account_email VARCHAR(320) NOT NULL,
      user_id ${id} NOT NULL, PRIMARY KEY (id),
      FOREIGN KEY(user_id) REFERENCES ${user} (id) ON DELETE cascade)`,
    'CREATE INDEX ix_oauth_account_oauth_name ON oauth_account (oauth_name)',
    'CREATE INDEX ix_oauth_account_account_id ON oauth_account (account_id)',
    `CREATE TABLE accesstoken (token VARCHAR(43) NOT NULL, created_at ${timestamp} NOT NULL,
      user_id ${id} NOT NULL, PRIMARY KEY (token),
      FOREIGN KEY(user_id) REFERENCES ${user} (id) ON DELETE cascade)`,
    'CREATE INDEX ix_accesstoken_created_at ON accesstoken (created_at)',
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}

/** UTC wall time, as SQLAlchemy stores an aware datetime where the column has no zone. */
function naiveUtc(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/** Two users (argon2id, bcrypt), an OAuth link and a database-strategy token. */
export async function insertFastApiUsersRows<DB>(
  db: Kysely<DB>,
  dialect: SqlDialectName,
  createdAt: Date,
): Promise<void> {
  const { user } = DDL[dialect];
  const yes = dialect === 'postgres' ? sql.lit(true) : sql.lit(1);
  const no = dialect === 'postgres' ? sql.lit(false) : sql.lit(0);
  const stamp = dialect === 'postgres' ? createdAt : naiveUtc(createdAt);
  await sql`INSERT INTO ${sql.raw(user)}
    (id, email, hashed_password, is_active, is_superuser, is_verified) VALUES
    (${ARGON2_USER.id}, ${ARGON2_USER.email}, ${ARGON2_HASH}, ${yes}, ${yes}, ${yes}),
    (${BCRYPT_USER.id}, ${BCRYPT_USER.email}, ${BCRYPT_HASH}, ${yes}, ${no}, ${no})`.execute(db);
  await sql`INSERT INTO oauth_account
    (id, oauth_name, access_token, expires_at, refresh_token, account_id, account_email, user_id)
    VALUES ('9d3c4b5a-6e7f-4a8b-9c0d-1e2f3a4b5c6d', ${UPSTREAM_OAUTH.oauth_name},
      ${`ya29.${'a'.repeat(1000)}`}, 1900000000, NULL, ${UPSTREAM_OAUTH.account_id},
      'arthur@gmail.com', ${ARGON2_USER.id})`.execute(db);
  await sql`INSERT INTO accesstoken (token, created_at, user_id)
    VALUES (${UPSTREAM_TOKEN}, ${stamp}, ${ARGON2_USER.id})`.execute(db);
}
