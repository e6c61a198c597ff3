import { assertNever } from '../assert.ts';
import { formatProblem, type Problem } from '../problems.ts';
import { evaluateDepends, parseDepends, type DependsExpression, type DependsResult } from './depends.ts';
import { evaluateWhen, substitute, type Evaluated, type ExpressionScope } from './expressions.ts';
import { checkLocalSupport, templateKind, ArgoWorkflowSpec, type ArgoArgumentParameter, type ArgoTemplate } from './model.ts';
import { validateWorkflowTemplate } from './validate.ts';

/**
 * The local engine's pure core: one workflow run as a reducer. The shell (the local engine
 * adapter) asks `nextActions` what to start, starts it, and reports back with `applyOutcome`;
 * it calls `tick` when time passes (see `nextWakeAt`) and `terminate` when asked to stop. Every
 * function returns a new state and leaves its argument unchanged; times are ISO 8601 strings
 * passed in, never read from a clock.
 *
 * Semantics, following Argo Workflows where the local engine supports a feature:
 * - steps: groups run in order, the steps of a group in parallel; a group fails when one of its
 *   steps fails, and the groups after it do not run.
 * - dag: a task starts when its `dependencies` (all succeeded or skipped) or its `depends`
 *   condition can be decided; when the condition is false the task is omitted (phase Skipped).
 *   Tasks independent of a failure keep running (Argo's `failFast: false`). A DAG fails when a
 *   task failed and no task's `depends` tests that task's `.Failed`/`.Errored` (a handled failure).
 * - `when` false: the step or task is Skipped. A missing input parameter, an unresolvable
 *   reference or an unreadable `when` fails the node, with a message naming it.
 * - retries (container and script): a Failed attempt with retries left goes back to Pending with
 *   `attempts + 1` and a `notBefore` from the backoff (`duration × factor^(retry − 1)`); no retry
 *   starts later than `maxDuration` after the first attempt started. Error is not retried (Argo's
 *   default `retryPolicy: OnFailure`).
 * - phases roll up the tree, worst first: Failed > Error > Terminated; Skipped counts as success.
 * - `spec.activeDeadlineSeconds` (from the run's start) is checked by `tick`: every unfinished
 *   node of the main flow fails with a message naming the deadline. A template's own
 *   `activeDeadlineSeconds` is handed to the shell as `deadlineSeconds`, per attempt.
 * - `onExit` runs after the main flow finished (also after a deadline, not after `terminate`,
 *   as Argo's terminate). The run's phase is the main flow's, except that a Failed or Error exit
 *   template turns a Succeeded run into Failed or Error.
 * - `retryRun` reopens a finished run that did not succeed: only what did not succeed runs again.
 */

/** Phases of a run and its nodes, as the engine port has them. Terminal: all but Pending and Running. */
export const WORKFLOW_NODE_PHASES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Error', 'Terminated', 'Skipped'] as const;
export type WorkflowNodePhase = (typeof WORKFLOW_NODE_PHASES)[number];

export function isTerminalNodePhase(phase: WorkflowNodePhase): boolean {
  return phase !== 'Pending' && phase !== 'Running';
}

export interface WorkflowOutputParameter {
  name: string;
  value: string;
  globalName?: string;
}

/** One node of a run; the same shape as the server's engine port `RunNode`. */
export interface WorkflowRunNode {
  id: string;
  /** Path-like: the run name, `[group]` for step groups, `.name` for steps and tasks: `run[0].build`. */
  name: string;
  displayName: string;
  templateName: string;
  type: 'Workflow' | 'Steps' | 'StepGroup' | 'DAG' | 'Task' | 'Pod' | 'Suspend' | 'Skipped';
  phase: WorkflowNodePhase;
  startedAt?: string;
  finishedAt?: string;
  message?: string;
  outputs: WorkflowOutputParameter[];
  children: string[];
  /** For Pod nodes: the attempt running or about to run, from 1. */
  attempts?: number;
}

/** A run's status; the same shape as the server's engine port `RunStatus`. */
export interface WorkflowRunStatus {
  phase: WorkflowNodePhase;
  startedAt?: string;
  finishedAt?: string;
  message?: string;
  nodes: WorkflowRunNode[];
  /** Outputs exported with `globalName`, by that name; a later node wins. */
  globalOutputs: Record<string, string>;
}

/** A process the shell must start for a container or script node. */
export interface RunAction {
  kind: 'run';
  nodeId: string;
  templateName: string;
  /** 1 for the first attempt; the shell keys what it started by (nodeId, attempt). */
  attempt: number;
  image: string;
  /** For a script: the interpreter, the same as `script.command`. */
  command: string[];
  args: string[];
  env: Record<string, string>;
  workingDir?: string;
  /** A script template: write `source` to a file and run `command` with that file. */
  script?: { source: string; command: string[] };
  /** Stop the attempt after this many seconds and report it Failed. */
  deadlineSeconds?: number;
  /** Files to read when the process succeeds, reported in `outputs` by name. */
  outputs: { name: string; path: string }[];
  /** Do not start before this time (a retry's backoff). */
  notBefore?: string;
}

