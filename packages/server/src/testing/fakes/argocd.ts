import { randomUUID } from 'node:crypto';
import { startFakeServer, timestamp, type RecordedRequest, type Reply } from './fake-server.ts';

/**
 * A fake Argo CD API server (`argocd-server`'s REST gateway), written from the repository's
 * `assets/swagger.json` (`ApplicationService`) and the server code it documents
 * (`server/application/application.go`, `server/server.go`):
 *
 * - `GET /api/v1/applications/{name}` with `refresh` (`normal`|`hard`), `appNamespace` and
 *   `projects` (or the legacy `project`) → `v1alpha1Application`. With `refresh`, acting as the
 *   controller at once, the application is compared again: when its branch moved (`setGitRevision`)
 *   `status.sync.revision` becomes the new commit and `status.sync.status` OutOfSync;
 *   `status.reconciledAt` is updated.
 * - `GET /api/v1/applications` with `name`, `appNamespace`, `projects` (one), `selector` (`k=v,…`) →
 *   `v1alpha1ApplicationList {metadata, items}`, only the applications the token may see, from
 *   every namespace unless `appNamespace` names one.
 * - `fields` on either, as the gateway answers it: `a.b,c.d` keeps only these dotted paths of the
 *   answer (each with everything below it; a path goes through arrays, `items.metadata.name`),
 *   `-a.b,…` drops them and keeps the rest.
 *
 * Errors are grpc-gateway's `{error, code, message}` with the gRPC code's HTTP status. Every
 * request needs `Authorization: Bearer <token>`: none → 401 "no session information", another
 * → 401 "invalid session: …". A missing application, or one the token may not read (`forbid`),
 * is 403 "permission denied" as Argo CD answers when no project is given (so that names cannot be
 * probed); with one project it is 404 `applications.argoproj.io "x" not found`. The option
 * `missingApplication: 'not-found'` answers 404 always, as older Argo CD servers did.
 *
 * Applications only change when the test changes them (`setState`, `script`, a refresh after
 * `setGitRevision`): there is no controller.
 */

export type FakeSyncStatus = 'Synced' | 'OutOfSync' | 'Unknown';
export type FakeHealthStatus = 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';
export type FakeOperationPhase = 'Running' | 'Terminating' | 'Succeeded' | 'Failed' | 'Error';

/** What the controller last reported for an application. Fields left out keep their value. */
export interface FakeArgoCdState {
  sync?: FakeSyncStatus;
  /** `status.sync.revision` (single source). */
  revision?: string;
  /** `status.sync.revisions` (multi-source), one per `spec.sources` entry. */
  revisions?: string[];
  health?: FakeHealthStatus;
  /** `status.health.message`; `null` removes it. */
  healthMessage?: string | null;
  /** `status.operationState`; `null` removes it. `revision` is the sync's `syncResult.revision`. */
  operation?: { phase: FakeOperationPhase; message?: string; revision?: string; revisions?: string[] } | null;
  /** `status.conditions` (e.g. `{type: 'ComparisonError', message}`). */
  conditions?: { type: string; message: string }[];
}

export interface FakeArgoCdSource {
  repoURL: string;
  path?: string;
  targetRevision?: string;
}

export interface FakeArgoCdApplicationOptions {
  /** Default `argocd` (Argo CD's own namespace). */
  namespace?: string;
  /** Default `default`. */
  project?: string;
  labels?: Record<string, string>;
  /** `spec.source`; give `sources` instead for a multi-source application. */
  source?: FakeArgoCdSource;
  sources?: FakeArgoCdSource[];
  /** The first reported state; default Synced and Healthy at no revision. */
  state?: FakeArgoCdState;
}

export interface FakeArgoCdOptions {
  /** The only bearer token accepted. */
  token: string;
  /** How a missing application is answered without a project: `permission-denied` (403, default) or `not-found` (404). */
  missingApplication?: 'permission-denied' | 'not-found';
  /** Clock for timestamps; default the real one. */
  now?: () => Date;
}

type Json = Record<string, any>;

export interface FakeArgoCd {
  /** `http://127.0.0.1:<port>`: the client's `baseUrl` (the API is under `/api/v1`). */
  readonly url: string;
  /** Every request, in order. */
  readonly requests: RecordedRequest[];
  /** Applications by `namespace/name`, as the server would return them. */
  readonly applications: ReadonlyMap<string, Json>;
  /** Creates (or replaces) an application. */
  addApplication(name: string, options?: FakeArgoCdApplicationOptions): void;
  /** Changes what the controller reports; ends a running script. */
  setState(name: string, state: FakeArgoCdState, namespace?: string): void;
  /**
   * States taken one per read of the application (a get, or a list that includes it), before the
   * answer; the last one stays. E.g. OutOfSync → Synced and Progressing → Synced and Healthy.
   */
  script(name: string, states: FakeArgoCdState[], namespace?: string): void;
  /** The commit the application's branch is at now; the next refreshing read notices it. */
  setGitRevision(name: string, revision: string, namespace?: string): void;
  /** The token may not read this application: 403, and lists leave it out. */
  forbid(name: string, namespace?: string): void;
  /** Removes an application. */
  deleteApplication(name: string, namespace?: string): void;
  /** The next request with this method and path (no query) gets this answer instead. */
  respondOnce(method: string, path: string, reply: Reply): void;
  stop(): Promise<void>;
}

