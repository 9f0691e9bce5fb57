// Serves the runtime app on Deno: `deno run <permissions> app/deno.ts`. Prints
// `{"listening":<port>}` once ready.
import { createRuntimeApp } from './app.ts';

/** The part of Deno's global this file uses (no Deno types needed). */
declare const Deno: {
  version: { deno: string };
  env: { get(name: string): string | undefined };
  serve(
    options: { hostname: string; port: number; onListen(address: { port: number }): void },
    handler: (request: Request) => Promise<Response>,
  ): unknown;
};

const app = createRuntimeApp({
  runtime: { name: 'deno', version: Deno.version.deno },
  testKey: Deno.env.get('PORTCULLIS_TEST_KEY') ?? '',
});
Deno.serve(
  {
    hostname: '127.0.0.1',
    port: 0,
    onListen: ({ port }) => console.log(JSON.stringify({ listening: port })),
  },
  app.fetch,
);
