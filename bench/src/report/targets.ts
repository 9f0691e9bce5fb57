import type { Framework } from '../config';
import type { BenchResult } from '../runner/bench';
import { frameworksOf, roundRatios, type Summary, summarizeAll } from './summary';

/** One goal of issue 7, checked against a run. */
export interface TargetCheck {
  target: string;
  framework: Framework | null;
  /** What was measured, as text. */
  measured: string;
  /** met, missed, or not measured in this run. */
  status: 'met' | 'missed' | 'n/a';
}

const x = (value: number): string => `${value.toFixed(2)}×`;

/** Median over rounds of `a`'s req/s over `b`'s in the same round. */
function ratioOf(a: Summary | undefined, b: Summary | undefined): number | null {
  if (!a || !b) return null;
  return roundRatios(a.result.samples, b.result.samples)?.median ?? null;
}

function check(
  target: string,
  framework: Framework | null,
  value: number | null,
  pass: (value: number) => boolean,
  show: (value: number) => string = x,
): TargetCheck {
  if (value === null) return { target, framework, measured: 'not measured', status: 'n/a' };
  return { target, framework, measured: show(value), status: pass(value) ? 'met' : 'missed' };
}

/**
 * The goals of issue 7 ("Targets"), evaluated on medians of the same run.
 *
 * @example
 * ```ts
 * const missed = checkTargets(result).filter((check) => check.status === 'missed');
 * ```
 */
export function checkTargets(result: BenchResult): TargetCheck[] {
  const summaries = summarizeAll(result);
  const get = (id: string): Summary | undefined => summaries.get(id);
  const checks: TargetCheck[] = [];
  const argon2 = get('argon2/raw');
  for (const fw of frameworksOf(result)) {
    const s = (stack: string): Summary | undefined => get(`${fw}/${stack}`);
    checks.push(
      check(
        'JWT-guarded route, steady state ≥ 0.85× bare',
        fw,
        s('jwt')?.ratio ?? null,
        (v) => v >= 0.85,
      ),
      check(
        'JWT cold path ≥ jose jwtVerify (key imported once)',
        fw,
        ratioOf(s('jwt-cold'), s('jose-cold')),
        (v) => v >= 1,
        (v) => `${x(v)} jose (cold ${x(s('jwt-cold')?.ratio ?? 0)} bare)`,
      ),
      check(
        '≥ 3× better-auth getSession (cookie + database on SQLite vs its session)',
        fw,
        ratioOf(s('cookie-sqlite'), s('better-auth')),
        (v) => v >= 3,
      ),
    );
    if (fw === 'express') {
      checks.push(
        check(
          '≥ 3× passport-jwt (JWT steady state)',
          fw,
          ratioOf(s('jwt'), s('passport-jwt')),
          (v) => v >= 3,
        ),
        check(
          '≥ 3× passport-jwt (JWT cold path)',
          fw,
          ratioOf(s('jwt-cold'), s('passport-jwt')),
          (v) => v >= 3,
        ),
      );
    }
    const loop = s('login')?.loopP99;
    checks.push(
      check(
        'event-loop delay p99 < 10 ms during the login storm',
        fw,
        loop?.median ?? null,
        (v) => v < 10,
        (v) => `${v.toFixed(2)} ms (rounds ${loop?.min.toFixed(2)}–${loop?.max.toFixed(2)})`,
      ),
      check(
        'login throughput ≥ 0.9× raw argon2 verify',
        fw,
        ratioOf(s('login'), argon2),
        (v) => v >= 0.9,
      ),
      check(
        'login throttling costs < 5 % of login throughput (on ≥ 0.95× off)',
        fw,
        ratioOf(s('login-throttle-on'), s('login-throttle-off')),
        (v) => v >= 0.95,
      ),
      check(
        'cookie + database on PostgreSQL ≥ 0.6× JWT route',
        fw,
        ratioOf(s('cookie-pg'), s('jwt')),
        (v) => v >= 0.6,
      ),
      check(
        'cookie + Redis ≥ 0.7× JWT route',
        fw,
        ratioOf(s('cookie-redis'), s('jwt')),
        (v) => v >= 0.7,
      ),
    );
  }
  return checks;
}
