import { isTerminalPhase, RunNotResumableError, type RunStatus, type SubmitRun, type WorkflowEngine } from '../../../workflows/port.ts';
import { createArgoClient, type ArgoClient } from './client.ts';
import { ArgoWorkflowsError, isRetryable } from './errors.ts';
import { argoPodName, latestAttempt, runsPod, toRunStatus } from './mapping.ts';

/** The label every workflow Stagecoach submits carries, with the run's id as its value. */
export const RUN_ID_LABEL = 'stagecoach.dev/run-id';

export interface ArgoEngineOptions {
  /** Argo server root without `/api/v1`, e.g. `https://argo.example.com:2746`. Required. */
  baseUrl: string;
  /** Bearer token (service account token or Argo `v2:…` SSO token). Required; never appears in errors. */
  token: string;
  /** Namespace workflows (and, with `submitVia: 'workflow-template'`, templates) are created in. Required. */
  namespace: string;
  /** Service account the workflow's pods run as; default the template's own, else the namespace default. */
  serviceAccountName?: string;
  /** Milliseconds between status reads when `watch` polls; default 5000. */
  pollIntervalMs?: number;
  /**
   * How a run is started; default `inline`.
   * - `inline`: one `POST /api/v1/workflows/{ns}` with the template's spec and the run's
   *   arguments. Nothing is left behind on the server and two runs of different template
   *   versions cannot see each other's version.
   * - `workflow-template`: create or update the WorkflowTemplate (`POST`/`PUT
   *   /api/v1/workflow-templates/…`), then `POST /api/v1/workflows/{ns}/submit`. For servers whose
   *   `workflowRestrictions.templateReferencing` is `Strict` (inline specs refused). A concurrent
   *   run of another version of the same template may overwrite it between update and submit.
   */
  submitVia?: 'inline' | 'workflow-template';
  /** Milliseconds one HTTP request may take; default 30000 (see ArgoClientOptions.timeoutMs). */
  timeoutMs?: number;
  /** Bytes of a node's log kept (the end of it); default 1 MiB. */
  maxLogBytes?: number;
  /** `fetch` to send requests with; default the global one. */
  fetch?: typeof fetch;
}

export interface WatchOptions {
  /**
   * Called with each error while polling. Polling goes on after `unreachable` errors and stops
   * after any other (the workflow is gone, the token was refused, the answer is invalid). A
   * broken event stream is not reported: it is what makes `watch` poll.
   */
  onError?: (error: unknown) => void;
}

export interface ArgoEngine extends WorkflowEngine {
  readonly kind: 'argo';
  /**
   * A node's log (the last `maxLogBytes` of its latest attempt's pod) with whether earlier lines
   * were dropped; `logs` gives its text. Empty for a node that runs no pod.
   */
  nodeLog(externalId: string, nodeId: string): Promise<{ text: string; truncated: boolean }>;
  /**
   * Calls `onStatus` with the run's status now and after each change, from the workflow-events
   * stream; when that stream fails or ends, by reading the status every `pollIntervalMs`. Stops by
   * itself after a terminal status (see `isTerminalPhase`), or when the returned function is called.
   * Identical consecutive statuses are reported once.
   */
  watch(externalId: string, onStatus: (status: RunStatus) => void, options?: WatchOptions): () => void;
}

