import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DemoPage } from './pages';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));

/**
 * The bundled browser build of a package, found from its main entry (the package's `exports`
 * map hides its `package.json`).
 */
function packageFile(name: string, fromMain: string): Buffer {
  return readFileSync(join(dirname(require.resolve(name)), fromMain));
}

const JS = 'text/javascript; charset=utf-8';

/**
 * `GET /account` and its files: the page, its script and style, @simplewebauthn/browser's UMD
 * bundle and qrcode-generator, read once from this repository and node_modules (no CDN, no
 * build step). See docs/demo.md.
 */
export function createAccountPages(): ReadonlyMap<string, DemoPage> {
  const own = (file: string): Buffer => readFileSync(join(here, '..', 'account', file));
  const page = (contentType: string, body: Buffer): DemoPage => ({
    contentType,
    body,
    // The page changes with the demo's code; the libraries are pinned versions.
    cacheControl: 'no-cache',
  });
  return new Map([
    ['/account', page('text/html; charset=utf-8', own('index.html'))],
    ['/account/account.js', page(JS, own('account.js'))],
    ['/account/account.css', page('text/css; charset=utf-8', own('account.css'))],
    [
      '/account/assets/webauthn.js',
      page(JS, packageFile('@simplewebauthn/browser', '../dist/bundle/index.umd.min.js')),
    ],
    ['/account/assets/qrcode.js', page(JS, packageFile('qrcode-generator', 'qrcode.js'))],
  ]);
}
