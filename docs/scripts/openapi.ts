// The demo app's OpenAPI document, built by the demo's own code (examples/shared), never by
// hand: an in-memory SQLite database and the `oidc` provider configured, so the OAuth routes
// are in it too. The provider is never contacted: OpenID discovery happens on first use.
import type { OpenApiDocument } from '@portcullis/core';
import { createDemo, readSettings } from 'portcullis-example-shared';

export async function buildDemoOpenApi(): Promise<OpenApiDocument> {
  // The demo's own environment reader, so settings added to the demo later get their defaults.
  const settings = readSettings(
    {
      DATABASE_URL: 'sqlite::memory:',
      SECRET: 'docs-build-secret-not-used-for-anything-0123456789',
      PUBLIC_URL: 'https://app.example.com',
      OIDC_ISSUER: 'https://id.example.com',
      OIDC_CLIENT_ID: 'docs',
      OIDC_CLIENT_SECRET: 'docs',
    },
    () => {},
  );
  const demo = await createDemo(settings);
  try {
    return demo.openapi;
  } finally {
    await demo.close();
  }
}

export type Operation = OpenApiDocument['paths'][string][string];

/** Every operation of the document, in document order. */
export function operationsOf(
  document: OpenApiDocument,
): { method: string; path: string; operation: Operation }[] {
  const list: { method: string; path: string; operation: Operation }[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      list.push({ method: method.toUpperCase(), path, operation });
    }
  }
  return list;
}
