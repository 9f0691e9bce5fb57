/** Every call a store or lookup receives, by method name, in order. */
export type Calls = string[];

/** Wraps every method of `target` so each call is recorded in `calls` under `prefix.name`. */
export function counted<T extends object>(target: T, prefix: string, calls: Calls): T {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(target)) {
    out[name] =
      typeof value === 'function'
        ? (...args: unknown[]) => {
            calls.push(`${prefix}.${name}`);
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          }
        : value;
  }
  return out as T;
}
