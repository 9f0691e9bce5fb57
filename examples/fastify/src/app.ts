import { createDocsAssets } from '@portcullis/core/node';
import { portcullis, requireUser } from '@portcullis/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Demo } from 'portcullis-example-shared';

/**
 * The Fastify demo: Portcullis' routers, `/openapi.json`, `/docs` with local assets, and one
 * guarded app route showing `request.user`.
 */
export async function buildApp(demo: Demo): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, forceCloseConnections: 'idle' });
  await app.register(portcullis, { portcullis: demo.portcullis, routes: demo.mounts });
  const assets = createDocsAssets();
  app.get('/openapi.json', async () => demo.openapi);
  app.get('/docs', async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(demo.docsPage),
  );
  app.get<{ Params: { file: string } }>('/docs/assets/:file', async (request, reply) => {
    const asset = assets.get(request.params.file);
    if (!asset) return reply.status(404).send({ detail: 'Not Found' });
    return reply
      .type(asset.contentType)
      .header('cache-control', 'public, max-age=3600')
      .send(Buffer.from(asset.body));
  });
  app.get(
    '/whoami',
    { preHandler: requireUser(demo.portcullis, { active: true }) },
    async (request) => ({
      email: request.user?.email ?? null,
    }),
  );
  app.setNotFoundHandler((_request, reply) => reply.status(404).send({ detail: 'Not Found' }));
  return app;
}
