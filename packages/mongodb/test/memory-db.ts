import { Context } from 'mingo/core';
import * as queryOperators from 'mingo/operators/query';
import { Query } from 'mingo/query';
import { update as applyUpdate } from 'mingo/updater';
import { resolve } from 'mingo/util';
import { BSON, type CollationOptions, type Db, type Document, ObjectId } from 'mongodb';

/**
 * An in-memory stand-in for the driver's `Db`, for CI machines without a MongoDB server. It
 * implements only what the stores call, and evaluates filters and updates with mingo, so
 * `$elemMatch`, `$eq`, positional `$`, `$push` and `$max` follow MongoDB's semantics rather
 * than ours. On top of mingo it adds what a server does: unique indexes (with a collation),
 * documents stored as BSON (what the driver hands back: ObjectId, UUID, Date), E11000
 * errors shaped like the driver's, and a TTL pass the test triggers. Each call runs to the
 * end before the next starts, as one document write on a server does.
 *
 * Not a server: index selection, TTL timing, write concerns and interleavings of concurrent
 * multi-document work are not modelled (docs/guides/mongodb.md says what was not verified).
 */

interface IndexInfo {
  name: string;
  key: Record<string, 1 | -1>;
  unique?: boolean;
  collation?: CollationOptions;
  expireAfterSeconds?: number;
  partialFilterExpression?: Document;
}

interface FindOptions {
  collation?: CollationOptions;
}

interface UpdateOptions extends FindOptions {
  upsert?: boolean;
  arrayFilters?: Document[];
  returnDocument?: 'before' | 'after';
}

type QueryOperator = (
  selector: string,
  value: unknown,
  options: { collation?: CollationOptions },
) => (doc: Document) => boolean;

/** A collator for ICU strengths 1 and 2 (case-insensitive), the ones the stores use. */
function collatorFor(collation: CollationOptions | undefined): Intl.Collator | null {
  if (!collation || collation.strength === undefined || collation.strength > 2) return null;
  const sensitivity = collation.strength === 1 ? 'base' : 'accent';
  return new Intl.Collator(collation.locale, { sensitivity });
}

// mingo's $eq ignores the collation; MongoDB compares strings under it.
const baseEq = queryOperators.$eq as unknown as QueryOperator;
const collatedEq: QueryOperator = (selector, value, options) => {
  const collator = typeof value === 'string' ? collatorFor(options?.collation) : null;
  if (collator === null) return baseEq(selector, value, options);
  return (doc) => {
    const found: unknown = resolve(doc, selector, { unwrapArray: true });
    const values = Array.isArray(found) ? found.flat() : [found];
    return values.some((v) => typeof v === 'string' && collator.compare(v, value as string) === 0);
  };
};

const context = Context.init({ query: { ...queryOperators, $eq: collatedEq } } as never);

function matcher(filter: Document, collation?: CollationOptions): (doc: Document) => boolean {
  const query = new Query(filter, { context, collation } as never);
  return (doc) => query.test(doc);
}

/** A round trip through BSON: stored documents never alias the caller's objects. */
const clone = <T extends Document>(doc: T): T => BSON.deserialize(BSON.serialize(doc)) as T;

function duplicateKey(collection: string, index: IndexInfo, doc: Document): Error {
  const keyValue: Document = {};
  for (const field of Object.keys(index.key)) keyValue[field] = resolve(doc, field) ?? null;
  // The driver's message carries the duplicate value: stores must not pass it on.
  const message =
    `E11000 duplicate key error collection: memory.${collection} index: ${index.name} ` +
    `dup key: ${JSON.stringify(keyValue)}`;
  return Object.assign(new Error(message), {
    name: 'MongoServerError',
    code: 11000,
    keyPattern: { ...index.key },
    keyValue,
  });
}

function serverError(code: number, codeName: string, message: string): Error {
  return Object.assign(new Error(message), { name: 'MongoServerError', code, codeName });
}

/** The equality-only part of a filter: what an upsert starts from. */
function seedFromFilter(filter: Document): Document {
  const seed: Document = {};
  for (const [key, value] of Object.entries(filter)) {
    if (key.startsWith('$') || key.includes('.')) continue;
    const isOperator =
      typeof value === 'object' && value !== null && Object.keys(value)[0]?.startsWith('$');
    if (!isOperator) seed[key] = value;
    else if ('$eq' in value) seed[key] = (value as { $eq: unknown }).$eq;
  }
  return seed;
}

