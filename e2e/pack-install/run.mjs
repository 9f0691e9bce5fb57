#!/usr/bin/env node
// Issue 8: what a user actually installs. Packs every published package, installs the tarballs
// into a fresh npm project outside the repository (so nothing resolves from the workspace), and
// checks, per framework, an ESM and a CommonJS app over real HTTP, a TypeScript consumer
// against the published .d.ts, and a third-party store against the published store suite.
// Each tarball must carry the repository's LICENSE and a README with no relative link (they
// break on npm), and a `changeset version` dry run must bump as the changesets ask
// (release-plan.mjs; docs/releasing.md).
// Run after the build. Node built-ins only; nothing is cached across runs.
//
//   node e2e/pack-install/run.mjs [--keep] [--no-install]   (--no-install: tarball checks only)
import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkReleasePlan } from './release-plan.mjs';

const root = new URL('../..', import.meta.url).pathname;
const fixtures = new URL('./fixtures/', import.meta.url).pathname;
const keep = process.argv.includes('--keep');
const noInstall = process.argv.includes('--no-install');

// Pinned so a run tests our tarballs, not whatever the registry served that day.
const THIRD_PARTY = [
  'fastify@5.12.8',
  'express@5.3.0',
  'koa@3.3.0',
  '@koa/router@15.7.0',
  'kysely@0.28.19',
  'better-sqlite3@12.11.1',
  'typescript@6.0.3',
  'vitest@4.1.12',
  'zod@4.6.7',
  '@types/node@20.19.43',
  // The adapters' .d.ts import these; a TypeScript user installs them alongside.
  '@types/express@5.0.6',
  '@types/koa@3.0.3',
  '@types/better-sqlite3@7.6.13',
];
const FRAMEWORKS = ['fastify', 'express', 'koa'];

const env = { ...process.env };
// better-sqlite3 builds from source here; node-gyp would otherwise download the headers.
if (existsSync('/usr/include/node/node.h')) env.npm_config_nodedir = '/usr';
env.JOBS ??= 'max';

const results = [];
function report(name, ok, detail = '') {
  results.push({ name, ok });
  process.stdout.write(`${ok ? 'ok  ' : 'FAIL'}  ${name}\n`);
  if (!ok && detail) process.stdout.write(`${detail.trimEnd()}\n`);
}

function exec(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

const work = mkdtempSync(join(tmpdir(), 'portcullis-pack-install-'));
const tarballs = join(work, 'tarballs');
const project = join(work, 'project');
mkdirSync(tarballs);
mkdirSync(project);
process.stdout.write(`pack-install: working in ${work}\n`);

try {
  pack();
  checkTarballs();
  releasePlan();
  if (!noInstall && install()) {
    for (const framework of FRAMEWORKS) {
      for (const file of ['app.mjs', 'app.cjs']) await checkApp(framework, file);
    }
    typecheck();
    storeSuite();
  }
} finally {
  if (!keep) rmSync(work, { recursive: true, force: true });
}

const failed = results.filter((r) => !r.ok).length;
process.stdout.write(`pack-install: ${results.length - failed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);

// --- steps ------------------------------------------------------------------------------------

function pack() {
  for (const name of readdirSync(join(root, 'packages')).sort()) {
    const dir = join(root, 'packages', name);
    const manifestPath = join(dir, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    if (manifest.private) continue;
    const { ok, output } = exec('pnpm', ['pack', '--pack-destination', tarballs], dir);
    report(`pack ${manifest.name}`, ok, output);
  }
}

/** LICENSE, the repository's own, in every tarball; README links that work on npm. */
function checkTarballs() {
  const license = readFileSync(join(root, 'LICENSE'), 'utf8');
  for (const file of readdirSync(tarballs)
    .filter((name) => name.endsWith('.tgz'))
    .sort()) {
    const tgz = join(tarballs, file);
    const read = (path) => exec('tar', ['-xzOf', tgz, `package/${path}`], tarballs);
    const shipped = read('LICENSE');
    report(
      `${file} ships the repository's LICENSE`,
      shipped.ok && shipped.output === license,
      shipped.ok ? 'LICENSE differs from the repository root' : shipped.output,
    );
    const readme = read('README.md');
    // A relative link resolves against npmjs.com, not the repository: `../docs/x.md` breaks.
    const relative = readme.ok
      ? [...readme.output.matchAll(/\]\((\.{1,2}\/[^)]*)\)|href="(\.{1,2}\/[^"]*)"/g)].map(
          (match) => match[1] ?? match[2],
        )
      : [];
    report(
      `${file} README has no relative links`,
      readme.ok && relative.length === 0,
      readme.ok ? `relative links: ${relative.join(', ')}` : readme.output,
    );
  }
}

