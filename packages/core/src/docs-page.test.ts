import { describe, expect, it } from 'vitest';
import { DOCS_INIT_FILE, docsHtml, docsInitScript } from './docs-page';

const page = docsHtml({ openapiUrl: '/openapi.json', assetsPath: '/docs/assets', title: 'Demo' });

describe('docsHtml', () => {
  it('loads Swagger UI from the local assets path, never from a CDN', () => {
    expect(page).not.toMatch(/https?:\/\//);
    expect(page).toContain('<link rel="stylesheet" href="/docs/assets/swagger-ui.css">');
    expect(page).toContain('<script src="/docs/assets/swagger-ui-bundle.js"></script>');
    expect(page).toContain(`<script src="/docs/assets/${DOCS_INIT_FILE}"></script>`);
    expect(page).toContain('<title>Demo</title>');
  });

  it('has no inline script, so a CSP without unsafe-inline allows it', () => {
    const scripts = [...page.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts).toHaveLength(2);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/ src="/);
      expect(body).toBe('');
    }
    expect(page).not.toMatch(/<style|\son\w+=/i);
  });

  it('hands the document URL to the init script through a data attribute', () => {
    expect(page).toContain('<div id="swagger-ui" data-openapi-url="/openapi.json"></div>');
    expect(docsInitScript).toContain("getAttribute('data-openapi-url')");
    expect(docsInitScript).toContain("dom_id: '#swagger-ui'");
  });

  it('escapes every interpolated value', () => {
    const hostile = docsHtml({
      openapiUrl: '/x"><script>alert(1)</script>',
      assetsPath: "/a'b&c/",
      title: '</title><script>alert(2)</script>',
    });
    expect(hostile).not.toContain('<script>alert');
    expect(hostile).toContain(
      'data-openapi-url="/x&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"',
    );
    expect(hostile).toContain('<title>&lt;/title&gt;&lt;script&gt;alert(2)&lt;/script&gt;</title>');
    expect(hostile).toContain('href="/a&#39;b&amp;c/swagger-ui.css"');
  });

  it('drops a trailing slash of the assets path and defaults the title', () => {
    const plain = docsHtml({ openapiUrl: '/openapi.json', assetsPath: '/docs/assets/' });
    expect(plain).toContain('href="/docs/assets/swagger-ui.css"');
    expect(plain).toContain('<title>Portcullis - Swagger UI</title>');
  });

  it('ships an init script that is valid JavaScript and starts Swagger UI with the URL', () => {
    const calls: unknown[] = [];
    const bundle = Object.assign((config: unknown) => calls.push(config), {
      presets: { apis: 'apis' },
    });
    const window: Record<string, unknown> = { SwaggerUIBundle: bundle };
    const document = { getElementById: () => ({ getAttribute: () => '/openapi.json' }) };
    new Function('window', 'document', docsInitScript)(window, document);
    expect(calls).toEqual([
      expect.objectContaining({ url: '/openapi.json', dom_id: '#swagger-ui', presets: ['apis'] }),
    ]);
  });
});
