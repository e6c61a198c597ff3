import { z } from 'zod';
import { causeText, issuesText, scrub } from '../../git-providers/failures.ts';
import { ArgoWorkflowsError } from './errors.ts';

/**
 * A thin `fetch` client for the parts of the Argo Workflows server API (`argo-server`, REST
 * gateway, `api/openapi-spec/swagger.json`) that the engine uses. Responses are checked against
 * zod subsets of the documented definitions: unknown fields are ignored, a missing or mistyped
 * field the engine reads is an `invalid-response` naming that field.
 *
 * Streaming endpoints (`/log`, `/workflow-events`) answer with newline-delimited JSON, one
 * `{"result": …}` per line, or `{"error": {…}}` when the server gives up mid-stream.
 */

export interface ArgoClientOptions {
  /**
   * Server root without `/api/v1` (added here), e.g. `https://argo.example.com:2746`; may include
   * the server's `--basehref` path. A trailing `/` is ignored. Required.
   */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …`: a Kubernetes service account token or an Argo `v2:…` SSO token. Required. */
  token: string;
  /**
   * Milliseconds a request may take before it counts as `unreachable`; default 30000. For the log
   * stream this bounds the whole read; for the event stream only the wait for the response headers.
   */
  timeoutMs?: number;
  /** `fetch` to send requests with; default the global one. */
  fetch?: typeof fetch;
}

const Time = z.string().nullish();

/** `io.argoproj.workflow.v1alpha1.Parameter`, as found in outputs. */
export const ArgoParameter = z.object({
  name: z.string(),
  value: z.string().nullish(),
  globalName: z.string().nullish(),
});

const Outputs = z.object({ parameters: z.array(ArgoParameter).nullish() });

/** Node phases of `NodeStatus.phase` (`workflow_types.go`); an empty phase means not yet known. */
export const ARGO_NODE_PHASES = ['Pending', 'Running', 'Succeeded', 'Skipped', 'Failed', 'Error', 'Omitted'] as const;
/** Workflow phases of `WorkflowStatus.phase`; `""` is Unknown (not yet seen by the controller). */
export const ARGO_WORKFLOW_PHASES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Error'] as const;

/** `io.argoproj.workflow.v1alpha1.NodeStatus`, the fields read here. */
export const ArgoNode = z.object({
  id: z.string().min(1),
  name: z.string(),
  displayName: z.string().nullish(),
  // Kept open: Argo adds node types (HTTP, Plugin, Container) more often than phases.
  type: z.string(),
  templateName: z.string().nullish(),
  templateRef: z.object({ template: z.string().nullish() }).nullish(),
  phase: z.union([z.enum(ARGO_NODE_PHASES), z.literal('')]).nullish(),
  startedAt: Time,
  finishedAt: Time,
  message: z.string().nullish(),
  outputs: Outputs.nullish(),
  children: z.array(z.string()).nullish(),
  boundaryID: z.string().nullish(),
});
export type ArgoNode = z.infer<typeof ArgoNode>;

/** `io.argoproj.workflow.v1alpha1.Workflow`, the fields read here. */
export const ArgoWorkflow = z.object({
  metadata: z.object({
    name: z.string().min(1),
    namespace: z.string().nullish(),
    labels: z.record(z.string(), z.string()).nullish(),
    annotations: z.record(z.string(), z.string()).nullish(),
  }),
  spec: z.object({ shutdown: z.string().nullish() }).nullish(),
  status: z
    .object({
      phase: z.union([z.enum(ARGO_WORKFLOW_PHASES), z.literal('')]).nullish(),
      startedAt: Time,
      finishedAt: Time,
      message: z.string().nullish(),
      nodes: z.record(z.string(), ArgoNode).nullish(),
      outputs: Outputs.nullish(),
    })
    .nullish(),
});
export type ArgoWorkflow = z.infer<typeof ArgoWorkflow>;

/** `io.argoproj.workflow.v1alpha1.WorkflowTemplate`: only what an update needs. */
export const ArgoWorkflowTemplate = z.object({
  metadata: z.object({ name: z.string().min(1), resourceVersion: z.string().nullish() }),
});
export type ArgoWorkflowTemplate = z.infer<typeof ArgoWorkflowTemplate>;

/** `io.argoproj.workflow.v1alpha1.WorkflowWatchEvent`. */
export interface ArgoWatchEvent {
  /** `ADDED`, `MODIFIED`, `DELETED` (Kubernetes watch event types). */
  type: string;
  workflow: ArgoWorkflow;
}

/** `io.argoproj.workflow.v1alpha1.SubmitOpts`, the fields sent here. */
export interface ArgoSubmitOptions {
  /** `name=value` each. */
  parameters?: string[];
  /** `a=b,c=d`. */
  labels?: string;
  generateName?: string;
  serviceAccount?: string;
}

// grpc-gateway's `runtime.Error` and `runtime.StreamError`.
const GatewayError = z.object({ message: z.string().nullish() });
const StreamError = z.object({ message: z.string().nullish(), http_code: z.number().nullish(), grpc_code: z.number().nullish() });
const LogLine = z.object({
  result: z.object({ content: z.string().nullish(), podName: z.string().nullish() }).nullish(),
  error: StreamError.nullish(),
});
const EventLine = z.object({
  result: z.object({ type: z.string().nullish(), object: z.unknown() }).nullish(),
  error: StreamError.nullish(),
});

/** At most this many characters of a server message are kept in an error. */
const MAX_DETAIL = 300;
/** A streamed line longer than this is an invalid response (a workflow object is well below). */
const MAX_LINE_BYTES = 32 * 1024 * 1024;

export interface ArgoClient {
  /** `POST /api/v1/workflows/{ns}`: creates the workflow as given (use `metadata.generateName`). */
  createWorkflow(namespace: string, workflow: Record<string, unknown>): Promise<ArgoWorkflow>;
  /** `POST /api/v1/workflows/{ns}/submit`: a workflow from the named WorkflowTemplate. */
  submitWorkflowTemplate(namespace: string, templateName: string, options: ArgoSubmitOptions): Promise<ArgoWorkflow>;
  /** `GET /api/v1/workflow-templates/{ns}/{name}`; undefined when there is none. */
  getWorkflowTemplate(namespace: string, name: string): Promise<ArgoWorkflowTemplate | undefined>;
  /** `POST /api/v1/workflow-templates/{ns}`; `rejected` with httpStatus 409 when it exists. */
  createWorkflowTemplate(namespace: string, template: Record<string, unknown>): Promise<ArgoWorkflowTemplate>;
  /** `PUT /api/v1/workflow-templates/{ns}/{name}`; the template must carry the current `metadata.resourceVersion`. */
  updateWorkflowTemplate(namespace: string, name: string, template: Record<string, unknown>): Promise<ArgoWorkflowTemplate>;
  /** `GET /api/v1/workflows/{ns}/{name}`. */
  getWorkflow(namespace: string, name: string): Promise<ArgoWorkflow>;
  /** `PUT /api/v1/workflows/{ns}/{name}/terminate` (sets `spec.shutdown: Terminate`). */
  terminateWorkflow(namespace: string, name: string): Promise<ArgoWorkflow>;
  /**
   * `PUT /api/v1/workflows/{ns}/{name}/retry` (`WorkflowRetryRequest {namespace, name}`): the
   * workflow's failed nodes run again, its succeeded ones are kept. Only a Failed or Error workflow.
   */
  retryWorkflow(namespace: string, name: string): Promise<ArgoWorkflow>;
  /**
   * `GET /api/v1/workflows/{ns}/{name}/log?podName=…&logOptions.container=…`: the pod's lines
   * joined by `\n`. Only the last `maxBytes` bytes (UTF-8) are kept, after a `…` line.
   */
  workflowLogs(namespace: string, name: string, options: { podName: string; container: string; maxBytes: number }): Promise<string>;
  /** `workflowLogs`, with `truncated` true when earlier lines were dropped (the text then starts with the `…` line). */
  workflowLog(namespace: string, name: string, options: { podName: string; container: string; maxBytes: number }): Promise<{ text: string; truncated: boolean }>;
  /**
   * `GET /api/v1/workflow-events/{ns}?listOptions.fieldSelector=metadata.name={name}`: calls
   * `onEvent` for each event (the first is the workflow as it is now) and resolves when the server
   * ends the stream or `signal` aborts. Rejects with an ArgoWorkflowsError when the stream cannot
   * be opened, breaks, sends an error line or an invalid event.
   */
  watchWorkflow(namespace: string, name: string, onEvent: (event: ArgoWatchEvent) => void, signal: AbortSignal): Promise<void>;
}

export function createArgoClient(options: ArgoClientOptions): ArgoClient {
  const apiRoot = `${options.baseUrl.replace(/\/+$/, '')}/api/v1`;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const send = options.fetch ?? fetch;
  const secrets = [options.token];
  const seg = encodeURIComponent;

  const where = (namespace: string, name: string | undefined, action: string) =>
    `argo-workflows ${namespace}${name === undefined ? '' : `/${name}`}: ${action}`;

  function failure(code: ArgoWorkflowsError['code'], message: string, httpStatus?: number): ArgoWorkflowsError {
    return new ArgoWorkflowsError(code, scrub(message, secrets), httpStatus);
  }

  function httpFailure(op: string, status: number, body: string): ArgoWorkflowsError {
    let said = '';
    try {
      const parsed = GatewayError.safeParse(JSON.parse(body));
      if (parsed.success && parsed.data.message) said = parsed.data.message;
    } catch {
      said = body;
    }
    said = said.replace(/\s+/g, ' ').trim();
    if (said.length > MAX_DETAIL) said = `${said.slice(0, MAX_DETAIL)}…`;
    const detail = said === '' ? '' : `: ${said}`;
    if (status === 401) return failure('unauthorized', `${op}: the token was refused (HTTP 401${detail})`, status);
    if (status === 403) return failure('unauthorized', `${op}: the token is not allowed to do this (HTTP 403${detail})`, status);
    if (status === 404) return failure('not-found', `${op}: not found (HTTP 404${detail})`, status);
    if (status === 408 || status === 429 || status >= 500) return failure('unreachable', `${op}: the server failed (HTTP ${status}${detail})`, status);
    return failure('rejected', `${op}: refused (HTTP ${status}${detail})`, status);
  }

  /** Sends one request; returns the response once its headers arrived, or throws. */
  async function open(op: string, method: 'GET' | 'POST' | 'PUT', path: string, body: unknown, signal: AbortSignal): Promise<Response> {
    let response: Response;
    try {
      response = await send(`${apiRoot}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${options.token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal,
      });
    } catch (error) {
      throw failure('unreachable', `${op}: cannot reach the server (${causeText(error)})`);
    }
    if (!response.ok) {
      let text = '';
      try {
        text = await response.text();
      } catch {
        // The status says enough.
      }
      throw httpFailure(op, response.status, text);
    }
    return response;
  }

  async function call<T>(op: string, method: 'GET' | 'POST' | 'PUT', path: string, body: unknown, schema: z.ZodType<T>, what: string): Promise<T> {
    const response = await open(op, method, path, body, AbortSignal.timeout(timeoutMs));
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw failure('unreachable', `${op}: the answer was cut (${causeText(error)})`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw failure('invalid-response', `${op}: unexpected answer: HTTP ${response.status} with a body that is not JSON`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw failure('invalid-response', `${op}: unexpected answer: ${what}: ${issuesText(parsed.error.issues)}`);
    return parsed.data;
  }

  /** Newline-delimited JSON lines of a streamed body; blank lines are skipped. */
  async function* lines(op: string, response: Response): AsyncGenerator<unknown> {
    if (!response.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    const parse = (line: string): unknown => {
      try {
        return JSON.parse(line);
      } catch {
        throw failure('invalid-response', `${op}: unexpected answer: a streamed line is not JSON`);
      }
    };
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let nl: number;
        while ((nl = buffer.indexOf('\n')) !== -1) {
          const line = buffer.slice(0, nl).trim();
          buffer = buffer.slice(nl + 1);
          if (line !== '') yield parse(line);
        }
        if (buffer.length > MAX_LINE_BYTES) throw failure('invalid-response', `${op}: unexpected answer: a streamed line is longer than ${MAX_LINE_BYTES} bytes`);
      }
    } catch (error) {
      if (error instanceof ArgoWorkflowsError) throw error;
      throw failure('unreachable', `${op}: the stream was cut (${causeText(error)})`);
    }
    buffer += decoder.decode();
    if (buffer.trim() !== '') yield parse(buffer.trim());
  }

  function streamError(op: string, error: z.infer<typeof StreamError>): ArgoWorkflowsError {
    const status = error.http_code ?? 500;
    return httpFailure(op, status, JSON.stringify({ message: error.message ?? '' }));
  }

  async function workflowLog(namespace: string, name: string, { podName, container, maxBytes }: { podName: string; container: string; maxBytes: number }): Promise<{ text: string; truncated: boolean }> {
    const op = where(namespace, name, `read log of pod ${podName}`);
    const query = new URLSearchParams({ podName, 'logOptions.container': container });
    const signal = AbortSignal.timeout(timeoutMs);
    const response = await open(op, 'GET', `/workflows/${seg(namespace)}/${seg(name)}/log?${query.toString()}`, undefined, signal);
    const kept: string[] = [];
    let keptBytes = 0;
    let cut = false;
    for await (const json of lines(op, response)) {
      const line = LogLine.safeParse(json);
      if (!line.success) throw failure('invalid-response', `${op}: unexpected answer: log entry: ${issuesText(line.error.issues)}`);
      if (line.data.error) throw streamError(op, line.data.error);
      const entry = line.data.result;
      // The server filters by pod; an entry of another pod would be its bug, not our text.
      if (!entry || (entry.podName && entry.podName !== podName)) continue;
      const content = entry.content ?? '';
      kept.push(content);
      keptBytes += Buffer.byteLength(content) + 1;
      while (keptBytes > maxBytes && kept.length > 0) {
        keptBytes -= Buffer.byteLength(kept.shift()!) + 1;
        cut = true;
      }
    }
    return { text: cut ? ['…', ...kept].join('\n') : kept.join('\n'), truncated: cut };
  }

  return {
    createWorkflow(namespace, workflow) {
      const op = where(namespace, undefined, 'create workflow');
      return call(op, 'POST', `/workflows/${seg(namespace)}`, { namespace, workflow }, ArgoWorkflow, 'workflow');
    },

    submitWorkflowTemplate(namespace, templateName, submitOptions) {
      const op = where(namespace, templateName, 'submit workflow template');
      const body = { namespace, resourceKind: 'WorkflowTemplate', resourceName: templateName, submitOptions };
      return call(op, 'POST', `/workflows/${seg(namespace)}/submit`, body, ArgoWorkflow, 'workflow');
    },

    async getWorkflowTemplate(namespace, name) {
      const op = where(namespace, name, 'get workflow template');
      try {
        return await call(op, 'GET', `/workflow-templates/${seg(namespace)}/${seg(name)}`, undefined, ArgoWorkflowTemplate, 'workflow template');
      } catch (error) {
        if (error instanceof ArgoWorkflowsError && error.code === 'not-found') return undefined;
        throw error;
      }
    },

    createWorkflowTemplate(namespace, template) {
      const name = (template.metadata as { name?: string } | undefined)?.name;
      const op = where(namespace, name, 'create workflow template');
      return call(op, 'POST', `/workflow-templates/${seg(namespace)}`, { namespace, template }, ArgoWorkflowTemplate, 'workflow template');
    },

    updateWorkflowTemplate(namespace, name, template) {
      const op = where(namespace, name, 'update workflow template');
      return call(op, 'PUT', `/workflow-templates/${seg(namespace)}/${seg(name)}`, { namespace, template }, ArgoWorkflowTemplate, 'workflow template');
    },

    getWorkflow(namespace, name) {
      const op = where(namespace, name, 'get workflow');
      return call(op, 'GET', `/workflows/${seg(namespace)}/${seg(name)}`, undefined, ArgoWorkflow, 'workflow');
    },

    terminateWorkflow(namespace, name) {
      const op = where(namespace, name, 'terminate workflow');
      return call(op, 'PUT', `/workflows/${seg(namespace)}/${seg(name)}/terminate`, { namespace, name }, ArgoWorkflow, 'workflow');
    },

    retryWorkflow(namespace, name) {
      const op = where(namespace, name, 'retry workflow');
      return call(op, 'PUT', `/workflows/${seg(namespace)}/${seg(name)}/retry`, { namespace, name }, ArgoWorkflow, 'workflow');
    },

    async workflowLogs(namespace, name, options) {
      return (await workflowLog(namespace, name, options)).text;
    },

    workflowLog,

    async watchWorkflow(namespace, name, onEvent, signal) {
      const op = where(namespace, name, 'watch workflow');
      const query = new URLSearchParams({ 'listOptions.fieldSelector': `metadata.name=${name}` });
      const connect = AbortSignal.timeout(timeoutMs);
      const controller = new AbortController();
      const abort = () => controller.abort();
      signal.addEventListener('abort', abort, { once: true });
      connect.addEventListener('abort', abort, { once: true });
      try {
        if (signal.aborted) return;
        let response: Response;
        try {
          response = await open(op, 'GET', `/workflow-events/${seg(namespace)}?${query.toString()}`, undefined, controller.signal);
        } finally {
          connect.removeEventListener('abort', abort);
        }
        for await (const json of lines(op, response)) {
          const line = EventLine.safeParse(json);
          if (!line.success) throw failure('invalid-response', `${op}: unexpected answer: watch event: ${issuesText(line.error.issues)}`);
          if (line.data.error) throw streamError(op, line.data.error);
          if (!line.data.result) continue;
          const workflow = ArgoWorkflow.safeParse(line.data.result.object);
          if (!workflow.success) throw failure('invalid-response', `${op}: unexpected answer: watch event: ${issuesText(workflow.error.issues.map((i) => ({ ...i, path: ['result', 'object', ...i.path] })))}`);
          onEvent({ type: line.data.result.type ?? 'MODIFIED', workflow: workflow.data });
        }
      } catch (error) {
        if (signal.aborted) return;
        throw error;
      } finally {
        signal.removeEventListener('abort', abort);
      }
    },
  };
}