const DEFAULT_NAMESPACE = 'argocd';
// gRPC codes as grpc-gateway reports them, with their HTTP statuses.
const GRPC = { NotFound: [5, 404], PermissionDenied: [7, 403], Unauthenticated: [16, 401] } as const;

export async function startFakeArgoCd(options: FakeArgoCdOptions): Promise<FakeArgoCd> {
  const now = () => timestamp(options.now?.() ?? new Date());
  const applications = new Map<string, Json>();
  const scripts = new Map<string, FakeArgoCdState[]>();
  const gitRevisions = new Map<string, string>();
  const forbidden = new Set<string>();
  const overrides: { method: string; path: string; reply: Reply }[] = [];
  let resourceVersion = 5000;

  const keyOf = (name: string, namespace = DEFAULT_NAMESPACE) => `${namespace}/${name}`;
  const grpcError = (kind: keyof typeof GRPC, message: string): Reply => ({ status: GRPC[kind][1], json: { error: message, code: GRPC[kind][0], message } });
  const bump = (app: Json) => void (app.metadata.resourceVersion = String((resourceVersion += 1)));

  function mustGet(key: string): Json {
    const app = applications.get(key);
    if (!app) throw new Error(`fake argocd: no application ${key}`);
    return app;
  }

  function apply(app: Json, state: FakeArgoCdState): void {
    const status = app.status as Json;
    if (state.sync !== undefined) status.sync.status = state.sync;
    if (state.revision !== undefined) status.sync.revision = state.revision;
    if (state.revisions !== undefined) status.sync.revisions = [...state.revisions];
    if (state.health !== undefined) {
      if (state.health !== status.health.status) status.health.lastTransitionTime = now();
      status.health.status = state.health;
    }
    if (state.healthMessage === null) delete status.health.message;
    else if (state.healthMessage !== undefined) status.health.message = state.healthMessage;
    if (state.conditions !== undefined) {
      if (state.conditions.length === 0) delete status.conditions;
      else status.conditions = state.conditions.map((c) => ({ ...c, lastTransitionTime: now() }));
    }
    if (state.operation === null) delete status.operationState;
    else if (state.operation !== undefined) {
      const op = state.operation;
      const finished = op.phase !== 'Running' && op.phase !== 'Terminating';
      const sync: Json = {};
      if (op.revision !== undefined) sync.revision = op.revision;
      if (op.revisions !== undefined) sync.revisions = [...op.revisions];
      status.operationState = {
        operation: { sync: { ...sync }, initiatedBy: { automated: true } },
        phase: op.phase,
        message: op.message ?? (op.phase === 'Succeeded' ? 'successfully synced (all tasks run)' : ''),
        syncResult: { ...sync, resources: [] },
        startedAt: now(),
        ...(finished ? { finishedAt: now() } : {}),
      };
    }
    status.observedAt = now();
    bump(app);
  }

  /** A read of the application: the next scripted state first. */
  function read(key: string): Json {
    const app = mustGet(key);
    const script = scripts.get(key);
    if (script && script.length > 0) {
      apply(app, script.length === 1 ? script[0]! : script.shift()!);
    }
    return app;
  }

  /** What the controller does on a refresh: compare again with the branch's current commit. */
  function refresh(key: string): void {
    const app = mustGet(key);
    const status = app.status as Json;
    const revision = gitRevisions.get(key);
    if (revision !== undefined && revision !== status.sync.revision) {
      status.sync.revision = revision;
      status.sync.status = 'OutOfSync';
    }
    status.reconciledAt = now();
    bump(app);
  }

  const fake: FakeArgoCd = {
    url: '',
    requests: [],
    applications,

    addApplication(name, app = {}) {
      const namespace = app.namespace ?? DEFAULT_NAMESPACE;
      const spec: Json = {
        project: app.project ?? 'default',
        destination: { server: 'https://kubernetes.default.svc', namespace: name },
        syncPolicy: { automated: { prune: true, selfHeal: true } },
      };
      if (app.sources) spec.sources = app.sources.map((s) => ({ targetRevision: 'HEAD', path: '.', ...s }));
      else spec.source = { targetRevision: 'HEAD', path: '.', repoURL: 'https://git.example/repo.git', ...app.source };
      const created: Json = {
        metadata: { name, namespace, uid: randomUUID(), generation: 1, creationTimestamp: now(), labels: { ...app.labels }, resourceVersion: '' },
        spec,
        status: {
          sync: { status: 'Synced', comparedTo: { source: spec.source, sources: spec.sources, destination: spec.destination } },
          health: { status: 'Healthy', lastTransitionTime: now() },
          sourceType: 'Directory',
          controllerNamespace: DEFAULT_NAMESPACE,
          reconciledAt: now(),
        },
      };
      applications.set(keyOf(name, namespace), created);
      scripts.delete(keyOf(name, namespace));
      apply(created, app.state ?? {});
    },

    setState(name, state, namespace) {
      const key = keyOf(name, namespace);
      scripts.delete(key);
      apply(mustGet(key), state);
    },

    script(name, states, namespace) {
      const key = keyOf(name, namespace);
      mustGet(key);
      scripts.set(key, [...states]);
    },

    setGitRevision(name, revision, namespace) {
      const key = keyOf(name, namespace);
      mustGet(key);
      gitRevisions.set(key, revision);
    },

    forbid(name, namespace) {
      forbidden.add(keyOf(name, namespace));
    },

    deleteApplication(name, namespace) {
      const key = keyOf(name, namespace);
      applications.delete(key);
      scripts.delete(key);
      gitRevisions.delete(key);
    },

    respondOnce(method, path, reply) {
      overrides.push({ method, path, reply });
    },

    stop: async () => {},
  };

  /** The one project a request names (`projects`, or the legacy `project`); the fake reads one value. */
  const projectsOf = (query: Record<string, string>): string[] => [query.projects ?? query.project ?? ''].filter((p) => p !== '');

  function matchesSelector(app: Json, selector: string | undefined): boolean {
    if (!selector) return true;
    return selector.split(',').every((term) => {
      const [k, v] = term.split('=') as [string, string | undefined];
      return v === undefined ? k.trim() in app.metadata.labels : app.metadata.labels[k.trim()] === v.trim();
    });
  }

  function route(req: RecordedRequest): Reply {
    const auth = req.headers.authorization;
    if (auth === undefined || !/^Bearer\s+\S/.test(auth)) return grpcError('Unauthenticated', 'no session information');
    if (auth !== `Bearer ${options.token}`) return grpcError('Unauthenticated', 'invalid session: token signature is invalid');
    if (req.method !== 'GET') return { status: 405, json: { error: 'Method Not Allowed', code: 12, message: 'Method Not Allowed' } };
    const namespace = req.query.appNamespace || DEFAULT_NAMESPACE;
    const projects = projectsOf(req.query);

    if (req.path === '/api/v1/applications') {
      const items: Json[] = [];
      for (const [key, app] of applications) {
        if (forbidden.has(key)) continue;
        if (req.query.appNamespace && app.metadata.namespace !== req.query.appNamespace) continue;
        if (req.query.name && app.metadata.name !== req.query.name) continue;
        if (projects.length > 0 && !projects.includes(app.spec.project)) continue;
        if (!matchesSelector(app, req.query.selector)) continue;
        items.push(read(key));
      }
      return { status: 200, json: { metadata: { resourceVersion: String(resourceVersion) }, items } };
    }

    const m = /^\/api\/v1\/applications\/([^/]+)$/.exec(req.path);
    if (!m) return { status: 404, json: { error: 'Not Found', code: 5, message: 'Not Found' } };
    const name = decodeURIComponent(m[1]!);
    const key = keyOf(name, namespace);
    const app = applications.get(key);
    const notFound = grpcError('NotFound', `applications.argoproj.io "${name}" not found`);
    if (!app || forbidden.has(key)) {
      if (projects.length === 1 || (!app && options.missingApplication === 'not-found')) return notFound;
      return grpcError('PermissionDenied', 'permission denied');
    }
    if (projects.length === 1 && app.spec.project !== projects[0]) return notFound;
    if (req.query.refresh) refresh(key);
    return { status: 200, json: read(key) };
  }

  /** The answer with only the `fields` asked for (or without them, after a leading `-`); a copy. */
  function withFields(json: unknown, fields: string | undefined): unknown {
    if (!fields) return json;
    const exclude = fields.startsWith('-');
    const paths = new Set((exclude ? fields.slice(1) : fields).split(',').map((f) => f.trim()).filter((f) => f !== ''));
    const under = (path: string) => [...paths].some((p) => p.startsWith(`${path}.`));
    const walk = (value: unknown, at: string): unknown => {
      if (Array.isArray(value)) return value.map((item) => walk(item, at));
      if (value === null || typeof value !== 'object') return value;
      const kept: Json = {};
      for (const [key, child] of Object.entries(value)) {
        const path = at === '' ? key : `${at}.${key}`;
        if (exclude) {
          if (!paths.has(path)) kept[key] = walk(child, path);
        } else if (paths.has(path)) kept[key] = structuredClone(child);
        else if (under(path)) kept[key] = walk(child, path);
      }
      return kept;
    };
    return walk(json, '');
  }

  const server = await startFakeServer((req) => {
    const override = overrides.findIndex((o) => o.method === req.method && o.path === req.path);
    if (override !== -1) {
      const [{ reply }] = overrides.splice(override, 1) as [(typeof overrides)[number]];
      return reply;
    }
    const reply = route(req);
    return reply.status === 200 ? { ...reply, json: withFields(reply.json, req.query.fields) } : reply;
  });
  (fake as { url: string }).url = server.origin;
  (fake as { requests: RecordedRequest[] }).requests = server.requests;
  fake.stop = () => server.stop();
  return fake;
}
