import { assertNever } from './assert.ts';
import { validateWorkflowTemplate } from './workflows/validate.ts';
import { descendants, findCycle, flowGraph, topologicalLayers, type FlowGraph } from './flow/graph.ts';
import { error, formatPath, warning, type Problem, type ProblemLocation } from './problems.ts';
import type { Application, Hooks, InlinePolicySettings, Product, PromotionFlow, PromotionPolicy, Resource, ResourceKind } from './resources/schemas.ts';

/** Where a resource came from (file, document), so its problems can say so. */
export type LocateResource = (resource: Resource, index: number) => ProblemLocation;

const quote = (name: string): string => JSON.stringify(name);
const quoteAll = (names: readonly string[]): string => names.map(quote).join(', ');
const plural = (count: number, one: string, many: string): string => (count === 1 ? one : many);

const HOOKS = ['onStart', 'onSuccess', 'onFail'] as const satisfies readonly (keyof Hooks)[];
const POLICY_WORKFLOWS = ['preAction', 'postAction'] as const satisfies readonly (keyof InlinePolicySettings)[];

/** The names defined for each kind, for resolving references. */
interface Index {
  has(kind: ResourceKind, name: string): boolean;
  flow(name: string): PromotionFlow | undefined;
  /** Product name → environments that hold one of its applications. */
  applicationEnvironments(product: string): ReadonlySet<string>;
}

function buildIndex(resources: readonly Resource[]): Index {
  const names = new Map<ResourceKind, Set<string>>();
  const flows = new Map<string, PromotionFlow>();
  const appEnvironments = new Map<string, Set<string>>();
  for (const r of resources) {
    let set = names.get(r.kind);
    if (!set) names.set(r.kind, (set = new Set()));
    set.add(r.metadata.name);
    if (r.kind === 'PromotionFlow' && !flows.has(r.metadata.name)) flows.set(r.metadata.name, r);
    if (r.kind === 'Application') {
      let envs = appEnvironments.get(r.spec.product);
      if (!envs) appEnvironments.set(r.spec.product, (envs = new Set()));
      envs.add(r.spec.environment);
    }
  }
  return {
    has: (kind, name) => names.get(kind)?.has(name) ?? false,
    flow: (name) => flows.get(name),
    applicationEnvironments: (product) => appEnvironments.get(product) ?? new Set(),
  };
}

/**
 * Checks what no single resource can check alone, over a whole set of resources (the server
 * passes the stored ones together with the incoming ones): that names are unique per kind, that
 * references resolve, and that each flow's steps form a DAG rooted at its trigger environment.
 * Each resource is assumed to have passed its own schema already.
 *
 * Errors: `duplicate-resource`, `unknown-reference`, `trigger-as-step`, `duplicate-step`,
 * `self-dependency`, `unknown-step`, `dependency-cycle` (one problem per cycle, listing it in
 * order), `unreachable-step` (a step with an empty `dependsOn`; steps cut off by another error
 * are not reported again), `duplicate-flow`. Warnings: `missing-application` (a product lacks an
 * application in an environment of one of its flows) and `unknown-reference` for a policy
 * selector naming a product or environment that does not exist (the policy then matches less,
 * but nothing breaks). Several applications of one product in one environment are allowed.
 *
 * Problems come in the order of `resources`; within a resource, in field order, except that a
 * flow's cycles and unreachable steps come after its other problems. Each carries the resource's
 * kind and name, the field path, and whatever `locate` adds (file, document). Messages do not
 * repeat the resource's kind and name, since `formatProblem` prints them in front.
 */
export function validateResources(resources: readonly Resource[], locate?: LocateResource): Problem[] {
  const index = buildIndex(resources);
  const problems: Problem[] = [];
  const firstSeen = new Map<string, number>();

  const report: Report = (problem) => {
    problems.push(problem);
  };
  resources.forEach((resource, i) => {
    const at: ProblemLocation = { ...locate?.(resource, i), kind: resource.kind, name: resource.metadata.name };
    const key = `${resource.kind}/${resource.metadata.name}`;
    const first = firstSeen.get(key);
    if (first === undefined) firstSeen.set(key, i);
    else report(error('duplicate-resource', 'metadata.name', duplicateMessage(resource, first, resources, locate), at));

    switch (resource.kind) {
      case 'Environment':
      case 'PromotionTemplate':
        break;
      case 'WorkflowTemplate':
        // The same checks a run makes (references, cycles, parameters), at apply time. What only
        // the local engine cannot run is not an error here: the Argo engine runs it.
        for (const problem of validateWorkflowTemplate(resource, at)) report(problem);
        break;
      case 'Application':
        checkApplication(resource, index, at, report);
        break;
      case 'Product':
        checkProduct(resource, index, at, report);
        break;
      case 'PromotionFlow':
        checkFlow(resource, index, at, report);
        break;
      case 'PromotionPolicy':
        checkPolicy(resource, index, at, report);
        break;
      default:
        assertNever(resource, 'resource');
    }
  });
  return problems;
}