/** A suspend node: resumes at `until` (through `tick`), or when the shell reports it Succeeded. */
export interface SuspendAction {
  kind: 'suspend';
  nodeId: string;
  until?: string;
}

export type LeafAction = RunAction | SuspendAction;

/** What the shell reports about a node it started. */
export interface NodeOutcome {
  nodeId: string;
  /** `Running`: the attempt started. The others end it. */
  phase: 'Running' | 'Succeeded' | 'Failed' | 'Error';
  /** Output parameters read from `RunAction.outputs` files, by name. */
  outputs?: Record<string, string>;
  message?: string;
  now: string;
}

interface ExecNode extends WorkflowRunNode {
  parentId?: string;
  inputs: Record<string, string>;
  work?: Omit<RunAction, 'kind' | 'nodeId' | 'attempt' | 'notBefore'>;
  notBefore?: string;
  until?: string;
  /** A DAG task whose `depends` was false. */
  omitted?: boolean;
  /** Part of the `onExit` template's tree. */
  exit?: boolean;
}

/**
 * One run. Plain data (JSON-safe), so the shell may store it; treat it as immutable and change
 * it only through the functions of this module.
 */
export interface WorkflowRunState {
  runName: string;
  /** Absent when the template could not be run at all (see `problems`). */
  spec?: ArgoWorkflowSpec;
  /** The workflow parameters in effect: those given, plus declared defaults. */
  parameters: Record<string, string>;
  phase: WorkflowNodePhase;
  startedAt: string;
  finishedAt?: string;
  message?: string;
  /** When the main flow's `activeDeadlineSeconds` expires. */
  deadlineAt?: string;
  nodes: ExecNode[];
  rootId?: string;
  exitId?: string;
  /** Why the template cannot run on the local engine. */
  problems: Problem[];
  nextId: number;
}

export interface StartRun {
  /** The WorkflowTemplate document (`{apiVersion, kind, metadata, spec}`), unvalidated. */
  template: unknown;
  /** Workflow parameters by name (normally `declaredOnly`'s result). */
  parameters: Readonly<Record<string, string>>;
  /** Names the run and its nodes; the root node's id. */
  runName: string;
  now: string;
}

/**
 * A new run with its first nodes created. A template that fails validation or uses what the
 * local engine cannot run gives a run in phase Error, with the problems; a declared workflow
 * parameter without a value that was not given gives a run in phase Failed naming it.
 */
export function startRun(input: StartRun): WorkflowRunState {
  const state: WorkflowRunState = { runName: input.runName, parameters: {}, phase: 'Running', startedAt: input.now, nodes: [], problems: [], nextId: 1 };
  const doc = input.template as { spec?: unknown } | null;
  let problems = validateWorkflowTemplate(doc);
  if (problems.length === 0) problems = checkLocalSupport(doc?.spec);
  problems = problems.filter((p) => p.severity === 'error');
  if (problems.length > 0) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    return { ...state, phase: 'Error', finishedAt: input.now, problems, message: `the local engine cannot run this template: ${formatProblem(problems[0]!)}${more}` };
  }
  const spec = ArgoWorkflowSpec.parse(doc!.spec);
  state.spec = spec;
  state.parameters = { ...input.parameters };
  for (const declared of spec.arguments?.parameters ?? []) {
    if (Object.hasOwn(input.parameters, declared.name)) continue;
    if (declared.value === undefined) {
      return {
        ...state,
        phase: 'Failed',
        finishedAt: input.now,
        message: `missing parameter "${declared.name}": spec.arguments declares it without a value and the run was not given one`,
      };
    }
    state.parameters[declared.name] = declared.value;
  }
  if (spec.activeDeadlineSeconds !== undefined) state.deadlineAt = addMs(input.now, spec.activeDeadlineSeconds * 1000);
  state.rootId = invoke(state, { template: spec.entrypoint, args: state.parameters, name: input.runName, displayName: input.runName, now: input.now, id: input.runName });
  advance(state, input.now);
  return state;
}

/**
 * The leaf work to start now: Pending container and script nodes (a retry carries `notBefore`,
 * until which the shell waits), and running suspend nodes. Empty when the run is finished. The
 * same action is returned until the shell reports the node Running.
 */
export function nextActions(state: WorkflowRunState): LeafAction[] {
  if (isTerminalNodePhase(state.phase)) return [];
  const actions: LeafAction[] = [];
  for (const node of state.nodes) {
    if (node.type === 'Pod' && node.phase === 'Pending' && node.work) {
      actions.push({ kind: 'run', nodeId: node.id, attempt: node.attempts ?? 1, ...structured(node.work), ...(node.notBefore ? { notBefore: node.notBefore } : {}) });
    } else if (node.type === 'Suspend' && node.phase === 'Running') {
      actions.push({ kind: 'suspend', nodeId: node.id, ...(node.until ? { until: node.until } : {}) });
    }
  }
  return actions;
}

