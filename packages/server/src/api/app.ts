import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { WhoAmISchema, errorResponses } from './schemas.ts';
import { HTTPException } from 'hono/http-exception';
import { abilities, type Role } from '@stagecoach/core';
import type { TokenService } from '../auth/tokens.ts';
import type { Actor, ResourceService } from '../resources/service.ts';
import { sendError } from './respond.ts';
import { registerResourceRoutes, validationHook } from './resources.ts';
import { registerApplyRoute } from './apply.ts';
import { registerPolicyRoutes } from './policies.ts';
import { registerTokenRoutes } from './tokens.ts';
import { serveWeb } from '../web/static.ts';
import type { CredentialService } from '../credentials/service.ts';
import type { PromotionService } from '../promotions/service.ts';
import type { LocalPullRequests } from '../pull-requests/local.ts';
import { registerCredentialRoutes } from './credentials.ts';
import { registerPromotionRoutes } from './promotions.ts';
import { registerProductVersionRoutes } from './product-versions.ts';
import { registerPullRequestRoutes } from './pull-requests.ts';
import { registerWorkflowRunRoutes } from './workflow-runs.ts';
import { registerReleaseRoutes } from './releases.ts';
import type { ReleaseService } from '../releases/service.ts';
import { registerEventRoutes } from './events.ts';
import type { EventBus } from '../events/port.ts';
import type { WorkflowRunService } from '../workflow-runs/service.ts';
import { WEBHOOK_PATH, registerWebhookRoutes, type WebhookDeps } from './webhooks.ts';

/** Per-request values set by the auth middleware. */
export type AppEnv = { Variables: { actor: Actor } };
export type App = OpenAPIHono<AppEnv>;

export interface AppDeps {
  resources: ResourceService;
  tokens: TokenService;
  promotions: PromotionService;
  credentials: CredentialService;
  pullRequests: LocalPullRequests;
  workflowRuns: WorkflowRunService;
  /** Releases; absent: those routes are not served. */
  releases?: ReleaseService;
  /** Live events for `GET /api/v1/events`; absent: that route is not served. */
  events?: EventBus;
  /** Git webhooks (`POST /api/v1/webhooks/git`); absent: the route answers that they are turned off. */
  webhooks?: WebhookDeps;
  /** Folder of the built web UI; when absent, `/` explains how to build it. */
  webDist?: string;
  version: string;
  /** Receives unexpected errors (the client only sees a generic 500). */
  logError?: (error: unknown) => void;
}

/** Where the OpenAPI 3.1 document is served. */
export const OPENAPI_PATH = '/api/v1/openapi.json';

/** Request body limits in bytes: apply takes whole folders of manifests, everything else is small. */
export const BODY_LIMITS = { apply: 5 * 1024 * 1024, default: 1024 * 1024 } as const;

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * Reads the body with a size limit. Counting the bytes as they arrive refuses a large body that
 * has no Content-Length (chunked) as well as one that declares its size.
 */
async function limitBody(request: Request, maxSize: number): Promise<boolean> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared)) return declared <= maxSize;
  if (!request.body) return true;
  const reader = request.clone().body!.getReader();
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return true;
    size += value.byteLength;
    if (size > maxSize) {
      // Not awaited: a cancelled branch of a tee settles only once the other branch ends too.
      void reader.cancel();
      return false;
    }
  }
}

/** Builds the HTTP application: auth, limits, every route, the OpenAPI document and the UI. */
export function createApp(deps: AppDeps): App {
  const app: App = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.onError((err, c) => {
    if (err instanceof HTTPException) {
      const status = err.status;
      const code = status === 413 ? 'payload_too_large' : status === 401 ? 'unauthorized' : status === 415 ? 'unsupported_media_type' : 'bad_request';
      return sendError(c, code, err.message || 'bad request');
    }
    deps.logError?.(err);
    return sendError(c, 'internal', 'internal error; the server log has the details');
  });

  app.notFound((c) => {
    if (c.req.path.startsWith('/api/')) return sendError(c, 'not_found', `no route for ${c.req.method} ${c.req.path}`);
    return serveWeb(c, deps.webDist);
  });

  app.get('/healthz', (c) => c.json({ status: 'ok', version: deps.version }));

  app.use('/api/*', async (c, next) => {
    // The API document is reference material, readable without a token like /healthz.
    if (c.req.path === OPENAPI_PATH) return next();
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const limit = c.req.path === '/api/v1/apply' ? BODY_LIMITS.apply : BODY_LIMITS.default;
      if (!(await limitBody(c.req.raw, limit))) {
        return sendError(c, 'payload_too_large', `request body is larger than the limit of ${limit / 1024 / 1024} MiB for ${c.req.path}`);
      }
    }
    // Git webhooks carry no token: the route checks their signature instead.
    if (c.req.path === WEBHOOK_PATH) return next();
    const secret = bearer(c.req.header('authorization'));
    if (!secret) return sendError(c, 'unauthorized', 'missing bearer token: send "Authorization: Bearer <token>"');
    const token = await deps.tokens.authenticate(secret);
    if (!token) return sendError(c, 'unauthorized', 'unknown or revoked token');
    c.set('actor', { role: token.role as Role, name: token.name });
    await next();
  });

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/whoami',
      tags: ['Tokens'],
      summary: "The calling token's name, role and abilities",
      responses: { 200: { description: 'Who is calling', content: { 'application/json': { schema: WhoAmISchema } } }, ...errorResponses },
    }),
    (c) => {
      const actor = c.get('actor');
      return c.json({ name: actor.name, abilities: abilities(actor.role) }, 200);
    },
  );

  registerApplyRoute(app, deps.resources);
  registerPolicyRoutes(app, deps.resources);
  registerResourceRoutes(app, deps.resources);
  registerTokenRoutes(app, deps.tokens);
  registerPromotionRoutes(app, deps.promotions);
  registerProductVersionRoutes(app, deps.promotions);
  registerCredentialRoutes(app, deps.credentials);
  registerPullRequestRoutes(app, deps.pullRequests);
  registerWorkflowRunRoutes(app, deps.workflowRuns);
  if (deps.events) registerEventRoutes(app, { events: deps.events });
  if (deps.releases) registerReleaseRoutes(app, deps.releases);
  registerWebhookRoutes(app, deps.webhooks);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  app.doc31(OPENAPI_PATH, {
    openapi: '3.1.0',
    info: { title: 'Stagecoach API', version: deps.version, description: 'Promotion resources, apply, policy evaluation and tokens.' },
    security: [{ bearer: [] }],
  });

  return app;
}