type Report = (problem: Problem) => void;

function duplicateMessage(resource: Resource, first: number, resources: readonly Resource[], locate?: LocateResource): string {
  const message = `${resource.kind} ${quote(resource.metadata.name)} is defined more than once`;
  const where = locate?.(resources[first]!, first);
  if (!where?.file) return message;
  return `${message}; the first is in ${where.file}${where.document !== undefined ? `, document ${where.document}` : ''}`;
}

function checkApplication(app: Application, index: Index, at: ProblemLocation, report: Report): void {
  if (!index.has('Product', app.spec.product)) {
    report(error('unknown-reference', 'spec.product', `application belongs to unknown product ${quote(app.spec.product)}`, at));
  }
  if (!index.has('Environment', app.spec.environment)) {
    report(error('unknown-reference', 'spec.environment', `application is in unknown environment ${quote(app.spec.environment)}`, at));
  }
}

function checkProduct(product: Product, index: Index, at: ProblemLocation, report: Report): void {
  const ref = product.spec.promotionTemplateRef;
  if (ref !== undefined && !index.has('PromotionTemplate', ref)) {
    report(error('unknown-reference', 'spec.promotionTemplateRef', `promotionTemplateRef names unknown promotion template ${quote(ref)}`, at));
  }
  const listed = new Map<string, number>();
  (product.spec.promotionFlows ?? []).forEach((entry, i) => {
    const path = formatPath(['spec', 'promotionFlows', i, 'name']);
    const earlier = listed.get(entry.name);
    if (earlier !== undefined) {
      report(
        error('duplicate-flow', path, `flow ${quote(entry.name)} is listed more than once (first at spec.promotionFlows[${earlier}]); list each flow once`, at),
      );
      return;
    }
    listed.set(entry.name, i);
    const flow = index.flow(entry.name);
    if (!flow) {
      report(error('unknown-reference', path, `promotionFlows names unknown flow ${quote(entry.name)}`, at));
      return;
    }
    const have = index.applicationEnvironments(product.metadata.name);
    const needed = [...new Set([flow.spec.triggerEnvironment, ...flow.spec.steps.map((s) => s.environment)])];
    const missing = needed.filter((env) => !have.has(env));
    if (missing.length > 0) {
      report(
        warning(
          'missing-application',
          formatPath(['spec', 'promotionFlows', i]),
          `product has no application in ${plural(missing.length, 'environment', 'environments')} ${quoteAll(missing)} of flow ${quote(entry.name)}`,
          at,
        ),
      );
    }
  });
}

function checkWorkflow(name: string | undefined, path: string, what: string, index: Index, at: ProblemLocation, report: Report): void {
  if (name !== undefined && !index.has('WorkflowTemplate', name)) {
    report(error('unknown-reference', path, `${what} names unknown workflow ${quote(name)}`, at));
  }
}

function checkHooks(hooks: Hooks | undefined, base: PropertyKey[], prefix: string, index: Index, at: ProblemLocation, report: Report): void {
  for (const hook of HOOKS) {
    checkWorkflow(hooks?.[hook], formatPath([...base, hook]), `${prefix}hook ${hook}`, index, at, report);
  }
}

function checkPolicyWorkflows(policy: InlinePolicySettings | undefined, base: PropertyKey[], prefix: string, index: Index, at: ProblemLocation, report: Report): void {
  for (const field of POLICY_WORKFLOWS) {
    // A null workflow (inline "none here") names nothing to check.
    checkWorkflow(policy?.[field] ?? undefined, formatPath([...base, field]), `${prefix}${field}`, index, at, report);
  }
}

