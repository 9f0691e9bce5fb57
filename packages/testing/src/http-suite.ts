import { afterAll, beforeAll, describe, test } from 'vitest';
import { createAbuseFixture } from './http-abuse-fixture';
import { createSuiteFixture, type HttpSuiteApp, type HttpSuiteServer } from './http-app';
import { type CaseContext, createCaseContext, type HttpContractTarget } from './http-case';
import { abuseCases } from './http-cases-abuse';
import { adapterCases } from './http-cases-adapter';
import { bodyCases } from './http-cases-bodies';
import { hostileCases, hostileParsedCases } from './http-cases-hostile';
import { loginCases } from './http-cases-login';
import { mfaCases } from './http-cases-mfa';
import { mountCases } from './http-cases-mount';
import { registerCases } from './http-cases-register';
import { sessionCases } from './http-cases-sessions';
import { tokenCases } from './http-cases-tokens';
import { userCases } from './http-cases-users';
import { checkSkips } from './suite-skips';

/** The FastAPI Users HTTP contract: any app laid out as the demo must pass these (see docs/demo.md). */
const contractCases = [...registerCases, ...loginCases, ...tokenCases, ...userCases];

export type HttpContractCaseId = (typeof contractCases)[number]['id'];
const contractIds: readonly string[] = contractCases.map((c) => c.id);
/** Every case id of the adapter suite, contract cases included. */
export type HttpCaseId =
  | HttpContractCaseId
  | (typeof adapterCases)[number]['id']
  | (typeof abuseCases)[number]['id']
  | (typeof bodyCases)[number]['id']
  | (typeof mountCases)[number]['id']
  | (typeof sessionCases)[number]['id']
  | (typeof hostileCases)[number]['id']
  | (typeof hostileParsedCases)[number]['id']
  | (typeof mfaCases)[number]['id'];

/** Cases a target cannot support, each with the reason, declared before anything runs. */
export type HttpSkips<Id extends string = HttpCaseId> = Readonly<Partial<Record<Id, string>>>;

/** Every case id, in the order the adapter suite runs them. */
export const httpCaseIds: readonly HttpCaseId[] = Object.freeze(
  [
    ...contractCases,
    ...adapterCases,
    ...hostileCases,
    ...bodyCases,
    ...hostileParsedCases,
    ...mountCases,
    ...abuseCases,
    ...mfaCases,
    ...sessionCases,
  ].map((c) => c.id),
);

export interface HttpContractSuiteOptions {
  /** Shown in the suite's title. */
  name: string;
  /** Starts (or finds) the app under test; called once, before the first case. */
  target(): Promise<HttpContractTarget & { close?(): Promise<void> }>;
  skip?: HttpSkips<HttpContractCaseId>;
  /**
   * The app mounts `mfaRouter()` at `/auth/mfa` (the demo does): also run the HTTP-MFA cases,
   * on the same app. Default false.
   */
  mfa?: boolean;
  /**
   * Milliseconds each case and the start-up may take (default: vitest's), for targets whose
   * `createUser` or start spawns a process.
   */
  timeout?: number;
}

export interface HttpAdapterSuiteOptions {
  /** Shown in the suite's title, e.g. `Express`. */
  name: string;
  /**
   * Builds the app `app` describes with the adapter under test and starts it on port 0. Called
   * once per app variant (root mount, host body parsers, `/api` mount), only when one of that
   * variant's cases runs.
   */
  start(app: HttpSuiteApp): Promise<HttpSuiteServer>;
  skip?: HttpSkips;
  /** Milliseconds each case and each start may take (default: vitest's). */
  timeout?: number;
}

type Running<C = CaseContext> = { context: C; close?(): Promise<void> };

/** One describe block over one running app; it starts only if some case is not skipped. */
function group<C = CaseContext>(
  title: string,
  cases: readonly { id: string; title: string; run(context: C): Promise<void> }[],
  options: { skip: HttpSkips<string>; timeout?: number },
  start: () => Promise<Running<C>>,
): void {
  const { skip, timeout } = options;
  describe(title, () => {
    let running: Running<C> | undefined;
    if (cases.some((c) => skip[c.id] === undefined)) {
      beforeAll(async () => {
        running = await start();
      }, timeout);
      afterAll(async () => {
        await running?.close?.();
      });
    }
    for (const c of cases) {
      const reason = skip[c.id];
      if (reason !== undefined) {
        test.skip(`${c.id} ${c.title} (declared skip: ${reason})`, () => undefined);
        continue;
      }
      test(`${c.id} ${c.title}`, { timeout }, async () => {
        if (!running) throw new Error('the app under test did not start');
        await c.run(running.context);
      });
    }
  });
}

