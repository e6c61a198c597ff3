import {
  decodeResource,
  findCycle,
  flowGraph,
  validateResources,
  type Environment,
  type Problem,
  type PromotionFlow,
  type WorkflowTemplate,
} from '@stagecoach/core';
import { cleanFlow } from './model.ts';

/** The problems of a flow being edited, and where they show on the graph. */
export interface FlowCheck {
  /** Every problem, errors first; warnings never block Save. */
  problems: Problem[];
  /** Environment (trigger or step) → the problems about it; these nodes are outlined. */
  byEnvironment: ReadonlyMap<string, Problem[]>;
  /** Environments in a dependency cycle, in promotion order, or empty. */
  cycle: readonly string[];
  /** Whether any problem is an error. */
  blocking: boolean;
}

const STEP_PATH = /^spec\.steps\[(\d+)\]/;
const TRIGGER_PATH = /^spec\.(triggerEnvironment|triggerWorkflow)\b/;

/** The environment a problem is about, judged from its field path, or undefined for the flow as a whole. */
export function problemEnvironment(flow: PromotionFlow, problem: Problem): string | undefined {
  const step = STEP_PATH.exec(problem.path);
  if (step) return flow.spec.steps[Number(step[1])]?.environment;
  if (TRIGGER_PATH.test(problem.path)) return flow.spec.triggerEnvironment || undefined;
  return undefined;
}

/**
 * Checks a flow the way the server will when it is saved: its own schema, then the references and
 * the DAG against the known environments and workflow templates (`validateResources`), and marks
 * the steps of a dependency cycle (`findCycle`). `savedName`, for a flow that exists already,
 * reports a renamed flow (a saved flow keeps its name).
 */
export function checkFlow(
  flow: PromotionFlow,
  environments: readonly Environment[],
  workflowTemplates: readonly WorkflowTemplate[],
  savedName?: string,
): FlowCheck {
  const clean = cleanFlow(flow);
  const problems: Problem[] = [...decodeResource(clean).problems];
  if (!flow.spec.triggerEnvironment) {
    // The schema says "must be a DNS-1123 label" for an empty name; people need to hear what to do.
    const i = problems.findIndex((p) => p.path === 'spec.triggerEnvironment');
    if (i >= 0) problems.splice(i, 1);
    problems.unshift({ severity: 'error', rule: 'required', path: 'spec.triggerEnvironment', message: 'choose the trigger environment', kind: 'PromotionFlow' });
  }
  if (savedName !== undefined && flow.metadata.name !== savedName) {
    problems.push({ severity: 'error', rule: 'name-mismatch', path: 'metadata.name', message: `a saved flow keeps its name "${savedName}"; save a copy as a new flow instead`, kind: 'PromotionFlow' });
  }
  const seen = new Set(problems.map((p) => `${p.path}|${p.message}`));
  for (const problem of validateResources([...environments, ...workflowTemplates, clean])) {
    if (problem.kind !== 'PromotionFlow') continue;
    if (!flow.spec.triggerEnvironment && problem.path === 'spec.triggerEnvironment') continue;
    const key = `${problem.path}|${problem.message}`;
    if (!seen.has(key)) problems.push(problem);
    seen.add(key);
  }
  problems.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));

  const byEnvironment = new Map<string, Problem[]>();
  for (const problem of problems) {
    const environment = problemEnvironment(flow, problem);
    if (environment === undefined) continue;
    byEnvironment.set(environment, [...(byEnvironment.get(environment) ?? []), problem]);
  }
  const cycle = flow.spec.triggerEnvironment ? (findCycle(flowGraph(flow.spec)) ?? []) : [];
  return { problems, byEnvironment, cycle, blocking: problems.some((p) => p.severity === 'error') };
}
