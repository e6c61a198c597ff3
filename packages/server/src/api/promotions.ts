import { createRoute, z } from '@hono/zod-openapi';
import { error, HEALTH_STATES, SYNC_STATES } from '@stagecoach/core';
import type { PromotionService } from '../promotions/service.ts';
import type { App } from './app.ts';
import { sendError, sendResult } from './respond.ts';
import { ErrorSchema, PolicySettingsSchema, errorResponses } from './schemas.ts';

const PreviewRequestSchema = z
  .object({
    product: z.string().min(1),
    from: z.string().min(1).openapi({ description: 'Source environment' }),
    to: z.string().min(1).openapi({ description: 'Target environment' }),
    application: z.string().min(1).optional().openapi({ description: 'Source application, when the product has several in the source environment' }),
    inline: PolicySettingsSchema.extend({ preAction: z.string().min(1).nullable().optional(), postAction: z.string().min(1).nullable().optional() })
      .optional()
      .openapi({ description: "Overrides of the resolved policy, field by field; a workflow of null removes the policies' one" }),
  })
  .strict()
  .openapi('PreviewRequest');

const PropertyChange = z.object({ path: z.string(), document: z.number().optional(), old: z.unknown(), new: z.unknown() });
const FileChange = z
  .object({ path: z.string(), kind: z.enum(['yaml', 'json', 'whole-file']), edits: z.array(PropertyChange), before: z.string(), after: z.string(), diff: z.string() })
  .openapi('FileChange');
const FolderRef = z.object({ application: z.string(), repoURL: z.string(), branch: z.string(), path: z.string(), commit: z.string() });
const PreviewSchema = z
  .object({
    product: z.string(),
    from: z.string(),
    to: z.string(),
    changeSets: z.array(
      z.object({
        application: z.string(),
        source: FolderRef,
        target: FolderRef,
        templates: z.array(z.string()),
        files: z.array(FileChange),
        noChange: z.boolean(),
        problems: z.array(z.unknown()),
      }),
    ),
    policy: z.unknown(),
  })
  .openapi('PromotionPreview');

const CommitInfo = z.object({ sha: z.string(), author: z.object({ name: z.string(), email: z.string(), date: z.string() }), message: z.string() });
const DeploymentSchema = z
  .object({
    sync: z.enum(SYNC_STATES),
    health: z.enum(HEALTH_STATES),
    revision: z.string().optional().openapi({ description: 'The revision Argo CD compared the live state with' }),
    message: z.string().optional().openapi({ description: "Argo CD's health or sync message, or why Argo CD could not be asked" }),
  })
  .openapi('Deployment', {
    description:
      "Argo CD's sync and health of an application it deploys (spec.argocd, with the server's argocd settings); Unknown with a message when Argo CD could not be asked. Absent for applications deployed from Git alone.",
  });
const VersionsSchema = z
  .object({
    product: z.string(),
    environments: z.array(
      z.object({
        environment: z.string(),
        applications: z.array(
          z.object({
            application: z.string(),
            environment: z.string(),
            version: z.string().optional(),
            reason: z.string().optional(),
            branch: z.string(),
            commit: z.string().optional(),
            lastChange: CommitInfo.optional(),
            deployment: DeploymentSchema.optional(),
          }),
        ),
      }),
    ),
  })
  .openapi('ProductVersions');

const VersionsListSchema = z.object({ items: z.array(VersionsSchema) }).openapi('VersionsList');

/** Product names of the `product` query parameter: repeated, comma-separated, or both. */
function productNames(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

const git = { 502: { description: 'A repository could not be reached or refused the credentials', content: { 'application/json': { schema: ErrorSchema } } } };

export function registerPromotionRoutes(app: App, promotions: PromotionService): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/promotions/preview',
      tags: ['Promotions'],
      summary: 'The change set a promotion would make in each target application, and the resolved policy; writes nothing',
      request: { body: { content: { 'application/json': { schema: PreviewRequestSchema } }, required: true } },
      responses: {
        200: { description: 'Change sets and policy', content: { 'application/json': { schema: PreviewSchema } } },
        422: { description: 'Unknown product, environment or application', content: { 'application/json': { schema: ErrorSchema } } },
        ...git,
        ...errorResponses,
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      return sendResult(c, await promotions.preview({ ...body, ...(body.inline ? { inline: body.inline } : {}) } as never)) as never;
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/products/{name}/versions',
      tags: ['Product'],
      summary: "Each application's version, per environment, with the last change to its folder",
      request: { params: z.object({ name: z.string().openapi({ param: { name: 'name', in: 'path' } }) }) },
      responses: {
        200: { description: 'Versions', content: { 'application/json': { schema: VersionsSchema } } },
        404: { description: 'Unknown product', content: { 'application/json': { schema: ErrorSchema } } },
        ...git,
        ...errorResponses,
      },
    }),
    async (c) => sendResult(c, await promotions.versions(c.req.valid('param').name)) as never,
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/versions',
      tags: ['Product'],
      summary: "Each application's version, per product and environment, for many products in one request",
      request: {
        query: z.object({
          product: z
            .union([z.string(), z.array(z.string())])
            .optional()
            .openapi({ param: { name: 'product', in: 'query' }, description: 'Only these products: the parameter repeated, or a comma-separated list. Default: every product' }),
        }),
      },
      responses: {
        200: { description: 'Versions, one entry per product, ordered by product name', content: { 'application/json': { schema: VersionsListSchema } } },
        404: { description: 'A product of the filter does not exist (every unknown one is listed)', content: { 'application/json': { schema: ErrorSchema } } },
        ...git,
        ...errorResponses,
      },
    }),
    async (c) => {
      const names = productNames(c.req.valid('query').product);
      if (names !== undefined && names.length === 0) {
        return sendError(c, 'bad_request', 'product: expected one or more product names, repeated or comma-separated', [
          error('min', 'product', 'the product parameter is empty'),
        ]) as never;
      }
      return sendResult(c, await promotions.manyVersions(names)) as never;
    },
  );
}
