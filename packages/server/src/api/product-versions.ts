import { createRoute, z } from '@hono/zod-openapi';
import { decodeResource, error, formatProblem, type Problem, type Product } from '@stagecoach/core';
import type { PromotionService } from '../promotions/service.ts';
import type { App } from './app.ts';
import { sendError, sendResult } from './respond.ts';
import { ErrorSchema, errorResponses } from './schemas.ts';

/** Components the resource and version routes register; referred to, so each shape is declared once. */
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function describe(problems: readonly Problem[]): string {
  return problems.length === 1 ? formatProblem(problems[0]!) : `${problems.length} problems, the first: ${formatProblem(problems[0]!)}`;
}

/**
 * `POST /api/v1/products/{name}/versions/preview`: the versions of unsaved product settings.
 *
 * Viewers may call it: it reads what a GET of the versions reads, and writes nothing. The body is
 * checked as a PUT of the product checks it (the same decoder, then the same cross-resource rules),
 * except `metadata.resourceVersion`, which only guards a write and is ignored here.
 */
export function registerProductVersionRoutes(app: App, promotions: PromotionService): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/products/{name}/versions/preview',
      tags: ['Product'],
      summary: "Each application's version as it would be with the given product settings; writes nothing",
      description:
        'Takes the Product as PUT /api/v1/products/{name} takes it and answers as GET /api/v1/products/{name}/versions would once it were saved. ' +
        'Settings the PUT would refuse answer 422 with every problem.',
      request: {
        params: z.object({ name: z.string().openapi({ param: { name: 'name', in: 'path' }, example: 'cf-101' }) }),
        body: { content: { 'application/json': { schema: ref('Product') } }, required: true },
      },
      responses: {
        200: { description: 'Versions with the given settings', content: { 'application/json': { schema: ref('ProductVersions') } } },
        404: { description: 'Unknown product', content: { 'application/json': { schema: ErrorSchema } } },
        415: { description: 'The body is not JSON', content: { 'application/json': { schema: ErrorSchema } } },
        422: { description: 'Invalid settings: every problem is listed', content: { 'application/json': { schema: ErrorSchema } } },
        502: { description: 'A repository could not be reached or refused the credentials', content: { 'application/json': { schema: ErrorSchema } } },
        ...errorResponses,
      },
    }),
    async (c) => {
      const { name } = c.req.valid('param');
      const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== 'application/json') return sendError(c, 'unsupported_media_type', `send the product as application/json, got "${type || 'none'}"`) as never;
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        return sendError(c, 'bad_request', 'the body is not valid JSON') as never;
      }
      const decoded = decodeResource(body);
      if (decoded.resource === undefined) return sendError(c, 'validation_failed', describe(decoded.problems), decoded.problems) as never;
      if (decoded.resource.kind !== 'Product') {
        const problem = error('wrong-kind', 'kind', `${c.req.path} takes a Product, got a ${decoded.resource.kind}`);
        return sendError(c, 'validation_failed', formatProblem(problem), [problem]) as never;
      }
      const product: Product = decoded.resource;
      if (product.metadata.name !== name) {
        const problem = error('name-mismatch', 'metadata.name', `must equal the name in the URL "${name}", got "${product.metadata.name}"`, { kind: 'Product' });
        return sendError(c, 'validation_failed', formatProblem(problem), [problem]) as never;
      }
      return sendResult(c, await promotions.versionsWith(product)) as never;
    },
  );
}
