#!/usr/bin/env node
// The two commands a fresh clone needs: `npm start` (install, build, run the Fastify demo) and
// `npm test` (services, install, build, lint, typecheck, tests; ends with `N passed, N failed`).
// Runs before anything is installed, so it may use Node built-ins only.
//
//   node scripts/bootstrap.mjs start|test
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PNPM_VERSION = '12.4.2';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const reportDir = join(root, '.reports');

const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', COREPACK_ENABLE_STRICT: '0' };
// better-sqlite3 builds from source; node-gyp would otherwise download headers.
if (existsSync('/usr/include/node/node.h')) env.npm_config_nodedir = '/usr';

const log = (message) => process.stderr.write(`[bootstrap] ${message}\n`);
const banner = (title) => process.stdout.write(`\n=== ${title} ===\n`);

// --- child processes -----------------------------------------------------------------------

/** The child currently running; SIGINT/SIGTERM/SIGHUP are forwarded to it. */
let current = null;
/** Set once we were asked to stop; `test` then skips the remaining steps. */
let interrupted = null;
const lastForwarded = new Map();

function onSignal(signal) {
  interrupted ??= signal;
  const child = current?.child;
  const running =
    child &&
    (current.group ? groupAlive(child.pid) : child.exitCode === null && child.signalCode === null);
  if (!running) {
    exitLike({ code: null, signal });
    return;
  }
  // Ctrl-C reaches us both from the terminal and from npm: pass each signal on once.
  if (Date.now() - (lastForwarded.get(signal) ?? 0) < 500) return;
  lastForwarded.set(signal, Date.now());
  signalChild(current, signal);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => onSignal(signal));

// `npm start` runs us under `sh -c`; a SIGTERM sent to npm alone kills that shell and leaves
// us (and the demo) orphaned. Losing our parent therefore counts as a SIGTERM.
const parent = process.ppid;
const watchdog = setInterval(() => {
  if (process.ppid === parent) return;
  clearInterval(watchdog);
  log('parent process exited; stopping');
  onSignal('SIGTERM');
}, 500);
watchdog.unref();

function signalChild({ child, group }, signal) {
  try {
    // A group child gets the signal on its whole process group: pnpm does not pass SIGTERM on
    // to the script it runs, so signalling pnpm alone would orphan the demo server.
    if (group) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    // Already gone.
  }
}

const groupAlive = (pid) => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** After a group child's leader exits, give the rest of its group a moment, then kill it. */
async function reapGroup(pid, graceMs = 10_000) {
  const deadline = Date.now() + graceMs;
  while (groupAlive(pid) && Date.now() < deadline) {
    await new Promise((done) => setTimeout(done, 100));
  }
  if (groupAlive(pid)) {
    log('the demo left processes behind; killing them');
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/** Exit the way the child did: same code, or the same signal (so shells see 130/143). */
function exitLike({ code, signal }) {
  if (signal) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
    process.exit(128 + (constants.signals[signal] ?? 1));
  }
  process.exit(code ?? 1);
}

/**
 * Runs a command with inherited stdio, or with `capture` mirrors its output while keeping a
 * copy. With `group` the child leads its own process group, which gets forwarded signals and
 * is reaped when the child exits (stdin is then closed: a background group must not read the
 * terminal). Resolves `{ code, signal, output }`; never rejects (a spawn error is code 127).
 */
function run(command, args, { capture = false, group = false, extraEnv = {} } = {}) {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, {
      cwd: root,
      env: { ...env, ...extraEnv },
      detached: group,
      stdio: [
        group ? 'ignore' : 'inherit',
        capture ? 'pipe' : 'inherit',
        capture ? 'pipe' : 'inherit',
      ],
    });
    const entry = { child, group };
    current = entry;
    let output = '';
    if (capture) {
      child.stdout.on('data', (chunk) => {
        output += chunk;
        process.stdout.write(chunk);
      });
      child.stderr.on('data', (chunk) => {
        output += chunk;
        process.stderr.write(chunk);
      });
    }
    let settled = false;
    const settle = async (result) => {
      if (settled) return;
      settled = true;
      if (group && child.pid) await reapGroup(child.pid);
      if (current === entry) current = null;
      resolvePromise({ ...result, output });
    };
    child.on('error', (error) => {
      log(`could not run ${command}: ${error.message}`);
      void settle({ code: 127, signal: null });
    });
    child.on('close', (code, signal) => void settle({ code, signal }));
  });
}

