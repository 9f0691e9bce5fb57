import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';

/** What import-probe.mjs reports for one step. */
interface Loaded {
  addons: string[];
  required: string[];
  lookedUp: string[];
  imported: string[];
  newlyLoaded: string[];
}

interface ProbeReport {
  import: Loaded;
  create: Loaded;
  hash: Loaded & { value: string };
}

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** A fresh Node process imports the built package, as an app would: never the sources. */
async function probe(build: 'esm' | 'cjs'): Promise<ProbeReport> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', './import-preload.mjs', './import-probe.mjs', build],
    { cwd: fixtures, encoding: 'utf8' },
  );
  return JSON.parse(stdout) as ProbeReport;
}

const nothing: Loaded = { addons: [], required: [], lookedUp: [], imported: [], newlyLoaded: [] };

describe.each(['esm', 'cjs'] as const)('importing the built @portcullis/core (%s)', (build) => {
  test('loads no native addon and no Node built-in; the first hash() loads argon2 only', async () => {
    const report = await probe(build);
    // Nothing at import: edge runtimes (workerd, Vercel Edge) have neither addons nor node:*.
    expect(report.import).toEqual(nothing);
    // Creating the default hasher stays synchronous and loads no addon (it reads the core count).
    expect(report.create.addons).toEqual([]);
    expect(report.create.imported).toEqual([]);
    // The first hash loads @node-rs/argon2's addon, and nothing of bcrypt.
    expect(report.hash.addons).toHaveLength(1);
    expect(report.hash.addons[0]).toMatch(/argon2[^/]*\.node$/);
    expect(report.hash.value).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });
});
