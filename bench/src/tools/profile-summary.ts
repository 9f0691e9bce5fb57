/**
 * Prints where a `.cpuprofile` (from `pnpm bench --cpu-prof DIR`) spends its time: self time
 * by function and by package, the quickest way to see what a guard costs.
 *
 *   node --import tsx/esm src/tools/profile-summary.ts DIR/fastify-jwt-….cpuprofile [top]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** `packages/core/src/jwt.ts` → `core`, `node_modules/.pnpm/jose@…/` → `jose`. */
function packageOf(url: string): string {
  if (url === '') return '(native)';
  const store = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (store) return store[1] as string;
  const workspace = /\/packages\/([^/]+)\//.exec(url);
  if (workspace) return `@portcullis/${workspace[1]}`;
  if (url.startsWith('node:')) return 'node';
  return url.includes('/bench/') ? 'bench' : url;
}

function main(): void {
  const [file, topArg] = process.argv.slice(2);
  if (!file) throw new Error('usage: profile-summary.ts FILE.cpuprofile [top]');
  const top = Number(topArg ?? 25);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfTime = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const total = [...selfTime.values()].reduce((a, b) => a + b, 0);
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  for (const [id, time] of selfTime) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    const where = frame.url.replace(
      /^.*\/(node_modules\/\.pnpm\/[^/]+\/node_modules\/|packages\/)/,
      '',
    );
    const key = `${frame.functionName || '(anonymous)'}  ${where}:${frame.lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + time);
    const pkg = packageOf(frame.url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + time);
  }
  const print = (title: string, entries: Map<string, number>, limit: number): void => {
    process.stdout.write(`\n${title}\n`);
    for (const [key, time] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, limit)) {
      process.stdout.write(`${((time / total) * 100).toFixed(1).padStart(5)}%  ${key}\n`);
    }
  };
  process.stdout.write(`${file}: ${(total / 1e6).toFixed(1)} s sampled\n`);
  print('self time by package', byPackage, 15);
  print('self time by function', byFunction, top);
}

main();
