import { isPortcullisError } from '@portcullis/core';
import { createDemo, type Demo } from './demo';
import { SHUTDOWN_GRACE_MS, SHUTDOWN_LIMIT_MS } from './hardening';
import { type DemoSettings, readSettings, SettingsError } from './settings';

/** A demo server once it listens. */
export interface DemoServer {
  /** The port it listens on (PORT=0 picks a free one). */
  port: number;
  /** Stops accepting, lets in-flight requests finish, then closes every connection. */
  close(): Promise<void>;
  /** Closes every connection now, answered or not (a shutdown past its grace period). */
  closeConnections(): void;
}

/** Builds one framework's app around the demo and listens on `settings.host`/`settings.port`. */
export type StartDemo = (demo: Demo, settings: DemoSettings) => Promise<DemoServer>;

const warn = (message: string): void => {
  process.stderr.write(`warning: ${message}\n`);
};

function fail(error: unknown): never {
  // A settings problem is the operator's to fix: one line, no stack (see docs/demo.md).
  let message = String(error);
  // A configuration mistake names the option: the message is the whole story.
  const configuration = isPortcullisError(error) && error.code === 'CONFIGURATION';
  if (error instanceof SettingsError || configuration) message = (error as Error).message;
  else if (error instanceof Error) message = error.stack ?? error.message;
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
}

async function main(framework: string, start: StartDemo): Promise<void> {
  const settings = readSettings(process.env, warn);
  const demo = await createDemo(settings);
  const server = await start(demo, settings);
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  const base = `http://${host}:${server.port}`;
  process.stdout.write(`Portcullis demo (${framework}) listening on ${base}\n`);
  process.stdout.write(`Interactive docs: ${base}/docs\n`);
  // Passkeys only work on the origin they are bound to (never an IP address): the account page
  // is printed there (with PORT=0, set PUBLIC_URL to the address the server gets).
  process.stdout.write(`Account page: ${new URL('/account', settings.passkeyOrigin).href}\n`);
  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('Shutting down: finishing the requests in flight\n');
    // Slow clients (a body trickling in, a connection held open) must not hold the process up:
    // past the grace period their connections are closed, and the process exits by the limit.
    setTimeout(() => {
      demo.logger.warn(
        { graceMs: SHUTDOWN_GRACE_MS },
        'Shutdown: requests still in flight after the grace period; closing their connections',
      );
      server.closeConnections();
    }, SHUTDOWN_GRACE_MS).unref();
    setTimeout(() => {
      demo.logger.error({ limitMs: SHUTDOWN_LIMIT_MS }, 'Shutdown did not finish in time; exiting');
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS).unref();
    server
      .close()
      .then(() => demo.close())
      .then(() => process.exit(0), fail);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

/**
 * The demo's entry point, the same for every framework: reads the env (see docs/demo.md), starts the
 * app, prints where it listens, and on SIGTERM/SIGINT lets in-flight requests finish, then
 * exits 0; requests still running after 5 s have their connections closed, and the process is
 * gone within 10 s whatever its clients do. A bad setting exits 1 with one `error: …` line on
 * stderr.
 *
 * @example
 * ```ts
 * runServer('express', async (demo, settings) => listenNode(buildApp(demo), settings));
 * ```
 */
export function runServer(framework: string, start: StartDemo): void {
  main(framework, start).catch(fail);
}
