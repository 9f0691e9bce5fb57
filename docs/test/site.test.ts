// Builds the site as `pnpm docs:build` does (the committed tables left as they are), then
// checks the output: every internal link and anchor resolves, nothing would be fetched from
// another host, and a real Chromium can use it (home page, a guide, the search box) without
// one request leaving 127.0.0.1.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docsRoot } from '../scripts/packages';
import { type StaticSite, serveStatic } from './static-server';

const BASE = '/portcullis/';
const dist = join(docsRoot, '.vitepress/dist');
const artifacts = join(docsRoot, 'test-artifacts');
const CHROMIUM = '/usr/bin/chromium';

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, {
    cwd: docsRoot,
    encoding: 'utf8',
    env: { ...process.env, DOCS_BASE: BASE },
  });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  }
}

function htmlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return htmlFiles(path);
    return entry.name.endsWith('.html') ? [path] : [];
  });
}

function allFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? allFiles(path) : [path];
  });
}

const idsCache = new Map<string, Set<string>>();
function idsOf(file: string): Set<string> {
  let ids = idsCache.get(file);
  if (!ids) {
    const html = readFileSync(file, 'utf8');
    ids = new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((match) => match[1] as string));
    idsCache.set(file, ids);
  }
  return ids;
}

const decode = (text: string): string =>
  text.replaceAll('&amp;', '&').replaceAll('&quot;', '"').replaceAll('&#39;', "'");

