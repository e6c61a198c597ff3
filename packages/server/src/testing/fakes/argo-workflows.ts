import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RecordedRequest } from './fake-server.ts';
import { timestamp } from './fake-server.ts';

/**
 * A fake Argo Workflows server (argo-server's REST gateway), written from the repository's
 * `api/openapi-spec/swagger.json`, `docs/rest-examples.md` and the controller sources it cites
 * (`workflow_types.go`, `workflow/util/pod_name.go`, `operator.go`), for one namespace:
 *
 * - `POST /api/v1/workflows/{ns}` `WorkflowCreateRequest {namespace, workflow}` → the Workflow,
 *   named from `metadata.generateName` + 5 characters; 400 when the spec has no `entrypoint`
 *   template or an argument parameter without `value` (as Argo's validation says).
 * - `POST /api/v1/workflows/{ns}/submit` `WorkflowSubmitRequest {namespace, resourceKind,
 *   resourceName, submitOptions {parameters ["k=v"], labels "a=b,c=d", generateName,
 *   serviceAccount}}` → a Workflow with `spec.workflowTemplateRef`; 404 without the template.
 * - `POST /api/v1/workflow-templates/{ns}` `{namespace, template}` (409 when it exists),
 *   `GET`/`PUT /api/v1/workflow-templates/{ns}/{name}` (the PUT must carry the current
 *   `metadata.resourceVersion`, else 409, as Kubernetes does).
 * - `GET /api/v1/workflows/{ns}/{name}` → the Workflow.
 * - `PUT /api/v1/workflows/{ns}/{name}/terminate` → sets `spec.shutdown: Terminate` and, acting as
 *   the controller at once, fails every unfinished node and the workflow with
 *   "Stopped with strategy 'Terminate'"; a completed workflow → 500 "cannot shutdown a completed
 *   workflow" (what argo-server answers).
 * - `PUT /api/v1/workflows/{ns}/{name}/retry` `WorkflowRetryRequest {namespace, name}` → acting as
 *   the controller at once, every Failed or Error node goes back to Pending (without its
 *   `finishedAt` and message) and the workflow to Running; succeeded nodes are kept. A workflow
 *   that is not Failed or Error → 400 "workflow must be Failed/Error to retry".
 * - `GET /api/v1/workflows/{ns}/{name}/log?podName=…&logOptions.container=…` → a stream of
 *   `{"result":{"content","podName"}}` lines, one per log line.
 * - `GET /api/v1/workflow-events/{ns}?listOptions.fieldSelector=metadata.name=…` → a stream of
 *   `{"result":{"type":"ADDED"|"MODIFIED","object":Workflow}}`, the current object first, kept
 *   open until `cutStreams` or `stop`; 404 when the named workflow does not exist (argo-server
 *   reads it before it watches).
 *
 * Errors are grpc-gateway's `{code, message}` with the gRPC code's HTTP status. Every request
 * needs `Authorization: Bearer <token>` (else 401); another namespace → 403. Workflows only move
 * when the test moves them (`setNodePhase`, `finish`): there is no controller.
 */

export type FakeNodePhase = 'Pending' | 'Running' | 'Succeeded' | 'Skipped' | 'Failed' | 'Error' | 'Omitted';

export interface FakeParameter {
  name: string;
  value: string;
  globalName?: string;
}

export interface FakeNodeOptions {
  /** Argo node type; default `Steps` for the root node, `StepGroup` for a name ending in `[n]`, else `Pod`. */
  type?: string;
  /** Default the root's `spec.entrypoint`, else the last part of the name. */
  templateName?: string;
  displayName?: string;
  message?: string;
  /** Name of the parent node; default the name without its last `.part` or `[n]`. */
  parent?: string;
}

export interface FakeArgoWorkflowsOptions {
  /** The only bearer token accepted. */
  token: string;
  /** The namespace served; default `argo`. */
  namespace?: string;
  /** Clock for timestamps; default the real one. */
  now?: () => Date;
}

type Json = Record<string, any>;

