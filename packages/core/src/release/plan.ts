import { applicationBranch, applicationFolder } from '../application.ts';
import { DEFAULT_FLOW_TIMEOUT, parseDuration } from '../duration.ts';
import { flowGraph, findCycle, topologicalLayers } from '../flow/graph.ts';
import { resolvePolicy } from '../policy.ts';
import { error, warning, type Problem } from '../problems.ts';
import type { Application, Environment, Hooks, InlinePolicySettings, Product, PromotionFlow, PromotionPolicy, PromotionTemplate } from '../resources/schemas.ts';
import { resolvePromotionTemplate } from '../template.ts';
import type { ReleaseApplication, ReleaseCommit, ReleaseSnapshot, ReleaseStepPlan } from './model.ts';

/** The name of the flow of a manual promotion (one source and one target environment). */
export const MANUAL_FLOW = 'manual';

/** What a release's flow says, whether a stored PromotionFlow or a manual promotion. */
export interface ReleaseFlowInput {
  name: string;
  version?: string;
  triggerEnvironment: string;
  triggerWorkflow?: string;
  timeout?: string;
  steps: readonly { environment: string; dependsOn?: readonly string[]; policy?: InlinePolicySettings; hooks?: Hooks }[];
  hooks?: Hooks;
}

/** A stored PromotionFlow as a release's flow. */
export function flowOf(flow: PromotionFlow): ReleaseFlowInput {
  const version = flow.metadata.annotations?.version;
  return { name: flow.metadata.name, ...(version ? { version } : {}), ...flow.spec };
}

/**
 * The flow of a manual promotion: the source environment as trigger, one target step with the
 * settings the person chose (each may be absent: then policies decide; a workflow set to `null`
 * runs none).
 */
export function manualFlow(source: string, target: string, policy: InlinePolicySettings = {}): ReleaseFlowInput {
  return { name: MANUAL_FLOW, triggerEnvironment: source, steps: [{ environment: target, policy }] };
}

/** The resources a release is planned from. */
export interface PlanReleaseInput {
  product: Product;
  flow: ReleaseFlowInput;
  environments: readonly Environment[];
  applications: readonly Application[];
  policies: readonly PromotionPolicy[];
  templates: readonly PromotionTemplate[];
  /** Names of the stored WorkflowTemplates; a flow or policy naming another is refused. */
  workflows: ReadonlySet<string>;
  /** The source application (in the trigger environment) and the commit to promote. */
  source: { application: Application; commit: ReleaseCommit };
}

export type PlanReleaseResult = { ok: true; snapshot: ReleaseSnapshot; warnings: Problem[] } | { ok: false; problems: Problem[] };

/** The product's applications in an environment, by name. */
export function productApplications(applications: readonly Application[], product: string, environment: string): Application[] {
  return applications
    .filter((a) => a.spec.product === product && a.spec.environment === environment)
    .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
}

/**
 * The application a release promotes from: the one named, or the product's only application in
 * the trigger environment. Several and none named, or none at all, is a problem listing them.
 */
export function chooseSourceApplication(
  applications: readonly Application[],
  product: string,
  environment: string,
  requested?: string,
): { ok: true; application: Application } | { ok: false; problem: Problem } {
  const candidates = productApplications(applications, product, environment);
  if (requested !== undefined) {
    const found = candidates.find((a) => a.metadata.name === requested);
    if (found) return { ok: true, application: found };
    const names = candidates.map((a) => `"${a.metadata.name}"`).join(', ') || 'none';
    return { ok: false, problem: error('unknown-application', 'application', `product "${product}" has no application "${requested}" in environment "${environment}" (it has ${names})`) };
  }
  if (candidates.length === 1) return { ok: true, application: candidates[0]! };
  if (candidates.length === 0) {
    return { ok: false, problem: error('no-application', 'environment', `product "${product}" has no application in environment "${environment}"`) };
  }
  const names = candidates.map((a) => `"${a.metadata.name}"`).join(', ');
  return { ok: false, problem: error('ambiguous-application', 'application', `product "${product}" has ${candidates.length} applications in environment "${environment}" (${names}): choose one`) };
}

function releaseApplication(application: Application, input: PlanReleaseInput, problems: Problem[]): ReleaseApplication {
  const resolved = resolvePromotionTemplate({ product: input.product, application, templates: input.templates });
  for (const p of resolved.problems) if (p.severity === 'error') problems.push(p);
  const { promotion, versionSource } = resolved.template;
  return {
    name: application.metadata.name,
    repoURL: application.spec.source.repoURL,
    branch: applicationBranch(application),
    folder: applicationFolder(application),
    namespace: application.spec.destination?.namespace ?? '',
    ...(application.spec.argocd
      ? { argocd: { name: application.spec.argocd.name, ...(application.spec.argocd.namespace ? { namespace: application.spec.argocd.namespace } : {}) } }
      : {}),
    ...(promotion && Object.keys(promotion).length > 0 ? { promotion } : {}),
    ...(versionSource ? { versionSource } : {}),
  };
}