function releasePlan() {
  const problems = checkReleasePlan(root);
  report(
    'changeset version dry run bumps as the changesets ask',
    problems.length === 0,
    problems.join('\n'),
  );
}

function install() {
  writeFileSync(
    join(project, 'package.json'),
    `${JSON.stringify({ name: 'portcullis-consumer', version: '1.0.0', private: true }, null, 2)}\n`,
  );
  // npm runs no install scripts unless allowed; better-sqlite3 needs its native build.
  writeFileSync(join(project, '.npmrc'), 'allow-scripts=better-sqlite3\n');
  for (const file of readdirSync(fixtures)) copyFileSync(join(fixtures, file), join(project, file));
  const packed = readdirSync(tarballs)
    .filter((file) => file.endsWith('.tgz'))
    .map((file) => join(tarballs, file));
  const { ok, output } = exec(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', ...packed, ...THIRD_PARTY],
    project,
  );
  report(
    `npm install ${packed.length} tarballs + ${THIRD_PARTY.length} pinned packages`,
    ok,
    output,
  );
  return ok;
}

async function checkApp(framework, file) {
  const name = `${framework} ${file.endsWith('.mjs') ? 'ESM' : 'CommonJS'} app`;
  const database = join(work, `${framework}-${file}.db`);
  const child = spawn(process.execPath, [file, framework, database], {
    cwd: project,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  try {
    const port = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no `listening` line within 30 s')), 30_000);
      child.stdout.on('data', (chunk) => {
        output += chunk;
        const match = /listening (\d+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`exited with ${code} before listening`));
      });
    });
    await conversation(`http://127.0.0.1:${port}`);
    report(name, true);
  } catch (error) {
    report(name, false, `${error.message}\n${output}`);
  } finally {
    await stop(child);
  }
}

/** SIGTERM, then SIGKILL if the app has not exited after 5 s: no process outlives the run. */
async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Register, log in, read /users/me: the statuses and bodies FastAPI Users answers (see docs/contract/routes.md). */
async function conversation(base) {
  const email = `pack-install-${Date.now()}@example.com`;
  const password = 'correct horse battery staple';
  const register = await fetch(`${base}/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const registered = await register.json();
  expect(register.status === 201, `register: ${register.status} ${JSON.stringify(registered)}`);
  expect(registered.email === email && typeof registered.id === 'string', 'register body');
  expect(!('hashed_password' in registered), 'register body leaks hashed_password');

  const login = await fetch(`${base}/auth/jwt/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: email, password }).toString(),
  });
  const token = await login.json();
  expect(login.status === 200, `login: ${login.status} ${JSON.stringify(token)}`);
  expect(token.token_type === 'bearer' && typeof token.access_token === 'string', 'login body');

  const me = await fetch(`${base}/users/me`, {
    headers: { authorization: `Bearer ${token.access_token}` },
  });
  const user = await me.json();
  expect(me.status === 200, `users/me: ${me.status} ${JSON.stringify(user)}`);
  expect(user.id === registered.id && user.email === email, 'users/me body');

  const anonymous = await fetch(`${base}/users/me`);
  await anonymous.arrayBuffer();
  expect(anonymous.status === 401, `users/me without a token: ${anonymous.status}`);
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

/**
 * tsc with skipLibCheck: @types/koa's own .d.ts breaks when npm hoists content-disposition 2
 * (which ships different types) above it. Our .d.ts still has to resolve for every import the
 * consumer makes, and its `@ts-expect-error` lines fail if any of them degrade to `any`; attw
 * checks the declaration files themselves.
 */
function typecheck() {
  const tsc = join(project, 'node_modules', 'typescript', 'bin', 'tsc');
  const { ok, output } = exec(process.execPath, [tsc, '-p', 'tsconfig.json'], project);
  report('TypeScript consumer (nodenext, ESM and CJS) against the published .d.ts', ok, output);
}

function storeSuite() {
  const vitest = join(project, 'node_modules', 'vitest', 'vitest.mjs');
  const { ok, output } = exec(process.execPath, [vitest, 'run', 'map-store.test.ts'], project);
  // Passing means every case ran; a silently empty run would not prove the kit works.
  const plain = output.replaceAll(String.fromCharCode(27), '').replace(/\[[0-9;]*m/g, '');
  const passed = /Tests\s+(\d+) passed/.exec(plain);
  report(
    `third-party store passes @portcullis/testing storeSuite (${passed?.[1] ?? 0} cases)`,
    ok && Number(passed?.[1] ?? 0) > 0,
    output,
  );
}
