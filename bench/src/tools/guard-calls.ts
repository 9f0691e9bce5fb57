/**
 * Instructions per call of `resolveUser` on a JWT guard, in one process: no HTTP, no framework,
 * core's in-memory user store, so the figure is Portcullis' own share of a guarded request
 * (docs/performance.md, "Fewer promises per guarded request"). With `--route`, the call counted
 * is instead `routeNodeRequest` answering `GET /users/me` with the same token, from a stand-in
 * for Node's request object: core's share of the `/users/me` rows, up to the answer an adapter
 * writes. The script runs itself under valgrind's callgrind and counts only the measured calls,
 * after a warm-up; V8 compiles on the main thread (`--no-concurrent-recompilation`), so the
 * warm-up ends with the code that is measured, as in a long-running server.
 *
 *   node --import tsx/esm src/tools/guard-calls.ts [--route] [--calls 50000] [--warmup 30000]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  createAuthBackend,
  createBearerTransport,
  createJwtStrategy,
  createPortcullis,
} from '@portcullis/core';
import { createMemoryUserStore, resolveUser } from '@portcullis/core/adapter';
import { routeNodeRequest } from '@portcullis/core/node';
import { dumpedInstructions } from '../report/instructions';

const CHILD = 'PORTCULLIS_GUARD_CALLS_CHILD';
const SECRET = 'guard-calls-secret-guard-calls-secret';

function control(option: string): void {
  const run = spawnSync('callgrind_control', [option, String(process.pid)], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`callgrind_control ${option}: ${run.stderr || run.stdout}`);
}

/** Under callgrind: the guard, a user and its token, then warm-up and measured calls. */
async function child(calls: number, warmup: number, route: boolean): Promise<void> {
  const users = createMemoryUserStore();
  const strategy = createJwtStrategy({ secret: SECRET, lifetimeSeconds: 3600 });
  const auth = createPortcullis({
    userManager: {
      users,
      resetPasswordToken: { secret: SECRET },
      verificationToken: { secret: SECRET },
    },
    backends: [
      createAuthBackend({
        name: 'jwt',
        transport: createBearerTransport({ tokenUrl: 'auth/jwt/login' }),
        strategy,
      }),
    ],
  });
  const user = await users.create({
    email: 'guard@bench.test',
    hashed_password: 'not-used',
    is_active: true,
    is_verified: true,
    is_superuser: false,
  });
  const headers = { authorization: `Bearer ${await strategy.writeToken(user)}` };
  const guard = auth.currentUser({ active: true });
  const handler = auth.handler([['/users', auth.usersRouter()]]);
  // What `routeNodeRequest` reads of Node's request on a GET: no body stream is touched.
  const req = {
    method: 'GET',
    url: '/users/me',
    headers: { ...headers, host: 'bench.test' },
    socket: { remoteAddress: '127.0.0.1' },
  } as unknown as IncomingMessage;
  const call = route
    ? async () => (await routeNodeRequest(handler, req))?.status === 200
    : async () => (await resolveUser(guard, headers)).ok;
  let ok = 0;
  for (let i = 0; i < warmup; i++) if (await call()) ok++;
  control('--instr=on');
  for (let i = 0; i < calls; i++) if (await call()) ok++;
  control('--instr=off');
  control('--dump');
  if (ok !== warmup + calls) throw new Error(`${warmup + calls - ok} calls found no user`);
}

function main(): void {
  const { values } = parseArgs({
    options: {
      calls: { type: 'string', default: '50000' },
      warmup: { type: 'string', default: '30000' },
      route: { type: 'boolean', default: false },
    },
  });
  const route = values.route === true;
  const calls = Number(values.calls);
  const warmup = Number(values.warmup);
  if (process.env[CHILD]) {
    child(calls, warmup, route).catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'guard-calls-'));
  try {
    const run = spawnSync(
      'valgrind',
      [
        '--tool=callgrind',
        '--instr-atstart=no',
        '--separate-threads=yes',
        `--callgrind-out-file=${join(dir, 'cg.out')}`,
        process.execPath,
        '--no-concurrent-recompilation',
        '--import',
        'tsx/esm',
        fileURLToPath(import.meta.url),
        `--calls=${calls}`,
        `--warmup=${warmup}`,
        ...(route ? ['--route'] : []),
      ],
      { env: { ...process.env, [CHILD]: '1' }, encoding: 'utf8' },
    );
    if (run.status !== 0) throw new Error(`the counted process failed:\n${run.stderr}`);
    // The dump asked for is `cg.out.1`, the main thread's `-01` (as in instructions.ts).
    const total = dumpedInstructions([readFileSync(join(dir, 'cg.out.1-01'), 'utf8')]);
    const what = route ? 'routeNodeRequest, GET /users/me' : 'resolveUser, JWT guard';
    console.log(`${what}: ${Math.round(total / calls)} instructions per call`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
