/**
 * One benchmark server: `BENCH_FRAMEWORK` × `BENCH_STACK` on 127.0.0.1, a free port. Started by
 * the runner with an IPC channel: it sends `{ type: 'ready', port }` once listening, and answers
 * `measure-start` / `measure-stop` with the CPU time it used in between and, when asked, its
 * event-loop delay (issue 7: armed before the load starts, read after it ends).
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type {
  Fixture,
  Framework,
  MeasuredMessage,
  ReadyMessage,
  ServerCommand,
  Stack,
} from '../config';
import { STACKS } from '../runner/stacks';
import type { Check } from './checks';

/** Sampling interval of the delay histogram; a sample's delay is what exceeds it. */
const RESOLUTION_MS = 1;

interface Built {
  /** The server, not yet listening. */
  server: Server;
  close(): Promise<void>;
}

type Builder<T> = (fixture: Fixture) => Promise<T>;

/** Authentication that is not Portcullis', on every framework; loaded only when it runs. */
const CHECKS: Partial<Record<Stack, Builder<Check>>> = {
  bare: async (fixture) => (await import('./checks')).bareCheck(fixture),
  'bare-pg': async (fixture) => (await import('./checks')).barePgCheck(fixture),
  'bare-redis': async (fixture) => (await import('./checks')).bareRedisCheck(fixture),
  'jose-cold': async (fixture) => (await import('./checks')).joseCheck(fixture),
  'better-auth': async (fixture) => (await import('./better-auth-check')).betterAuthCheck(fixture),
};

function postgresOf(fixture: Fixture): { url: string; schema: string } {
  if (!fixture.postgres) throw new Error('PostgreSQL is not reachable; this scenario cannot run');
  return fixture.postgres;
}

/** Peers that exist for Express only: a whole app each. */
const EXPRESS_APPS: Partial<
  Record<Stack, Builder<{ app: RequestListener; close(): Promise<void> }>>
> = {
  'passport-jwt': async (fixture) => {
    const { app, stores } = (await import('./express-app')).expressPassport(fixture);
    return { app, close: stores.close };
  },
  'express-session': async (fixture) => {
    const { url, schema } = postgresOf(fixture);
    return (await import('./express-session-app')).expressSessionApp(url, schema);
  },
  authjs: async (fixture) => {
    const { url, schema } = postgresOf(fixture);
    return (await import('./authjs-app')).authjsApp(url, schema);
  },
};

/** Fastify's close, then the stores'. */
async function closeBoth(first: PromiseLike<unknown>, then: () => Promise<void>): Promise<void> {
  await first;
  await then();
}

/** Builds the server; only the framework and stack in use are imported (start-up time). */
async function build(framework: Framework, stack: Stack, fixture: Fixture): Promise<Built> {
  const planned = STACKS[stack].planned;
  if (planned) throw new Error(`${stack} is planned, not built yet: it waits for ${planned}`);
  const expressApp = EXPRESS_APPS[stack];
  if (expressApp) {
    if (framework !== 'express') throw new Error(`${stack} runs on Express only`);
    const { app, close } = await expressApp(fixture);
    return { server: createServer(app), close };
  }
  const check = await CHECKS[stack]?.(fixture);
  const stackOf = async () => (await import('./portcullis-stack')).portcullisStack(stack, fixture);
  if (framework === 'fastify') {
    const { fastifyCheck, fastifyPortcullis } = await import('./fastify-app');
    if (check) {
      const app = await fastifyCheck(check);
      await app.ready();
      return { server: app.server, close: () => closeBoth(app.close(), check.close) };
    }
    const portcullis = await stackOf();
    const app = await fastifyPortcullis(portcullis);
    await app.ready();
    return { server: app.server, close: () => closeBoth(app.close(), portcullis.close) };
  }
  if (framework === 'express') {
    const { expressCheck, expressPortcullis } = await import('./express-app');
    if (check) return { server: createServer(expressCheck(check)), close: check.close };
    const portcullis = await stackOf();
    return { server: createServer(expressPortcullis(portcullis)), close: portcullis.close };
  }
  const { koaCheck, koaPortcullis } = await import('./koa-app');
  if (check) return { server: createServer(koaCheck(check).callback()), close: check.close };
  const portcullis = await stackOf();
  return { server: createServer(koaPortcullis(portcullis).callback()), close: portcullis.close };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
}

const ms = (nanoseconds: number): number => Math.max(0, nanoseconds / 1e6 - RESOLUTION_MS);

async function main(): Promise<void> {
  const framework = process.env.BENCH_FRAMEWORK as Framework;
  const stack = process.env.BENCH_STACK as Stack;
  const fixture = JSON.parse(process.env.BENCH_FIXTURE ?? 'null') as Fixture;
  if (!process.send) throw new Error('start this through the bench runner (needs IPC)');
  const built = await build(framework, stack, fixture);
  const port = await listen(built.server);
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  let started = { cpu: process.cpuUsage(), wall: performance.now(), loopDelay: false };
  process.on('message', (command: ServerCommand) => {
    if (command.type === 'measure-start') {
      started = { cpu: process.cpuUsage(), wall: performance.now(), loopDelay: command.loopDelay };
      if (command.loopDelay) {
        delay.reset();
        delay.enable();
      }
      return;
    }
    const cpu = process.cpuUsage(started.cpu);
    const reply: MeasuredMessage = {
      type: 'measured',
      cpuMs: (cpu.user + cpu.system) / 1000,
      wallMs: performance.now() - started.wall,
    };
    if (started.loopDelay) {
      delay.disable();
      reply.loop = {
        p50: ms(delay.percentile(50)),
        p99: ms(delay.percentile(99)),
        max: ms(delay.max),
        samples: delay.count,
      };
    }
    process.send?.(reply);
  });
  const stop = async (): Promise<void> => {
    built.server.closeAllConnections();
    await built.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('disconnect', () => void stop());
  const ready: ReadyMessage = { type: 'ready', port };
  process.send(ready);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench server failed: ${error instanceof Error ? error.stack : error}\n`);
  process.exit(1);
});
