#!/usr/bin/env node
// Every commit that changes a published package's source must add a changeset. Checked for each
// commit since the last release tag, or for the last commit when nothing was released yet.
import { execFileSync } from 'node:child_process';

const git = (...args) =>
  execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
const lines = (text) => text.split('\n').filter(Boolean);

let commits;
try {
  const tag = git('describe', '--tags', '--abbrev=0', '--match', '*@*');
  commits = lines(git('rev-list', '--no-merges', `${tag}..HEAD`));
} catch {
  commits = lines(git('rev-list', '--no-merges', '--max-count=1', 'HEAD'));
}

const missing = [];
for (const commit of commits) {
  const changed = lines(git('diff-tree', '--no-commit-id', '--name-only', '-r', '--root', commit));
  const touchesSource = changed.some(
    (file) => /^packages\/[^/]+\/src\//.test(file) && !/\.test\.ts$/.test(file),
  );
  if (!touchesSource) continue;
  const added = lines(
    git('diff-tree', '--no-commit-id', '--name-only', '-r', '--root', '--diff-filter=A', commit),
  );
  if (!added.some((file) => /^\.changeset\/[^/]+\.md$/.test(file) && !file.endsWith('README.md'))) {
    missing.push(`${commit.slice(0, 10)} ${git('log', '-1', '--format=%s', commit)}`);
  }
}
if (missing.length > 0) {
  process.stderr.write(
    `These commits change packages/*/src without adding a changeset (run \`pnpm changeset\`):\n${missing.map((m) => `  ${m}`).join('\n')}\n`,
  );
  process.exit(1);
}
process.stdout.write(`changesets: ok (${commits.length} commit(s) checked)\n`);
