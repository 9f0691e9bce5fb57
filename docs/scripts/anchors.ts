// The heading anchors of a Markdown page as VitePress makes them: an explicit `{#id}` wins,
// otherwise the heading's text is slugified the way VitePress's default `slugify` does it.
import { readFileSync } from 'node:fs';

const SPECIAL = /[\s~`!@#$%^&*()\-_+=[\]{}|\\;:"'“”‘’<>,.?/]+/g;

export function slugify(text: string): string {
  return (
    text
      .normalize('NFKD')
      .replace(/[\u0300-\u036F]/g, '')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: VitePress drops control characters.
      .replace(/[\u0000-\u001f]/g, '')
      .replace(SPECIAL, '-')
      .replace(/-{2,}/g, '-')
      .replace(/^-+|-+$/g, '')
      .replace(/^(\d)/, '_$1')
      .toLowerCase()
  );
}

/** The text a heading renders to: inline code, emphasis and link targets dropped. */
function headingText(source: string): string {
  return source
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*]/g, '')
    .replace(/<[^>]+>/g, '')
    .trim();
}

export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fence: string | null = null;
  for (const line of markdown.split('\n')) {
    const fenceMatch = /^\s*(```|~~~)/.exec(line);
    if (fenceMatch) {
      if (fence === null) fence = fenceMatch[1] as string;
      else if (fenceMatch[1] === fence) fence = null;
      continue;
    }
    if (fence !== null) continue;
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const raw = heading[1] as string;
    const explicit = /\{#([\w-]+)\}\s*$/.exec(raw);
    if (explicit) {
      anchors.add(explicit[1] as string);
      continue;
    }
    const slug = slugify(headingText(raw));
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

export function anchorsOfFile(path: string): Set<string> {
  return anchorsOf(readFileSync(path, 'utf8'));
}
