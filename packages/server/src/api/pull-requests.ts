import { createRoute, z } from '@hono/zod-openapi';
import { PULL_REQUEST_STATES } from '@stagecoach/core';
import type { LocalPullRequests } from '../pull-requests/local.ts';
import { gitFailure } from '../promotions/service.ts';
import type { App } from './app.ts';
import { sendError, sendResult } from './respond.ts';
import { ErrorSchema, errorResponses } from './schemas.ts';

const PullRequestSchema = z
  .object({
    id: z.string(),
    repoURL: z.string(),
    base: z.string(),
    head: z.string(),
    title: z.string(),
    body: z.string(),
    state: z.enum(PULL_REQUEST_STATES),
    mergeCommit: z.string().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
    url: z.string(),
  })
  .openapi('PullRequest');

const PullRequestFilesSchema = z
  .object({
    from: z.string().openapi({ description: 'Where the branch left the base branch: the merge base of the head commit and the base' }),
    to: z.string().openapi({ description: "The head commit: the branch's tip while open, the merge commit's second parent once merged" }),
    files: z.array(
      z.object({
        path: z.string().openapi({ description: 'Repository-relative' }),
        status: z.enum(['added', 'modified', 'deleted']),
        before: z.string().nullable().openapi({ description: 'Text at `from`; null when added, binary or too large' }),
        after: z.string().nullable().openapi({ description: 'Text at `to`; null when deleted, binary or too large' }),
        binary: z.literal(true).optional().openapi({ description: 'A NUL byte on either side: no text is sent' }),
        tooLarge: z.literal(true).optional().openapi({ description: 'Over 1 MiB on either side: no text is sent' }),
      }),
    ),
    truncated: z.literal(true).optional().openapi({ description: 'More than 200 files changed; the first 200 by path are listed' }),
  })
  .openapi('PullRequestFiles');

const IdParam = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) });
const one = { 200: { description: 'The pull request', content: { 'application/json': { schema: PullRequestSchema } } } };
const missing = { 404: { description: 'Unknown', content: { 'application/json': { schema: ErrorSchema } } } };
const conflict = { 409: { description: 'Not open, or the merge conflicts', content: { 'application/json': { schema: ErrorSchema } } } };

/** Pull requests of the local provider (repositories with no hosting service). */
export function registerPullRequestRoutes(app: App, local: LocalPullRequests): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/pull-requests',
      tags: ['Pull requests'],
      summary: 'List local pull requests, newest first',
      request: { query: z.object({ state: z.enum(PULL_REQUEST_STATES).optional().openapi({ param: { name: 'state', in: 'query' } }) }) },
      responses: { 200: { description: 'Pull requests', content: { 'application/json': { schema: z.object({ items: z.array(PullRequestSchema) }) } } }, ...errorResponses },
    }),
    async (c) => {
      const { state } = c.req.valid('query');
      return c.json({ items: await local.list(state ? { state } : {}) }, 200);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/api/v1/pull-requests/{id}', tags: ['Pull requests'], summary: 'Get a local pull request', request: { params: IdParam }, responses: { ...one, ...missing, ...errorResponses } }),
    async (c) => sendResult(c, await local.get(c.req.valid('param').id)) as never,
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/pull-requests/{id}/files',
      tags: ['Pull requests'],
      summary: 'The files a local pull request changes, with their texts before and after',
      request: { params: IdParam },
      responses: {
        200: { description: 'The files changed', content: { 'application/json': { schema: PullRequestFilesSchema } } },
        ...missing,
        409: { description: 'Closed (its branch is deleted), or its merge commit is gone', content: { 'application/json': { schema: ErrorSchema } } },
        ...errorResponses,
      },
    }),
    async (c) => {
      try {
        return sendResult(c, await local.files(c.req.valid('param').id)) as never;
      } catch (e) {
        return sendResult(c, gitFailure(e)) as never;
      }
    },
  );

  for (const verb of ['merge', 'close'] as const) {
    app.openapi(
      createRoute({
        method: 'post',
        path: `/api/v1/pull-requests/{id}/${verb}`,
        tags: ['Pull requests'],
        summary: verb === 'merge' ? 'Merge a local pull request into its base branch' : 'Close a local pull request without merging',
        request: { params: IdParam },
        responses: { ...one, ...missing, ...conflict, ...errorResponses },
      }),
      async (c) => {
        const actor = c.get('actor');
        if (actor.role === 'viewer') return sendError(c, 'forbidden', `role "viewer" may not ${verb} pull requests`) as never;
        const { id } = c.req.valid('param');
        try {
          const result = verb === 'merge' ? await local.merge(id, { name: actor.name, email: `${actor.name}@stagecoach.local` }) : await local.close(id);
          return sendResult(c, result) as never;
        } catch (e) {
          return sendResult(c, gitFailure(e)) as never;
        }
      },
    );
  }
}