/**
 * Records what the shell saw of a Pod or Suspend node and moves the run on. A report on a
 * finished node or a finished run is ignored (a process that ended after `terminate`); a report
 * on an unknown node, or on a node the shell does not run, is a programming error and throws.
 */
export function applyOutcome(state: WorkflowRunState, outcome: NodeOutcome): WorkflowRunState {
  if (isTerminalNodePhase(state.phase)) return state;
  const draft = structured(state);
  const node = draft.nodes.find((n) => n.id === outcome.nodeId);
  if (!node) throw new Error(`run "${state.runName}" has no node "${outcome.nodeId}"`);
  if (isTerminalNodePhase(node.phase)) return state;
  if (node.type !== 'Pod' && node.type !== 'Suspend') throw new Error(`node "${node.name}" is a ${node.type} node; only Pod and Suspend nodes take outcomes`);
  const { now } = outcome;
  switch (outcome.phase) {
    case 'Running':
      if (node.phase === 'Pending') {
        node.phase = 'Running';
        node.startedAt ??= now;
        delete node.notBefore;
      }
      break;
    case 'Succeeded':
      node.startedAt ??= now;
      finishWithOutputs(draft, node, now, outcome.outputs ?? {});
      break;
    case 'Failed':
      node.startedAt ??= now;
      failOrRetry(draft, node, outcome.message ?? 'failed', now);
      break;
    case 'Error':
      node.startedAt ??= now;
      finish(node, 'Error', now, outcome.message ?? 'error');
      break;
    default:
      assertNever(outcome.phase, 'outcome phase');
  }
  advance(draft, now);
  return draft;
}

/**
 * Moves the run on with time: a suspend node whose `until` has come succeeds; when the main
 * flow's deadline has come, every unfinished node of the main flow fails, and `onExit` starts.
 */
export function tick(state: WorkflowRunState, now: string): WorkflowRunState {
  if (isTerminalNodePhase(state.phase)) return state;
  const draft = structured(state);
  const root = draft.nodes.find((n) => n.id === draft.rootId);
  if (draft.deadlineAt && root && !isTerminalNodePhase(root.phase) && ms(now) >= ms(draft.deadlineAt)) {
    const message = `the workflow exceeded its activeDeadlineSeconds of ${draft.spec!.activeDeadlineSeconds}s`;
    for (const node of draft.nodes) if (!node.exit && !isTerminalNodePhase(node.phase)) finish(node, 'Failed', now, message);
  }
  for (const node of draft.nodes) {
    if (node.type === 'Suspend' && node.phase === 'Running' && node.until && ms(now) >= ms(node.until)) finishWithOutputs(draft, node, now, {});
  }
  advance(draft, now);
  return JSON.stringify(draft) === JSON.stringify(state) ? state : draft;
}

/** Stops the run: every unfinished node and the run become Terminated; `onExit` does not run. */
export function terminate(state: WorkflowRunState, now: string): WorkflowRunState {
  if (isTerminalNodePhase(state.phase)) return state;
  const draft = structured(state);
  for (const node of draft.nodes) if (!isTerminalNodePhase(node.phase)) finish(node, 'Terminated', now, 'terminated');
  draft.phase = 'Terminated';
  draft.finishedAt = now;
  draft.message = 'terminated';
  return draft;
}

/** `retryRun`'s answer: the run reopened, or why it cannot be retried. */
export type RetryRunResult = { ok: true; state: WorkflowRunState } | { ok: false; message: string };

/**
 * Reopens a finished run that did not succeed (Failed, Error or Terminated) so that only what did
 * not succeed runs again, under the same run name (Argo's `argo retry`):
 * - a Pod node that did not succeed goes back to Pending with `attempts` 1 (its retryStrategy
 *   starts over); a Suspend node waits again, its `duration` counted from `now`;
 * - a node that failed before it could run (an argument or input that could not be resolved, an
 *   unreadable `when`) is removed, and its step group or DAG creates it again;
 * - a DAG task omitted because of a task that runs again is removed, to be decided again;
 * - every ancestor of those goes back to Running; Succeeded and Skipped nodes keep their phase
 *   and outputs, and later steps and tasks see those outputs as before;
 * - the `onExit` tree is dropped and runs again after the main flow; `spec.activeDeadlineSeconds`
 *   counts from `now`; the run is Running with no message and no `finishedAt`.
 * A run that is not finished, that succeeded, or that never started (its template could not run,
 * a workflow parameter was missing) is refused with a message naming it.
 */
