import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { docsInitScript } from '../docs-page';
import { createDocsAssets } from './docs-assets';

const dist = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const assets = createDocsAssets();

describe('createDocsAssets', () => {
  it('serves the real swagger-ui-bundle.js bytes from swagger-ui-dist', () => {
    const asset = assets.get('swagger-ui-bundle.js');
    expect(asset?.contentType).toBe('text/javascript; charset=utf-8');
    expect(asset?.body).toBeInstanceOf(Uint8Array);
    expect(
      Buffer.from(asset?.body ?? []).equals(readFileSync(join(dist, 'swagger-ui-bundle.js'))),
    ).toBe(true);
  });

  it('serves each allow-listed file with its content type', () => {
    expect(assets.get('swagger-ui.css')?.contentType).toBe('text/css; charset=utf-8');
    expect(assets.get('swagger-ui-standalone-preset.js')?.contentType).toBe(
      'text/javascript; charset=utf-8',
    );
    const icon = assets.get('favicon-32x32.png');
    expect(icon?.contentType).toBe('image/png');
    expect([...(icon?.body.subarray(0, 4) ?? [])]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });

  it('serves the docs page init script', () => {
    const init = assets.get('docs-init.js');
    expect(init?.contentType).toBe('text/javascript; charset=utf-8');
    expect(new TextDecoder().decode(init?.body)).toBe(docsInitScript);
  });

  it('refuses anything outside the allow-list, traversal included', () => {
    for (const name of [
      '../package.json',
      'package.json',
      '../../package.json',
      '%2e%2e/package.json',
      '/etc/passwd',
      'swagger-ui.js',
      'index.html',
      './swagger-ui.css',
      'swagger-ui.css/',
      'SWAGGER-UI.CSS',
      'constructor',
      '__proto__',
      '',
    ]) {
      expect(assets.get(name), name).toBeNull();
    }
  });

  it('reads a file once, then answers from memory', () => {
    const fresh = createDocsAssets();
    const first = fresh.get('swagger-ui.css');
    expect(fresh.get('swagger-ui.css')).toBe(first);
  });

  it('says clearly when swagger-ui-dist is not installed', async () => {
    // The test runner puts pnpm's hoisted store on NODE_PATH, so a real missing install cannot
    // be staged from a temporary folder: resolution is made to fail the way Node fails it.
    vi.resetModules();
    vi.doMock('node:module', async (importOriginal) => {
      const original = await importOriginal<typeof import('node:module')>();
      const createRequire = (from: string | URL): NodeJS.Require =>
        Object.assign(original.createRequire(from), {
          resolve: (request: string) => {
            throw Object.assign(new Error(`Cannot find module '${request}'`), {
              code: 'MODULE_NOT_FOUND',
            });
          },
        });
      return { ...original, default: { ...original, createRequire }, createRequire };
    });
    try {
      const fresh = await import('./docs-assets');
      const errors = await import('../errors');
      let thrown: unknown;
      try {
        fresh.createDocsAssets();
      } catch (error) {
        thrown = error;
      }
      expect(errors.isPortcullisError(thrown) && thrown.code).toBe('CONFIGURATION');
      expect((thrown as Error).message).toMatch(/install it next to @portcullis\/core/);
      expect((thrown as Error).cause).toMatchObject({ code: 'MODULE_NOT_FOUND' });
    } finally {
      vi.doUnmock('node:module');
      vi.resetModules();
    }
  });
});
