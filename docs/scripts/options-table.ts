// Builds docs/reference/options.md: every exported `*Options` type of every package, each
// property with its type, its default and the first sentence of its TSDoc. Read from the
// packages' sources with the TypeScript compiler, so the table cannot drift from the code:
// the docs tests regenerate it and fail on any difference.
//
// Defaults come from the code first: a `<options>.<property> ?? <value>` (or a destructuring
// default) whose left side the compiler resolves to that very property. Where the code has no
// such expression (the default is applied further down, or computed), the TSDoc's own
// "Default …" sentence is used, and the table says which source each default came from.
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { linkDocPointers, scrubCitations } from './citations';
import { packageEntries, repoRoot } from './packages';

interface OptionRow {
  name: string;
  type: string;
  optional: boolean;
  defaultValue: string;
  /** `code`, `doc` or empty: where the default was read. */
  defaultSource: 'code' | 'doc' | '';
  description: string;
}

interface OptionsType {
  packageName: string;
  name: string;
  file: string;
  summary: string;
  rows: OptionRow[];
}

/** Configuration types whose names do not end in `Options`. */
const EXTRA_TYPES = new Set(['TokenSettings']);
const MAX_TYPE = 70;
const MAX_DEFAULT = 60;

function createProgram(): ts.Program {
  const configPath = join(repoRoot, 'tsconfig.dev.json');
  const config = ts.readConfigFile(configPath, (path) => readFileSync(path, 'utf8'));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, dirname(configPath));
  const roots = packageEntries.map((entry) => join(repoRoot, entry.source));
  return ts.createProgram(roots, { ...parsed.options, noEmit: true });
}

/** Doc text on one line, pointers at docs pages linked from `reference/options.md`. */
const squash = (text: string): string =>
  linkDocPointers(scrubCitations(text.replace(/\s+/g, ' ')), 'reference').trim();

/** The first sentence of a doc comment (up to the first `. ` outside backticks), squashed. */
function firstSentence(text: string): string {
  const flat = squash(text);
  let inCode = false;
  for (let i = 0; i < flat.length; i++) {
    const char = flat[i];
    if (char === '`') inCode = !inCode;
    if (!inCode && char === '.' && (i === flat.length - 1 || flat[i + 1] === ' ')) {
      // "e.g." and "i.e." end no sentence.
      if (/\b(e\.g|i\.e)$/.test(flat.slice(0, i))) continue;
      return flat.slice(0, i + 1);
    }
  }
  return flat;
}

/** "Default `x`", "defaults to x", "x (default)": the default a TSDoc sentence names. */
function defaultFromDoc(text: string): string {
  const flat = squash(text);
  const value = '(`[^`]+`|\\d[\\d_ ]*\\d(?: (?:MiB|KiB|bytes|ms|seconds))?|[^\\s,.;:)]+)';
  const patterns = [
    new RegExp(`(?:^|[.;:(]\\s*)[Dd]efault:?\\s+${value}`),
    new RegExp(`\\bdefaults to\\s+${value}`),
    new RegExp(`${value}\\s+\\(default\\)`),
  ];
  for (const pattern of patterns) {
    const match = pattern.exec(flat);
    if (match?.[1] && !/^(is|the|a|an|from|when|value|this|on|off)$/i.test(match[1])) {
      return match[1].startsWith('`') ? match[1] : `\`${match[1]}\``;
    }
  }
  return '';
}

const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

