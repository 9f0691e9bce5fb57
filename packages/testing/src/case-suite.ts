import { beforeAll, describe, test } from 'vitest';
import { checkSkips } from './suite-skips';

/** One case of a suite that runs on a context built once: a stable id, a title, the proof. */
export interface SuiteCase<Context> {
  readonly id: string;
  readonly title: string;
  run(context: Context): Promise<void>;
}

export interface CaseSuiteOptions<Context> {
  /** Names the suite in its title (`<kind> store suite: <name>`) and in skip errors. */
  kind: string;
  /** The store's name, as the caller gave it. */
  name: string;
  cases: readonly SuiteCase<Context>[];
  /** The caller's `skip` option: checked against the case ids before anything runs. */
  skip: Readonly<Partial<Record<string, string>>>;
  /**
   * Builds the context once, before the first case. `unique` gives a value no other call of
   * this run, nor another run, gives.
   */
  context(unique: () => string): Promise<Context>;
}

/**
 * The scaffolding of the store suites whose cases share one context (session, revocation,
 * passkey and rate-limit stores): the skip check, one `describe`, the context built in
 * `beforeAll`, then a test per case, in order, titled `<id> <title>`, or a skipped test that
 * gives the reason.
 */
export function caseSuite<Context>(options: CaseSuiteOptions<Context>): void {
  const skip: Readonly<Record<string, string | undefined>> = options.skip;
  checkSkips(
    options.kind,
    options.cases.map((c) => c.id),
    skip,
  );
  const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  let counter = 0;
  const unique = (): string => `${run}${++counter}`;
  describe(`${options.kind} store suite: ${options.name}`, () => {
    let context: Context | undefined;
    beforeAll(async () => {
      context = await options.context(unique);
    });
    for (const c of options.cases) {
      const reason = skip[c.id];
      if (reason !== undefined) {
        test.skip(`${c.id} ${c.title} (skipped: ${reason})`, () => undefined);
        continue;
      }
      test(`${c.id} ${c.title}`, async () => {
        if (context === undefined) throw new Error('the store was not created');
        await c.run(context);
      });
    }
  });
}
