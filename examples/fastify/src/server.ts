import { createDemo, readSettings, SettingsError } from 'portcullis-example-shared';
import { buildApp } from './app';

const warn = (message: string): void => {
  process.stderr.write(`warning: ${message}\n`);
};

async function main(): Promise<void> {
  const settings = readSettings(process.env, warn);
  const demo = await createDemo(settings);
  const app = await buildApp(demo);
  let closing = false;
  // While shutting down, answers in flight tell keep-alive clients to hang up, so close() does
  // not wait on connections that would otherwise idle open after their last response.
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
  await app.listen({ port: settings.port, host: settings.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : settings.port;
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  process.stdout.write(`Portcullis demo (fastify) listening on http://${host}:${port}\n`);
  process.stdout.write(`Interactive docs: http://${host}:${port}/docs\n`);
  const shutdown = async (): Promise<void> => {
    if (closing) return;
    closing = true;
    // close() stops accepting, lets in-flight requests finish, then closes idle connections.
    await app.close();
    await demo.close();
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  if (error instanceof SettingsError) {
    process.stderr.write(`error: ${error.message}\n`);
  } else {
    process.stderr.write(
      `error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(1);
});
