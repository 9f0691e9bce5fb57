import type { Framework, Stack } from '../config';
import type { BenchResult } from '../runner/bench';
import { isLoginStorm } from '../runner/scenarios';
import { STACKS, type StackKind } from '../runner/stacks';
import { frameworksOf, type Summary, summarizeAll } from './summary';

const NAMES: Record<Framework, string> = { fastify: 'Fastify', koa: 'Koa', express: 'Express' };
const WIDTH = 960;
const LABEL = 390;
const BAR_AREA = WIDTH - LABEL - 70;
const ROW = 20;

const xmlText = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Bars by who wrote the authentication: the baseline, Portcullis, a reference, a peer. */
const COLOURS: Readonly<Record<StackKind, string>> = {
  baseline: '#9ca3af',
  portcullis: '#2563eb',
  before: '#93c5fd',
  reference: '#f59e0b',
  peer: '#dc2626',
};

function colour(stack: Stack | 'argon2'): string {
  if (stack === 'argon2') return COLOURS.reference;
  // A run saved before a row existed may name a stack this version no longer knows.
  const spec = STACKS[stack] as (typeof STACKS)[Stack] | undefined;
  return COLOURS[spec?.kind ?? 'portcullis'];
}

/**
 * A horizontal bar chart of "× bare" per scenario, grouped by framework: the bar is the ratio
 * of medians, the whisker the spread of per-round ratios, the dashed line the 0.85× target.
 *
 * @example
 * ```ts
 * await writeFile('results/latest.svg', renderSvg(result));
 * ```
 */
export function renderSvg(result: BenchResult): string {
  const summaries = summarizeAll(result);
  const groups = frameworksOf(result).map((fw) => ({
    fw,
    rows: [...summaries.values()].filter(
      (s): s is Summary & { ratio: number } =>
        s.result.framework === fw && !isLoginStorm(s.result.stack) && s.ratio !== null,
    ),
  }));
  const top = Math.max(
    1.1,
    ...groups.flatMap((g) => g.rows.map((r) => Math.max(r.ratio, r.roundRatios?.max ?? 0))),
  );
  const scale = (value: number): number => LABEL + (value / top) * BAR_AREA;
  const parts: string[] = [];
  let y = 50;
  for (const { fw, rows } of groups) {
    parts.push(`<text x="10" y="${y + 14}" font-weight="bold">${NAMES[fw]}</text>`);
    y += ROW + 4;
    for (const row of rows) {
      const end = scale(row.ratio);
      parts.push(
        `<text x="${LABEL - 8}" y="${y + 13}" text-anchor="end">${xmlText(row.result.label)}</text>`,
        `<rect x="${LABEL}" y="${y + 3}" width="${(end - LABEL).toFixed(1)}" height="${ROW - 6}" fill="${colour(row.result.stack)}"/>`,
      );
      if (row.roundRatios && row.roundRatios.max > row.roundRatios.min) {
        const [a, b] = [scale(row.roundRatios.min), scale(row.roundRatios.max)];
        parts.push(
          `<line x1="${a.toFixed(1)}" x2="${b.toFixed(1)}" y1="${y + 10}" y2="${y + 10}" stroke="#111" stroke-width="1.5"/>`,
        );
      }
      parts.push(`<text x="${(end + 6).toFixed(1)}" y="${y + 14}">${row.ratio.toFixed(2)}×</text>`);
      y += ROW;
    }
    y += 10;
  }
  const height = y + 30;
  const grid = [0.25, 0.5, 0.85, 1]
    .filter((v) => v <= top)
    .map((v) => {
      const gx = scale(v).toFixed(1);
      const dash = v === 0.85 ? ' stroke-dasharray="4 3" stroke="#16a34a"' : ' stroke="#e5e7eb"';
      return `<line x1="${gx}" x2="${gx}" y1="40" y2="${y}"${dash}/><text x="${gx}" y="${y + 16}" text-anchor="middle" fill="#6b7280">${v}×</text>`;
    });
  const { machine: m } = result;
  const title = `Portcullis: req/s relative to the same framework's bare route (higher is better)`;
  const subtitle = `${m.cpus} cores, Node ${m.node}, ${result.startedAt.slice(0, 10)}; bar: median of ${result.options.runs} rounds, whisker: per-round spread; dashed: 0.85× target`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="20" font-size="15" font-weight="bold">${xmlText(title)}</text>`,
    `<text x="10" y="36" fill="#6b7280">${xmlText(subtitle)}</text>`,
    ...grid,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
