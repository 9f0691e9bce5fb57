import { type Fixture, FRAMEWORKS, type Framework, type Stack } from '../config';
import type { LoadConfig } from '../load/worker';
import { isLoginStorm, type Service, STACK_ORDER, STACKS } from './stacks';

export { isLoginStorm, PROBE_RATE } from './stacks';

/** One measured configuration: a server (or the raw argon2 loop) and the load it gets. */
export interface Scenario {
  /** `<framework>/<stack>`, or `argon2/raw`. */
  id: string;
  framework: Framework | null;
  stack: Stack | 'argon2';
  label: string;
  /** Connections of the main load. */
  connections: number;
  /** Arm the server's event-loop delay histogram for the measured load. */
  loopDelay: boolean;
  /** The load for a server on `origin`. */
  load(fixture: Fixture, origin: string): LoadConfig;
}

/** Concurrency of the login storm (issue 7: "while 50 logins are in flight"). */
export const LOGIN_IN_FLIGHT = 50;

const ARGON2_LABEL = 'raw argon2id verify (@node-rs/argon2 called directly, no HTTP)';

/** Labels of every row, the raw argon2 loop included. */
export const STACK_LABELS: Readonly<Record<Stack | 'argon2', string>> = {
  ...(Object.fromEntries(STACK_ORDER.map((stack) => [stack, STACKS[stack].label])) as Record<
    Stack,
    string
  >),
  argon2: ARGON2_LABEL,
};

export interface CatalogueOptions {
  connections: number;
  /** Logins in flight during the storm. Default 50. */
  loginInFlight?: number;
  frameworks?: readonly Framework[];
  /** Keeps scenarios whose id matches. */
  only?: RegExp;
  /** Services that cannot be reached, with the reason: the rows needing them are left out. */
  unavailable?: Partial<Readonly<Record<Service, string>>>;
}

/** Rows left out because a service they need is unreachable, with the reason. */
export function skippedStacks(
  unavailable: Partial<Readonly<Record<Service, string>>>,
): { stack: Stack; reason: string }[] {
  return STACK_ORDER.flatMap((stack) => {
    const spec = STACKS[stack];
    if (spec.planned) return [];
    const down = spec.needs?.find((service) => unavailable[service] !== undefined);
    return down ? [{ stack, reason: `${down}: ${unavailable[down]}` }] : [];
  });
}

/**
 * Every scenario of a round, in run order: per framework every runnable row that runs there
 * (planned rows and rows whose service is down left out), then the raw argon2 loop.
 */
export function catalogue(options: CatalogueOptions): Scenario[] {
  const skipped = new Set(skippedStacks(options.unavailable ?? {}).map((s) => s.stack));
  const scenarios: Scenario[] = [];
  for (const framework of options.frameworks ?? FRAMEWORKS) {
    for (const stack of STACK_ORDER) {
      const spec = STACKS[stack];
      if (spec.planned || skipped.has(stack)) continue;
      if (spec.frameworks && !spec.frameworks.includes(framework)) continue;
      const storm = isLoginStorm(stack);
      const connections = storm ? (options.loginInFlight ?? LOGIN_IN_FLIGHT) : options.connections;
      scenarios.push({
        id: `${framework}/${stack}`,
        framework,
        stack,
        label: spec.label,
        connections,
        loopDelay: storm,
        load: (fixture, origin) => spec.load(fixture, origin, connections),
      });
    }
  }
  scenarios.push({
    id: 'argon2/raw',
    framework: null,
    stack: 'argon2',
    label: ARGON2_LABEL,
    connections: options.loginInFlight ?? LOGIN_IN_FLIGHT,
    loopDelay: false,
    load: (_fixture, origin) => ({ origin, method: 'GET', path: '/', headers: {}, connections: 0 }),
  });
  return scenarios.filter((scenario) => !options.only || options.only.test(scenario.id));
}
