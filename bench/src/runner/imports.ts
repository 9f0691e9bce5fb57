/**
 * What importing Portcullis costs an app's start-up: each package (compiled, from `dist`) and
 * each heavy dependency imported alone, and per framework "core + adapter + sql" on top of the
 * framework and kysely, every probe in a fresh plain-Node process (no tsx), the rounds
 * interleaved like the HTTP scenarios'.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Framework } from '../config';

const BENCH_DIR = fileURLToPath(new URL('../..', import.meta.url));
const PACKAGES_DIR = fileURLToPath(new URL('../../../packages/', import.meta.url));

/** One import measurement: these modules imported in order, in a fresh process. */
export interface ImportProbe {
  id: string;
  /** Module specifiers, imported one after the other. */
  modules: readonly string[];
  /**
   * Where they resolve from: the bench (which depends on every Portcullis package and
   * framework), or a package's folder for that package's own dependencies (zod, mongodb …).
   */
  from: 'bench' | 'core' | 'mongodb';
  group: 'portcullis' | 'dependency' | 'app';
}

const ADAPTER: Record<Framework, string> = {
  fastify: '@portcullis/fastify',
  koa: '@portcullis/koa',
  express: '@portcullis/express',
};

/** The framework and kysely alone: what any app on that stack imports anyway. */
export const aloneId = (fw: Framework): string => `${fw} + kysely`;
/** The same plus Portcullis: core, the adapter, the SQL stores. */
export const withId = (fw: Framework): string => `${fw} + kysely + core + ${ADAPTER[fw]} + sql`;

/** Every probe, in the order of a round. */
export function importProbes(frameworks: readonly Framework[]): ImportProbe[] {
  const portcullis = [
    '@portcullis/core',
    '@portcullis/core/node',
    '@portcullis/core/adapter',
    '@portcullis/fastify',
    '@portcullis/koa',
    '@portcullis/express',
    '@portcullis/sql',
    '@portcullis/redis',
    '@portcullis/mongodb',
  ].map((name): ImportProbe => ({ id: name, modules: [name], from: 'bench', group: 'portcullis' }));
  const fromCore = ['jose', 'zod', '@node-rs/argon2', '@node-rs/bcrypt'];
  const fromBench = ['kysely', 'fastify', 'koa', 'express', 'ioredis'];
  const dependencies = [
    ...fromCore.map(
      (name): ImportProbe => ({ id: name, modules: [name], from: 'core', group: 'dependency' }),
    ),
    ...fromBench.map(
      (name): ImportProbe => ({ id: name, modules: [name], from: 'bench', group: 'dependency' }),
    ),
    { id: 'mongodb', modules: ['mongodb'], from: 'mongodb', group: 'dependency' } as ImportProbe,
  ];
  const apps = frameworks.flatMap((fw): ImportProbe[] => [
    { id: aloneId(fw), modules: [fw, 'kysely'], from: 'bench', group: 'app' },
    {
      id: withId(fw),
      modules: [fw, 'kysely', '@portcullis/core', ADAPTER[fw], '@portcullis/sql'],
      from: 'bench',
      group: 'app',
    },
  ]);
  return [...portcullis, ...dependencies, ...apps];
}

/** One probe's figures over the rounds. */
export interface ImportSample {
  id: string;
  group: ImportProbe['group'];
  /** Milliseconds from the first `import()` to the last one's settling, one per round. */
  importMs: number[];
  /**
   * CPU time of the process over the same span (every thread), one per round: what the
   * imports cost, which a busy machine inflates much less than their wall time.
   */
  cpuMs: number[];
  /** Milliseconds from spawn to exit of the whole process (Node's own start-up included). */
  processMs: number[];
  error?: string;
}

/** The probe's program: imports in order, prints how long they took and the CPU they used. */
function program(modules: readonly string[]): string {
  return [
    'const started = performance.now();',
    'const cpu = process.cpuUsage();',
    `for (const name of ${JSON.stringify(modules)}) await import(name);`,
    'const used = process.cpuUsage(cpu);',
    'const ms = performance.now() - started;',
    'process.stdout.write(JSON.stringify({ ms, cpuMs: (used.user + used.system) / 1000 }));',
  ].join('\n');
}

interface ProbeRun {
  importMs: number;
  cpuMs: number;
  processMs: number;
}

function runProbe(probe: ImportProbe, core: number | null): Promise<ProbeRun> {
  const cwd = probe.from === 'bench' ? BENCH_DIR : `${PACKAGES_DIR}${probe.from}`;
  const node = [process.execPath, '--input-type=module', '-e', program(probe.modules)];
  const [command, ...args] = core === null ? node : ['taskset', '-c', String(core), ...node];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command as string, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err = (err + chunk.toString()).slice(-2000);
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      const processMs = performance.now() - started;
      if (code !== 0) {
        reject(new Error(`exited ${code}: ${err.trim().split('\n').slice(-3).join(' ')}`));
        return;
      }
      try {
        const answer = JSON.parse(out) as { ms: number; cpuMs: number };
        resolve({ importMs: answer.ms, cpuMs: answer.cpuMs, processMs });
      } catch {
        reject(new Error(`unreadable answer: ${out.slice(0, 200)}`));
      }
    });
  });
}

export interface ImportOptions {
  frameworks: readonly Framework[];
  /** Measured rounds; every probe runs once per round. */
  rounds: number;
  /** One unmeasured round first, so every file is in the page cache for all probes alike. */
  warm: boolean;
  core: number | null;
  /**
   * Probes run at once (default 1). Only for checks that measure nothing (the CI smoke test):
   * concurrent probes slow each other down.
   */
  parallel?: number;
  log(line: string): void;
}

/**
 * Runs every probe `rounds` times, interleaved (A B C … A B C …).
 *
 * @example
 * ```ts
 * const samples = await measureImports({ frameworks: ['fastify'], rounds: 7, warm: true, core: 0, log });
 * ```
 */
export async function measureImports(options: ImportOptions): Promise<ImportSample[]> {
  const probes = importProbes(options.frameworks);
  const samples = probes.map(
    (probe): ImportSample => ({
      id: probe.id,
      group: probe.group,
      importMs: [],
      cpuMs: [],
      processMs: [],
    }),
  );
  const total = options.rounds + (options.warm ? 1 : 0);
  for (let round = 0; round < total; round++) {
    const measured = !options.warm || round > 0;
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < probes.length) {
        const i = next++;
        const [probe, sample] = [probes[i] as ImportProbe, samples[i] as ImportSample];
        if (sample.error) continue;
        try {
          const run = await runProbe(probe, options.core);
          if (measured) {
            sample.importMs.push(Math.round(run.importMs * 10) / 10);
            sample.cpuMs.push(Math.round(run.cpuMs * 10) / 10);
            sample.processMs.push(Math.round(run.processMs * 10) / 10);
          }
        } catch (error) {
          sample.error = error instanceof Error ? error.message : String(error);
          options.log(`import ${probe.id}: FAILED ${sample.error}`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, options.parallel ?? 1) }, lane));
  }
  return samples;
}