function shorten(text: string, max: number): string {
  const flat = squash(text);
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** Every `x.prop ?? value` and `{ prop = value }` in the sources, keyed by the property symbol. */
function collectCodeDefaults(
  program: ts.Program,
  checker: ts.TypeChecker,
): Map<ts.Declaration, string> {
  const found = new Map<ts.Declaration, Set<string>>();
  const record = (symbol: ts.Symbol | undefined, value: ts.Expression): void => {
    // Keyed by declaration: a generic options type's instantiations have symbols of their own.
    const declaration = symbol?.declarations?.[0];
    if (!declaration) return;
    const values = found.get(declaration) ?? new Set<string>();
    values.add(constantText(checker, value));
    found.set(declaration, values);
  };
  const visit = (node: ts.Node): void => {
    if (
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken
    ) {
      let left: ts.Expression = node.left;
      while (ts.isParenthesizedExpression(left) || ts.isNonNullExpression(left))
        left = left.expression;
      if (ts.isPropertyAccessExpression(left)) {
        record(checker.getSymbolAtLocation(left.name), node.right);
      }
    }
    if (ts.isBindingElement(node) && node.initializer && ts.isObjectBindingPattern(node.parent)) {
      const name = node.propertyName ?? node.name;
      if (ts.isIdentifier(name)) {
        const type = checker.getTypeAtLocation(node.parent);
        record(type.getProperty(name.text), node.initializer);
      }
    }
    ts.forEachChild(node, visit);
  };
  for (const file of program.getSourceFiles()) {
    if (file.isDeclarationFile || !file.fileName.startsWith(join(repoRoot, 'packages'))) continue;
    if (file.fileName.endsWith('.test.ts')) continue;
    visit(file);
  }
  // A property shared by several options types (a base interface) may get a different default
  // in each factory: then the code states no single default.
  const defaults = new Map<ts.Declaration, string>();
  for (const [declaration, values] of found) {
    if (values.size === 1) defaults.set(declaration, [...values][0] as string);
  }
  return defaults;
}

/** A default given as a constant (`?? DEFAULT_X`, `?? DEFAULTS.x`) reads as the constant's value. */
function constantText(checker: ts.TypeChecker, value: ts.Expression, depth = 0): string {
  if (depth > 3 || !(ts.isIdentifier(value) || ts.isPropertyAccessExpression(value))) {
    return value.getText();
  }
  let symbol = checker.getSymbolAtLocation(ts.isIdentifier(value) ? value : value.name);
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  const declaration = symbol?.valueDeclaration;
  let initializer: ts.Expression | undefined;
  if (declaration && ts.isVariableDeclaration(declaration)) {
    const isConst = (ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Const) !== 0;
    if (isConst) initializer = declaration.initializer;
  } else if (declaration && ts.isPropertyAssignment(declaration)) {
    initializer = declaration.initializer;
  }
  while (initializer && (ts.isAsExpression(initializer) || ts.isSatisfiesExpression(initializer))) {
    initializer = initializer.expression;
  }
  if (
    !initializer ||
    ts.isObjectLiteralExpression(initializer) ||
    ts.isCallExpression(initializer)
  ) {
    return value.getText();
  }
  return constantText(checker, initializer, depth + 1);
}

function typeText(checker: ts.TypeChecker, symbol: ts.Symbol): string {
  const declaration = symbol.valueDeclaration ?? symbol.declarations?.[0];
  if (
    declaration &&
    (ts.isPropertySignature(declaration) || ts.isPropertyDeclaration(declaration))
  ) {
    if (declaration.type) return squash(declaration.type.getText());
  }
  if (declaration && ts.isMethodSignature(declaration)) return 'function';
  const type = checker.getTypeOfSymbol(symbol);
  return checker.typeToString(type, undefined, ts.TypeFormatFlags.NoTruncation);
}

export function collectOptions(): OptionsType[] {
  const program = createProgram();
  const checker = program.getTypeChecker();
  const codeDefaults = collectCodeDefaults(program, checker);
  const types: OptionsType[] = [];
  for (const entry of packageEntries) {
    const file = program.getSourceFile(join(repoRoot, entry.source));
    if (!file) throw new Error(`not in the program: ${entry.source}`);
    const moduleSymbol = checker.getSymbolAtLocation(file);
    if (!moduleSymbol) continue;
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      if (!exported.name.endsWith('Options') && !EXTRA_TYPES.has(exported.name)) continue;
      const symbol =
        exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      if (!(symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias))) continue;
      const declaration = symbol.declarations?.[0];
      if (!declaration) continue;
      const type = checker.getDeclaredTypeOfSymbol(symbol);
      const properties = checker.getPropertiesOfType(type);
      if (properties.length === 0) continue;
      const rows = properties.map((property): OptionRow => {
        const doc = ts.displayPartsToString(property.getDocumentationComment(checker));
        const declaration = property.declarations?.[0];
        const fromCode = declaration ? codeDefaults.get(declaration) : undefined;
        const fromDoc = defaultFromDoc(doc);
        const optional = (property.flags & ts.SymbolFlags.Optional) !== 0;
        let defaultValue = '';
        let defaultSource: OptionRow['defaultSource'] = '';
        if (fromCode !== undefined) {
          defaultValue = `\`${shorten(fromCode, MAX_DEFAULT)}\``;
          defaultSource = 'code';
        } else if (fromDoc) {
          defaultValue = fromDoc;
          defaultSource = 'doc';
        }
        return {
          name: property.name,
          type: shorten(typeText(checker, property), MAX_TYPE),
          optional,
          defaultValue,
          defaultSource,
          description: firstSentence(doc),
        };
      });
      types.push({
        packageName: entry.name,
        name: symbol.name,
        file: relative(repoRoot, declaration.getSourceFile().fileName),
        summary: firstSentence(ts.displayPartsToString(symbol.getDocumentationComment(checker))),
        rows,
      });
    }
  }
  return types;
}

