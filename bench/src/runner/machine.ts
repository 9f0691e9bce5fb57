import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

/** Where the numbers come from: they are only comparable within one machine and one run. */
export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  os: string;
  /** 1-minute load average when the run started and ended: other work on the machine. */
  loadAverageStart: number;
  loadAverageEnd?: number;
  commit: string | null;
  /** Versions of the frameworks, peers and load generator as installed. */
  packages: Record<string, string>;
}

const BENCH_DIR = fileURLToPath(new URL('../..', import.meta.url));
const PACKAGES = [
  'fastify',
  'express',
  'koa',
  'jose',
  'better-sqlite3',
  'kysely',
  'pg',
  'ioredis',
  'passport-jwt',
  'better-auth',
  'express-session',
  'passport-local',
  'connect-pg-simple',
  '@auth/express',
  '@auth/pg-adapter',
  'autocannon',
];

function installedVersion(name: string): string {
  try {
    const manifest = readFileSync(`${BENCH_DIR}node_modules/${name}/package.json`, 'utf8');
    return (JSON.parse(manifest) as { version: string }).version;
  } catch {
    return 'missing';
  }
}

export function describeMachine(): Machine {
  const git = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    os: `${process.platform} ${release()}`,
    loadAverageStart: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    commit: git.status === 0 ? git.stdout.trim() : null,
    packages: Object.fromEntries(PACKAGES.map((name) => [name, installedVersion(name)])),
  };
}
