import { createRoute, z } from '@hono/zod-openapi';
import { NODE_PHASES } from '../workflows/port.ts';
import type { WorkflowRunDetail, WorkflowRunService, WorkflowRunSummary } from '../workflow-runs/service.ts';
import type { App } from './app.ts';
import { sendError, sendFailure, sendResult } from './respond.ts';
import { ErrorSchema, errorResponses } from './schemas.ts';

const Phase = z.enum(NODE_PHASES);
const Engine = z.enum(['local', 'argo']);

const LabelsSchema = z
  .object({ product: z.string().min(1), environment: z.string().min(1), application: z.string().min(1), release: z.string().min(1) })
  .partial()
  .strict()
  .openapi('WorkflowRunLabels');

const WorkflowRunSchema = z
  .object({
    id: z.string(),
    template: z.string(),
    engine: Engine,
    phase: Phase,
    message: z.string().optional(),
    parameters: z.record(z.string(), z.string()),
    labels: LabelsSchema,
    retryOf: z.string().optional(),
    attempts: z.number().int().openapi({ description: '1, +1 per retry' }),
    createdAt: z.string(),
    updatedAt: z.string(),
    startedAt: z.string().optional(),
    finishedAt: z.string().optional(),
  })
  .openapi('WorkflowRunSummary');

const NodeSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    displayName: z.string(),
    templateName: z.string(),
    type: z.enum(['Workflow', 'Steps', 'StepGroup', 'DAG', 'Task', 'Pod', 'Suspend', 'Skipped']),
    phase: Phase,
    startedAt: z.string().optional(),
    finishedAt: z.string().optional(),
    message: z.string().optional(),
    outputs: z.array(z.object({ name: z.string(), value: z.string(), globalName: z.string().optional() })),
    children: z.array(z.string()),
    attempts: z.number().int().optional(),
  })
  .openapi('WorkflowRunNode');

const WorkflowRunDetailSchema = WorkflowRunSchema.extend({
  externalId: z.string().optional().openapi({ description: "The engine's id of the current attempt (an Argo workflow name)" }),
  nodes: z.array(NodeSchema),
  outputs: z.record(z.string(), z.string()).openapi({ description: 'Outputs exported with globalName, by that name' }),
}).openapi('WorkflowRun');

const StartSchema = z
  .object({
    id: z
      .string()
      .min(1)
      .optional()
      .openapi({
        description:
          'The run\'s id, chosen by the caller so that sending the same request again is safe: when a run with this id exists, it is returned (201, as the first time) and nothing is submitted; 409 when it runs another template. 1 to 56 letters, digits, "-", "_" and ".", starting and ending with a letter or digit. Default: a new id.',
        example: 'rel-42-pre-qa',
      }),
    template: z.string().min(1).openapi({ example: 'smoke' }),
    parameters: z.record(z.string(), z.string()).optional(),
    engine: Engine.optional().openapi({ description: "Default the server's configured engine" }),
    labels: LabelsSchema.optional(),
  })
  .strict()
  .openapi('StartWorkflowRun');

// The views are built field by field in the service; these checks keep them and the schemas in step.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _summary: Same<z.infer<typeof WorkflowRunSchema>, WorkflowRunSummary> = true;
const _detail: Same<z.infer<typeof WorkflowRunDetailSchema>, WorkflowRunDetail> = true;
void _summary;
void _detail;

const IdParam = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) });
const query = (name: string) => z.string().min(1).optional().openapi({ param: { name, in: 'query' } });
const one = { 200: { description: 'The run', content: { 'application/json': { schema: WorkflowRunDetailSchema } } } };
const missing = { 404: { description: 'Unknown run, template or node', content: { 'application/json': { schema: ErrorSchema } } } };
const conflict = { 409: { description: 'The run is not in a phase that allows this', content: { 'application/json': { schema: ErrorSchema } } } };
const invalid = { 422: { description: 'Missing parameters, or the engine is not configured', content: { 'application/json': { schema: ErrorSchema } } } };

