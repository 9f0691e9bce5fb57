import { createHash } from 'node:crypto';

/**
 * The SQL texts of the stores' per-request reads (the queries `compileOnce` builds), each with
 * the name it is prepared under on PostgreSQL (docs/performance.md#postgresql-prepared-reads).
 *
 * The name is derived from the text (128 bits of its SHA-256), so one text never gets two names
 * and one name never covers two texts, in this process or in any other: a pooler that hands
 * one server connection to several app processes can never run another process's statement
 * under a name. The texts come from the stores' own code, so there are few of them (a handful
 * per store and table set); the cap only guards against a program that creates stores over
 * ever-new table names.
 */
const names = new Map<string, string>();
const CAPACITY = 1024;

/** Marks `text` as a per-request read worth preparing. */
export function markPreparedRead(text: string): void {
  if (names.has(text) || names.size >= CAPACITY) return;
  const digest = createHash('sha256').update(text).digest('hex').slice(0, 32);
  names.set(text, `portcullis_read_${digest}`);
}

/** The statement name of a marked read, or undefined for any other statement. */
export function preparedReadName(text: string): string | undefined {
  return names.get(text);
}
