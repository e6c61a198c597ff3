import { descendants, flowGraph, stepDependsOn, STAGECOACH_API_VERSION, type FlowStep, type Hooks, type InlinePolicySettings, type PromotionFlow } from '@stagecoach/core';

/** The spec of a promotion flow, as the builder edits it. */
export type FlowSpec = PromotionFlow['spec'];

/** The three policy slots of a step; an absent slot comes from the promotion policies, a null workflow runs none. */
export type PolicySlot = keyof InlinePolicySettings;
/** The three hook slots of a step or of the whole flow. */
export type HookSlot = keyof Hooks;

export const POLICY_SLOTS = ['preAction', 'action', 'postAction'] as const satisfies readonly PolicySlot[];
export const HOOK_SLOTS = ['onStart', 'onSuccess', 'onFail'] as const satisfies readonly HookSlot[];

/** Annotation keys the builder shows as the flow's description and version. */
export const DESCRIPTION_ANNOTATION = 'description';
export const VERSION_ANNOTATION = 'version';

/** What happens to the steps after a removed one: they wait for its parents instead, or go too. */
export type RemoveMode = 'reconnect' | 'downstream';

/** A flow that is not saved yet: no name, no trigger environment, no steps. */
export function emptyFlow(): PromotionFlow {
  return { apiVersion: STAGECOACH_API_VERSION, kind: 'PromotionFlow', metadata: { name: '' }, spec: { triggerEnvironment: '', steps: [] } };
}

/**
 * The flow without the fields the server sets (resourceVersion and timestamps), with its keys in
 * the order people write them, and without empty maps: what the YAML tab shows and Save sends.
 */
export function cleanFlow(flow: PromotionFlow): PromotionFlow {
  const { name, namespace, labels, annotations } = flow.metadata;
  const spec = flow.spec;
  return {
    apiVersion: flow.apiVersion,
    kind: flow.kind,
    metadata: {
      name,
      ...(namespace !== undefined ? { namespace } : {}),
      ...(labels && Object.keys(labels).length > 0 ? { labels } : {}),
      ...(annotations && Object.keys(annotations).length > 0 ? { annotations } : {}),
    },
    spec: {
      triggerEnvironment: spec.triggerEnvironment,
      ...(spec.triggerWorkflow !== undefined ? { triggerWorkflow: spec.triggerWorkflow } : {}),
      ...(spec.timeout !== undefined ? { timeout: spec.timeout } : {}),
      steps: spec.steps.map(cleanStep),
      ...(nonEmptyHooks(spec.hooks) ? { hooks: orderedHooks(spec.hooks) } : {}),
    },
  };
}

function cleanStep(step: FlowStep): FlowStep {
  const policy = step.policy;
  return {
    environment: step.environment,
    ...(step.dependsOn !== undefined ? { dependsOn: [...step.dependsOn] } : {}),
    ...(policy && POLICY_SLOTS.some((s) => policy[s] !== undefined)
      ? { policy: Object.fromEntries(POLICY_SLOTS.filter((s) => policy[s] !== undefined).map((s) => [s, policy[s]])) as InlinePolicySettings }
      : {}),
    ...(nonEmptyHooks(step.hooks) ? { hooks: orderedHooks(step.hooks) } : {}),
  };
}

function nonEmptyHooks(hooks: Hooks | undefined): hooks is Hooks {
  return hooks !== undefined && HOOK_SLOTS.some((s) => hooks[s] !== undefined);
}

function orderedHooks(hooks: Hooks): Hooks {
  return Object.fromEntries(HOOK_SLOTS.filter((s) => hooks[s] !== undefined).map((s) => [s, hooks[s]])) as Hooks;
}

/** The environments a flow uses: its trigger environment (when chosen) and every step's. */
export function environmentsInFlow(spec: FlowSpec): string[] {
  return [...(spec.triggerEnvironment ? [spec.triggerEnvironment] : []), ...spec.steps.map((s) => s.environment)];
}

/**
 * Changes the DAG of a flow. `change` receives the steps with every `dependsOn` written out (so
 * removing or adding a step never changes what another step waits for by accident) and returns
 * the new steps the same way. Afterwards each step keeps the form its author chose: a step that
 * had `dependsOn` written keeps it; one that had none (or a new one) gets none when it waits for
 * exactly the step above it, and the list otherwise.
 */
export function editGraph(spec: FlowSpec, change: (steps: { environment: string; dependsOn: string[] }[], trigger: string) => { steps: { environment: string; dependsOn: string[] }[]; trigger?: string }): FlowSpec {
  const explicit = spec.steps.map((step, i) => ({ environment: step.environment, dependsOn: [...stepDependsOn(spec, i)] }));
  const result = change(explicit, spec.triggerEnvironment);
  const trigger = result.trigger ?? spec.triggerEnvironment;
  const before = new Map(spec.steps.map((step) => [step.environment, step]));
  const steps = result.steps.map((next, i): FlowStep => {
    const old = before.get(next.environment);
    const base: FlowStep = old ? { ...old } : { environment: next.environment };
    delete base.dependsOn;
    const above = i === 0 ? trigger : result.steps[i - 1]!.environment;
    const followsAbove = next.dependsOn.length === 1 && next.dependsOn[0] === above;
    if (old?.dependsOn !== undefined || !followsAbove) base.dependsOn = [...next.dependsOn];
    return base;
  });
  return { ...spec, triggerEnvironment: trigger, steps };
}

