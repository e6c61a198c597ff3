import { createRoute } from '@hono/zod-openapi';
import { resolvePolicy, type Environment, type PromotionPolicy } from '@stagecoach/core';
import { fail, ok } from '../errors.ts';
import type { ResourceService } from '../resources/service.ts';
import type { App } from './app.ts';
import { sendResult } from './respond.ts';
import { ErrorSchema, EvaluatePolicySchema, PolicyEvaluationSchema, errorResponses } from './schemas.ts';

export function registerPolicyRoutes(app: App, service: ResourceService): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/promotion-policies/evaluate',
      tags: ['PromotionPolicy'],
      summary: 'Resolve the policy for a product and a target environment, with the source of each field',
      request: { body: { content: { 'application/json': { schema: EvaluatePolicySchema } }, required: true } },
      responses: {
        200: { description: 'Resolved fields, matched policies and warnings', content: { 'application/json': { schema: PolicyEvaluationSchema } } },
        404: { description: 'Unknown product or environment', content: { 'application/json': { schema: ErrorSchema } } },
        422: { description: 'Invalid request', content: { 'application/json': { schema: ErrorSchema } } },
        ...errorResponses,
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const all = await service.all();
      const product = all.find((r) => r.kind === 'Product' && r.metadata.name === body.product);
      const environment = all.find((r): r is Environment => r.kind === 'Environment' && r.metadata.name === body.environment);
      if (!product) return sendResult(c, fail('not_found', `Product "${body.product}" not found`)) as never;
      if (!environment) return sendResult(c, fail('not_found', `Environment "${body.environment}" not found`)) as never;
      const policies = all.filter((r): r is PromotionPolicy => r.kind === 'PromotionPolicy');
      const resolved = resolvePolicy({
        product: body.product,
        environment: { name: environment.metadata.name, kind: environment.spec.kind },
        policies,
        ...(body.inline ? { inline: body.inline, inlineSource: 'request' } : {}),
      });
      return sendResult(c, ok({ product: body.product, environment: body.environment, ...resolved })) as never;
    },
  );
}