export function retryRun(state: WorkflowRunState, now: string): RetryRunResult {
  const name = `run "${state.runName}"`;
  if (!isTerminalNodePhase(state.phase)) return { ok: false, message: `${name} is ${state.phase}; only a Failed, Error or Terminated run can be retried` };
  if (state.phase === 'Succeeded' || state.phase === 'Skipped') return { ok: false, message: `${name} is ${state.phase}; there is nothing to retry` };
  if (!state.spec || state.rootId === undefined) {
    return { ok: false, message: `${name} never started (${state.message ?? 'its template could not run'}); submit it again instead` };
  }
  const draft = structured(state);
  draft.nodes = draft.nodes.filter((n) => !n.exit);
  delete draft.exitId;
  const byId = new Map(draft.nodes.map((n) => [n.id, n]));
  const reopened = new Set<string>();
  const removed = new Set<string>();
  const reopenAncestors = (node: ExecNode) => {
    for (let id = node.parentId; id !== undefined; id = byId.get(id)!.parentId) reopened.add(id);
  };
  for (const node of draft.nodes) {
    if (node.children.length > 0 || node.phase === 'Succeeded' || node.phase === 'Skipped') continue;
    if (node.type === 'Pod' && node.work) {
      node.phase = 'Pending';
      node.attempts = 1;
      node.outputs = [];
      for (const field of ['startedAt', 'finishedAt', 'message', 'notBefore'] as const) delete node[field];
    } else if (node.type === 'Suspend') {
      node.phase = 'Running';
      node.startedAt = now;
      node.outputs = [];
      for (const field of ['finishedAt', 'message', 'until'] as const) delete node[field];
      const duration = templateNamed(draft, node.templateName).suspend?.duration;
      if (duration !== undefined) node.until = addMs(now, duration);
    } else {
      removed.add(node.id);
    }
    reopenAncestors(node);
  }
  // A task omitted because a task that runs again failed must be decided again.
  for (const dagId of reopened) {
    const dag = byId.get(dagId)!;
    if (dag.type !== 'DAG') continue;
    const tasks = templateNamed(draft, dag.templateName).dag!.tasks;
    const children = dag.children.map((id) => byId.get(id)!);
    const again = new Set(children.filter((c) => removed.has(c.id) || reopened.has(c.id) || !isTerminalNodePhase(c.phase)).map((c) => c.displayName));
    for (let changed = true; changed; ) {
      changed = false;
      for (const child of children) {
        if (!child.omitted || removed.has(child.id)) continue;
        const task = tasks.find((t) => t.name === child.displayName);
        if (!task || !(dependsOf(task)?.tasks ?? []).some((t) => again.has(t))) continue;
        removed.add(child.id);
        again.add(child.displayName);
        changed = true;
      }
    }
  }
  if (removed.has(draft.rootId!)) {
    // The entrypoint itself could not start (its inputs): create it again, as startRun does.
    draft.nodes = [];
    draft.rootId = invoke(draft, { template: draft.spec!.entrypoint, args: draft.parameters, name: draft.runName, displayName: draft.runName, now, id: draft.runName });
  } else {
    draft.nodes = draft.nodes.filter((n) => !removed.has(n.id));
    for (const node of draft.nodes) node.children = node.children.filter((id) => !removed.has(id));
    for (const id of reopened) {
      const node = byId.get(id)!;
      node.phase = 'Running';
      node.outputs = [];
      delete node.finishedAt;
      delete node.message;
    }
  }
  draft.phase = 'Running';
  delete draft.finishedAt;
  delete draft.message;
  if (draft.spec!.activeDeadlineSeconds !== undefined) draft.deadlineAt = addMs(now, draft.spec!.activeDeadlineSeconds * 1000);
  advance(draft, now);
  return { ok: true, state: draft };
}

/** The earliest time at which `tick` or a retry has something to do; undefined when nothing waits on time. */
export function nextWakeAt(state: WorkflowRunState): string | undefined {
  if (isTerminalNodePhase(state.phase)) return undefined;
  const times: string[] = [];
  const root = state.nodes.find((n) => n.id === state.rootId);
  if (state.deadlineAt && root && !isTerminalNodePhase(root.phase)) times.push(state.deadlineAt);
  for (const node of state.nodes) {
    if (node.notBefore && node.phase === 'Pending') times.push(node.notBefore);
    if (node.until && node.phase === 'Running') times.push(node.until);
  }
  return times.sort((a, b) => ms(a) - ms(b))[0];
}

/** The run as the engine port reports it: nodes in creation order, without internal fields. */
export function runStatus(state: WorkflowRunState): WorkflowRunStatus {
  const globalOutputs: Record<string, string> = {};
  const nodes = state.nodes.map((n): WorkflowRunNode => {
    for (const o of n.outputs) if (o.globalName !== undefined) globalOutputs[o.globalName] = o.value;
    return {
      id: n.id,
      name: n.name,
      displayName: n.displayName,
      templateName: n.templateName,
      type: n.type,
      phase: n.phase,
      ...(n.startedAt !== undefined ? { startedAt: n.startedAt } : {}),
      ...(n.finishedAt !== undefined ? { finishedAt: n.finishedAt } : {}),
      ...(n.message !== undefined ? { message: n.message } : {}),
      outputs: n.outputs,
      children: n.children,
      ...(n.attempts !== undefined ? { attempts: n.attempts } : {}),
    };
  });
  return {
    phase: state.phase,
    startedAt: state.startedAt,
    ...(state.finishedAt !== undefined ? { finishedAt: state.finishedAt } : {}),
    ...(state.message !== undefined ? { message: state.message } : {}),
    nodes,
    globalOutputs,
  };
}

