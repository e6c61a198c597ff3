import { createRoute, z } from '@hono/zod-openapi';
import type { CredentialService } from '../credentials/service.ts';
import type { App } from './app.ts';
import { sendError, sendResult } from './respond.ts';
import { ErrorSchema, errorResponses } from './schemas.ts';

const CredentialSchema = z
  .object({ id: z.string(), name: z.string(), urlPrefix: z.string(), type: z.enum(['token', 'basic', 'ssh']), createdAt: z.string(), updatedAt: z.string() })
  .openapi('Credential');

const CreateCredentialSchema = z
  .object({
    name: z.string(),
    urlPrefix: z.string().openapi({ example: 'https://git.example.com/acme/' }),
    type: z.enum(['token', 'basic', 'ssh']),
    token: z.string().optional(),
    username: z.string().optional(),
    password: z.string().optional(),
    privateKey: z.string().optional(),
    knownHosts: z.string().optional(),
  })
  .openapi('CreateCredential');

/** Git credentials: admins store them; nobody reads a secret back. */
export function registerCredentialRoutes(app: App, credentials: CredentialService): void {
  for (const path of ['/api/v1/credentials', '/api/v1/credentials/*']) {
    app.use(path, async (c, next) => {
      if (c.get('actor').role !== 'admin') return sendError(c, 'forbidden', 'only admin tokens may manage Git credentials');
      await next();
    });
  }

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/credentials',
      tags: ['Credentials'],
      summary: 'List Git credentials (never their secrets)',
      responses: { 200: { description: 'Credentials', content: { 'application/json': { schema: z.object({ items: z.array(CredentialSchema) }) } } }, ...errorResponses },
    }),
    async (c) => c.json({ items: await credentials.list() }, 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/credentials',
      tags: ['Credentials'],
      summary: 'Store a Git credential for the repositories under a URL prefix; the secret is encrypted at rest',
      request: { body: { content: { 'application/json': { schema: CreateCredentialSchema } }, required: true } },
      responses: {
        201: { description: 'Stored', content: { 'application/json': { schema: CredentialSchema } } },
        409: { description: 'Name taken', content: { 'application/json': { schema: ErrorSchema } } },
        422: { description: 'Invalid', content: { 'application/json': { schema: ErrorSchema } } },
        ...errorResponses,
      },
    }),
    async (c) => sendResult(c, await credentials.create(c.req.valid('json')), 201) as never,
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/credentials/{name}',
      tags: ['Credentials'],
      summary: 'Delete a Git credential',
      request: { params: z.object({ name: z.string().openapi({ param: { name: 'name', in: 'path' } }) }) },
      responses: {
        200: { description: 'Deleted', content: { 'application/json': { schema: z.object({ name: z.string() }) } } },
        404: { description: 'Unknown', content: { 'application/json': { schema: ErrorSchema } } },
        ...errorResponses,
      },
    }),
    async (c) => sendResult(c, await credentials.delete(c.req.valid('param').name)) as never,
  );
}
