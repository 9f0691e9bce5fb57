// Serves the runtime app on Bun: `bun app/bun.ts`. Prints `{"listening":<port>}` once ready.
import { createRuntimeApp } from './app.ts';

/** The part of Bun's global this file uses (no @types/bun needed). */
declare const Bun: {
  version: string;
  env: Record<string, string | undefined>;
  serve(options: { hostname: string; port: number; fetch(request: Request): Promise<Response> }): {
    port: number;
  };
};

const app = createRuntimeApp({
  runtime: { name: 'bun', version: Bun.version },
  testKey: Bun.env.PORTCULLIS_TEST_KEY ?? '',
});
const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: app.fetch });
console.log(JSON.stringify({ listening: server.port }));