/**
 * mingo refuses two positional paths into one array element in one update
 * (`a.$.x` and `a.$.y`: "would create a conflict"); MongoDB applies both. They touch distinct
 * fields, so applying them one after the other is the same update.
 */
function positionalSteps(update: Document): Document[] {
  const plain: Document = {};
  const steps: Document[] = [];
  for (const [operator, fields] of Object.entries(update)) {
    for (const [path, value] of Object.entries(fields as Document)) {
      if (path.includes('.$')) steps.push({ [operator]: { [path]: value } });
      else plain[operator] = { ...(plain[operator] as Document | undefined), [path]: value };
    }
  }
  return Object.keys(plain).length > 0 ? [plain, ...steps] : steps;
}

export class MemoryCollection {
  readonly name: string;
  #docs: Document[] = [];
  #indexes: IndexInfo[] = [{ name: '_id_', key: { _id: 1 }, unique: true }];

  constructor(name: string) {
    this.name = name;
  }

  /** Every stored document (copies), for assertions on the stored shape. */
  get documents(): Document[] {
    return this.#docs.map((doc) => clone(doc));
  }

  get indexList(): IndexInfo[] {
    return this.#indexes.map((index) => ({ ...index }));
  }

  async findOne(filter: Document = {}, options: FindOptions = {}): Promise<Document | null> {
    const test = matcher(filter, options.collation);
    const doc = this.#docs.find(test);
    return doc ? clone(doc) : null;
  }

  find(filter: Document = {}, options: FindOptions = {}) {
    let limit = Number.POSITIVE_INFINITY;
    const docs = this.#docs;
    const test = matcher(filter, options.collation);
    const cursor = {
      limit(n: number) {
        limit = n;
        return cursor;
      },
      async toArray(): Promise<Document[]> {
        return docs.filter(test).slice(0, limit).map(clone);
      },
    };
    return cursor;
  }

  async insertOne(doc: Document): Promise<{ acknowledged: true; insertedId: unknown }> {
    // The driver adds a missing _id to the caller's document, as here.
    doc._id ??= new ObjectId();
    const stored = clone(doc);
    this.#checkUnique(stored, -1);
    this.#docs.push(stored);
    return { acknowledged: true, insertedId: stored._id };
  }

  async updateOne(filter: Document, update: Document, options: UpdateOptions = {}) {
    const { before, after, upserted } = this.#update(filter, update, options);
    return {
      acknowledged: true,
      matchedCount: before !== null ? 1 : 0,
      modifiedCount: before !== null && after !== null ? 1 : 0,
      upsertedCount: upserted ? 1 : 0,
      upsertedId: upserted && after ? after._id : null,
    };
  }

  async findOneAndUpdate(
    filter: Document,
    update: Document,
    options: UpdateOptions = {},
  ): Promise<Document | null> {
    const { before, after } = this.#update(filter, update, options);
    return options.returnDocument === 'after' ? after : before;
  }

  async deleteOne(filter: Document): Promise<{ acknowledged: true; deletedCount: number }> {
    const at = this.#docs.findIndex(matcher(filter));
    if (at >= 0) this.#docs.splice(at, 1);
    return { acknowledged: true, deletedCount: at >= 0 ? 1 : 0 };
  }

  async deleteMany(filter: Document): Promise<{ acknowledged: true; deletedCount: number }> {
    const test = matcher(filter);
    const kept = this.#docs.filter((doc) => !test(doc));
    const deletedCount = this.#docs.length - kept.length;
    this.#docs = kept;
    return { acknowledged: true, deletedCount };
  }

