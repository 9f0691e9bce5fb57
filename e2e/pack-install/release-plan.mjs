// The release a `changeset version` would make now, run in a throwaway copy of the repository's
// manifests and changesets (the working tree stays untouched), compared with what the
// changesets ask for. With a `fixed` group every published package takes the largest bump any
// changeset asks for; a larger bump than that (a 0.x minor turning into 1.0.0 because an
// adapter's peer range on core was left) is the mistake this catches. See docs/releasing.md.
//
//   node e2e/pack-install/release-plan.mjs     (exit 1 on an unintended bump)
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ORDER = ['none', 'patch', 'minor', 'major'];

/** Reads `"@portcullis/x": minor` lines of every changeset's frontmatter. */
export function requestedBumps(changesetDir) {
  const bumps = new Map();
  for (const file of readdirSync(changesetDir)) {
    if (!file.endsWith('.md') || file === 'README.md') continue;
    const text = readFileSync(join(changesetDir, file), 'utf8');
    const front = /^---\n([\s\S]*?)\n---/.exec(text)?.[1] ?? '';
    for (const match of front.matchAll(/^\s*["']?([^"':]+)["']?\s*:\s*(major|minor|patch)\s*$/gm)) {
      const [, name, type] = match;
      if (ORDER.indexOf(type) > ORDER.indexOf(bumps.get(name) ?? 'none')) bumps.set(name, type);
    }
  }
  return bumps;
}

/** `version` raised by `type`, as semver does it (0.x stays 0.x unless the bump is major). */
export function increment(version, type) {
  const [major, minor, patch] = version.split('.').map(Number);
  if (type === 'major') return `${major + 1}.0.0`;
  if (type === 'minor') return `${major}.${minor + 1}.0`;
  if (type === 'patch') return `${major}.${minor}.${patch + 1}`;
  return version;
}

function publishedPackages(repo) {
  const out = new Map();
  for (const name of readdirSync(join(repo, 'packages')).sort()) {
    const path = join(repo, 'packages', name, 'package.json');
    if (!existsSync(path)) continue;
    const manifest = JSON.parse(readFileSync(path, 'utf8'));
    if (!manifest.private) out.set(manifest.name, manifest);
  }
  return out;
}

/** Copies what `changeset version` reads and writes: manifests, changelogs, changesets. */
function copyManifests(root, clone) {
  const listed = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  const wanted = listed.stdout
    .split('\n')
    .filter(
      (path) =>
        path.startsWith('.changeset/') ||
        path === 'pnpm-workspace.yaml' ||
        /(^|\/)(package\.json|CHANGELOG\.md)$/.test(path),
    );
  for (const path of wanted) {
    if (!existsSync(join(root, path))) continue; // deleted in the working tree
    mkdirSync(dirname(join(clone, path)), { recursive: true });
    cpSync(join(root, path), join(clone, path));
  }
}

/**
 * Copies `root`'s manifests and changesets (the working tree, uncommitted changes included),
 * runs `changeset version` on the copy with the repository's own changesets CLI, and returns one
 * line per problem (empty when every bump is the intended one).
 */
export function checkReleasePlan(root) {
  const work = mkdtempSync(join(tmpdir(), 'portcullis-release-plan-'));
  const clone = join(work, 'repo');
  try {
    copyManifests(root, clone);
    const before = publishedPackages(clone);
    const requested = requestedBumps(join(clone, '.changeset'));
    let fixed = 'none';
    for (const name of before.keys()) {
      const type = requested.get(name) ?? 'none';
      if (ORDER.indexOf(type) > ORDER.indexOf(fixed)) fixed = type;
    }
    const cli = join(root, 'node_modules', '@changesets', 'cli', 'bin.js');
    const versioned = spawnSync(process.execPath, [cli, 'version'], {
      cwd: clone,
      encoding: 'utf8',
    });
    if (versioned.status !== 0) {
      return [`changeset version failed: ${versioned.stdout}${versioned.stderr}`];
    }
    const after = publishedPackages(clone);
    const problems = [];
    for (const [name, manifest] of before) {
      const expected = increment(manifest.version, fixed);
      const actual = after.get(name)?.version;
      if (actual !== expected) {
        problems.push(
          `${name}: ${manifest.version} → ${actual}, the changesets ask for ${expected}`,
        );
      }
    }
    return problems;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const problems = checkReleasePlan(root);
  for (const problem of problems) process.stdout.write(`FAIL  ${problem}\n`);
  if (problems.length === 0)
    process.stdout.write('ok    changeset version bumps as the changesets ask\n');
  process.exit(problems.length === 0 ? 0 : 1);
}