// ---------------------------------------------------------------------------------------------
// Internals. They change the draft in place; the exported functions copy the state first.

function structured<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function ms(time: string): number {
  return Date.parse(time);
}

function addMs(time: string, milliseconds: number): string {
  return new Date(ms(time) + milliseconds).toISOString();
}

function templateNamed(state: WorkflowRunState, name: string): ArgoTemplate {
  const t = state.spec!.templates.find((x) => x.name === name);
  if (!t) throw new Error(`no template "${name}"`);
  return t;
}

function nodeById(state: WorkflowRunState, id: string): ExecNode {
  const n = state.nodes.find((x) => x.id === id);
  if (!n) throw new Error(`no node "${id}"`);
  return n;
}

function finish(node: ExecNode, phase: WorkflowNodePhase, now: string, message?: string): void {
  node.phase = phase;
  node.startedAt ??= now;
  node.finishedAt = now;
  delete node.notBefore;
  if (message !== undefined) node.message = message;
  else delete node.message;
}

function outputsRecord(node: ExecNode): Record<string, string> {
  return Object.fromEntries(node.outputs.map((o) => [o.name, o.value]));
}

/** What a template instance sees: its inputs, the workflow, and the outputs of its finished steps or tasks. */
function scopeOf(state: WorkflowRunState, node: ExecNode): ExpressionScope {
  const scope: { -readonly [K in keyof ExpressionScope]: ExpressionScope[K] } = { inputs: node.inputs, workflowParameters: state.parameters, workflowName: state.runName };
  if (node.exit) scope.workflowStatus = state.nodes.find((n) => n.id === state.rootId)?.phase ?? 'Unknown';
  const done = (ids: string[]) =>
    Object.fromEntries(ids.map((id) => nodeById(state, id)).filter((c) => c.phase === 'Succeeded').map((c) => [c.displayName, outputsRecord(c)]));
  if (node.type === 'Steps') scope.steps = done(node.children.flatMap((g) => nodeById(state, g).children));
  if (node.type === 'DAG') scope.tasks = done(node.children);
  return scope;
}

function typeOf(template: ArgoTemplate): WorkflowRunNode['type'] {
  const kind = templateKind(template);
  switch (kind) {
    case 'container':
    case 'script':
      return 'Pod';
    case 'steps':
      return 'Steps';
    case 'dag':
      return 'DAG';
    case 'suspend':
      return 'Suspend';
    default:
      throw new Error(`template "${template.name}" has kind ${kind}, which the local engine does not run`);
  }
}

interface Invocation {
  template: string;
  args: Readonly<Record<string, string>>;
  name: string;
  displayName: string;
  parentId?: string;
  exit?: boolean;
  now: string;
  id?: string;
}

function addNode(state: WorkflowRunState, fields: Omit<ExecNode, 'id' | 'outputs' | 'children'> & { id?: string }): ExecNode {
  const node: ExecNode = { ...fields, id: fields.id ?? `${state.runName}-${state.nextId++}`, outputs: [], children: [] };
  state.nodes.push(node);
  if (node.parentId !== undefined) nodeById(state, node.parentId).children.push(node.id);
  return node;
}

/** Creates the node running `template` with arguments `args`; returns its id. */
function invoke(state: WorkflowRunState, call: Invocation): string {
  const template = templateNamed(state, call.template);
  const base = {
    name: call.name,
    displayName: call.displayName,
    templateName: template.name,
    type: typeOf(template),
    inputs: {},
    ...(call.id !== undefined ? { id: call.id } : {}),
    ...(call.parentId !== undefined ? { parentId: call.parentId } : {}),
    ...(call.exit ? { exit: true } : {}),
  };
  const inputs = resolveInputs(state, template, call.args);
  if (!inputs.ok) {
    const node = addNode(state, { ...base, phase: 'Failed' });
    finish(node, 'Failed', call.now, inputs.message);
    return node.id;
  }
  const kind = templateKind(template);
  if (kind === 'container' || kind === 'script') {
    const node = addNode(state, { ...base, inputs: inputs.value, phase: 'Pending', attempts: 1 });
    const work = resolveWork(state, template, scopeOf(state, node));
    if (!work.ok) finish(node, 'Failed', call.now, work.message);
    else node.work = work.value;
    return node.id;
  }
  if (kind === 'suspend') {
    const node = addNode(state, { ...base, inputs: inputs.value, phase: 'Running', startedAt: call.now });
    if (template.suspend!.duration !== undefined) node.until = addMs(call.now, template.suspend!.duration);
    return node.id;
  }
  return addNode(state, { ...base, inputs: inputs.value, phase: 'Running', startedAt: call.now }).id;
}