export interface FakeArgoWorkflows {
  /** `http://127.0.0.1:<port>`: the client's `baseUrl` (the API is under `/api/v1`). */
  readonly url: string;
  readonly namespace: string;
  /** Every request, in order (the event and log streams too, once their headers are read). */
  readonly requests: RecordedRequest[];
  /** Workflows by name, as the server would return them. */
  readonly workflows: ReadonlyMap<string, Json>;
  readonly templates: ReadonlyMap<string, Json>;
  /**
   * Sets (creating it, and any missing ancestor as a Running group) the node named `nodeName`
   * (Argo's full node name: `<workflow>`, `<workflow>[0]`, `<workflow>[0].check`), with its
   * outputs; an output with `globalName` is copied to `status.outputs` as the controller does. A
   * Pending workflow becomes Running. Watchers get a MODIFIED event.
   */
  setNodePhase(workflow: string, nodeName: string, phase: FakeNodePhase, outputs?: { parameters?: FakeParameter[] }, node?: FakeNodeOptions): void;
  /** Ends the workflow (and its root node) with this phase and message. */
  finish(workflow: string, phase: 'Succeeded' | 'Failed' | 'Error', message?: string): void;
  /** The log lines of a node's pod (container `main` unless given). */
  setLogs(workflow: string, nodeName: string, lines: string[], container?: string): void;
  /** The pod name Argo gives a node (pod name format v2). */
  podName(workflow: string, nodeName: string): string;
  /** Ends every open event stream: `end` cleanly, `error` after an `{"error":…}` line, `destroy` the socket. */
  cutStreams(how?: 'end' | 'error' | 'destroy'): void;
  /** While false, the events endpoint answers 503 (a proxy that does not stream, say). Default true. */
  streaming: boolean;
  /** Number of event streams open now. */
  readonly openStreams: number;
  /** The next request with this method and path gets this raw answer instead. */
  respondOnce(method: string, path: string, reply: { status: number; body: string }): void;
  stop(): Promise<void>;
}

const STOPPED = "Stopped with strategy 'Terminate'";
const TERMINAL = new Set(['Succeeded', 'Failed', 'Error', 'Skipped', 'Omitted']);
// gRPC codes as grpc-gateway reports them, with their HTTP statuses.
const GRPC = { InvalidArgument: [3, 400], NotFound: [5, 404], AlreadyExists: [6, 409], PermissionDenied: [7, 403], Internal: [13, 500], Unavailable: [14, 503], Unauthenticated: [16, 401], Aborted: [10, 409] } as const;

function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

