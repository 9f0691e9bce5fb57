import type { TypeParsers } from './pg-pool';

/** A column of a row description, as node-postgres parses it. */
interface PgField {
  name: string;
  dataTypeID: number;
  format?: string;
}

/** The node-postgres connection calls a prepared read makes once its shape is known. */
interface PgConnection {
  bind(config: { portal: string; statement: string; values: (string | null)[] }): void;
  execute(config: { portal: string }): void;
  sync(): void;
}

/** The part of node-postgres' `Query` a shaped read builds on (`pg.Query`, pg 8). */
interface PgQuery {
  name?: string;
  values: (string | null)[];
  portal: string;
  binary?: boolean;
  rows?: number;
  _result: { fields: PgField[]; rows: unknown[] };
  _canceledDueToError: unknown;
  hasBeenParsed(connection: PgConnection): boolean;
  prepare(connection: PgConnection): void;
  handleRowDescription(message: { fields: PgField[] }): void;
  handleDataRow(message: { fields: (string | null)[] }): void;
}

/** A type parser: a column's text as the app reads it. */
type Parser = (text: string) => unknown;

/** What a named read is built from. */
export interface ShapedQueryConfig {
  name: string;
  text: string;
  /** As text: `textValues`. */
  values: (string | null)[];
  types: TypeParsers;
  callback: (error: Error | null, result?: unknown) => void;
}

/** node-postgres' `Query` class, as `pg.Query` exports it. */
export type PgQueryClass = new (config: ShapedQueryConfig) => PgQuery;

/** The class `shapedQueryClass` builds: a read sharing `shapes` with its connection's others. */
export type ShapedQueryClass = new (
  config: ShapedQueryConfig,
  shapes: Map<string, RowShape>,
) => PgQuery;

/**
 * The columns of one prepared read's rows on one connection, from the first execution's row
 * description. A statement's columns cannot change under its name: PostgreSQL refuses to run
 * a prepared statement whose result type would change (0A000), and the read is then run
 * unnamed.
 */
export interface RowShape {
  readonly fields: readonly PgField[];
  /** The column names, the same strings for every row (property keys V8 has seen). */
  readonly names: readonly string[];
  /** A row of nulls under `names`, copied for each row (one hidden class for all of them). */
  readonly empty: Readonly<Record<string, null>>;
  /** The distinct type ids of the columns, and for each column the index of its own. */
  readonly typeIds: readonly number[];
  readonly typeOfColumn: readonly number[];
  /** The parsers last looked up for `typeIds`, and the columns' parsers made from them. */
  readonly looked: Parser[];
  parsers: readonly Parser[];
}

const isProto = (field: PgField): boolean => field.name === '__proto__';

/** The shape of the rows `fields` describe. */
function rowShape(fields: readonly PgField[]): RowShape {
  const names = fields.map((field) => field.name);
  const empty: Record<string, null> = {};
  for (const name of names) empty[name] = null;
  const typeIds = [...new Set(fields.map((field) => field.dataTypeID))];
  const typeOfColumn = fields.map((field) => typeIds.indexOf(field.dataTypeID));
  return { fields, names, empty, typeIds, typeOfColumn, looked: [], parsers: [] };
}

/** A parameter as the wire takes it (text), or undefined when it needs node-postgres' mapping. */
function asText(value: unknown): string | null | undefined {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return undefined;
}

/**
 * Parameters as text, as node-postgres would send them, or undefined when one is of a kind
 * its own mapping must handle (a Date, a Buffer, an array or object).
 */
export function textValues(values: readonly unknown[]): (string | null)[] | undefined {
  const texts: (string | null)[] = [];
  for (const value of values) {
    const text = asText(value);
    if (text === undefined) return undefined;
    texts.push(text);
  }
  return texts;
}

/**
 * Builds the class of the stores' prepared reads on top of node-postgres' own `Query`
 * (docs/performance.md#postgresql-prepared-reads). node-postgres asks for the row description
 * on every execution of a prepared statement, then parses it and rebuilds its row template
 * from it, column by column: on the joined session read (19 columns) more than a third of the
 * request's instructions. A shaped read asks once per statement and connection: later
 * executions send Bind, Execute and Sync only, and each row is built from the names the first
 * description gave. The type parsers are still looked up on every execution, as node-postgres
 * does, so a parser the app registers later is used.
 */
export function shapedQueryClass(Query: PgQueryClass): ShapedQueryClass {
  return class ShapedQuery extends Query {
    readonly #shapes: Map<string, RowShape>;
    readonly #types: TypeParsers;
    #shape: RowShape | undefined;
    #parsers: readonly Parser[] | undefined;

    constructor(config: ShapedQueryConfig, shapes: Map<string, RowShape>) {
      super(config);
      this.#shapes = shapes;
      this.#types = config.types;
    }

    override prepare(connection: PgConnection): void {
      const shape = this.name === undefined ? undefined : this.#shapes.get(this.name);
      if (shape === undefined || this.binary || this.rows || !this.hasBeenParsed(connection)) {
        super.prepare(connection);
        return;
      }
      try {
        this.#use(shape);
      } catch (error) {
        // Reported once the server is ready again, so that the connection stays in step.
        this._canceledDueToError = error;
      }
      connection.bind({
        portal: this.portal,
        statement: this.name as string,
        values: this.values,
      });
      connection.execute({ portal: this.portal });
      connection.sync();
    }

    override handleRowDescription(message: { fields: PgField[] }): void {
      super.handleRowDescription(message);
      // A column named `__proto__` would set the rows' prototype: node-postgres' rows keep it.
      if (this.name === undefined || this.binary || message.fields.some(isProto)) return;
      const shape = rowShape(message.fields);
      this.#shapes.set(this.name, shape);
      this.#use(shape);
    }

    override handleDataRow(message: { fields: (string | null)[] }): void {
      const shape = this.#shape;
      const parsers = this.#parsers;
      if (shape === undefined || parsers === undefined) {
        super.handleDataRow(message);
        return;
      }
      if (this._canceledDueToError) return;
      const { names } = shape;
      const values = message.fields;
      const row: Record<string, unknown> = { ...shape.empty };
      try {
        if (values.length !== names.length) {
          throw new Error(`A row of ${values.length} columns where ${names.length} were described`);
        }
        for (let i = 0; i < names.length; i++) {
          const text = values[i] as string | null;
          row[names[i] as string] = text === null ? null : (parsers[i] as Parser)(text);
        }
      } catch (error) {
        // As node-postgres does: the error is reported once the server is ready again.
        this._canceledDueToError = error;
        return;
      }
      this._result.rows.push(row);
    }

    /**
     * Reads this execution's rows by `shape`, with the parsers registered now: looked up once
     * per distinct column type, and the columns' list made again only when one changed.
     */
    #use(shape: RowShape): void {
      this.#shape = shape;
      this._result.fields = shape.fields as PgField[];
      const { typeIds, looked } = shape;
      let changed = looked.length === 0;
      for (let i = 0; i < typeIds.length; i++) {
        const parser = this.#types.getTypeParser(typeIds[i] as number, 'text');
        if (parser !== looked[i]) {
          looked[i] = parser;
          changed = true;
        }
      }
      if (changed) shape.parsers = shape.typeOfColumn.map((i) => looked[i] as Parser);
      this.#parsers = shape.parsers;
    }
  };
}