/** Kubernetes label values: at most 63 characters, alphanumerics with `-`, `_`, `.` inside. */
const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** The WorkflowEngine port on an Argo Workflows server. The external id is the workflow's name. */
export function createArgoEngine(options: ArgoEngineOptions): ArgoEngine {
  const client: ArgoClient = createArgoClient({
    baseUrl: options.baseUrl,
    token: options.token,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
  const namespace = options.namespace;
  const pollIntervalMs = options.pollIntervalMs ?? 5000;
  const maxLogBytes = options.maxLogBytes ?? 1024 * 1024;
  const submitVia = options.submitVia ?? 'inline';

  async function status(externalId: string): Promise<RunStatus> {
    return toRunStatus(await client.getWorkflow(namespace, externalId));
  }

  async function submitInline(run: SubmitRun): Promise<string> {
    const { metadata, spec } = run.template;
    const workflow = {
      metadata: { generateName: `${metadata.name}-`, namespace, labels: { [RUN_ID_LABEL]: run.runId } },
      spec: {
        ...spec,
        arguments: withParameters(spec.arguments, run.parameters),
        ...(options.serviceAccountName ? { serviceAccountName: options.serviceAccountName } : {}),
      },
    };
    const created = await client.createWorkflow(namespace, workflow);
    return created.metadata.name;
  }

  async function submitFromTemplate(run: SubmitRun): Promise<string> {
    const name = run.template.metadata.name;
    await upsertTemplate(run.template);
    const created = await client.submitWorkflowTemplate(namespace, name, {
      parameters: Object.entries(run.parameters).map(([k, v]) => `${k}=${v}`),
      labels: `${RUN_ID_LABEL}=${run.runId}`,
      generateName: `${name}-`,
      ...(options.serviceAccountName ? { serviceAccount: options.serviceAccountName } : {}),
    });
    return created.metadata.name;
  }

  /** Creates the template, or updates it to this document; one retry when another writer wins a race. */
  async function upsertTemplate(template: SubmitRun['template']): Promise<void> {
    const name = template.metadata.name;
    const { resourceVersion: _ignored, ...metadata } = template.metadata as SubmitRun['template']['metadata'] & { resourceVersion?: unknown };
    for (let attempt = 1; ; attempt += 1) {
      try {
        const existing = await client.getWorkflowTemplate(namespace, name);
        if (existing === undefined) {
          await client.createWorkflowTemplate(namespace, { ...template, metadata: { ...metadata, namespace } });
        } else {
          const resourceVersion = existing.metadata.resourceVersion;
          await client.updateWorkflowTemplate(namespace, name, { ...template, metadata: { ...metadata, namespace, ...(resourceVersion ? { resourceVersion } : {}) } });
        }
        return;
      } catch (error) {
        // 409: created meanwhile, or updated since we read its resourceVersion.
        if (attempt < 3 && error instanceof ArgoWorkflowsError && error.httpStatus === 409) continue;
        throw error;
      }
    }
  }

  async function nodeLog(externalId: string, nodeId: string): Promise<{ text: string; truncated: boolean }> {
    const workflow = await client.getWorkflow(namespace, externalId);
    const nodes = workflow.status?.nodes ?? {};
    let node = nodes[nodeId] ?? Object.values(nodes).find((n) => n.name === nodeId);
    if (!node) throw new ArgoWorkflowsError('not-found', `argo-workflows ${namespace}/${externalId}: read log: no node "${nodeId}"`);
    if (node.type === 'Retry') node = latestAttempt(node, nodes) ?? node;
    if (!runsPod(node)) return { text: '', truncated: false };
    return client.workflowLog(namespace, externalId, { podName: argoPodName(workflow, node), container: 'main', maxBytes: maxLogBytes });
  }

  return {
    kind: 'argo',

    async submit(run) {
      if (!LABEL_VALUE.test(run.runId)) {
        throw new ArgoWorkflowsError('rejected', `argo-workflows ${namespace}: run id "${run.runId}" cannot be a label value (at most 63 letters, digits, "-", "_", ".", starting and ending with a letter or digit)`);
      }
      const externalId = submitVia === 'inline' ? await submitInline(run) : await submitFromTemplate(run);
      return { externalId };
    },

    status,

    async terminate(externalId) {
      try {
        await client.terminateWorkflow(namespace, externalId);
      } catch (error) {
        // Argo refuses to terminate a completed workflow (HTTP 500, "cannot shutdown a completed
        // workflow"); the run stopping is what was asked, so that is success.
        if (error instanceof ArgoWorkflowsError && (error.code === 'unreachable' || error.code === 'rejected')) {
          const now = await status(externalId).catch(() => undefined);
          if (now && isTerminalPhase(now.phase)) return;
        }
        throw error;
      }
    },

    async retry(externalId) {
      try {
        await client.retryWorkflow(namespace, externalId);
      } catch (error) {
        // The workflow was deleted (or archived away): it cannot be resumed, only submitted again.
        if (error instanceof ArgoWorkflowsError && error.code === 'not-found') throw new RunNotResumableError(error.message);
        throw error;
      }
    },

    async logs(externalId, nodeId) {
      return (await nodeLog(externalId, nodeId)).text;
    },

    nodeLog,

    watch(externalId, onStatus, watchOptions = {}) {
      const controller = new AbortController();
      let stopped = false;
      let timer: NodeJS.Timeout | undefined;
      let last = '';
      const stop = () => {
        stopped = true;
        controller.abort();
        if (timer) clearTimeout(timer);
      };
      const report = (error: unknown) => {
        try {
          watchOptions.onError?.(error);
        } catch {
          // A failing listener must not end the watch loop with an unhandled rejection.
        }
      };
      const emit = (next: RunStatus) => {
        if (stopped) return;
        const key = JSON.stringify(next);
        if (key !== last) {
          last = key;
          try {
            onStatus(next);
          } catch (error) {
            report(error);
          }
        }
        if (isTerminalPhase(next.phase)) stop();
      };
      const poll = async () => {
        timer = undefined;
        if (stopped) return;
        try {
          emit(await status(externalId));
        } catch (error) {
          if (stopped) return;
          report(error);
          if (!isRetryable(error)) {
            stop();
            return;
          }
        }
        if (!stopped) timer = setTimeout(() => void poll(), pollIntervalMs);
      };
      void (async () => {
        try {
          await client.watchWorkflow(
            namespace,
            externalId,
            (event) => {
              if (event.type !== 'DELETED') emit(toRunStatus(event.workflow));
            },
            controller.signal,
          );
        } catch {
          // Any stream failure falls back to polling, which reports what is still wrong.
        }
        if (!stopped) await poll();
      })();
      return stop;
    },
  };
}

/**
 * The template's `spec.arguments` with each declared parameter's `value` set from the run's
 * parameters (other fields kept); a run parameter the template does not declare is appended.
 */
export function withParameters(declared: unknown, parameters: Record<string, string>): Record<string, unknown> {
  const args = isRecord(declared) ? declared : {};
  const list = Array.isArray(args.parameters) ? (args.parameters as unknown[]) : [];
  const seen = new Set<string>();
  const merged = list.map((p) => {
    if (!isRecord(p) || typeof p.name !== 'string') return p;
    seen.add(p.name);
    return Object.hasOwn(parameters, p.name) ? { ...p, value: parameters[p.name] } : p;
  });
  for (const [name, value] of Object.entries(parameters)) if (!seen.has(name)) merged.push({ name, value });
  return { ...args, parameters: merged };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
