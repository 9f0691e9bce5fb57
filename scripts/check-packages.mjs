#!/usr/bin/env node
// Checks every published package the way a registry user meets it: publint --strict (package.json
// and files) and attw --pack (types resolve under node16 ESM and CJS and bundlers). Run after the
// build; exits non-zero when any check fails.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const packagesDir = join(root, 'packages');
const failures = [];
for (const name of readdirSync(packagesDir).sort()) {
  const dir = join(packagesDir, name);
  const manifestPath = join(dir, 'package.json');
  if (!existsSync(manifestPath)) continue;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  if (manifest.private) continue;
  // Pack once; both tools read the same tarball a registry would serve.
  const out = mkdtempSync(join(tmpdir(), 'portcullis-pack-'));
  const packed = spawnSync('pnpm', ['pack', '--pack-destination', out], {
    cwd: dir,
    encoding: 'utf8',
  });
  const tarball = readdirSync(out).find((file) => file.endsWith('.tgz'));
  if (packed.status !== 0 || !tarball) {
    failures.push(`${manifest.name} pack`);
    process.stdout.write(`FAIL  ${manifest.name} pack\n${packed.stdout}${packed.stderr}\n`);
    continue;
  }
  const tgz = join(out, tarball);
  for (const [tool, args] of [
    ['publint', ['exec', 'publint', tgz, '--strict']],
    // node10 cannot resolve subpath exports at all, and Node < 20.19 is not supported.
    ['attw', ['exec', 'attw', tgz, '--profile', 'node16', '--format', 'table-flipped']],
  ]) {
    const result = spawnSync('pnpm', args, { cwd: dir, encoding: 'utf8' });
    const ok = result.status === 0;
    process.stdout.write(`${ok ? 'ok  ' : 'FAIL'}  ${manifest.name} ${tool}\n`);
    if (!ok) {
      failures.push(`${manifest.name} ${tool}`);
      process.stdout.write(`${result.stdout}${result.stderr}\n`);
    }
  }
  rmSync(out, { recursive: true, force: true });
}
if (failures.length > 0) {
  process.stderr.write(`package checks failed: ${failures.join(', ')}\n`);
  process.exit(1);
}
