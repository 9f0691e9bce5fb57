/**
 * What the measuring tools (`instructions.ts`, `thread-cpu.ts`) start from: the bench's fixture
 * and its request scenarios, without the login storms and the raw argon2 row, at the bench's
 * 10 connections.
 */
import { serviceUrls } from '../config';
import { prepareFixture } from '../fixture';
import { catalogue, isLoginStorm, type Scenario } from '../runner/scenarios';
import { REFRESH_STARTS_PER_LOAD } from '../runner/stacks';

export const CONNECTIONS = 10;

/**
 * The fixture, with refresh sessions for `rounds` runs of each framework's refresh row
 * (runner/stacks.ts hands them out), and the request scenarios whose id `only` matches (all
 * when it is undefined).
 */
export async function requestScenarios(
  only: string | undefined,
  rounds: number,
): Promise<{ prepared: Awaited<ReturnType<typeof prepareFixture>>; scenarios: Scenario[] }> {
  const prepared = await prepareFixture({
    ...serviceUrls(),
    refreshSessions: 3 * CONNECTIONS * REFRESH_STARTS_PER_LOAD * rounds,
  });
  const scenarios = catalogue({
    connections: CONNECTIONS,
    ...(only ? { only: new RegExp(only) } : {}),
    unavailable: prepared.unavailable,
  }).filter((s) => !isLoginStorm(s.stack) && s.stack !== 'argon2');
  return { prepared, scenarios };
}
