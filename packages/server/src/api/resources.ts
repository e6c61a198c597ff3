import { createRoute, z, type Hook } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { KINDS, decodeResource, error, formatProblem, issuesToProblems, type KindInfo, type Problem } from '@stagecoach/core';
import type { ResourceService } from '../resources/service.ts';
import type { App, AppEnv } from './app.ts';
import { sendError, sendFailure, sendResult } from './respond.ts';
import { errorResponses, ErrorSchema, ApplyReportSchema } from './schemas.ts';

/**
 * Turns a failed body check into a `validation_failed` error listing every problem. Resource
 * bodies are re-read through the same decoder `apply` uses, so both speak alike.
 */
export const validationHook: Hook<unknown, AppEnv, string, unknown> = async (result, c) => {
  if (result.success) return;
  let problems: Problem[];
  if (result.target === 'json') {
    const body = await c.req.json().catch(() => undefined);
    const routeKind = isResourceWrite(c.req.method, c.req.path);
    const bodyKind = (body as { kind?: unknown } | undefined)?.kind;
    if (routeKind && typeof bodyKind === 'string' && bodyKind !== routeKind.kind && KINDS.some((k) => k.kind === bodyKind)) {
      const problem = error('wrong-kind', 'kind', `${c.req.path} takes ${routeKind.kind} resources, got a ${bodyKind}; send it to /api/v1/${KINDS.find((k) => k.kind === bodyKind)!.plural} or to /api/v1/apply`);
      return sendError(c as Context, 'validation_failed', formatProblem(problem), [problem]);
    }
    const decoded = body !== undefined && routeKind ? decodeResource(body).problems : [];
    problems = decoded.length > 0 ? decoded : issuesToProblems(result.error.issues, body, {});
  } else {
    problems = issuesToProblems(result.error.issues, undefined, {}).map((p) => ({ ...p, path: `${result.target}.${p.path}` }));
  }
  const first = problems[0];
  const message = first ? (problems.length === 1 ? formatProblem(first) : `${problems.length} problems, the first: ${formatProblem(first)}`) : 'invalid request';
  return sendError(c as Context, 'validation_failed', message, problems);
};

const PLURALS = new Set(KINDS.map((k) => k.plural));

/** The kind whose resource a request carries: POST /api/v1/<plural> and PUT /api/v1/<plural>/<name>. */
function isResourceWrite(method: string, path: string): KindInfo | undefined {
  const parts = path.split('/').slice(3);
  if (!PLURALS.has(parts[0] ?? '')) return undefined;
  const writes = (method === 'POST' && parts.length === 1) || (method === 'PUT' && parts.length === 2);
  return writes ? KINDS.find((k) => k.plural === parts[0]) : undefined;
}

const NameParam = z.object({ name: z.string().openapi({ param: { name: 'name', in: 'path' }, example: 'qa' }) });
const DeleteQuery = z.object({
  resourceVersion: z
    .string()
    .regex(/^\d+$/)
    .optional()
    .openapi({ param: { name: 'resourceVersion', in: 'query' }, description: 'Refuse the delete unless this is the stored version' }),
});

function json(schema: z.ZodType, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

/**
 * A copy of a schema that has `.openapi()`. Zod copies prototype methods onto each schema when it
 * is built, so schemas that core built before @hono/zod-openapi extended zod lack the method;
 * building a copy from the same definition now gives it to them, whatever the import order.
 */
function documented(schema: z.ZodType): z.ZodType {
  if (typeof (schema as { openapi?: unknown }).openapi === 'function') return schema;
  const Schema = schema.constructor as new (def: unknown) => z.ZodType;
  return new Schema(schema._zod.def);
}

/** list / get / create / replace / delete for one kind under `/api/v1/<plural>`. */
function registerKind(app: App, service: ResourceService, info: KindInfo): void {
  const base = `/api/v1/${info.plural}`;
  const schema = documented(info.schema).openapi(info.kind);
  const List = z.object({ items: z.array(schema) });
  const tags = [info.kind];
  const conflict = json(ErrorSchema, 'Exists already, stale resourceVersion, or still referenced');
  const invalid = json(ErrorSchema, 'Invalid resource: every problem is listed');

  app.openapi(
    createRoute({ method: 'get', path: base, tags, summary: `List ${info.plural}`, responses: { 200: json(List, `All ${info.plural}`), ...errorResponses } }),
    async (c) => c.json({ items: await service.list(info.kind) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: `${base}/{name}`,
      tags,
      summary: `Get one ${info.kind}`,
      request: { params: NameParam },
      responses: { 200: json(schema, info.kind), 404: json(ErrorSchema, 'Not found'), ...errorResponses },
    }),
    async (c) => sendResult(c, await service.get(info.kind, c.req.valid('param').name)) as never,
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: base,
      tags,
      summary: `Create a ${info.kind}`,
      request: { body: { content: { 'application/json': { schema } }, required: true } },
      responses: { 201: json(ApplyReportSchema, 'Created'), 409: conflict, 422: invalid, ...errorResponses },
    }),
    async (c) => {
      const resource = c.req.valid('json') as never;
      return sendResult(c, await service.write([{ resource, document: 1 }], c.get('actor'), { mode: 'create' }), 201) as never;
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: `${base}/{name}`,
      tags,
      summary: `Replace a ${info.kind}`,
      description: 'A metadata.resourceVersion in the body must equal the stored one.',
      request: { params: NameParam, body: { content: { 'application/json': { schema } }, required: true } },
      responses: { 200: json(ApplyReportSchema, 'Replaced'), 404: json(ErrorSchema, 'Not found'), 409: conflict, 422: invalid, ...errorResponses },
    }),
    async (c) => {
      const resource = c.req.valid('json') as { metadata: { name: string } };
      const { name } = c.req.valid('param');
      if (resource.metadata.name !== name) {
        const problem = error('name-mismatch', 'metadata.name', `must equal the name in the URL "${name}", got "${resource.metadata.name}"`, { kind: info.kind });
        return sendFailure(c, { code: 'validation_failed', message: formatProblem(problem), details: [problem] }) as never;
      }
      return sendResult(c, await service.write([{ resource: resource as never, document: 1 }], c.get('actor'), { mode: 'replace' })) as never;
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: `${base}/{name}`,
      tags,
      summary: `Delete a ${info.kind}`,
      description: 'Refused with in_use while other resources reference it.',
      request: { params: NameParam, query: DeleteQuery },
      responses: { 200: json(z.object({ kind: z.string(), name: z.string() }), 'Deleted'), 404: json(ErrorSchema, 'Not found'), 409: conflict, ...errorResponses },
    }),
    async (c) => {
      const { name } = c.req.valid('param');
      const { resourceVersion } = c.req.valid('query');
      return sendResult(c, await service.delete(info.kind, name, c.get('actor'), resourceVersion ? Number(resourceVersion) : undefined)) as never;
    },
  );
}

export function registerResourceRoutes(app: App, service: ResourceService): void {
  for (const info of KINDS) registerKind(app, service, info);
}