describe('the site', () => {
  beforeAll(() => {
    rmSync(dist, { recursive: true, force: true });
    run(process.execPath, ['--import', 'tsx/esm', 'scripts/generate.ts', '--skip-tables']);
    run(process.execPath, [
      join(docsRoot, 'node_modules/vitepress/bin/vitepress.js'),
      'build',
      '.',
    ]);
  });

  it('builds every page, the generated reference included', () => {
    for (const page of [
      'index.html',
      'start/fastify.html',
      'guides/sending-mail.html',
      'reference/error-codes.html',
      'reference/options.html',
      'reference/http-routes.html',
      'reference/api/index.html',
      'security/asvs.html',
      'demo.html',
      'deviations.html',
    ]) {
      expect(existsSync(join(dist, page)), page).toBe(true);
    }
  });

  it('has no dead internal link or anchor', () => {
    const dead: string[] = [];
    for (const file of htmlFiles(dist)) {
      // The page body only: the 404 page's own links and the theme's script tags are not content.
      const html = readFileSync(file, 'utf8');
      for (const match of html.matchAll(/<a\s[^>]*href="([^"]+)"/g)) {
        const href = decode(match[1] as string);
        if (/^(https?:|mailto:|javascript:)/.test(href)) continue;
        const [pathPart = '', anchor] = href.split('#');
        let target: string;
        if (pathPart === '') target = file;
        else if (pathPart.startsWith('/')) {
          if (!pathPart.startsWith(BASE)) {
            dead.push(`${relative(dist, file)}: ${href} (outside the base ${BASE})`);
            continue;
          }
          target = join(dist, pathPart.slice(BASE.length));
        } else target = resolve(dirname(file), pathPart);
        // `/reference/` is the folder's index page.
        if (pathPart.endsWith('/')) target = join(target, 'index.html');
        if (!existsSync(target)) {
          dead.push(`${relative(dist, file)}: ${href}`);
          continue;
        }
        if (anchor && target.endsWith('.html') && !idsOf(target).has(decodeURIComponent(anchor))) {
          dead.push(`${relative(dist, file)}: ${href} (no id "${anchor}")`);
        }
      }
    }
    expect(dead).toEqual([]);
  });

  it('loads nothing from another host: no absolute URL in a src, a stylesheet, a url() or an import()', () => {
    // VitePress's social-link component falls back to this icon service for an icon that is not
    // in the generated vp-icons.css; the GitHub icon is, and the browser check below proves the
    // fallback is never requested.
    const allowed = ['https://api.iconify.design/simple-icons/${'];
    const external: string[] = [];
    for (const file of allFiles(dist)) {
      if (!/\.(html|css|js)$/.test(file)) continue;
      const text = readFileSync(file, 'utf8');
      const patterns = [
        /<(?:script|img|iframe|source|video|audio|embed)\s[^>]*src="(https?:\/\/[^"]+)"/g,
        /<link\s[^>]*href="(https?:\/\/[^"]+)"[^>]*>/g,
        /url\(\s*['"`]?(https?:\/\/[^'"`)]+)/g,
        /@import\s+['"]?(https?:\/\/[^'")]+)/g,
        /\b(?:import|fetch)\(\s*['"`](https?:\/\/[^'"`]+)/g,
      ];
      for (const pattern of patterns) {
        for (const match of text.matchAll(pattern)) {
          const whole = match[0];
          const url = match[1] as string;
          // A <link> to another host is fetched only for stylesheets, preloads and icons.
          if (
            whole.startsWith('<link') &&
            !/rel="(stylesheet|preload|modulepreload|icon|preconnect|dns-prefetch)"/.test(whole)
          )
            continue;
          if (allowed.some((prefix) => url.startsWith(prefix))) continue;
          external.push(`${relative(dist, file)}: ${url}`);
        }
      }
    }
    expect(external).toEqual([]);
  });

  describe('in Chromium', () => {
    let site: StaticSite;
    let userDataDir: string;

    beforeAll(async () => {
      if (!existsSync(CHROMIUM)) {
        // Debian's Chromium; the test runs as root on the CI machine.
        let install = spawnSync('apt-get', ['install', '-y', 'chromium'], { encoding: 'utf8' });
        if (install.status !== 0) {
          spawnSync('apt-get', ['update'], { encoding: 'utf8' });
          install = spawnSync('apt-get', ['install', '-y', 'chromium'], { encoding: 'utf8' });
        }
        if (install.status !== 0)
          throw new Error(`apt-get install chromium failed: ${install.stderr}`);
      }
      site = await serveStatic(dist, BASE);
      userDataDir = mkdtempSync(join(tmpdir(), 'portcullis-docs-chromium-'));
      mkdirSync(artifacts, { recursive: true });
    });

    afterAll(async () => {
      await site?.close();
      if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    });

    it('shows the home page, a guide and search results, and no request leaves 127.0.0.1', async () => {
      const context = await chromium.launchPersistentContext(userDataDir, {
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
        viewport: { width: 1280, height: 900 },
      });
      const requests: string[] = [];
      const elsewhere: string[] = [];
      const pageErrors: string[] = [];
      // Every request is recorded; one for another host is stopped before it leaves.
      await context.route('**/*', async (route) => {
        const url = route.request().url();
        requests.push(url);
        const { protocol, hostname } = new URL(url);
        if ((protocol === 'http:' || protocol === 'https:') && hostname !== '127.0.0.1') {
          elsewhere.push(url);
          await route.abort();
          return;
        }
        await route.continue();
      });
      try {
        const page = context.pages()[0] ?? (await context.newPage());
        page.on('pageerror', (error) => pageErrors.push(error.message));

        await page.goto(site.url, { waitUntil: 'networkidle' });
        expect(await page.locator('.VPHero .name').first().textContent()).toContain('Portcullis');
        await page.screenshot({ path: join(artifacts, 'home.png'), fullPage: true });

        await page.goto(`${site.url}guides/sending-mail.html`, { waitUntil: 'networkidle' });
        expect(await page.locator('.vp-doc h1').first().textContent()).toMatch(/mail/i);
        expect(await page.locator('.VPSidebar').textContent()).toContain(
          'Migrating from FastAPI Users',
        );
        await page.screenshot({ path: join(artifacts, 'guide.png'), fullPage: true });

        await page.locator('.VPNavBarSearch button').first().click();
        const input = page.locator('.VPLocalSearchBox input');
        await input.waitFor({ state: 'visible' });
        await input.fill('argon2id');
        const firstResult = page.locator('.VPLocalSearchBox .result').first();
        await firstResult.waitFor({ state: 'visible' });
        expect(await page.locator('.VPLocalSearchBox .result').count()).toBeGreaterThan(0);
        await page.screenshot({ path: join(artifacts, 'search.png') });
        const guideTitle = await page.locator('.vp-doc h1').first().textContent();
        await firstResult.click();
        // The router changes the URL, then renders the new page: wait for its title.
        await page.waitForFunction(
          (old) => document.querySelector('.vp-doc h1')?.textContent !== old,
          guideTitle,
          { timeout: 15_000 },
        );
        await page.waitForLoadState('networkidle');
        expect(page.url()).toContain(site.url);
        expect(await page.locator('.vp-doc').textContent()).toMatch(/argon2id/i);
        await page.screenshot({ path: join(artifacts, 'search-result.png'), fullPage: true });
      } finally {
        await context.close();
      }
      expect(requests.length).toBeGreaterThan(5);
      expect(elsewhere).toEqual([]);
      expect(pageErrors).toEqual([]);
    });
  });
});
