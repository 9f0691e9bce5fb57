/**
 * The SQL texts of the stores' per-request reads (the queries `compileOnce` builds), each with
 * the name it is prepared under on PostgreSQL (docs/performance.md#postgresql-prepared-reads).
 *
 * A name is given per distinct text, for the life of the process, so one text never gets two
 * names and one name never covers two texts (node-postgres refuses that). The texts come from
 * the stores' own code, so there are few of them (a handful per store and table set); the cap
 * only guards against a program that creates stores over ever-new table names.
 */
const names = new Map<string, string>();
const CAPACITY = 1024;

/** Marks `text` as a per-request read worth preparing. */
export function markPreparedRead(text: string): void {
  if (names.has(text) || names.size >= CAPACITY) return;
  names.set(text, `portcullis_read_${names.size + 1}`);
}

/** The statement name of a marked read, or undefined for any other statement. */
export function preparedReadName(text: string): string | undefined {
  return names.get(text);
}
