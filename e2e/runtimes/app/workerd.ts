// The runtime app as a Cloudflare Worker (ES module syntax), bundled by esbuild and served by
// workerd with workerd.capnp. No native addon loads here, so it supplies a Web Crypto hasher.
import { createPbkdf2PasswordHasher } from '@portcullis/core';
import { createRuntimeApp, type RuntimeApp } from './app.ts';

/** The bindings workerd.capnp declares. */
interface Env {
  TEST_KEY: string;
  /** PBKDF2 iterations for the suite's users (cheap: the suite checks behaviour). */
  SUITE_ITERATIONS: string;
}

let app: RuntimeApp | undefined;

export default {
  fetch(request: Request, env: Env): Promise<Response> {
    app ??= createRuntimeApp({
      runtime: { name: 'workerd', version: navigator.userAgent },
      testKey: env.TEST_KEY,
      passwordHasher: createPbkdf2PasswordHasher({ iterations: Number(env.SUITE_ITERATIONS) }),
      // The production default, 600 000 iterations in rounds of 100 000.
      probeHasher: createPbkdf2PasswordHasher(),
    });
    return app.fetch(request);
  },
};
