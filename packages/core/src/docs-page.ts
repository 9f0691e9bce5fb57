export interface DocsPageOptions {
  /** Where the OpenAPI document is served, e.g. `/openapi.json`. */
  openapiUrl: string;
  /** Where the Swagger UI files are served, e.g. `/docs/assets` (see `createDocsAssets`). */
  assetsPath: string;
  /** The page title. Default `Portcullis - Swagger UI` (FastAPI's `<title> - Swagger UI`). */
  title?: string;
}

/** The file name under `assetsPath` that `docsInitScript` is served as. */
export const DOCS_INIT_FILE = 'docs-init.js';

/**
 * Starts Swagger UI with the settings FastAPI's `/docs` uses (base layout, deep links, extensions
 * shown), reading the document URL from the container's `data-openapi-url`. It ships as a file
 * next to the Swagger UI assets rather than inline, so the page works under a
 * Content-Security-Policy without `'unsafe-inline'` scripts.
 *
 * @example
 * ```ts
 * // Serve it as `${assetsPath}/docs-init.js` with `text/javascript`.
 * new Response(docsInitScript, { headers: { 'content-type': 'text/javascript; charset=utf-8' } });
 * ```
 */
export const docsInitScript = `(function () {
  'use strict';
  var container = document.getElementById('swagger-ui');
  var url = container && container.getAttribute('data-openapi-url');
  if (!url || typeof window.SwaggerUIBundle !== 'function') return;
  var SwaggerUIBundle = window.SwaggerUIBundle;
  window.ui = SwaggerUIBundle({
    url: url,
    dom_id: '#swagger-ui',
    layout: 'BaseLayout',
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    presets: [SwaggerUIBundle.presets.apis],
  });
})();
`;

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for an HTML text node or a quoted attribute value. */
function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

/**
 * The interactive docs page: Swagger UI loaded from `assetsPath` (no CDN, docs/demo.md) and pointed
 * at `openapiUrl`. The page has no inline script or style, so it runs under a strict CSP such as
 * `default-src 'self'; img-src 'self' data:` (Swagger UI draws some icons as data URIs).
 *
 * @example
 * ```ts
 * const page = docsHtml({ openapiUrl: '/openapi.json', assetsPath: '/docs/assets' });
 * const html = { 'content-type': 'text/html; charset=utf-8' };
 * app.get('/docs', () => new Response(page, { headers: html }));
 * ```
 */
export function docsHtml(options: DocsPageOptions): string {
  const assets = escapeHtml(options.assetsPath.replace(/\/+$/, ''));
  const title = escapeHtml(options.title ?? 'Portcullis - Swagger UI');
  const openapiUrl = escapeHtml(options.openapiUrl);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="${assets}/swagger-ui.css">
<link rel="icon" type="image/png" href="${assets}/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui" data-openapi-url="${openapiUrl}"></div>
<script src="${assets}/swagger-ui-bundle.js"></script>
<script src="${assets}/${DOCS_INIT_FILE}"></script>
</body>
</html>
`;
}