/**
 * Plans a release: resolves, once and for all, the flow's DAG, each target environment's policy
 * (policies by priority, then the step's inline settings), each application's promotion template,
 * and the hooks, into a snapshot later edits of those resources do not change. Every problem is
 * listed: an unknown environment, an environment where the product has no application, a flow
 * that is not a DAG, a workflow that does not exist, an invalid timeout.
 */
export function planRelease(input: PlanReleaseInput): PlanReleaseResult {
  const { flow, product } = input;
  const productName = product.metadata.name;
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const environments = new Map(input.environments.map((e) => [e.metadata.name, e]));
  const at = { kind: flow.name === MANUAL_FLOW ? 'Promotion' : 'PromotionFlow', name: flow.name };

  const graph = flowGraph(flow);
  const cycle = findCycle(graph);
  if (cycle) problems.push(error('dependency-cycle', 'spec.steps', `flow "${flow.name}": steps wait for each other in a cycle: ${cycle.join(' → ')}`, at));
  const reachable = new Set(topologicalLayers(graph).flat());
  for (const step of graph.steps) {
    if (!reachable.has(step) && !cycle?.includes(step)) {
      problems.push(error('unreachable-step', 'spec.steps', `flow "${flow.name}": step "${step}" can never start (it waits for an environment that is not in the flow)`, at));
    }
  }

  const timeout = flow.timeout ?? DEFAULT_FLOW_TIMEOUT;
  const parsed = parseDuration(timeout);
  if (!parsed.ok) problems.push(error('duration', 'spec.timeout', `flow "${flow.name}": timeout "${timeout}": ${parsed.message}`, at));

  const workflow = (name: string | undefined, path: string) => {
    if (name !== undefined && !input.workflows.has(name)) {
      problems.push(error('unknown-reference', path, `flow "${flow.name}": WorkflowTemplate "${name}" (${path}) does not exist`, at));
    }
  };
  workflow(flow.triggerWorkflow, 'spec.triggerWorkflow');
  for (const hook of ['onStart', 'onSuccess', 'onFail'] as const) workflow(flow.hooks?.[hook], `spec.hooks.${hook}`);

  const sourceEnvironment = environments.get(flow.triggerEnvironment);
  if (!sourceEnvironment) problems.push(error('unknown-reference', 'spec.triggerEnvironment', `flow "${flow.name}": environment "${flow.triggerEnvironment}" does not exist`, at));
  const source = releaseApplication(input.source.application, input, problems);
  const steps: ReleaseStepPlan[] = [
    {
      environment: flow.triggerEnvironment,
      environmentKind: sourceEnvironment?.spec.kind ?? 'non-production',
      trigger: true,
      dependsOn: [],
      ...(flow.triggerWorkflow ? { triggerWorkflow: flow.triggerWorkflow } : {}),
      hooks: {},
      applications: [source],
    },
  ];

  for (const name of graph.steps) {
    const index = flow.steps.findIndex((s) => s.environment === name);
    const step = flow.steps[index]!;
    const path = `spec.steps[${index}]`;
    const environment = environments.get(name);
    if (!environment) {
      problems.push(error('unknown-reference', `${path}.environment`, `flow "${flow.name}": environment "${name}" does not exist`, at));
      continue;
    }
    const applications = productApplications(input.applications, productName, name);
    if (applications.length === 0) {
      problems.push(error('no-application', `${path}.environment`, `product "${productName}" has no application in environment "${name}", which flow "${flow.name}" promotes to`, at));
    }
    const resolved = resolvePolicy({
      product: productName,
      environment: { name, kind: environment.spec.kind },
      policies: input.policies,
      inline: step.policy,
      inlineSource: flow.name === MANUAL_FLOW ? MANUAL_FLOW : `flow "${flow.name}" step "${name}"`,
    });
    warnings.push(...resolved.warnings.filter((w) => w.rule !== 'no-matching-policy'));
    workflow(resolved.fields.preAction?.value, `${path}.policy.preAction`);
    workflow(resolved.fields.postAction?.value, `${path}.policy.postAction`);
    for (const hook of ['onStart', 'onSuccess', 'onFail'] as const) workflow(step.hooks?.[hook], `${path}.hooks.${hook}`);
    steps.push({
      environment: name,
      environmentKind: environment.spec.kind,
      trigger: false,
      dependsOn: [...(graph.dependsOn.get(name) ?? [])],
      policy: resolved.fields,
      hooks: { ...step.hooks },
      applications: applications.map((a) => releaseApplication(a, input, problems)),
    });
  }
  if (problems.length > 0) return { ok: false, problems };
  if (steps.length === 1) warnings.push(warning('no-target', 'spec.steps', `flow "${flow.name}" has no target step`, at));
  return {
    ok: true,
    warnings,
    snapshot: {
      flow: { name: flow.name, ...(flow.version ? { version: flow.version } : {}), timeout, timeoutMs: parsed.ok ? parsed.milliseconds : 0, hooks: { ...flow.hooks } },
      source: { application: source, environment: flow.triggerEnvironment, commit: input.source.commit },
      steps,
    },
  };
}
