/**
 * Where a server's counted instructions went, per request and by function, JavaScript named
 * through V8's map of its compiled code; given two servers, what the first spends that the
 * second does not. Reads the folders `src/tools/instructions.ts --keep DIR` leaves. Ends with the
 * V8 runtime calls of each, which tell a JIT state of one process from the code's own cost.
 *
 *   node --import tsx/esm src/tools/instructions-annotate.ts DIR/koa-jwt [DIR/koa-bare] [--top 40]
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Counted } from '../report/instructions';

interface Symbol {
  start: number;
  end: number;
  name: string;
}

/** `/tmp/perf-<pid>.map` lines: start (hex), size (hex), name; sorted by start. */
function readPerfMap(file: string): Symbol[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const symbols: Symbol[] = [];
  for (const line of text.split('\n')) {
    const match = /^([0-9a-f]+) ([0-9a-f]+) (.*)$/.exec(line);
    if (!match) continue;
    const start = Number.parseInt(match[1] as string, 16);
    symbols.push({
      start,
      end: start + Number.parseInt(match[2] as string, 16),
      name: match[3] as string,
    });
  }
  return symbols.sort((a, b) => a.start - b.start);
}

/** The last symbol starting at or before `address` that still covers it (code is re-logged when moved). */
function nameOf(symbols: readonly Symbol[], address: number): string | undefined {
  let low = 0;
  let high = symbols.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if ((symbols[mid] as Symbol).start <= address) {
      found = mid;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  for (let i = found; i >= 0 && i > found - 64; i--) {
    const symbol = symbols[i] as Symbol;
    if (address < symbol.end) return symbol.name;
  }
  return undefined;
}

/** Instructions per request by function, from the main thread's dump: self or inclusive cost. */
function perFunction(dir: string, inclusive = false): Map<string, number> {
  const { requests } = JSON.parse(readFileSync(join(dir, 'count.json'), 'utf8')) as Counted;
  const annotated = spawnSync(
    'callgrind_annotate',
    [`--inclusive=${inclusive ? 'yes' : 'no'}`, '--threshold=100', join(dir, 'cg.out.1-01')],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (annotated.status !== 0) throw new Error(`callgrind_annotate: ${annotated.stderr}`);
  const symbols = readPerfMap(join(dir, 'perf.map'));
  const costs = new Map<string, number>();
  for (const line of annotated.stdout.split('\n')) {
    const match = /^\s*([\d,]+) \([^)]*\)\s+(.*)$/.exec(line);
    if (!match || match[2]?.startsWith('PROGRAM TOTALS')) continue;
    const count = Number((match[1] as string).replaceAll(',', ''));
    let name = match[2] as string;
    const address = /^\?\?\?:0x([0-9a-f]+) \[\?\?\?\]$/.exec(name);
    if (address) name = nameOf(symbols, Number.parseInt(address[1] as string, 16)) ?? name;
    costs.set(name, (costs.get(name) ?? 0) + count / requests);
  }
  return costs;
}

const RUNTIME = /v8::internal::Runtime_(\w+)\(/;

/**
 * The V8 runtime functions JavaScript called, inclusive instructions per request. JIT-compiled
 * code calls one when it has no fast path for an operation, so one that takes thousands in one
 * count and nearly nothing in a count of a similar server is a JIT state of that process, not
 * code of the route (docs/performance.md#instruction-counts).
 */
function runtimeCalls(dir: string): Map<string, number> {
  const calls = new Map<string, number>();
  for (const [name, cost] of perFunction(dir, true)) {
    const runtime = RUNTIME.exec(name)?.[1];
    if (runtime) calls.set(runtime, (calls.get(runtime) ?? 0) + cost);
  }
  return calls;
}

function writeRuntimeCalls(first: string, second: string | undefined): void {
  const mine = runtimeCalls(first);
  const theirs = second ? runtimeCalls(second) : new Map<string, number>();
  const rows = [...new Set([...mine.keys(), ...theirs.keys()])]
    .map((name) => ({ name, mine: mine.get(name) ?? 0, theirs: theirs.get(name) ?? 0 }))
    .sort((a, b) => Math.max(b.mine, b.theirs) - Math.max(a.mine, a.theirs))
    .slice(0, 8);
  process.stdout.write('\nV8 runtime calls from JavaScript, inclusive instructions per request:\n');
  for (const row of rows) {
    const figures = second
      ? `${Math.round(row.mine).toString().padStart(9)} ${Math.round(row.theirs).toString().padStart(9)}`
      : Math.round(row.mine).toString().padStart(9);
    // Ten times the other count's and above 2,000 a request: most likely a JIT state.
    const lopsided =
      second &&
      Math.abs(row.mine - row.theirs) > 2000 &&
      Math.max(row.mine, row.theirs) > 10 * Math.min(row.mine, row.theirs);
    process.stdout.write(`${figures}  ${row.name}${lopsided ? '  ← in one count only' : ''}\n`);
  }
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '40' } },
  });
  const [first, second] = positionals;
  if (!first) throw new Error('usage: instructions-annotate.ts DIR [OTHER_DIR] [--top N]');
  const top = Number(values.top);
  const costs = perFunction(first);
  const other = second ? perFunction(second) : new Map<string, number>();
  const names = new Set([...costs.keys(), ...other.keys()]);
  const rows = [...names]
    .map((name) => ({ name, delta: (costs.get(name) ?? 0) - (other.get(name) ?? 0) }))
    .sort((a, b) => b.delta - a.delta);
  const total = (map: Map<string, number>): number => [...map.values()].reduce((a, b) => a + b, 0);
  process.stdout.write(
    second
      ? `per request: ${Math.round(total(costs))} against ${Math.round(total(other))} instructions\n`
      : `per request: ${Math.round(total(costs))} instructions\n`,
  );
  for (const { name, delta } of rows.slice(0, top)) {
    process.stdout.write(`${Math.round(delta).toString().padStart(9)}  ${name.slice(0, 160)}\n`);
  }
  if (second) {
    process.stdout.write('…\n');
    for (const { name, delta } of rows.slice(-Math.min(top, 15)).reverse()) {
      process.stdout.write(`${Math.round(delta).toString().padStart(9)}  ${name.slice(0, 160)}\n`);
    }
  }
  writeRuntimeCalls(first, second);
}

main();