function resolveInputs(state: WorkflowRunState, template: ArgoTemplate, args: Readonly<Record<string, string>>): Evaluated<Record<string, string>> {
  const inputs: Record<string, string> = {};
  const workflowScope: ExpressionScope = { workflowParameters: state.parameters, workflowName: state.runName };
  for (const p of template.inputs?.parameters ?? []) {
    if (Object.hasOwn(args, p.name)) {
      inputs[p.name] = args[p.name]!;
      continue;
    }
    const fallback = p.value ?? p.default;
    if (fallback === undefined) return { ok: false, message: `missing parameter "${p.name}": template "${template.name}" needs it and it was not passed` };
    const value = substitute(fallback, workflowScope);
    if (!value.ok) return value;
    inputs[p.name] = value.value;
  }
  return { ok: true, value: inputs };
}

function resolveWork(state: WorkflowRunState, template: ArgoTemplate, scope: ExpressionScope): Evaluated<NonNullable<ExecNode['work']>> {
  const body = template.container ?? template.script!;
  let failed: string | undefined;
  const sub = (text: string): string => {
    if (failed !== undefined) return '';
    const r = substitute(text, scope);
    if (!r.ok) failed = r.message;
    return r.ok ? r.value : '';
  };
  const command = (template.script ? (template.script.command ?? ['sh']) : (template.container!.command ?? [])).map(sub);
  const work: NonNullable<ExecNode['work']> = {
    templateName: template.name,
    image: sub(body.image),
    command,
    args: (template.container?.args ?? []).map(sub),
    env: Object.fromEntries((body.env ?? []).map((e) => [e.name, sub(e.value ?? '')])),
    outputs: (template.outputs?.parameters ?? []).flatMap((o) => (o.valueFrom?.path ? [{ name: o.name, path: sub(o.valueFrom.path) }] : [])),
  };
  if (body.workingDir !== undefined) work.workingDir = sub(body.workingDir);
  if (template.script) work.script = { source: sub(template.script.source), command };
  if (template.activeDeadlineSeconds !== undefined) work.deadlineSeconds = template.activeDeadlineSeconds;
  return failed !== undefined ? { ok: false, message: failed } : { ok: true, value: work };
}

/** Ends a node as Succeeded with its declared outputs, or Failed when one cannot be had. */
function finishWithOutputs(state: WorkflowRunState, node: ExecNode, now: string, reported: Readonly<Record<string, string>>): void {
  const template = templateNamed(state, node.templateName);
  const scope = scopeOf(state, node);
  const outputs: WorkflowOutputParameter[] = [];
  for (const o of template.outputs?.parameters ?? []) {
    let value: string;
    if (o.valueFrom?.path !== undefined || (o.value === undefined && Object.hasOwn(reported, o.name))) {
      if (!Object.hasOwn(reported, o.name)) {
        finish(node, 'Failed', now, `output parameter "${o.name}" was not reported${o.valueFrom?.path ? ` (from ${o.valueFrom.path})` : ''}`);
        return;
      }
      value = reported[o.name]!;
    } else if (o.value !== undefined) {
      const r = substitute(o.value, scope);
      if (!r.ok) {
        finish(node, 'Failed', now, `output parameter "${o.name}": ${r.message}`);
        return;
      }
      value = r.value;
    } else {
      finish(node, 'Failed', now, `output parameter "${o.name}" has neither value nor valueFrom`);
      return;
    }
    outputs.push({ name: o.name, value, ...(o.globalName !== undefined ? { globalName: o.globalName } : {}) });
  }
  node.outputs = outputs;
  finish(node, 'Succeeded', now);
}

function failOrRetry(state: WorkflowRunState, node: ExecNode, message: string, now: string): void {
  const retry = templateNamed(state, node.templateName).retryStrategy;
  const attempt = node.attempts ?? 1;
  if (node.type !== 'Pod' || retry === undefined || attempt > retry.limit) {
    finish(node, 'Failed', now, retry !== undefined && node.type === 'Pod' ? `${message} (after ${attempt} attempts)` : message);
    return;
  }
  const backoff = retry.backoff;
  const delay = backoff ? backoff.duration * (backoff.factor ?? 1) ** (attempt - 1) : 0;
  const notBefore = ms(now) + delay;
  if (backoff?.maxDuration !== undefined && notBefore - ms(node.startedAt ?? now) > backoff.maxDuration) {
    finish(node, 'Failed', now, `${message} (after ${attempt} attempts; the next retry would start past the backoff's maxDuration)`);
    return;
  }
  node.phase = 'Pending';
  node.attempts = attempt + 1;
  node.message = `attempt ${attempt} failed: ${message}`;
  if (delay > 0) node.notBefore = new Date(notBefore).toISOString();
  else delete node.notBefore;
}