/**
 * The FastAPI Users HTTP contract over real HTTP, against any running app laid out as the demo
 * (docs/demo.md: `/auth/jwt`, `/auth/cookie`, `/auth`, `/users`, the demo's password policy, and
 * `{"detail":"Not Found"}` for unknown paths). Use it for a deployed app or a demo process;
 * framework adapters run `httpAdapterSuite`, which includes it.
 *
 * @example
 * ```ts
 * httpContractSuite({
 *   name: 'demo',
 *   target: async () => ({ url: demo.url, lastToken: demo.lastToken, createUser: demo.createUser }),
 * });
 * ```
 */
export function httpContractSuite(options: HttpContractSuiteOptions): void {
  const skip = options.skip ?? {};
  checkSkips('HTTP', contractIds, skip);
  const settings = { skip, timeout: options.timeout };
  const cases = options.mfa ? [...contractCases, ...mfaCases] : contractCases;
  group(`Portcullis HTTP contract: ${options.name}`, cases, settings, async () => {
    const target = await options.target();
    return { context: createCaseContext(target), close: target.close };
  });
}

/**
 * The conformance suite for a framework adapter: the whole FastAPI Users contract plus what only an
 * adapter decides (several `Set-Cookie` headers, pass-through of unknown paths, HEAD, the user
 * its guard sets, hook errors reaching the app's error handler, bodies the app parsed first,
 * mounting below a prefix, the client's address reaching login throttling and the per-address
 * budget, sessions and refresh cookies), over real HTTP. The suite brings the Portcullis instance; `start`
 * wires it into a framework app and listens on port 0.
 *
 * @example
 * ```ts
 * httpAdapterSuite({
 *   name: 'Express',
 *   async start(app) {
 *     const server = express();
 *     if (app.parseBodies) server.use(express.json(), express.urlencoded());
 *     server.use(app.mountPath || '/', portcullis({ portcullis: app.portcullis, routes: app.routes }));
 *     for (const route of app.guardedRoutes) {
 *       server.get(route.path, requireUser(app.portcullis, route.options), (req, res) => {
 *         res.json(app.userBody(req.user));
 *       });
 *     }
 *     server.get(app.passThroughPath, (_req, res) => res.json(app.passThroughBody));
 *     server.use((_req, res) => res.status(404).json(app.notFoundBody));
 *     server.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
 *       const { status, body } = app.errorResponse(error);
 *       res.status(status).json(body);
 *     });
 *     return serveNode(server);
 *   },
 * });
 * ```
 */
export function httpAdapterSuite(options: HttpAdapterSuiteOptions): void {
  const skip = options.skip ?? {};
  checkSkips('HTTP', httpCaseIds, skip);
  const fixture = createSuiteFixture();
  const variant = (mountPath: string, parseBodies: boolean) => async (): Promise<Running> => {
    const server = await options.start(fixture.app({ mountPath, parseBodies }));
    return {
      context: createCaseContext(fixture.target(server.url), mountPath),
      close: () => server.close(),
    };
  };
  describe(`Portcullis HTTP adapter suite: ${options.name}`, () => {
    const settings = { skip, timeout: options.timeout };
    const root = [...contractCases, ...adapterCases, ...hostileCases, ...mfaCases];
    const parsed = [...bodyCases, ...hostileParsedCases];
    group('on the root, raw bodies', root, settings, variant('', false));
    group("behind the app's own body parsers", parsed, settings, variant('', true));
    group('mounted below /api', mountCases, settings, variant('/api', false));
    group('with login throttling and per-address limits on', abuseCases, settings, async () => {
      const abuse = createAbuseFixture();
      const server = await options.start(abuse.app());
      return { context: abuse.context(server.url), close: () => server.close() };
    });
    group('sessions and refresh tokens', sessionCases, settings, variant('', false));
  });
}
