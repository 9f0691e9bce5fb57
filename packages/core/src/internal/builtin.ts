/**
 * Run-time access to a Node built-in module without importing it (see docs/contract/decisions.md#core-has-no-node-imports: core imports no
 * `node:` module outside `src/node/`). `process.getBuiltinModule` exists on Node ≥ 20.16, Bun
 * and Deno; anywhere else, or when the lookup throws, the answer is undefined and the caller
 * falls back to something portable.
 */

interface ProcessWithBuiltins {
  getBuiltinModule?: (id: string) => unknown;
}

export function builtinModule(id: string): unknown {
  const host = (globalThis as { process?: ProcessWithBuiltins }).process;
  try {
    return host?.getBuiltinModule?.(id);
  } catch {
    return undefined;
  }
}