  async createIndex(
    key: Record<string, 1 | -1>,
    options: Omit<IndexInfo, 'key' | 'name'> & {
      name?: string;
    } = {},
  ): Promise<string> {
    const name =
      options.name ??
      Object.entries(key)
        .map(([field, direction]) => `${field}_${direction}`)
        .join('_');
    const wanted: IndexInfo = { ...options, name, key };
    const sameKey = (index: IndexInfo) => JSON.stringify(index.key) === JSON.stringify(key);
    const existing = this.#indexes.find((index) => index.name === name || sameKey(index));
    if (existing) {
      if (!sameKey(existing)) {
        throw serverError(86, 'IndexKeySpecsConflict', `An index named ${name} has other keys`);
      }
      if (JSON.stringify({ ...existing }) !== JSON.stringify(wanted)) {
        throw serverError(85, 'IndexOptionsConflict', `Index ${name} exists with other options`);
      }
      return name;
    }
    this.#indexes.push(wanted);
    try {
      for (let i = 0; i < this.#docs.length; i++) this.#checkUnique(this.#docs[i] as Document, i);
    } catch (error) {
      this.#indexes.pop();
      throw error;
    }
    return name;
  }

  /** `collMod` of a TTL index's expiry. */
  modifyIndex(name: string, expireAfterSeconds: number): void {
    const index = this.#indexes.find((i) => i.name === name);
    if (!index) throw serverError(27, 'IndexNotFound', `no index ${name}`);
    index.expireAfterSeconds = expireAfterSeconds;
  }

  /** One pass of the TTL monitor at `now` (a server runs one about every 60 s). */
  expire(now: Date = new Date()): number {
    let removed = 0;
    for (const index of this.#indexes) {
      const field = Object.keys(index.key)[0];
      if (index.expireAfterSeconds === undefined || field === undefined) continue;
      const seconds = index.expireAfterSeconds;
      const before = this.#docs.length;
      this.#docs = this.#docs.filter((doc) => {
        const value: unknown = resolve(doc, field);
        return !(value instanceof Date && value.getTime() + seconds * 1000 <= now.getTime());
      });
      removed += before - this.#docs.length;
    }
    return removed;
  }

  #update(filter: Document, update: Document, options: UpdateOptions) {
    const at = this.#docs.findIndex(matcher(filter, options.collation));
    const current = at >= 0 ? (this.#docs[at] as Document) : null;
    if (current === null && !options.upsert) return { before: null, after: null, upserted: false };
    const next = current ? clone(current) : seedFromFilter(filter);
    for (const step of positionalSteps(update)) {
      applyUpdate(next, step, options.arrayFilters, filter, {
        cloneMode: 'deep',
        queryOptions: { context } as never,
      });
    }
    next._id ??= new ObjectId();
    const stored = clone(next);
    this.#checkUnique(stored, at);
    if (current) this.#docs[at] = stored;
    else this.#docs.push(stored);
    return {
      before: current ? clone(current) : null,
      after: clone(stored),
      upserted: current === null,
    };
  }

  /** Throws E11000 when `doc` collides with another document (`self`: its own position). */
  #checkUnique(doc: Document, self: number): void {
    for (const index of this.#indexes) {
      if (!index.unique) continue;
      const inScope = index.partialFilterExpression
        ? matcher(index.partialFilterExpression)
        : () => true;
      if (!inScope(doc)) continue;
      const fields = Object.keys(index.key);
      const collator = collatorFor(index.collation);
      const same = (a: unknown, b: unknown): boolean => {
        if (collator && typeof a === 'string' && typeof b === 'string') {
          return collator.compare(a, b) === 0;
        }
        const bytes = (v: unknown) => Buffer.from(BSON.serialize({ v: v ?? null })).toString('hex');
        return bytes(a) === bytes(b);
      };
      const clash = this.#docs.some(
        (other, i) =>
          i !== self &&
          inScope(other) &&
          fields.every((field) => same(resolve(doc, field), resolve(other, field))),
      );
      if (clash) throw duplicateKey(this.name, index, doc);
    }
  }
}

/** The `Db` the stores receive: collections by name, and `collMod` through `command`. */
export class MemoryDb {
  readonly #collections = new Map<string, MemoryCollection>();

  collection(name: string): MemoryCollection {
    let collection = this.#collections.get(name);
    if (!collection) {
      collection = new MemoryCollection(name);
      this.#collections.set(name, collection);
    }
    return collection;
  }

  async command(command: Document): Promise<Document> {
    if (typeof command.collMod === 'string') {
      const { name, expireAfterSeconds } = command.index as {
        name: string;
        expireAfterSeconds: number;
      };
      this.collection(command.collMod).modifyIndex(name, expireAfterSeconds);
      return { ok: 1 };
    }
    throw serverError(59, 'CommandNotFound', 'command not supported by MemoryDb');
  }

  /** This object as the driver's `Db`, for the store factories. */
  asDb(): Db {
    return this as unknown as Db;
  }
}
