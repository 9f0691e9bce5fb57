// Extracts every ```ts block of the hand-written pages into docs/.code-blocks/ and compiles
// them with the TypeScript compiler against the workspace packages (their built declarations,
// as a user of the published packages sees them). A block may opt out only by a marker on the
// line right above its fence, with the reason:
//
//   <!-- docs-partial: a fragment of the options above, not a whole file -->
//
// docs/contributing.md says when that is acceptable.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { handWrittenPages } from './markdown-files';
import { docsRoot, repoRoot } from './packages';

export interface CodeBlock {
  page: string;
  /** 1-based line of the first code line in the page. */
  line: number;
  code: string;
  partial: string | null;
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)(.*)$/;
const PARTIAL = /^<!--\s*docs-partial:\s*(.+?)\s*-->$/;

export function extractBlocks(page: string, text: string): CodeBlock[] {
  const lines = text.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i] ?? '');
    if (!open) continue;
    const [, indent = '', fence = '', lang = ''] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const line = lines[j] ?? '';
      if (line.trim().startsWith(fence) && line.trim().replaceAll(fence[0] ?? '`', '') === '')
        break;
      body.push(line.startsWith(indent) ? line.slice(indent.length) : line);
    }
    if (lang === 'ts' || lang === 'typescript') {
      const marker = PARTIAL.exec((lines[i - 1] ?? '').trim());
      blocks.push({ page, line: i + 2, code: body.join('\n'), partial: marker?.[1] ?? null });
    }
    i = j;
  }
  return blocks;
}

export function collectBlocks(): CodeBlock[] {
  return handWrittenPages().flatMap((page) =>
    extractBlocks(page, readFileSync(join(docsRoot, page), 'utf8')),
  );
}

export interface BlockProblem {
  page: string;
  line: number;
  message: string;
}

/** Compiles every non-partial block; returns the problems, mapped back to page and line. */
export function checkBlocks(blocks: CodeBlock[] = collectBlocks()): BlockProblem[] {
  const outDir = join(docsRoot, '.code-blocks');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const files = new Map<string, CodeBlock>();
  for (const block of blocks) {
    if (block.partial) continue;
    const name = `${block.page.replace(/[/.]/g, '_')}_${block.line}.ts`;
    const file = join(outDir, name);
    // Every block is a module of its own (top-level await, imports), even without an import.
    writeFileSync(file, `${block.code}\nexport {};\n`);
    files.set(file, block);
  }
  const base = ts.readConfigFile(join(repoRoot, 'tsconfig.base.json'), (path) =>
    readFileSync(path, 'utf8'),
  );
  const { options } = ts.parseJsonConfigFileContent(base.config, ts.sys, repoRoot);
  const program = ts.createProgram([...files.keys()], {
    ...options,
    noEmit: true,
    declaration: false,
    skipLibCheck: true,
    types: ['node'],
    typeRoots: [join(docsRoot, 'node_modules/@types')],
  });
  const problems: BlockProblem[] = [];
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    const block = diagnostic.file ? files.get(diagnostic.file.fileName) : undefined;
    if (!block || !diagnostic.file || diagnostic.start === undefined) {
      problems.push({ page: diagnostic.file?.fileName ?? '(global)', line: 0, message });
      continue;
    }
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    problems.push({ page: block.page, line: block.line + line, message });
  }
  return problems;
}