/** Workflow runs: start a WorkflowTemplate on an engine, watch it, read its logs, stop or run it again. */
export function registerWorkflowRunRoutes(app: App, runs: WorkflowRunService): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/workflow-runs',
      tags: ['Workflow runs'],
      summary: 'Start a run of a WorkflowTemplate (member or admin)',
      request: { body: { required: true, content: { 'application/json': { schema: StartSchema } } } },
      responses: {
        201: { description: 'The run, as submitted (or as it is now, when `id` names an existing run)', content: { 'application/json': { schema: WorkflowRunDetailSchema } } },
        ...missing,
        ...conflict,
        ...invalid,
        ...errorResponses,
      },
    }),
    async (c) => {
      const actor = c.get('actor');
      if (actor.role === 'viewer') return sendError(c, 'forbidden', 'role "viewer" may not start workflow runs') as never;
      const body = c.req.valid('json');
      return sendResult(
        c,
        await runs.start({
          ...(body.id !== undefined ? { id: body.id } : {}),
          template: body.template,
          ...(body.parameters !== undefined ? { parameters: body.parameters } : {}),
          ...(body.engine !== undefined ? { engine: body.engine } : {}),
          ...(body.labels !== undefined ? { labels: definedOnly(body.labels) } : {}),
        }),
        201,
      ) as never;
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/workflow-runs',
      tags: ['Workflow runs'],
      summary: 'List workflow runs, newest first',
      request: {
        query: z.object({
          phase: Phase.optional().openapi({ param: { name: 'phase', in: 'query' } }),
          template: query('template'),
          product: query('product'),
          environment: query('environment'),
          application: query('application'),
          release: query('release'),
          limit: z.coerce.number().int().min(1).max(1000).optional().openapi({ param: { name: 'limit', in: 'query' }, type: 'integer' }),
        }),
      },
      responses: { 200: { description: 'Runs, without nodes', content: { 'application/json': { schema: z.object({ items: z.array(WorkflowRunSchema) }) } } }, ...errorResponses },
    }),
    async (c) => c.json({ items: await runs.list(definedOnly(c.req.valid('query'))) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/workflow-runs/{id}',
      tags: ['Workflow runs'],
      summary: 'Get a workflow run with its nodes and outputs (read from the engine while it runs)',
      request: { params: IdParam },
      responses: { ...one, ...missing, ...errorResponses },
    }),
    async (c) => sendResult(c, await runs.get(c.req.valid('param').id)) as never,
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/workflow-runs/{id}/logs',
      tags: ['Workflow runs'],
      summary: "A node's log, or every node's with the node's name before each line",
      description: 'Plain text; with `Accept: application/json` (and not text/plain), `{ "text": … }`.',
      request: { params: IdParam, query: z.object({ node: query('node').openapi({ description: 'Node id or name' }) }) },
      responses: {
        200: {
          description: 'Log text',
          content: { 'text/plain': { schema: z.string() }, 'application/json': { schema: z.object({ text: z.string() }).openapi('WorkflowRunLogs') } },
        },
        ...missing,
        ...errorResponses,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { node } = c.req.valid('query');
      const result = await runs.logs(id, node);
      if (!result.ok) return sendFailure(c, result.error) as never;
      const accept = c.req.header('accept') ?? '';
      if (accept.includes('application/json') && !accept.includes('text/plain')) return c.json({ text: result.value }, 200) as never;
      return c.text(result.value, 200) as never;
    },
  );

  for (const verb of ['terminate', 'retry', 'resubmit'] as const) {
    const summaries = {
      terminate: 'Stop a Pending or Running run; its running nodes become Terminated',
      retry: 'Run a Failed, Error or Terminated run again under the same id, from what did not succeed (from the start when the engine cannot resume it)',
      resubmit: 'Start a new run with the same template, engine, parameters and labels',
    };
    app.openapi(
      createRoute({
        method: 'post',
        path: `/api/v1/workflow-runs/{id}/${verb}`,
        tags: ['Workflow runs'],
        summary: `${summaries[verb]} (member or admin)`,
        request: { params: IdParam },
        responses: {
          [verb === 'resubmit' ? 201 : 200]: { description: verb === 'resubmit' ? 'The new run' : 'The run', content: { 'application/json': { schema: WorkflowRunDetailSchema } } },
          ...missing,
          ...conflict,
          ...invalid,
          ...errorResponses,
        },
      }),
      async (c) => {
        const actor = c.get('actor');
        if (actor.role === 'viewer') return sendError(c, 'forbidden', `role "viewer" may not ${verb} workflow runs`) as never;
        const { id } = c.req.valid('param');
        const result = verb === 'terminate' ? await runs.terminate(id) : verb === 'retry' ? await runs.retry(id) : await runs.resubmit(id);
        return sendResult(c, result, verb === 'resubmit' ? 201 : 200) as never;
      },
    );
  }
}

/** The object without its `undefined` members (exactOptionalPropertyTypes). */
function definedOnly<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}