/** Adds `environment` as a new step waiting for `parent` (a parallel branch when `parent` already has dependants). */
export function addStep(spec: FlowSpec, parent: string, environment: string): FlowSpec {
  if (environmentsInFlow(spec).includes(environment)) return spec;
  return editGraph(spec, (steps) => ({ steps: [...steps, { environment, dependsOn: [parent] }] }));
}

/** Sets the environments a step waits for, in the order given, without repeats. */
export function setDependsOn(spec: FlowSpec, environment: string, dependsOn: readonly string[]): FlowSpec {
  const unique = [...new Set(dependsOn)];
  return editGraph(spec, (steps) => ({ steps: steps.map((s) => (s.environment === environment ? { ...s, dependsOn: unique } : s)) }));
}

/** The steps that wait, directly or not, for `environment`: what `remove … downstream` takes away too. */
export function downstreamOf(spec: FlowSpec, environment: string): string[] {
  return descendants(flowGraph(spec), environment);
}

/** Steps that wait directly for `environment`. With none, removing it needs no choice. */
export function dependantsOf(spec: FlowSpec, environment: string): string[] {
  return flowGraph(spec).dependents.get(environment)?.filter((s) => s !== environment) ?? [];
}

/**
 * Removes a step. `reconnect`: each step that waited for it waits for its parents instead.
 * `downstream`: every step after it (see `downstreamOf`) goes too. The trigger environment is
 * never removed this way; change it with `setTriggerEnvironment`.
 */
export function removeStep(spec: FlowSpec, environment: string, mode: RemoveMode): FlowSpec {
  if (environment === spec.triggerEnvironment) return spec;
  const gone = new Set([environment, ...(mode === 'downstream' ? downstreamOf(spec, environment) : [])]);
  return editGraph(spec, (steps) => {
    const parents = steps.find((s) => s.environment === environment)?.dependsOn ?? [];
    return {
      steps: steps
        .filter((s) => !gone.has(s.environment))
        .map((s) => ({
          ...s,
          dependsOn: [...new Set(s.dependsOn.flatMap((d) => (d === environment ? parents.filter((p) => p !== s.environment) : gone.has(d) ? [] : [d])))],
        })),
    };
  });
}

/** Makes `environment` the trigger environment; steps that waited for the old one wait for it. */
export function setTriggerEnvironment(spec: FlowSpec, environment: string): FlowSpec {
  if (environment === spec.triggerEnvironment || spec.steps.some((s) => s.environment === environment)) return spec;
  const old = spec.triggerEnvironment;
  return editGraph(spec, (steps) => ({
    trigger: environment,
    steps: steps.map((s) => ({ ...s, dependsOn: s.dependsOn.map((d) => (d === old ? environment : d)) })),
  }));
}

/**
 * Sets or clears (undefined or '') one policy slot of a step; a cleared slot comes from the
 * policies, a workflow slot set to null runs none whatever they say.
 */
export function setStepPolicy(spec: FlowSpec, environment: string, slot: PolicySlot, value: string | null | undefined): FlowSpec {
  return mapStep(spec, environment, (step) => {
    const policy: Record<string, string | null | undefined> = { ...step.policy, [slot]: value === '' ? undefined : value };
    return withField(step, 'policy', policy as InlinePolicySettings);
  });
}

/** Sets or clears one hook slot of a step. */
export function setStepHook(spec: FlowSpec, environment: string, slot: HookSlot, value: string | undefined): FlowSpec {
  return mapStep(spec, environment, (step) => withField(step, 'hooks', { ...step.hooks, [slot]: value || undefined }));
}

/** Sets or clears one hook slot of the whole flow (release start, success, failure). */
export function setFlowHook(spec: FlowSpec, slot: HookSlot, value: string | undefined): FlowSpec {
  const hooks: Hooks = { ...spec.hooks, [slot]: value || undefined };
  const next: FlowSpec = { ...spec, hooks: orderedHooks(hooks) };
  if (!nonEmptyHooks(hooks)) delete next.hooks;
  return next;
}

/** Sets or clears a top-level optional field of the spec (trigger workflow, timeout). */
export function setSpecField(spec: FlowSpec, field: 'triggerWorkflow' | 'timeout', value: string | undefined): FlowSpec {
  const next = { ...spec };
  if (value) next[field] = value;
  else delete next[field];
  return next;
}

/** Sets or clears an annotation (the description and version the list shows). */
export function setAnnotation(flow: PromotionFlow, key: string, value: string | undefined): PromotionFlow {
  const annotations = { ...flow.metadata.annotations };
  if (value) annotations[key] = value;
  else delete annotations[key];
  const metadata: PromotionFlow['metadata'] = { ...flow.metadata, annotations };
  if (Object.keys(annotations).length === 0) delete metadata.annotations;
  return { ...flow, metadata };
}

function mapStep(spec: FlowSpec, environment: string, change: (step: FlowStep) => FlowStep): FlowSpec {
  return { ...spec, steps: spec.steps.map((s) => (s.environment === environment ? change(s) : s)) };
}

function withField<K extends 'policy' | 'hooks'>(step: FlowStep, key: K, value: NonNullable<FlowStep[K]>): FlowStep {
  const defined = Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
  const next = { ...step, [key]: defined };
  if (Object.keys(defined).length === 0) delete next[key];
  return next;
}

/** What a step waits for, with the default (the step above) applied; empty for the trigger environment. */
export function stepWaitsFor(spec: FlowSpec, environment: string): readonly string[] {
  const index = spec.steps.findIndex((s) => s.environment === environment);
  return index < 0 ? [] : stepDependsOn(spec, index);
}