export function renderOptionsTable(types: OptionsType[] = collectOptions()): string {
  const lines: string[] = [
    '---',
    'outline: [2, 3]',
    '---',
    '',
    "<!-- Generated by docs/scripts/options-table.ts from the packages' sources. Do not edit:",
    '     run `pnpm --dir docs generate`. The docs tests fail when this file is stale. -->',
    '',
    '# Configuration options',
    '',
    "Every exported `…Options` type of every package, with each property's type, default and",
    'the first sentence of its TSDoc. This page is generated from the sources by',
    '`docs/scripts/options-table.ts` and checked by the docs tests, so it cannot fall behind the',
    'code.',
    '',
    '**Default** is read from the code where the code applies it as `options.name ?? value` (or a',
    'destructuring default): that is the value the library really uses. Otherwise it is the',
    "default the property's TSDoc names, marked *(doc)*. An empty default means the option is",
    'required, or has no single default value (it is computed, or absent means "off"): the',
    "description or the package's page says which.",
    '',
  ];
  let currentPackage = '';
  let withoutDefault = 0;
  let optionalCount = 0;
  for (const type of types) {
    if (type.packageName !== currentPackage) {
      currentPackage = type.packageName;
      lines.push(`## \`${currentPackage}\``, '');
    }
    lines.push(`### ${type.name}`, '');
    if (type.summary) lines.push(type.summary, '');
    lines.push(`Declared in \`${type.file}\`.`, '');
    lines.push('| option | type | default | description |', '| --- | --- | --- | --- |');
    for (const row of type.rows) {
      if (row.optional) {
        optionalCount++;
        if (!row.defaultValue) withoutDefault++;
      }
      const name = `\`${row.name}\`${row.optional ? '' : ' (required)'}`;
      const def =
        row.defaultValue && row.defaultSource === 'doc'
          ? `${row.defaultValue} *(doc)*`
          : row.defaultValue;
      lines.push(
        `| ${cell(name)} | \`${cell(row.type)}\` | ${cell(def)} | ${cell(row.description)} |`,
      );
    }
    lines.push('');
  }
  lines.push(
    '## Coverage',
    '',
    `${types.length} option types; ${optionalCount} optional properties, of which ${withoutDefault}`,
    'have no default that the code or the TSDoc states in a form this generator reads.',
    '',
  );
  return lines.join('\n');
}
