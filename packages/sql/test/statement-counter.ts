import type { KyselyPlugin } from 'kysely';

/**
 * Counts the statements run through the Kysely instance it is plugged into. It counts results,
 * not query transforms: a query the stores compiled once is transformed once and run many times.
 */
export function statementCounter(): { plugin: KyselyPlugin; count(): number; reset(): void } {
  let count = 0;
  return {
    plugin: {
      transformQuery: (args) => args.node,
      transformResult: async (args) => {
        count += 1;
        return args.result;
      },
    },
    count: () => count,
    reset: () => {
      count = 0;
    },
  };
}
