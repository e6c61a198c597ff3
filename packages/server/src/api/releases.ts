import { createRoute, z } from '@hono/zod-openapi';
import { RELEASE_STATUSES, STEP_STATUSES, TASK_STATUSES } from '@stagecoach/core';
import type { ReleaseService } from '../releases/service.ts';
import type { App } from './app.ts';
import { sendError, sendResult } from './respond.ts';
import { ErrorSchema, errorResponses } from './schemas.ts';

const Status = z.enum(RELEASE_STATUSES);
const Counters = z.object({ succeeded: z.number().int(), running: z.number().int(), failed: z.number().int(), pending: z.number().int() });

const ReleaseSummarySchema = z
  .object({
    id: z.string(),
    number: z.number().int().openapi({ description: 'Per product: `cf-101 #42`' }),
    title: z.string(),
    product: z.string(),
    flow: z.string().openapi({ description: 'The flow, or `manual`' }),
    flowVersion: z.string().optional(),
    version: z.string().openapi({ description: "The product's version in the trigger environment at creation" }),
    trigger: z.enum(['manual', 'flow', 'git']),
    initiator: z.string(),
    status: Status,
    message: z.string().optional(),
    commit: z.object({ sha: z.string(), message: z.string(), author: z.string() }),
    steps: z.array(z.object({ environment: z.string(), status: z.string(), message: z.string().optional() })),
    counters: Counters,
    createdAt: z.string(),
    startedAt: z.string().optional(),
    finishedAt: z.string().optional(),
    updatedAt: z.string(),
  })
  .openapi('ReleaseSummary');

const TaskSchema = z
  .object({
    key: z.string(),
    kind: z.enum(['hook', 'trigger', 'pre', 'action', 'sync', 'post']),
    environment: z.string().optional(),
    application: z.string().optional(),
    hook: z.enum(['onStart', 'onSuccess', 'onFail']).optional(),
    workflow: z.string().optional(),
    action: z.enum(['commit', 'pr', 'none']).optional(),
    status: z.enum(TASK_STATUSES),
    attempt: z.number().int(),
    cancelling: z.boolean().optional(),
    run: z.string().optional().openapi({ description: 'The workflow run of the current attempt' }),
    startedAt: z.string().optional(),
    finishedAt: z.string().optional(),
    message: z.string().optional(),
    result: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi('ReleaseTask');

const ReleaseSchema = z
  .object({
    id: z.string(),
    number: z.number().int(),
    title: z.string(),
    product: z.string(),
    trigger: z.enum(['manual', 'flow', 'git']),
    initiator: z.string(),
    version: z.string(),
    status: Status,
    message: z.string().optional(),
    snapshot: z.record(z.string(), z.unknown()).openapi({ description: 'The flow, policies, templates and source commit fixed at creation' }),
    steps: z.array(
      z.object({ environment: z.string(), status: z.enum(STEP_STATUSES), startedAt: z.string().optional(), finishedAt: z.string().optional(), message: z.string().optional() }),
    ),
    tasks: z.array(TaskSchema),
    context: z.record(z.string(), z.unknown()).openapi({ description: 'The promotion context hooks exported' }),
    terminate: z.object({ reason: z.string(), by: z.string().optional(), at: z.string() }).optional(),
    retries: z.number().int(),
    counters: Counters,
    createdAt: z.string(),
    queuedAt: z.string(),
    startedAt: z.string().optional(),
    finishedAt: z.string().optional(),
    updatedAt: z.string(),
  })
  .openapi('Release');

const PromoteSchema = z
  .object({
    product: z.string().min(1),
    from: z.string().min(1).openapi({ description: 'Source environment' }),
    to: z.string().min(1).openapi({ description: 'Target environment' }),
    application: z.string().min(1).optional().openapi({ description: 'Source application, when the product has several in the source environment' }),
    action: z.enum(['commit', 'pr', 'none']).optional().openapi({ description: 'Overrides the policies' }),
    preAction: z.string().min(1).nullable().optional().openapi({ description: "Replaces the policies' pre-action workflow; null: none for this promotion" }),
    postAction: z.string().min(1).nullable().optional().openapi({ description: "Replaces the policies' post-action workflow; null: none for this promotion" }),
  })
  .strict()
  .openapi('Promote');

const TriggerSchema = z
  .object({
    product: z.string().min(1),
    application: z.string().min(1).optional().openapi({ description: 'The trigger-environment application, when the product has several there' }),
  })
  .strict()
  .openapi('TriggerFlow');

const IdParam = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) });
const NameParam = z.object({ name: z.string().openapi({ param: { name: 'name', in: 'path' } }) });
const one = (description: string, status: 200 | 201 = 200) => ({ [status]: { description, content: { 'application/json': { schema: ReleaseSchema } } } });
const missing = { 404: { description: 'Unknown release, product or flow', content: { 'application/json': { schema: ErrorSchema } } } };
const conflict = { 409: { description: 'The release is in a status that does not allow this', content: { 'application/json': { schema: ErrorSchema } } } };
const invalid = { 422: { description: 'The release cannot be planned: every problem is listed', content: { 'application/json': { schema: ErrorSchema } } } };
const gitDown = { 502: { description: 'The source repository could not be read', content: { 'application/json': { schema: ErrorSchema } } } };

