import type { z } from 'zod';

/** The zod namespace core's schemas are built with. */
export type Zod = typeof z;

/**
 * A zod schema built on first use, so importing core never evaluates zod (about 60 ms of a
 * cold start; docs/performance.md#import-cost). Route docs and handlers hold these; zod is
 * loaded once per process by the first `load()`, or handed over by an entry that imports it
 * itself (`@portcullis/core/openapi`, `@portcullis/core/fields`).
 */
export interface LazySchema<T extends z.ZodType = z.ZodType> {
  /** The schema, built with the given zod on the first call and kept. */
  with(zod: Zod): T;
  /** Loads zod if no schema was built yet, then the schema. */
  load(): Promise<T>;
}

/** What a lazy schema validates to. */
export type LazyOutput<L> = L extends LazySchema<infer T> ? z.output<T> : never;

let loading: Promise<Zod> | undefined;

/** zod, imported on the first call; every later call shares that import. */
export function loadZod(): Promise<Zod> {
  loading ??= import('zod').then((module) => module.z);
  return loading;
}

/**
 * Starts loading zod without waiting for it (`createPortcullis` calls it, so the first request
 * finds zod ready). A failure is reported by the first `load()` that needs zod.
 */
export function preloadZod(): void {
  loadZod().catch(() => undefined);
}

/**
 * A schema `build` makes on first use. A builder that nests another lazy schema reads it with
 * `other.with(zod)`.
 *
 * @example
 * ```ts
 * const verifyBody = lazySchema((z) => z.object({ token: z.string() }));
 * const { token } = (await verifyBody.load()).parse(body);
 * ```
 */
export function lazySchema<T extends z.ZodType>(build: (zod: Zod) => T): LazySchema<T> {
  let built: T | undefined;
  const schema: LazySchema<T> = {
    with(zod) {
      built ??= build(zod);
      return built;
    },
    async load() {
      return built ?? schema.with(await loadZod());
    },
  };
  return schema;
}
