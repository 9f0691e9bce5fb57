import type { User } from '@portcullis/core';
import { createDocsAssets } from '@portcullis/core/node';
import { createAccountPages } from './account-page';
import type { Demo } from './demo';

/** A page of the demo app that is not a Portcullis route. */
export interface DemoPage {
  contentType: string;
  /** Text, or bytes as a Buffer (what Express, Koa and Fastify all send as is). */
  body: string | Buffer;
  /** Only the docs assets are cacheable. */
  cacheControl?: string;
}

export interface DemoPages {
  /** Route templates to register, in each framework's `:param` syntax. */
  readonly paths: readonly string[];
  /** The page for a path, or null (then the app's 404). */
  get(pathname: string): DemoPage | null;
}

/** What the demo answers for paths nobody owns: FastAPI's body. */
export const NOT_FOUND = Object.freeze({ detail: 'Not Found' });

const PHRASES: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
  413: 'Payload Too Large',
};

/**
 * What the demo's error handler answers: a framework's own 4xx (a path parameter that is not
 * valid percent-encoding, say) keeps its status, so bad input is never a 500; anything else is
 * a 500 that says nothing about the error.
 */
export function errorAnswer(error: unknown): { status: number; body: { detail: string } } {
  const { status, statusCode } = (error ?? {}) as { status?: unknown; statusCode?: unknown };
  const code = typeof status === 'number' ? status : statusCode;
  if (typeof code === 'number' && code >= 400 && code < 500) {
    return { status: code, body: { detail: PHRASES[code] ?? 'Bad Request' } };
  }
  return { status: 500, body: { detail: 'Internal Server Error' } };
}

/** What the guarded `/whoami` route answers, from the user the adapter's guard set. */
export function whoami(user: User | null | undefined): { email: string | null } {
  return { email: user?.email ?? null };
}

const ASSETS = '/docs/assets/';

/**
 * `/openapi.json`, `/docs` and the docs assets (served from this server, no CDN; docs/demo.md), so
 * every framework's demo serves the same bytes.
 */
export function createDemoPages(demo: Demo): DemoPages {
  const assets = createDocsAssets();
  const openapi: DemoPage = {
    contentType: 'application/json; charset=utf-8',
    body: JSON.stringify(demo.openapi),
  };
  const docs: DemoPage = { contentType: 'text/html; charset=utf-8', body: demo.docsPage };
  // The account page and its files (`/account`, docs/demo.md).
  const account = createAccountPages();
  return {
    paths: ['/openapi.json', '/docs', `${ASSETS}:file`, ...account.keys()],
    get(pathname) {
      if (pathname === '/openapi.json') return openapi;
      const accountPage = account.get(pathname);
      if (accountPage) return accountPage;
      if (pathname === '/docs') return docs;
      if (!pathname.startsWith(ASSETS)) return null;
      const asset = assets.get(pathname.slice(ASSETS.length));
      if (!asset) return null;
      const { body } = asset;
      return {
        contentType: asset.contentType,
        body: Buffer.from(body.buffer, body.byteOffset, body.byteLength),
        cacheControl: 'public, max-age=3600',
      };
    },
  };
}