/** The worst phase among finished children: Failed > Error > Terminated > Succeeded (Skipped counts as Succeeded). */
function worst(phases: readonly WorkflowNodePhase[]): WorkflowNodePhase {
  for (const p of ['Failed', 'Error', 'Terminated'] as const) if (phases.includes(p)) return p;
  return 'Succeeded';
}

function childFailure(children: readonly ExecNode[], phase: WorkflowNodePhase, what: 'step' | 'task'): string | undefined {
  const child = children.find((c) => c.phase === phase);
  if (!child || phase === 'Succeeded') return undefined;
  return `${what} "${child.displayName}" ${phase === 'Error' ? 'errored' : phase.toLowerCase()}${child.message ? `: ${child.message}` : ''}`;
}

/** Creates the step or task `call` under `parentId`, evaluating `when` and arguments in `scope`. */
function call(
  state: WorkflowRunState,
  step: { name: string; template?: string | undefined; when?: string | undefined; arguments?: { parameters?: ArgoArgumentParameter[] | undefined } | undefined },
  parent: ExecNode,
  scope: ExpressionScope,
  name: string,
  now: string,
): void {
  const template = templateNamed(state, step.template!);
  const failed = (message: string) => {
    const node = addNode(state, { name, displayName: step.name, templateName: template.name, type: typeOf(template), phase: 'Failed', inputs: {}, parentId: parent.id, ...(parent.exit ? { exit: true } : {}) });
    finish(node, 'Failed', now, message);
  };
  if (step.when !== undefined) {
    const text = substitute(step.when, scope);
    if (!text.ok) return failed(`when: ${text.message}`);
    const holds = evaluateWhen(text.value);
    if (!holds.ok) return failed(`when: ${holds.message}`);
    if (!holds.value) {
      const node = addNode(state, { name, displayName: step.name, templateName: template.name, type: 'Skipped', phase: 'Skipped', inputs: {}, parentId: parent.id, ...(parent.exit ? { exit: true } : {}) });
      finish(node, 'Skipped', now, `when "${text.value}" evaluated false`);
      return;
    }
  }
  const args: Record<string, string> = {};
  for (const a of step.arguments?.parameters ?? []) {
    if (a.value === undefined) continue;
    const value = substitute(a.value, scope);
    if (!value.ok) return failed(`parameter "${a.name}": ${value.message}`);
    args[a.name] = value.value;
  }
  invoke(state, { template: template.name, args, name, displayName: step.name, parentId: parent.id, now, ...(parent.exit ? { exit: true } : {}) });
}

/** Moves a steps node on by one change; returns whether anything changed. */
function advanceSteps(state: WorkflowRunState, node: ExecNode, now: string): boolean {
  const groups = templateNamed(state, node.templateName).steps!;
  const startGroup = (g: number) => {
    const scope = scopeOf(state, node);
    const group = addNode(state, { name: `${node.name}[${g}]`, displayName: `[${g}]`, templateName: node.templateName, type: 'StepGroup', phase: 'Running', startedAt: now, inputs: {}, parentId: node.id, ...(node.exit ? { exit: true } : {}) });
    for (const step of groups[g]!) call(state, step, group, scope, `${group.name}.${step.name}`, now);
  };
  if (node.children.length === 0) {
    if (groups.length === 0) finishWithOutputs(state, node, now, {});
    else startGroup(0);
    return true;
  }
  const group = nodeById(state, node.children.at(-1)!);
  const steps = group.children.map((id) => nodeById(state, id));
  if (!isTerminalNodePhase(group.phase)) {
    // A step `retryRun` removed (it failed before it could run) is created again.
    const missing = groups[node.children.length - 1]!.filter((step) => !steps.some((s) => s.displayName === step.name));
    if (missing.length > 0) {
      const scope = scopeOf(state, node);
      for (const step of missing) call(state, step, group, scope, `${group.name}.${step.name}`, now);
      return true;
    }
    if (!steps.every((s) => isTerminalNodePhase(s.phase))) return false;
    const phase = worst(steps.map((s) => s.phase));
    finish(group, phase, now, childFailure(steps, phase, 'step'));
    return true;
  }
  if (group.phase !== 'Succeeded') {
    finish(node, group.phase, now, childFailure(steps, group.phase, 'step'));
    return true;
  }
  if (node.children.length < groups.length) startGroup(node.children.length);
  else finishWithOutputs(state, node, now, {});
  return true;
}

function taskResult(node: ExecNode): DependsResult {
  if (node.omitted) return 'Omitted';
  switch (node.phase) {
    case 'Succeeded':
      return 'Succeeded';
    case 'Failed':
      return 'Failed';
    case 'Error':
      return 'Errored';
    case 'Skipped':
      return 'Skipped';
    case 'Terminated':
      return 'Terminated';
    case 'Pending':
    case 'Running':
      throw new Error(`task "${node.displayName}" has not finished`);
    default:
      return assertNever(node.phase, 'phase');
  }
}

