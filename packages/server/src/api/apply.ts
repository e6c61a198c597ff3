import { createRoute, z } from '@hono/zod-openapi';
import { error, loadResources, type LoadedResource, type Problem } from '@stagecoach/core';
import type { ResourceService } from '../resources/service.ts';
import type { App } from './app.ts';
import { sendError, sendResult } from './respond.ts';
import { ApplyReportSchema, ErrorSchema, errorResponses } from './schemas.ts';

/** A JSON apply body that keeps file names, so problems can name the file they come from. */
const FilesBody = z
  .object({ files: z.array(z.object({ name: z.string().max(1024), content: z.string() })).min(1) })
  .openapi('ApplyFiles');

const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml', 'text/plain'];

/** Reads the apply body into documents: YAML text, a JSON resource or list, or `{files: [...]}`. */
async function readDocuments(contentType: string | undefined, text: string): Promise<{ resources: LoadedResource[]; problems: Problem[] } | 'unsupported'> {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (YAML_TYPES.includes(type)) return loadResources(text);
  if (type !== 'application/json') return 'unsupported';
  // The route's validator has already refused malformed JSON with a 400.
  const parsed: unknown = JSON.parse(text);
  const isFilesBody = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) && 'files' in parsed && !('kind' in parsed);
  if (isFilesBody) {
    const files = FilesBody.safeParse(parsed);
    if (!files.success) {
      return { resources: [], problems: [error('type', 'files', 'must be a list of {name, content} with at least one file')] };
    }
    const out = { resources: [] as LoadedResource[], problems: [] as Problem[] };
    for (const file of files.data.files) {
      const loaded = loadResources(file.content, file.name);
      out.resources.push(...loaded.resources);
      out.problems.push(...loaded.problems);
    }
    return out;
  }
  return loadResources(text);
}

export function registerApplyRoute(app: App, service: ResourceService): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/apply',
      tags: ['Apply'],
      summary: 'Create or update many resources at once, all or nothing',
      description:
        'Takes multi-document YAML (application/yaml), a JSON resource, list or array, or {files:[{name,content}]} (application/json). ' +
        'Every document is checked, alone and against what is stored; one problem anywhere means nothing is written. ' +
        'With dryRun=true nothing is written and the report says what would happen.',
      request: {
        query: z.object({ dryRun: z.enum(['true', 'false']).optional().openapi({ param: { name: 'dryRun', in: 'query' } }) }),
        body: {
          content: {
            ...Object.fromEntries(YAML_TYPES.map((type) => [type, { schema: z.string() }])),
            'application/json': { schema: z.union([FilesBody, z.record(z.string(), z.unknown()), z.array(z.unknown())]) },
          },
          required: true,
        },
      },
      responses: {
        200: { description: 'Every resource written (or, with dryRun, checked)', content: { 'application/json': { schema: ApplyReportSchema } } },
        409: { description: 'A stale resourceVersion', content: { 'application/json': { schema: ErrorSchema } } },
        413: { description: 'Body over 5 MiB', content: { 'application/json': { schema: ErrorSchema } } },
        415: { description: 'Unsupported content type', content: { 'application/json': { schema: ErrorSchema } } },
        422: { description: 'Invalid documents; every problem is listed', content: { 'application/json': { schema: ErrorSchema } } },
        ...errorResponses,
      },
    }),
    async (c) => {
      const docs = await readDocuments(c.req.header('content-type'), await c.req.text());
      if (docs === 'unsupported') {
        return sendError(c, 'unsupported_media_type', `send application/yaml or application/json, got "${c.req.header('content-type') ?? 'none'}"`) as never;
      }
      if (docs.resources.length === 0 && docs.problems.length === 0) {
        return sendError(c, 'validation_failed', 'no resources found in the request body', [error('empty', '', 'no resources found')]) as never;
      }
      const dryRun = c.req.query('dryRun') === 'true';
      return sendResult(c, await service.write(docs.resources, c.get('actor'), { mode: 'apply', dryRun, decodeProblems: docs.problems })) as never;
    },
  );
}