export async function startFakeArgoWorkflows(options: FakeArgoWorkflowsOptions): Promise<FakeArgoWorkflows> {
  const namespace = options.namespace ?? 'argo';
  const now = () => timestamp(options.now?.() ?? new Date());
  const requests: RecordedRequest[] = [];
  const workflows = new Map<string, Json>();
  const templates = new Map<string, Json>();
  const logs = new Map<string, string[]>(); // `${pod}/${container}` → lines
  const streams = new Set<{ res: ServerResponse; name: string | undefined }>();
  const overrides: { method: string; path: string; reply: { status: number; body: string } }[] = [];
  let resourceVersion = 1000;
  let streaming = true;

  const nextVersion = () => String((resourceVersion += 1));
  const grpcError = (kind: keyof typeof GRPC, message: string) => ({ status: GRPC[kind][1], json: { code: GRPC[kind][0], message } });
  const nodeId = (wf: string, nodeName: string) => (nodeName === wf ? wf : `${wf}-${fnv32a(nodeName)}`);
  const podNameOf = (wf: string, node: Json) => (node.name === wf ? wf : `${wf}-${node.templateName ? `${node.templateName}-` : ''}${fnv32a(node.name)}`);

  function publish(workflow: Json, type: 'ADDED' | 'MODIFIED'): void {
    workflow.metadata.resourceVersion = nextVersion();
    const line = `${JSON.stringify({ result: { type, object: workflow } })}\n`;
    for (const stream of streams) if (stream.name === undefined || stream.name === workflow.metadata.name) stream.res.write(line);
  }

  function mustGet(name: string): Json {
    const wf = workflows.get(name);
    if (!wf) throw new Error(`fake argo: no workflow ${name}`);
    return wf;
  }

  function ensureNode(wf: Json, nodeName: string, node: FakeNodeOptions = {}): Json {
    const name = wf.metadata.name as string;
    const nodes = (wf.status.nodes ??= {}) as Record<string, Json>;
    const id = nodeId(name, nodeName);
    if (nodes[id]) return nodes[id]!;
    const root = nodeName === name;
    const parentName = node.parent ?? (root ? undefined : /^(.*)(\.[^.[\]]+|\[\d+\])$/.exec(nodeName)?.[1]);
    const last = root ? name : nodeName.slice(parentName?.length ?? 0).replace(/^\./, '');
    const created: Json = {
      id,
      name: nodeName,
      displayName: node.displayName ?? last,
      type: node.type ?? (root ? 'Steps' : /\]$/.test(nodeName) ? 'StepGroup' : 'Pod'),
      templateScope: `local/${name}`,
      phase: 'Pending',
      boundaryID: root ? undefined : name,
      startedAt: now(),
      finishedAt: null,
      progress: '0/1',
    };
    const templateName = node.templateName ?? (root ? wf.spec.entrypoint : /\]$/.test(nodeName) ? undefined : last);
    if (templateName) created.templateName = templateName;
    nodes[id] = created;
    if (parentName !== undefined) {
      const parent = ensureNode(wf, parentName);
      if (!TERMINAL.has(parent.phase)) parent.phase = 'Running';
      parent.children = [...(parent.children ?? []), id];
    }
    return created;
  }

  const fake: FakeArgoWorkflows = {
    url: '',
    namespace,
    requests,
    workflows,
    templates,
    get streaming() {
      return streaming;
    },
    set streaming(value: boolean) {
      streaming = value;
    },
    get openStreams() {
      return streams.size;
    },

    setNodePhase(name, nodeName, phase, outputs, node) {
      const wf = mustGet(name);
      const target = ensureNode(wf, nodeName, node);
      if (node?.type) target.type = node.type;
      if (node?.message !== undefined) target.message = node.message;
      target.phase = phase;
      if (TERMINAL.has(phase)) target.finishedAt = now();
      if (outputs) {
        target.outputs = { parameters: outputs.parameters ?? [] };
        for (const p of outputs.parameters ?? []) {
          if (!p.globalName) continue;
          const global = ((wf.status.outputs ??= {}).parameters ??= []) as Json[];
          const at = global.findIndex((g) => g.name === p.globalName);
          if (at === -1) global.push({ name: p.globalName, value: p.value });
          else global[at] = { name: p.globalName, value: p.value };
        }
      }
      if (!wf.status.phase || wf.status.phase === 'Pending') {
        wf.status.phase = 'Running';
        wf.status.startedAt ??= now();
      }
      publish(wf, 'MODIFIED');
    },

    finish(name, phase, message) {
      const wf = mustGet(name);
      wf.status.phase = phase;
      wf.status.finishedAt = now();
      wf.status.startedAt ??= wf.status.finishedAt;
      if (message !== undefined) wf.status.message = message;
      const root = wf.status.nodes?.[name];
      if (root) {
        root.phase = phase;
        root.finishedAt = wf.status.finishedAt;
        if (message !== undefined) root.message = message;
      }
      wf.metadata.labels['workflows.argoproj.io/completed'] = 'true';
      wf.metadata.labels['workflows.argoproj.io/phase'] = phase;
      publish(wf, 'MODIFIED');
    },

    setLogs(name, nodeName, lines, container = 'main') {
      const wf = mustGet(name);
      const node = wf.status.nodes?.[nodeId(name, nodeName)];
      if (!node) throw new Error(`fake argo: workflow ${name} has no node ${nodeName}`);
      logs.set(`${podNameOf(name, node)}/${container}`, [...lines]);
    },

    podName(name, nodeName) {
      const node = mustGet(name).status.nodes?.[nodeId(name, nodeName)];
      if (!node) throw new Error(`fake argo: workflow ${name} has no node ${nodeName}`);
      return podNameOf(name, node);
    },

    cutStreams(how = 'end') {
      for (const stream of [...streams]) {
        streams.delete(stream);
        if (how === 'destroy') stream.res.destroy();
        else {
          if (how === 'error') stream.res.write(`${JSON.stringify({ error: { grpc_code: 8, http_code: 500, message: 'EOF', http_status: 'Internal Server Error' } })}\n`);
          stream.res.end();
        }
      }
    },

    respondOnce(method, path, reply) {
      overrides.push({ method, path, reply });
    },

    stop: async () => {},
  };

  type Answer = { status: number; json?: unknown } | { stream: (res: ServerResponse) => void };

  function createWorkflow(metadata: Json, spec: Json): Json {
    const suffix = randomUUID().replace(/-/g, '').slice(0, 5);
    const name = metadata.name ?? `${metadata.generateName ?? ''}${suffix}`;
    const wf: Json = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: {
        ...metadata,
        name,
        namespace,
        uid: randomUUID(),
        generation: 1,
        creationTimestamp: now(),
        labels: { ...(metadata.labels ?? {}), 'workflows.argoproj.io/completed': 'false' },
      },
      spec,
      status: {},
    };
    workflows.set(name, wf);
    publish(wf, 'ADDED');
    return wf;
  }

  /** Argo's validation, the rules the adapter could break. */
  function invalidSpec(spec: Json): string | undefined {
    if (spec.workflowTemplateRef) return undefined;
    const templates = Array.isArray(spec.templates) ? (spec.templates as Json[]) : [];
    if (templates.length === 0) return 'spec.templates is required';
    if (typeof spec.entrypoint !== 'string' || spec.entrypoint === '') return 'spec.entrypoint is required';
    if (!templates.some((t) => t.name === spec.entrypoint)) return `spec.entrypoint template ${spec.entrypoint} not found`;
    for (const p of (spec.arguments?.parameters ?? []) as Json[]) {
      if (p.value === undefined && p.valueFrom === undefined) return `spec.arguments.${p.name}.value is required`;
    }
    return undefined;
  }

  function route(req: RecordedRequest): Answer {
    const { method, path, query } = req;
    if (req.headers.authorization !== `Bearer ${options.token}`) {
      return grpcError('Unauthenticated', 'token not valid. see https://argo-workflows.readthedocs.io/en/latest/faq/');
    }
    const m = /^\/api\/v1\/(workflows|workflow-events|workflow-templates)\/([^/]+)(?:\/([^/]+))?(?:\/([^/]+))?$/.exec(path);
    if (!m) return { status: 404, json: { code: 5, message: 'Not Found' } };
    const [, resource, ns, rawName, action] = m as unknown as [string, string, string, string | undefined, string | undefined];
    const name = rawName === undefined ? undefined : decodeURIComponent(rawName);
    const body = (req.body ?? {}) as Json;
    if (decodeURIComponent(ns) !== namespace) {
      return grpcError('PermissionDenied', `${resource.replace('-events', 's')}.argoproj.io is forbidden: User "system:serviceaccount:${namespace}:stagecoach" cannot access resources in the namespace "${decodeURIComponent(ns)}"`);
    }

    if (resource === 'workflow-events' && method === 'GET' && name === undefined) {
      if (!streaming) return grpcError('Unavailable', 'streaming is disabled');
      const selector = query['listOptions.fieldSelector'];
      const only = selector?.startsWith('metadata.name=') ? selector.slice('metadata.name='.length) : undefined;
      // argo-server reads the named workflow first (to resolve aliases such as `@latest`).
      if (only !== undefined && !workflows.has(only)) return grpcError('NotFound', `workflows.argoproj.io "${only}" not found`);
      return {
        stream: (res) => {
          const stream = { res, name: only };
          streams.add(stream);
          res.on('close', () => streams.delete(stream));
          for (const wf of workflows.values()) {
            if (only === undefined || wf.metadata.name === only) res.write(`${JSON.stringify({ result: { type: 'ADDED', object: wf } })}\n`);
          }
        },
      };
    }

    if (resource === 'workflow-templates') {
      if (method === 'POST' && name === undefined) {
        const template = body.template as Json | undefined;
        const tname = template?.metadata?.name;
        if (typeof tname !== 'string' || tname === '') return grpcError('InvalidArgument', 'template.metadata.name is required');
        if (templates.has(tname)) return grpcError('AlreadyExists', `workflowtemplates.argoproj.io "${tname}" already exists`);
        const stored = { apiVersion: 'argoproj.io/v1alpha1', kind: 'WorkflowTemplate', ...template, metadata: { ...template!.metadata, namespace, uid: randomUUID(), resourceVersion: nextVersion(), creationTimestamp: now() } };
        templates.set(tname, stored);
        return { status: 200, json: stored };
      }
      if (name !== undefined && action === undefined) {
        const existing = templates.get(name);
        if (!existing) return grpcError('NotFound', `workflowtemplates.argoproj.io "${name}" not found`);
        if (method === 'GET') return { status: 200, json: existing };
        if (method === 'PUT') {
          const template = (body.template ?? {}) as Json;
          const version = template.metadata?.resourceVersion;
          if (!version) return grpcError('InvalidArgument', 'metadata.resourceVersion: Invalid value: 0x0: must be specified for an update');
          if (version !== existing.metadata.resourceVersion) {
            return grpcError('Aborted', `Operation cannot be fulfilled on workflowtemplates.argoproj.io "${name}": the object has been modified; please apply your changes to the latest version and try again`);
          }
          const stored = { ...existing, ...template, metadata: { ...existing.metadata, ...template.metadata, name, resourceVersion: nextVersion() } };
          templates.set(name, stored);
          return { status: 200, json: stored };
        }
      }
      return { status: 405, json: { code: 12, message: 'Method Not Allowed' } };
    }

    // resource === 'workflows'
    if (method === 'POST' && name === undefined) {
      const workflow = body.workflow as Json | undefined;
      if (!workflow?.metadata || !workflow.spec) return grpcError('InvalidArgument', 'workflow.metadata and workflow.spec are required');
      if (!workflow.metadata.name && !workflow.metadata.generateName) return grpcError('InvalidArgument', 'metadata.name or metadata.generateName is required');
      const invalid = invalidSpec(workflow.spec);
      if (invalid) return grpcError('InvalidArgument', invalid);
      return { status: 200, json: createWorkflow(workflow.metadata, workflow.spec) };
    }
    if (method === 'POST' && name === 'submit' && action === undefined) {
      if (body.resourceKind !== 'WorkflowTemplate') return grpcError('InvalidArgument', `resource kind '${String(body.resourceKind)}' is not supported for submitting`);
      const template = templates.get(String(body.resourceName));
      if (!template) return grpcError('NotFound', `workflowtemplates.argoproj.io "${String(body.resourceName)}" not found`);
      const opts = (body.submitOptions ?? {}) as Json;
      const labels: Record<string, string> = { 'workflows.argoproj.io/workflow-template': template.metadata.name };
      for (const pair of String(opts.labels ?? '').split(',')) {
        const eq = pair.indexOf('=');
        if (eq > 0) labels[pair.slice(0, eq)] = pair.slice(eq + 1);
      }
      const parameters = ((opts.parameters ?? []) as string[]).map((p) => {
        const eq = p.indexOf('=');
        return eq === -1 ? { name: p, value: '' } : { name: p.slice(0, eq), value: p.slice(eq + 1) };
      });
      const spec: Json = { workflowTemplateRef: { name: template.metadata.name }, arguments: { parameters }, entrypoint: template.spec?.entrypoint };
      if (opts.serviceAccount) spec.serviceAccountName = opts.serviceAccount;
      const metadata: Json = { labels, ...(opts.name ? { name: opts.name } : { generateName: opts.generateName ?? `${template.metadata.name}-` }) };
      return { status: 200, json: createWorkflow(metadata, spec) };
    }
    if (name === undefined) return { status: 405, json: { code: 12, message: 'Method Not Allowed' } };
    const wf = workflows.get(name);
    if (!wf) return grpcError('NotFound', `workflows.argoproj.io "${name}" not found`);
    if (method === 'GET' && action === undefined) return { status: 200, json: wf };
    if (method === 'PUT' && action === 'terminate') {
      if (TERMINAL.has(wf.status.phase)) return grpcError('Internal', `cannot shutdown a completed workflow: workflow: "${name}", namespace: "${namespace}"`);
      wf.spec.shutdown = 'Terminate';
      const at = now();
      for (const node of Object.values((wf.status.nodes ?? {}) as Record<string, Json>)) {
        if (TERMINAL.has(node.phase)) continue;
        node.phase = 'Failed';
        node.message = STOPPED;
        node.finishedAt = at;
      }
      wf.status.phase = 'Failed';
      wf.status.message = STOPPED;
      wf.status.finishedAt = at;
      wf.status.startedAt ??= at;
      publish(wf, 'MODIFIED');
      return { status: 200, json: wf };
    }
    if (method === 'PUT' && action === 'retry') {
      if (wf.status.phase !== 'Failed' && wf.status.phase !== 'Error') return grpcError('InvalidArgument', 'workflow must be Failed/Error to retry');
      delete wf.spec.shutdown;
      for (const node of Object.values((wf.status.nodes ?? {}) as Record<string, Json>)) {
        if (node.phase !== 'Failed' && node.phase !== 'Error') continue;
        node.phase = node.type === 'Pod' ? 'Pending' : 'Running';
        node.finishedAt = null;
        delete node.message;
      }
      wf.status.phase = 'Running';
      wf.status.finishedAt = null;
      delete wf.status.message;
      wf.metadata.labels['workflows.argoproj.io/completed'] = 'false';
      delete wf.metadata.labels['workflows.argoproj.io/phase'];
      publish(wf, 'MODIFIED');
      return { status: 200, json: wf };
    }
    if (method === 'GET' && action === 'log') {
      const container = query['logOptions.container'] ?? 'main';
      const pods = Object.values((wf.status.nodes ?? {}) as Record<string, Json>)
        .filter((n) => n.type === 'Pod')
        .map((n) => podNameOf(name, n))
        .filter((p) => query.podName === undefined || query.podName === p);
      return {
        stream: (res) => {
          for (const pod of pods) {
            for (const content of logs.get(`${pod}/${container}`) ?? []) res.write(`${JSON.stringify({ result: { content, podName: pod } })}\n`);
          }
          res.end();
        },
      };
    }
    return { status: 405, json: { code: 12, message: 'Method Not Allowed' } };
  }

  const server = createServer((req, res) => {
    void serve(req, res);
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const path = q === -1 ? target : target.slice(0, q);
    const query = Object.fromEntries(new URLSearchParams(q === -1 ? '' : target.slice(q + 1)));
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    let body: unknown;
    let invalidBody = false;
    if (raw !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        invalidBody = true;
      }
    }
    const recorded: RecordedRequest = { method: req.method ?? 'GET', path, query, headers, body, invalidBody };
    requests.push(recorded);

    const override = overrides.findIndex((o) => o.method === recorded.method && o.path === path);
    if (override !== -1) {
      const [{ reply }] = overrides.splice(override, 1) as [(typeof overrides)[number]];
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(reply.body);
      return;
    }
    let answer: Answer;
    if (invalidBody) answer = grpcError('InvalidArgument', 'invalid character in request body');
    else {
      try {
        answer = route(recorded);
      } catch (error) {
        answer = grpcError('Internal', `fake argo failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if ('stream' in answer) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      answer.stream(res);
      return;
    }
    const text = JSON.stringify(answer.json ?? {});
    res.writeHead(answer.status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
    res.end(text);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  (fake as { url: string }).url = `http://127.0.0.1:${port}`;
  fake.stop = () =>
    new Promise<void>((resolve) => {
      for (const stream of streams) stream.res.destroy();
      streams.clear();
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return fake;
}