function dependsOf(task: { dependencies?: string[] | undefined; depends?: string | undefined }): { expression: DependsExpression; text: string; tasks: string[] } | undefined {
  if (task.depends !== undefined) {
    const parsed = parseDepends(task.depends);
    if (!parsed.ok) throw new Error(parsed.message);
    return { expression: parsed.expression, text: task.depends, tasks: parsed.tasks };
  }
  const deps = task.dependencies ?? [];
  if (deps.length === 0) return undefined;
  const expression = deps
    .map((t): DependsExpression => ({ op: 'task', task: t }))
    .reduce((left, right) => ({ op: 'and', left, right }));
  return { expression, text: deps.join(' && '), tasks: deps };
}

/** Moves a DAG node on: starts or omits every task that can be decided; finishes the DAG when all are done. */
function advanceDag(state: WorkflowRunState, node: ExecNode, now: string): boolean {
  const tasks = templateNamed(state, node.templateName).dag!.tasks;
  const childNamed = (name: string) => node.children.map((id) => nodeById(state, id)).find((c) => c.displayName === name);
  let changed = false;
  for (const task of tasks) {
    if (childNamed(task.name)) continue;
    const depends = dependsOf(task);
    if (depends && !depends.tasks.every((t) => { const c = childNamed(t); return c !== undefined && isTerminalNodePhase(c.phase); })) continue;
    changed = true;
    if (depends && !evaluateDepends(depends.expression, (t) => taskResult(childNamed(t)!))) {
      const template = templateNamed(state, task.template!);
      const omitted = addNode(state, { name: `${node.name}.${task.name}`, displayName: task.name, templateName: template.name, type: 'Skipped', phase: 'Skipped', inputs: {}, parentId: node.id, omitted: true, ...(node.exit ? { exit: true } : {}) });
      finish(omitted, 'Skipped', now, `omitted: depends "${depends.text}" is false`);
      continue;
    }
    call(state, task, node, scopeOf(state, node), `${node.name}.${task.name}`, now);
  }
  const children = node.children.map((id) => nodeById(state, id));
  if (children.length < tasks.length || !children.every((c) => isTerminalNodePhase(c.phase))) return changed;
  // A failure that a task's `depends` tests (`A.Failed`, `A.Errored`) is handled and does not fail the DAG.
  const handled = new Set<string>();
  for (const task of tasks) {
    if (task.depends === undefined) continue;
    const parsed = parseDepends(task.depends);
    if (parsed.ok) collectHandled(parsed.expression, handled);
  }
  const unhandled = children.filter((c) => !handled.has(c.displayName));
  const phase = worst(unhandled.map((c) => c.phase));
  if (phase === 'Succeeded') finishWithOutputs(state, node, now, {});
  else finish(node, phase, now, childFailure(unhandled, phase, 'task'));
  return true;
}

function collectHandled(e: DependsExpression, into: Set<string>): void {
  switch (e.op) {
    case 'task':
      if (e.result === 'Failed' || e.result === 'Errored') into.add(e.task);
      return;
    case 'not':
      return collectHandled(e.operand, into);
    case 'and':
    case 'or':
      collectHandled(e.left, into);
      collectHandled(e.right, into);
      return;
    default:
      assertNever(e, 'depends expression');
  }
}

/** Applies every consequence of the last change: parents finish, groups and tasks start, `onExit` starts, the run's phase rolls up. */
function advance(state: WorkflowRunState, now: string): void {
  let changed = true;
  while (changed) {
    changed = false;
    // Deepest first: children are always created after their parents.
    for (const node of [...state.nodes].reverse()) {
      if (node.phase !== 'Running') continue;
      if (node.type === 'Steps') changed = advanceSteps(state, node, now) || changed;
      else if (node.type === 'DAG') changed = advanceDag(state, node, now) || changed;
    }
    const root = state.nodes.find((n) => n.id === state.rootId);
    if (root && isTerminalNodePhase(root.phase) && state.spec?.onExit !== undefined && state.exitId === undefined) {
      const name = `${state.runName}.onExit`;
      state.exitId = invoke(state, { template: state.spec.onExit, args: state.parameters, name, displayName: name, exit: true, now });
      changed = true;
    }
  }
  rollUp(state, now);
}

function rollUp(state: WorkflowRunState, now: string): void {
  const root = state.nodes.find((n) => n.id === state.rootId);
  if (!root) return;
  const exit = state.exitId === undefined ? undefined : nodeById(state, state.exitId);
  if (!isTerminalNodePhase(root.phase) || (exit && !isTerminalNodePhase(exit.phase))) {
    state.phase = 'Running';
    return;
  }
  let phase = root.phase;
  let message = root.message;
  if (exit && phase === 'Succeeded' && (exit.phase === 'Failed' || exit.phase === 'Error')) {
    phase = exit.phase;
    message = `onExit template "${exit.templateName}" ${exit.phase === 'Error' ? 'errored' : 'failed'}${exit.message ? `: ${exit.message}` : ''}`;
  }
  state.phase = phase;
  state.finishedAt = now;
  if (message !== undefined) state.message = message;
}
