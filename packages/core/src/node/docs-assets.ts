import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DOCS_INIT_FILE, docsInitScript } from '../docs-page';
import { ErrorCode, PortcullisError } from '../errors';

/** One file of the docs page. The bytes are shared between calls: do not modify them. */
export interface DocsAsset {
  body: Uint8Array;
  contentType: string;
}

export interface DocsAssets {
  /** The named file, or null for any name outside the allow-list (send a 404). */
  get(file: string): DocsAsset | null;
}

const JS = 'text/javascript; charset=utf-8';

// The only files served: exact names, so no path (`../package.json`, `%2e%2e/…`) can reach the
// file system.
const DIST_FILES: ReadonlyMap<string, string> = new Map([
  ['swagger-ui.css', 'text/css; charset=utf-8'],
  ['swagger-ui-bundle.js', JS],
  ['swagger-ui-standalone-preset.js', JS],
  ['favicon-32x32.png', 'image/png'],
]);

/**
 * This module's location in both builds: tsup's CJS output has `__filename` and no
 * `import.meta.url` (esbuild leaves it empty without the `shims` option), ESM the reverse.
 */
function thisModule(): string {
  return typeof __filename === 'string' ? __filename : import.meta.url;
}

/** The installed `swagger-ui-dist`, resolved from here: the copy next to `@portcullis/core`. */
function distDirectory(): string {
  try {
    return dirname(createRequire(thisModule()).resolve('swagger-ui-dist/package.json'));
  } catch (cause) {
    throw new PortcullisError(
      ErrorCode.CONFIGURATION,
      'The docs page needs swagger-ui-dist: install it next to @portcullis/core',
      { cause },
    );
  }
}

/**
 * Serves the Swagger UI files of the docs page from the installed `swagger-ui-dist` (an
 * optional peer of core), so `/docs` loads nothing from a CDN (see docs/demo.md). Only an allow-list
 * of names is served; each file is read once, then kept in memory. Throws CONFIGURATION at
 * creation when `swagger-ui-dist` is not installed.
 *
 * @example
 * ```ts
 * const assets = createDocsAssets();
 * app.get('/docs/assets/:file', (req, res) => {
 *   const asset = assets.get(req.params.file);
 *   if (!asset) return res.status(404).json({ detail: 'Not Found' });
 *   res.type(asset.contentType).send(Buffer.from(asset.body));
 * });
 * ```
 */
export function createDocsAssets(): DocsAssets {
  const directory = distDirectory();
  const cache = new Map<string, DocsAsset>([
    [DOCS_INIT_FILE, { body: new TextEncoder().encode(docsInitScript), contentType: JS }],
  ]);
  return {
    get(file: string): DocsAsset | null {
      const cached = cache.get(file);
      if (cached) return cached;
      const contentType = DIST_FILES.get(file);
      if (contentType === undefined) return null;
      const bytes = readFileSync(join(directory, file));
      const asset = {
        body: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
        contentType,
      };
      cache.set(file, asset);
      return asset;
    },
  };
}
