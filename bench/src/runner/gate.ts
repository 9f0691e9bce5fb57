/**
 * 1-minute load average above which a run is not quiet enough for the committed results:
 * `pnpm bench` refuses to write them from such a run unless `--force`, and the report of a
 * run that started above it says so at the top.
 */
export const LOAD_GATE = 1.0;

export interface GateInput {
  /** 1-minute load average now. */
  load: number;
  /** Where the results would be written, and where the committed ones live. */
  out: string;
  committed: string;
  /** `--render`: tables again from a saved run, nothing measured. */
  render: boolean;
  force: boolean;
}

/**
 * Why this run must not start, or null when it may: only a run that would overwrite the
 * committed results on a busy machine without `--force` is refused.
 *
 * @example
 * ```ts
 * const refusal = gateRefusal({ load: loadavg()[0], out, committed: RESULTS, render: false, force });
 * if (refusal) throw new Error(refusal);
 * ```
 */
export function gateRefusal({ load, out, committed, render, force }: GateInput): string | null {
  if (render || force || out !== committed || load <= LOAD_GATE) return null;
  return (
    `the 1-minute load average is ${load} (above ${LOAD_GATE}): numbers from a busy machine ` +
    'would replace the committed results. Wait for a quiet machine, write elsewhere with ' +
    '--out DIR, or pass --force (the results then say so at the top).'
  );
}

/** How long a run waits, after building the packages, for the load average to fall. */
export const SETTLE_MAX_MS = 180_000;

/**
 * Waits until the 1-minute load average is at most `LOAD_GATE`, reading it every `everyMs`, for
 * at most `maxMs`; returns the last reading. The run builds the packages right after the gate
 * let it through, and a build of every package keeps both cores busy for about half a minute:
 * the load average it leaves behind (2.7 in one run) decays over a minute or two, and a run that
 * measured at once would report that load as other work (docs/performance.md#method).
 *
 * @example
 * ```ts
 * const load = await settle({ readLoad: () => loadavg()[0] ?? 0, sleep, maxMs: SETTLE_MAX_MS });
 * ```
 */
export async function settle(options: {
  readLoad: () => number;
  sleep: (ms: number) => Promise<unknown>;
  maxMs: number;
  everyMs?: number;
  onWait?: (load: number) => void;
}): Promise<number> {
  const { readLoad, sleep, maxMs, everyMs = 5_000, onWait } = options;
  let load = readLoad();
  for (let waited = 0; load > LOAD_GATE && waited < maxMs; waited += everyMs) {
    onWait?.(load);
    await sleep(everyMs);
    load = readLoad();
  }
  return load;
}
