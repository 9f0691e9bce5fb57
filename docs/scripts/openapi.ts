// The demo app's OpenAPI document, built by the demo's own code (examples/shared), never by
// hand: an in-memory SQLite database and the `oidc` provider configured, so the OAuth routes
// are in it too. The provider is never contacted: OpenID discovery happens on first use.
import type { OpenApiDocument } from '@portcullis/core';
import { createDemo } from 'portcullis-example-shared';

export async function buildDemoOpenApi(): Promise<OpenApiDocument> {
  const demo = await createDemo({
    port: 8000,
    host: '127.0.0.1',
    databaseUrl: 'sqlite::memory:',
    secret: 'docs-build-secret-not-used-for-anything-0123456789',
    outbox: null,
    redisUrl: null,
    publicUrl: 'http://127.0.0.1:8000',
    secureCookies: false,
    oidc: {
      issuer: 'https://id.example.com',
      clientId: 'docs',
      clientSecret: 'docs',
      associateByEmail: false,
      allowInsecureHttp: false,
    },
  });
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
