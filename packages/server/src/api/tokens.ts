import { createRoute, z } from '@hono/zod-openapi';
import { canManageTokens } from '@stagecoach/core';
import type { TokenService } from '../auth/tokens.ts';
import type { App } from './app.ts';
import { sendError, sendResult } from './respond.ts';
import { CreateTokenSchema, ErrorSchema, TokenSchema, errorResponses } from './schemas.ts';

export function registerTokenRoutes(app: App, tokens: TokenService): void {
  app.use('/api/v1/tokens', async (c, next) => {
    if (!canManageTokens(c.get('actor').role)) return sendError(c, 'forbidden', 'only admin tokens may manage tokens');
    await next();
  });
  app.use('/api/v1/tokens/*', async (c, next) => {
    if (!canManageTokens(c.get('actor').role)) return sendError(c, 'forbidden', 'only admin tokens may manage tokens');
    await next();
  });

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/tokens',
      tags: ['Tokens'],
      summary: 'List tokens (never their secrets)',
      responses: { 200: { description: 'Tokens', content: { 'application/json': { schema: z.object({ items: z.array(TokenSchema) }) } } }, ...errorResponses },
    }),
    async (c) => c.json({ items: await tokens.list() }, 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/tokens',
      tags: ['Tokens'],
      summary: 'Create a token; its secret is in this response only',
      request: { body: { content: { 'application/json': { schema: CreateTokenSchema } }, required: true } },
      responses: {
        201: { description: 'Created', content: { 'application/json': { schema: z.object({ token: TokenSchema, secret: z.string() }) } } },
        409: { description: 'Name taken', content: { 'application/json': { schema: ErrorSchema } } },
        422: { description: 'Invalid', content: { 'application/json': { schema: ErrorSchema } } },
        ...errorResponses,
      },
    }),
    async (c) => sendResult(c, await tokens.create(c.req.valid('json')), 201) as never,
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/tokens/{id}',
      tags: ['Tokens'],
      summary: 'Revoke a token',
      request: { params: z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) }) },
      responses: {
        200: { description: 'Revoked', content: { 'application/json': { schema: z.object({ id: z.string() }) } } },
        404: { description: 'Unknown', content: { 'application/json': { schema: ErrorSchema } } },
        ...errorResponses,
      },
    }),
    async (c) => sendResult(c, await tokens.revoke(c.req.valid('param').id)) as never,
  );
}
