import { z } from 'zod';
import { causeText, issuesText, scrub } from '../../git-providers/failures.ts';
import { ArgoCdError } from './errors.ts';

/**
 * A thin `fetch` client for the two reads of the Argo CD API (`argocd-server`'s REST gateway,
 * `assets/swagger.json`, `ApplicationService`) that deployment status and the versions' sync and
 * health need. Answers are checked against zod subsets of `v1alpha1Application`: unknown fields
 * are ignored, a mistyped field that is read here is an `invalid-response` naming that field.
 */

export interface ArgoCdClientOptions {
  /**
   * Server root without `/api/v1` (added here), e.g. `https://argocd.example.com`; may include the
   * server's `--rootpath`. A trailing `/` is ignored. Required.
   */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …`: an Argo CD account's API token. Required. */
  token: string;
  /**
   * Milliseconds a request may take before it counts as `unreachable`; default 30000. A read with
   * `refresh` returns only once the controller has compared the application again, so it can take
   * a few seconds.
   */
  timeoutMs?: number;
  /** `fetch` to send requests with; default the global one. */
  fetch?: typeof fetch;
}

const Source = z.object({ repoURL: z.string().nullish(), path: z.string().nullish(), targetRevision: z.string().nullish() });

/** `v1alpha1Application`, the fields read here. Status values are kept as strings: Argo CD adds some. */
export const ArgoCdApplication = z.object({
  metadata: z.object({ name: z.string().min(1), namespace: z.string().nullish() }),
  spec: z
    .object({
      project: z.string().nullish(),
      source: Source.nullish(),
      sources: z.array(Source).nullish(),
    })
    .nullish(),
  status: z
    .object({
      sync: z
        .object({
          status: z.string().nullish(),
          revision: z.string().nullish(),
          revisions: z.array(z.string()).nullish(),
        })
        .nullish(),
      health: z.object({ status: z.string().nullish(), message: z.string().nullish() }).nullish(),
      operationState: z
        .object({
          phase: z.string().nullish(),
          message: z.string().nullish(),
          operation: z
            .object({ sync: z.object({ revision: z.string().nullish(), revisions: z.array(z.string()).nullish() }).nullish() })
            .nullish(),
          syncResult: z.object({ revision: z.string().nullish(), revisions: z.array(z.string()).nullish() }).nullish(),
        })
        .nullish(),
      conditions: z.array(z.object({ type: z.string().nullish(), message: z.string().nullish() })).nullish(),
      reconciledAt: z.string().nullish(),
      /** The namespace of the controller: Argo CD's own namespace. */
      controllerNamespace: z.string().nullish(),
    })
    .nullish(),
});
export type ArgoCdApplication = z.infer<typeof ArgoCdApplication>;

/** `v1alpha1ApplicationList`. */
const ArgoCdApplicationList = z.object({ items: z.array(ArgoCdApplication).nullish() });

/** grpc-gateway's `runtimeError`. */
const GatewayError = z.object({ error: z.string().nullish(), message: z.string().nullish() });

/** At most this many characters of a server message are kept in an error. */
const MAX_DETAIL = 300;

/**
 * How hard Argo CD should look again before it answers: `normal` compares the application with
 * the branch's current commit; `hard` also drops the cached manifests.
 */
export type ArgoCdRefresh = 'normal' | 'hard';

export interface ArgoCdClient {
  /** The server root the client was given, without a trailing `/`. */
  readonly baseUrl: string;
  /**
   * `GET /api/v1/applications/{name}`. `refresh` makes Argo CD compare the application again
   * first; `appNamespace` names the namespace of an application outside Argo CD's own.
   */
  getApplication(name: string, options?: { refresh?: ArgoCdRefresh; appNamespace?: string }): Promise<ArgoCdApplication>;
  /**
   * `GET /api/v1/applications`: every application the token may read, in every namespace Argo CD
   * serves unless `appNamespace` names one; optionally only the one `name` (the list is empty when
   * there is none or it may not be seen) or those matching a label `selector`. `fields` asks the
   * server to keep only these dotted paths of the answer (`items.metadata.name`, `items.status.health`:
   * a path keeps everything below it), so a list of many applications stays small.
   */
  listApplications(options?: { name?: string; appNamespace?: string; selector?: string; fields?: readonly string[] }): Promise<ArgoCdApplication[]>;
}

export function createArgoCdClient(options: ArgoCdClientOptions): ArgoCdClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const apiRoot = `${baseUrl}/api/v1`;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const send = options.fetch ?? fetch;
  const secrets = [options.token];

  function failure(code: ArgoCdError['code'], message: string, httpStatus?: number): ArgoCdError {
    return new ArgoCdError(code, scrub(message, secrets), httpStatus);
  }

  function httpFailure(op: string, status: number, body: string): ArgoCdError {
    let said = '';
    try {
      const parsed = GatewayError.safeParse(JSON.parse(body));
      if (parsed.success) said = parsed.data.message || parsed.data.error || '';
    } catch {
      said = body;
    }
    said = said.replace(/\s+/g, ' ').trim();
    if (said.length > MAX_DETAIL) said = `${said.slice(0, MAX_DETAIL)}…`;
    const detail = said === '' ? '' : `: ${said}`;
    if (status === 401) return failure('unauthorized', `${op}: the token was refused (HTTP 401${detail})`, status);
    if (status === 403) return failure('forbidden', `${op}: permission denied (HTTP 403${detail})`, status);
    if (status === 404) return failure('not-found', `${op}: not found (HTTP 404${detail})`, status);
    if (status === 408 || status === 429 || status >= 500) return failure('unreachable', `${op}: the server failed (HTTP ${status}${detail})`, status);
    return failure('rejected', `${op}: refused (HTTP ${status}${detail})`, status);
  }

  async function get<T>(op: string, path: string, schema: z.ZodType<T>, what: string): Promise<T> {
    let response: Response;
    let text: string;
    try {
      response = await send(`${apiRoot}${path}`, {
        method: 'GET',
        headers: { authorization: `Bearer ${options.token}`, accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw failure('unreachable', `${op}: cannot reach Argo CD at ${baseUrl} (${causeText(error)})`);
    }
    if (!response.ok) throw httpFailure(op, response.status, text);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw failure('invalid-response', `${op}: unexpected answer from ${baseUrl}: HTTP ${response.status} with a body that is not JSON`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw failure('invalid-response', `${op}: unexpected answer from ${baseUrl}: ${what}: ${issuesText(parsed.error.issues)}`);
    return parsed.data;
  }

  return {
    baseUrl,

    getApplication(name, { refresh, appNamespace } = {}) {
      const query = new URLSearchParams();
      if (refresh) query.set('refresh', refresh);
      if (appNamespace) query.set('appNamespace', appNamespace);
      const q = query.toString() === '' ? '' : `?${query.toString()}`;
      const op = `argocd application ${appNamespace ? `${appNamespace}/` : ''}${name}: get${refresh ? ` (refresh ${refresh})` : ''}`;
      return get(op, `/applications/${encodeURIComponent(name)}${q}`, ArgoCdApplication, 'application');
    },

    async listApplications({ name, appNamespace, selector, fields } = {}) {
      const query = new URLSearchParams();
      if (name) query.set('name', name);
      if (appNamespace) query.set('appNamespace', appNamespace);
      if (selector) query.set('selector', selector);
      if (fields && fields.length > 0) query.set('fields', fields.join(','));
      const q = query.toString() === '' ? '' : `?${query.toString()}`;
      const list = await get(`argocd applications: list${name ? ` ${name}` : ''}`, `/applications${q}`, ArgoCdApplicationList, 'application list');
      return list.items ?? [];
    },
  };
}