/** Releases: manual promotions, flow triggers, the list, one release, retry and terminate. */
export function registerReleaseRoutes(app: App, releases: ReleaseService): void {
  const refuseViewer = (role: string, what: string) => (role === 'viewer' ? `role "viewer" may not ${what}` : undefined);

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/promotions',
      tags: ['Releases'],
      summary: 'Promote a product from one environment to another (a release of the `manual` flow; member or admin)',
      request: { body: { required: true, content: { 'application/json': { schema: PromoteSchema } } } },
      responses: { ...one('The new release', 201), ...missing, ...invalid, ...gitDown, ...errorResponses },
    }),
    async (c) => {
      const actor = c.get('actor');
      const refused = refuseViewer(actor.role, 'promote');
      if (refused) return sendError(c, 'forbidden', refused) as never;
      const body = c.req.valid('json');
      return sendResult(c, await releases.promote(definedOnly(body), actor.name), 201) as never;
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/promotion-flows/{name}/trigger',
      tags: ['Releases'],
      summary: 'Start a promotion flow for a product (member or admin)',
      request: { params: NameParam, body: { required: true, content: { 'application/json': { schema: TriggerSchema } } } },
      responses: { ...one('The new release', 201), ...missing, ...invalid, ...gitDown, ...errorResponses },
    }),
    async (c) => {
      const actor = c.get('actor');
      const refused = refuseViewer(actor.role, 'trigger flows');
      if (refused) return sendError(c, 'forbidden', refused) as never;
      const body = c.req.valid('json');
      return sendResult(c, await releases.triggerFlow({ flow: c.req.valid('param').name, ...definedOnly(body) }, actor.name), 201) as never;
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/releases',
      tags: ['Releases'],
      summary: 'List releases, newest first',
      request: {
        query: z.object({
          product: z.string().min(1).optional().openapi({ param: { name: 'product', in: 'query' } }),
          flow: z.string().min(1).optional().openapi({ param: { name: 'flow', in: 'query' } }),
          status: z
            .string()
            .optional()
            .openapi({ param: { name: 'status', in: 'query' }, description: 'One status or a comma-separated list' }),
          since: z.string().datetime().optional().openapi({ param: { name: 'since', in: 'query' } }),
          until: z.string().datetime().optional().openapi({ param: { name: 'until', in: 'query' } }),
          limit: z.coerce.number().int().min(1).max(1000).optional().openapi({ param: { name: 'limit', in: 'query' }, type: 'integer' }),
        }),
      },
      responses: { 200: { description: 'Releases', content: { 'application/json': { schema: z.object({ items: z.array(ReleaseSummarySchema) }) } } }, ...errorResponses },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const statuses = query.status?.split(',').map((s) => s.trim()).filter(Boolean) ?? [];
      const unknown = statuses.filter((s) => !(RELEASE_STATUSES as readonly string[]).includes(s));
      if (unknown.length > 0) return sendError(c, 'bad_request', `status: unknown release status ${unknown.map((s) => `"${s}"`).join(', ')} (one of ${RELEASE_STATUSES.join(', ')})`) as never;
      const { status: _status, ...rest } = query;
      const items = await releases.list({ ...definedOnly(rest), ...(statuses.length > 0 ? { statuses: statuses as (typeof RELEASE_STATUSES)[number][] } : {}) });
      return c.json({ items }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/releases/{id}',
      tags: ['Releases'],
      summary: 'Get a release with its steps, tasks and snapshot',
      request: { params: IdParam },
      responses: { ...one('The release'), ...missing, ...errorResponses },
    }),
    async (c) => sendResult(c, await releases.get(c.req.valid('param').id)) as never,
  );

  for (const action of ['retry', 'terminate'] as const) {
    app.openapi(
      createRoute({
        method: 'post',
        path: `/api/v1/releases/{id}/${action}`,
        tags: ['Releases'],
        summary: action === 'retry' ? 'Retry a Failed or Terminated release where it stopped (same id; member or admin)' : 'Terminate a release: cancel running work, run onFail hooks (member or admin)',
        request: { params: IdParam },
        responses: { ...one('The release after the request'), ...missing, ...conflict, ...errorResponses },
      }),
      async (c) => {
        const actor = c.get('actor');
        const refused = refuseViewer(actor.role, `${action} releases`);
        if (refused) return sendError(c, 'forbidden', refused) as never;
        const id = c.req.valid('param').id;
        return sendResult(c, action === 'retry' ? await releases.retry(id, actor.name) : await releases.terminate(id, actor.name)) as never;
      },
    );
  }
}

function definedOnly<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}
