import { createRoute, z } from '@hono/zod-openapi';
import type { ScanReport, TriggerScanner } from '../triggers/scanner.ts';
import { readWebhook } from '../triggers/webhook.ts';
import type { App } from './app.ts';
import { sendError } from './respond.ts';
import { ErrorSchema } from './schemas.ts';

/** Where Git hosting services deliver push webhooks. The route takes no bearer token: it checks the signature. */
export const WEBHOOK_PATH = '/api/v1/webhooks/git';

/** What the webhook route needs. */
export interface WebhookDeps {
  /** The shared secret (`webhooks.secret` in the settings); absent or empty: webhooks are turned off and refused. */
  secret?: string;
  /** Looks at the trigger applications of the pushed repository and branch. */
  scanner: Pick<TriggerScanner, 'scan'>;
}

const Provider = z.enum(['github', 'gitea', 'gitlab']);

const ApplicationScanSchema = z
  .object({
    application: z.string(),
    product: z.string(),
    environment: z.string(),
    repoURL: z.string(),
    branch: z.string(),
    folder: z.string(),
    outcome: z.enum(['first-sighting', 'unchanged', 'triggered', 'stagecoach-commit', 'no-matching-flow', 'rewound', 'no-folder-commit', 'failed']),
    commit: z.string().optional(),
    flow: z.string().optional(),
    message: z.string().optional(),
  })
  .openapi('TriggerApplicationScan');

const TriggeredSchema = z
  .object({
    product: z.string(),
    flow: z.string(),
    application: z.string(),
    commit: z.object({
      sha: z.string(),
      author: z.object({ name: z.string(), email: z.string(), date: z.string() }),
      message: z.string(),
    }),
  })
  .openapi('AutomaticTrigger');

const WebhookResultSchema = z
  .object({
    provider: Provider,
    event: z.string(),
    /** `checked`: a push whose trigger applications were looked at; `ping`: a verified test delivery; `ignored`: nothing to look at. */
    outcome: z.enum(['checked', 'ping', 'ignored']),
    message: z.string(),
    repository: z.array(z.string()).optional(),
    branch: z.string().optional(),
    after: z.string().optional(),
    checked: z.array(ApplicationScanSchema).optional(),
    triggered: z.array(TriggeredSchema).optional(),
  })
  .openapi('WebhookResult');

const json = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema } } });

const route = createRoute({
  method: 'post',
  path: WEBHOOK_PATH,
  tags: ['Webhooks'],
  summary: 'Receive a push webhook from GitHub, GitLab, Gitea or Forgejo',
  description:
    'No bearer token: GitHub, Gitea and Forgejo deliveries must carry the HMAC-SHA256 signature of the body under the server\'s `webhooks.secret`, GitLab ones the secret as `X-Gitlab-Token`. A verified push to a branch makes the server look at the trigger applications on that repository and branch, exactly as polling does; see docs/triggers.md.',
  security: [],
  responses: {
    200: json('A verified push (the applications looked at and what was triggered), or a ping', WebhookResultSchema),
    202: json('Verified, but nothing to look at: another event, a tag, a deleted branch', WebhookResultSchema),
    400: json('Not a Git webhook, or a body that cannot be read', ErrorSchema),
    401: json('The signature or token is missing or wrong', ErrorSchema),
    404: json('Webhooks are turned off: no `webhooks.secret` in the settings', ErrorSchema),
  },
});

/** The Git webhook route. Without `deps` or a secret it answers every delivery with 404 and how to turn webhooks on. */
export function registerWebhookRoutes(app: App, deps: WebhookDeps | undefined): void {
  app.openapi(route, async (c) => {
    if (!deps?.secret) {
      return sendError(c, 'not_found', 'Git webhooks are turned off on this server: set webhooks.secret in the server settings, and the same secret in the webhook (see docs/triggers.md)') as never;
    }
    const body = new Uint8Array(await c.req.arrayBuffer());
    const reading = readWebhook({ headers: c.req.raw.headers, body }, deps.secret);
    switch (reading.kind) {
      case 'malformed':
        return sendError(c, 'bad_request', reading.reason) as never;
      case 'unauthorized':
        return sendError(c, 'unauthorized', `webhook refused: ${reading.reason}`) as never;
      case 'ping':
        return c.json({ provider: reading.provider, event: reading.event, outcome: 'ping' as const, message: 'webhook verified; pushes to branches will be looked at' }, 200);
      case 'ignored':
        return c.json({ provider: reading.provider, event: reading.event, outcome: 'ignored' as const, message: reading.reason }, 202);
      case 'push': {
        const { push } = reading;
        const report: ScanReport = await deps.scanner.scan({ repoURLs: push.repoURLs, branch: push.branch });
        const message =
          report.checked.length === 0
            ? `no trigger application is on this repository and branch "${push.branch}"`
            : `looked at ${report.checked.length} application(s); triggered ${report.triggered.length} flow(s)`;
        return c.json(
          {
            provider: push.provider,
            event: 'push',
            outcome: 'checked' as const,
            message,
            repository: push.repoURLs,
            branch: push.branch,
            ...(push.after !== undefined ? { after: push.after } : {}),
            checked: report.checked,
            triggered: report.triggered,
          },
          200,
        );
      }
    }
  });
}