// --- pnpm ------------------------------------------------------------------------------------

/** The version of the `pnpm` on PATH, asked from outside the repo so `packageManager` can't switch it. */
function pnpmVersion() {
  const result = spawnSync('pnpm', ['--version'], { cwd: tmpdir(), env, encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : null;
}

async function ensurePnpm() {
  const found = pnpmVersion();
  if (found === PNPM_VERSION) return true;
  log(
    found
      ? `pnpm ${found} is on PATH; installing pnpm@${PNPM_VERSION}`
      : `pnpm is not on PATH; installing pnpm@${PNPM_VERSION}`,
  );
  const install = await run('npm', ['install', '--global', `pnpm@${PNPM_VERSION}`]);
  if (install.code !== 0) {
    log(
      `npm install --global pnpm@${PNPM_VERSION} failed (exit ${install.code ?? install.signal})`,
    );
    return false;
  }
  let now = pnpmVersion();
  if (now !== PNPM_VERSION) {
    // npm's global bin folder may simply not be on PATH yet.
    const prefix = spawnSync('npm', ['prefix', '--global'], {
      env,
      encoding: 'utf8',
    }).stdout?.trim();
    if (prefix) {
      env.PATH = [join(prefix, 'bin'), env.PATH].filter(Boolean).join(delimiter);
      now = pnpmVersion();
      if (now === PNPM_VERSION)
        log(`pnpm ${PNPM_VERSION} is in ${join(prefix, 'bin')}; add it to PATH`);
    }
  }
  if (now !== PNPM_VERSION) {
    log(`expected pnpm ${PNPM_VERSION} on PATH after installing it, found ${now ?? 'none'}`);
    return false;
  }
  return true;
}

async function install() {
  // A bootstrap has nobody to answer pnpm's "remove node_modules?" question.
  const common = ['install', '--config.confirm-modules-purge=false'];
  const frozen = await run('pnpm', [...common, '--frozen-lockfile'], { capture: true });
  if (frozen.code === 0 || frozen.signal) return frozen;
  if (!/ERR_PNPM_(OUTDATED_LOCKFILE|LOCKFILE_CONFIG_MISMATCH)/.test(frozen.output)) return frozen;
  log('WARNING: pnpm-lock.yaml is out of date with package.json; installing without');
  log('--frozen-lockfile. Commit the updated pnpm-lock.yaml.');
  // CI=true makes a bare `pnpm install` frozen too, hence the explicit flag.
  return run('pnpm', [...common, '--no-frozen-lockfile']);
}

const build = () =>
  run('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=./packages/*', '--ui=stream']);

// --- npm start -------------------------------------------------------------------------------

async function start() {
  if (!(await ensurePnpm())) process.exit(1);
  for (const [name, step] of [
    ['install', install],
    ['build', build],
  ]) {
    banner(name);
    const result = await step();
    if (interrupted) exitLike({ code: null, signal: interrupted });
    if (result.code !== 0 || result.signal) {
      log(`${name} failed (${describe(result)}); not starting the demo`);
      exitLike(result.signal ? result : { code: result.code });
    }
  }
  banner('examples/fastify');
  // The demo reads PORT, HOST, DATABASE_URL, SECRET, OUTBOX, REDIS_URL, OIDC_*, PUBLIC_URL
  // itself, straight from the inherited environment.
  exitLike(await run('pnpm', ['--dir', 'examples/fastify', 'start'], { group: true }));
}

// --- npm test --------------------------------------------------------------------------------

/** Workspace packages (not the root) whose package.json has a `test` script. */
function packagesWithTests() {
  const listed = spawnSync('pnpm', ['ls', '--recursive', '--depth', '-1', '--json'], {
    cwd: root,
    env,
    encoding: 'utf8',
  });
  let dirs;
  try {
    dirs = JSON.parse(listed.stdout).map((project) => project.path);
  } catch {
    // Fallback: the `dir/*` globs of pnpm-workspace.yaml.
    const yaml = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8');
    dirs = [...yaml.matchAll(/^\s*-\s*['"]?([\w./-]+)\/\*['"]?\s*$/gm)].flatMap(([, base]) => {
      const parent = join(root, base);
      return existsSync(parent) ? readdirSync(parent).map((entry) => join(parent, entry)) : [];
    });
  }
  return dirs
    .filter((dir) => resolve(dir) !== root && existsSync(join(dir, 'package.json')))
    .flatMap((dir) => {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      return manifest.scripts?.test
        ? [{ dir, name: manifest.name, report: reportName(dir, manifest.name) }]
        : [];
    });
}

/** The report name a package passes to `vitestConfig('<name>')`, else its unscoped name. */
function reportName(dir, packageName) {
  for (const file of [
    'vitest.config.ts',
    'vitest.config.mts',
    'vitest.config.js',
    'vitest.config.mjs',
  ]) {
    const path = join(dir, file);
    if (!existsSync(path)) continue;
    const match = /vitestConfig\(\s*['"`]([^'"`]+)['"`]/.exec(readFileSync(path, 'utf8'));
    if (match) return match[1];
  }
  return String(packageName).replace(/^@[^/]+\//, '');
}

/** Sums the vitest JSON reports; a package that should have reported and didn't is one failure. */
function collectReports(testResult) {
  const rows = [];
  const found = new Map();
  if (existsSync(reportDir)) {
    for (const file of readdirSync(reportDir)
      .filter((entry) => entry.endsWith('.json'))
      .sort()) {
      const name = file.slice(0, -'.json'.length);
      try {
        found.set(name, JSON.parse(readFileSync(join(reportDir, file), 'utf8')));
      } catch (error) {
        found.set(name, { unreadable: error.message });
      }
    }
  }
  const expected = packagesWithTests();
  for (const [name, report] of found) {
    if (report.unreadable) {
      rows.push({
        name,
        passed: 0,
        failed: 1,
        skipped: 0,
        note: `unreadable report: ${report.unreadable}`,
      });
      continue;
    }
    const passed = report.numPassedTests ?? 0;
    const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    let failed = report.numFailedTests ?? 0;
    const notes = [];
    // A file that failed to load (syntax error, a throw at import, a failing beforeAll with no
    // test reached) fails no test, so it counts as one failure of its own.
    const brokenFiles = (report.testResults ?? []).filter(
      (file) =>
        file.status === 'failed' &&
        !(file.assertionResults ?? []).some((test) => test.status === 'failed'),
    ).length;
    if (brokenFiles > 0) {
      failed += brokenFiles;
      notes.push(`${brokenFiles} test file(s) failed outside any test`);
    }
    if (report.success === false && failed === 0) {
      // No test files, or an unhandled error: vitest says red, yet no test failed.
      failed = 1;
      notes.push(
        (report.numTotalTests ?? 0) === 0 ? 'no tests ran' : 'run failed outside any test',
      );
    }
    const note = notes.join('; ');
    rows.push({ name, passed, failed, skipped, note });
  }
  for (const pkg of expected) {
    if (!found.has(pkg.report)) {
      rows.push({
        name: pkg.report,
        passed: 0,
        failed: 1,
        skipped: 0,
        note: `no report from ${pkg.name} (crashed or never ran)`,
      });
    }
  }
  const failedSoFar = rows.reduce((sum, row) => sum + row.failed, 0);
  if (testResult.code !== 0 && failedSoFar === 0) {
    rows.push({
      name: 'turbo',
      passed: 0,
      failed: 1,
      skipped: 0,
      note: `exited ${describe(testResult)} with every report green`,
    });
  }
  return rows;
}

function describe({ code, signal }) {
  if (signal) return `killed by ${signal}`;
  return code === 0 ? 'ok' : `exit ${code}`;
}

const plural = (n, word) => `${n} ${word}`;
const totalsLine = ({ passed, failed, skipped }) =>
  `${plural(passed, 'passed')}, ${plural(failed, 'failed')}${skipped > 0 ? `, ${plural(skipped, 'skipped')}` : ''}`;

async function test() {
  const steps = [];
  const started = Date.now();
  const record = (name, result, extra = {}) => {
    const exitOk = result.code === 0 && !result.signal;
    const step = {
      name,
      status: describe(result),
      passed: 0,
      failed: exitOk ? 0 : 1,
      skipped: 0,
      ...extra,
    };
    step.ok = exitOk && step.failed === 0;
    steps.push(step);
    return step;
  };
  const timed = async (name, fn) => {
    banner(name);
    const t0 = Date.now();
    const result = await fn();
    return { ...result, seconds: (Date.now() - t0) / 1000 };
  };

  let usable = true; // false once there is no node_modules to run the rest with
  const pnpmOk = await ensurePnpm();
  if (!pnpmOk) {
    record('pnpm', { code: 1 });
    usable = false;
  }

  const plan = [
    ['services', () => run('bash', [join('scripts', 'services.sh')])],
    ['install', install],
    ['build', build],
    ['packages', () => run('node', [join('scripts', 'check-packages.mjs')])],
    ['pack-install', () => run('node', [join('e2e', 'pack-install', 'run.mjs')])],
    ['changesets', () => run('node', [join('scripts', 'check-changesets.mjs')])],
    ['lint', () => run('pnpm', ['exec', 'biome', 'check', '.'])],
    [
      'typecheck',
      () => run('pnpm', ['exec', 'turbo', 'run', 'typecheck', '--continue', '--ui=stream']),
    ],
    [
      'test',
      () => {
        rmSync(reportDir, { recursive: true, force: true });
        return run(
          'pnpm',
          ['exec', 'turbo', 'run', 'test', '--concurrency=1', '--continue', '--ui=stream'],
          {
            extraEnv: { PORTCULLIS_REPORT_DIR: reportDir },
          },
        );
      },
    ],
  ];

  for (const [name, fn] of plan) {
    const needsPnpm = name !== 'services';
    if (interrupted || (needsPnpm && !usable)) {
      steps.push({
        name,
        ok: false,
        status: interrupted ? `not run (${interrupted})` : 'not run',
        passed: 0,
        failed: 0,
        skipped: 0,
      });
      continue;
    }
    const result = await timed(name, fn);
    if (name === 'test' && !result.signal) {
      const rows = collectReports(result);
      const sum = (key) => rows.reduce((total, row) => total + row[key], 0);
      record(name, result, {
        rows,
        passed: sum('passed'),
        failed: sum('failed'),
        skipped: sum('skipped'),
        seconds: result.seconds,
      });
    } else {
      record(name, result, { seconds: result.seconds });
    }
    if (name === 'install' && result.code !== 0) usable = false;
  }
  if (interrupted) {
    // Whatever had passed so far, a run that was stopped is not green.
    steps.push({
      name: 'stopped',
      ok: false,
      status: `by ${interrupted}`,
      passed: 0,
      failed: 1,
      skipped: 0,
    });
  }

  const totals = {
    passed: steps.reduce((sum, step) => sum + step.passed, 0),
    failed: steps.reduce((sum, step) => sum + step.failed, 0),
    skipped: steps.reduce((sum, step) => sum + step.skipped, 0),
  };

  const out = [];
  out.push('', `=== summary (${Math.round((Date.now() - started) / 1000)}s) ===`);
  for (const step of steps) {
    const time = step.seconds === undefined ? '' : ` ${step.seconds.toFixed(1)}s`;
    const counts = step.rows
      ? `  ${totalsLine(step)}`
      : step.ok
        ? ''
        : step.failed
          ? '  counts as 1 failed'
          : '';
    out.push(
      `${step.ok ? 'ok  ' : step.failed ? 'FAIL' : ' -- '}  ${step.name.padEnd(10)} ${step.status}${time}${counts}`,
    );
    for (const row of step.rows ?? []) {
      out.push(
        `        ${row.name.padEnd(20)} ${totalsLine(row)}${row.note ? `  (${row.note})` : ''}`,
      );
    }
  }
  out.push(totalsLine(totals));
  process.stdout.write(`${out.join('\n')}\n`);

  if (interrupted) exitLike({ code: null, signal: interrupted });
  process.exit(totals.failed > 0 || steps.some((step) => !step.ok) ? 1 : 0);
}

// --- main ------------------------------------------------------------------------------------

const command = process.argv[2];
if (command === 'start') await start();
else if (command === 'test') await test();
else {
  process.stderr.write('usage: node scripts/bootstrap.mjs start|test\n');
  process.exit(2);
}