function checkFlow(flow: PromotionFlow, index: Index, at: ProblemLocation, report: Report): void {
  const spec = flow.spec;
  const trigger = spec.triggerEnvironment;
  const graph = flowGraph(spec);
  const inFlow = new Set([trigger, ...graph.steps]);

  if (!index.has('Environment', trigger)) {
    report(error('unknown-reference', 'spec.triggerEnvironment', `flow starts in unknown environment ${quote(trigger)}`, at));
  }
  checkWorkflow(spec.triggerWorkflow, 'spec.triggerWorkflow', 'triggerWorkflow', index, at, report);

  const firstStep = new Map<string, number>();
  spec.steps.forEach((step, i) => {
    const env = step.environment;
    const base = ['spec', 'steps', i];
    const name = `step ${quote(env)}`;
    const earlier = firstStep.get(env);
    // A step repeating the trigger or another step is left out of the graph, so its
    // dependsOn is not checked: the one error says what to fix.
    const inGraph = env !== trigger && earlier === undefined;
    if (env === trigger) {
      report(error('trigger-as-step', formatPath([...base, 'environment']), `${name} is the flow's trigger environment; it cannot also be a step`, at));
    } else if (earlier !== undefined) {
      report(
        error('duplicate-step', formatPath([...base, 'environment']), `${name} repeats spec.steps[${earlier}]; an environment can be a step only once`, at),
      );
    } else {
      firstStep.set(env, i);
      if (!index.has('Environment', env)) {
        report(error('unknown-reference', formatPath([...base, 'environment']), `${name} promotes to unknown environment ${quote(env)}`, at));
      }
    }
    if (inGraph) {
      (step.dependsOn ?? []).forEach((dependency, j) => {
        const path = formatPath([...base, 'dependsOn', j]);
        if (dependency === env) report(error('self-dependency', path, `${name} depends on itself`, at));
        else if (!index.has('Environment', dependency)) report(error('unknown-reference', path, `${name} depends on unknown environment ${quote(dependency)}`, at));
        else if (!inFlow.has(dependency)) {
          report(error('unknown-step', path, `${name} depends on ${quote(dependency)}, which is neither the trigger environment nor a step of this flow`, at));
        }
      });
    }
    checkPolicyWorkflows(step.policy, [...base, 'policy'], `${name} `, index, at, report);
    checkHooks(step.hooks, [...base, 'hooks'], `${name} `, index, at, report);
  });
  checkHooks(spec.hooks, ['spec', 'hooks'], '', index, at, report);

  for (const cycle of allCycles(withoutSelfDependencies(graph))) {
    const first = firstStep.get(cycle[0]!)!;
    const j = spec.steps[first]!.dependsOn?.indexOf(cycle[cycle.length - 2]!) ?? -1;
    const path = formatPath(j >= 0 ? ['spec', 'steps', first, 'dependsOn', j] : ['spec', 'steps', first, 'dependsOn']);
    report(error('dependency-cycle', path, `steps depend on each other in a cycle: ${cycle.join(' → ')}`, at));
  }

  // Steps placed in a layer are those that start once everything before them succeeds.
  const canStart = new Set(topologicalLayers(graph).slice(1).flat());
  for (const step of graph.steps) {
    if (canStart.has(step) || graph.dependsOn.get(step)!.length > 0) continue;
    const blocked = descendants(graph, step).filter((s) => !canStart.has(s));
    const after = blocked.length > 0 ? ` (nor ${plural(blocked.length, 'does step', 'do steps')} ${quoteAll(blocked)} after it)` : '';
    report(
      error(
        'unreachable-step',
        formatPath(['spec', 'steps', firstStep.get(step)!, 'dependsOn']),
        `step ${quote(step)} has an empty dependsOn, so it is unreachable from trigger environment ${quote(trigger)} and never starts${after}; omit dependsOn to follow the step above, or list the environments it waits for`,
        at,
      ),
    );
  }
}

/** The same graph without edges from a step to itself; those are reported as `self-dependency`, not as cycles. */
function withoutSelfDependencies(graph: FlowGraph): FlowGraph {
  return {
    ...graph,
    dependsOn: new Map([...graph.dependsOn].map(([step, deps]) => [step, deps.filter((d) => d !== step)])),
    dependents: new Map([...graph.dependents].map(([env, next]) => [env, next.filter((n) => n !== env)])),
  };
}

/** One cycle per group of steps: after each cycle found, its steps are taken out and the search goes on. */
function allCycles(graph: FlowGraph): string[][] {
  const cycles: string[][] = [];
  let rest = graph;
  for (let cycle = findCycle(rest); cycle; cycle = findCycle(rest)) {
    cycles.push(cycle);
    const removed = new Set(cycle);
    rest = {
      ...rest,
      steps: rest.steps.filter((s) => !removed.has(s)),
      dependents: new Map([...rest.dependents].filter(([env]) => !removed.has(env)).map(([env, next]) => [env, next.filter((n) => !removed.has(n))])),
    };
  }
  return cycles;
}

function checkPolicy(policy: PromotionPolicy, index: Index, at: ProblemLocation, report: Report): void {
  const selector = policy.spec.selector;
  (selector?.product?.names ?? []).forEach((name, i) => {
    if (!index.has('Product', name)) {
      report(warning('unknown-reference', formatPath(['spec', 'selector', 'product', 'names', i]), `selector names unknown product ${quote(name)}`, at));
    }
  });
  (selector?.targetEnvironment?.names ?? []).forEach((name, i) => {
    if (!index.has('Environment', name)) {
      report(
        warning('unknown-reference', formatPath(['spec', 'selector', 'targetEnvironment', 'names', i]), `selector names unknown environment ${quote(name)}`, at),
      );
    }
  });
  checkPolicyWorkflows(policy.spec.policy, ['spec', 'policy'], '', index, at, report);
}
