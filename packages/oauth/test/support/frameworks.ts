import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import type { Mounts, Portcullis } from '@portcullis/core';
import { portcullis as expressPortcullis } from '@portcullis/express';
import { portcullis as fastifyPortcullis } from '@portcullis/fastify';
import { portcullis as koaPortcullis } from '@portcullis/koa';

export type Framework = 'fastify' | 'express' | 'koa';

export interface RunningApp {
  /** `http://127.0.0.1:<port>` */
  base: string;
  close(): Promise<void>;
}

const packages = new URL('../../../', import.meta.url);

/**
 * Loads a framework from the adapter package that depends on it: @portcullis/oauth does not
 * depend on any framework itself, and the adapters' own copies are the ones they are typed and
 * tested against.
 */
async function importFrom<T>(adapterDir: string, name: string): Promise<T> {
  const require = createRequire(new URL(`${adapterDir}/package.json`, packages));
  return (await import(pathToFileURL(require.resolve(name)).href)) as T;
}

interface FastifyLike {
  register(plugin: unknown, options: unknown): PromiseLike<unknown>;
  listen(options: { port: number; host: string }): Promise<string>;
  close(): Promise<void>;
  server: Server;
}
interface ExpressLike {
  use(handler: unknown): unknown;
  listen(port: number, host: string): Server;
}
interface KoaLike {
  use(middleware: unknown): unknown;
  listen(port: number, host: string): Server;
}

async function listening(server: Server): Promise<RunningApp> {
  if (!server.listening) await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Serves the Portcullis routes on one framework, through its adapter, on 127.0.0.1:0. */
export async function serve(
  framework: Framework,
  portcullis: Portcullis,
  routes: Mounts,
): Promise<RunningApp> {
  if (framework === 'fastify') {
    const { default: Fastify } = await importFrom<{ default: (o: object) => FastifyLike }>(
      'fastify',
      'fastify',
    );
    const app = Fastify({ logger: false });
    await app.register(fastifyPortcullis, { portcullis, routes });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const running = await listening(app.server);
    return { base: running.base, close: () => app.close() };
  }
  if (framework === 'express') {
    const { default: express } = await importFrom<{ default: () => ExpressLike }>(
      'express',
      'express',
    );
    const app = express();
    app.use(expressPortcullis({ portcullis, routes }));
    return listening(app.listen(0, '127.0.0.1'));
  }
  const { default: Koa } = await importFrom<{ default: new () => KoaLike }>('koa', 'koa');
  const app = new Koa();
  app.use(koaPortcullis({ portcullis, routes }));
  return listening(app.listen(0, '127.0.0.1'));
}
