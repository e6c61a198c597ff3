/** What the flow graph needs from a PromotionFlow's spec (a `manual` flow built in memory fits too). */
export interface FlowGraphInput {
  triggerEnvironment: string;
  steps: readonly { environment: string; dependsOn?: readonly string[] | undefined }[];
}

/**
 * The DAG of a promotion flow. Nodes are environment names: the trigger environment (the only
 * root) and each step's target environment. An edge runs from an environment to each step that
 * waits for it.
 *
 * The graph is built from unvalidated input and never fails: a step that repeats an environment,
 * or names the trigger environment, is left out (only the first step of an environment counts),
 * and `dependsOn` keeps names outside the graph, so that such a step simply never becomes
 * runnable. `validateResources` reports all of these.
 */
export interface FlowGraph {
  readonly trigger: string;
  /** Target environments in the order of `spec.steps`, each once, without the trigger environment. */
  readonly steps: readonly string[];
  /** Step → the environments it waits for, with the default applied, in written order, without repeats. */
  readonly dependsOn: ReadonlyMap<string, readonly string[]>;
  /** Trigger or step → the steps that wait for it, in step order. */
  readonly dependents: ReadonlyMap<string, readonly string[]>;
}

/**
 * The environments step `index` waits for: its `dependsOn` as written, or, when it has none, the
 * environment of the step above it (for the first step, the trigger environment). An explicit
 * empty list stays empty: such a step waits for nothing, so nothing leads to it from the trigger
 * and it never starts (validation reports it as `unreachable-step`).
 */
export function stepDependsOn(flow: FlowGraphInput, index: number): readonly string[] {
  const step = flow.steps[index];
  if (!step) return [];
  if (step.dependsOn !== undefined) return step.dependsOn;
  return [index === 0 ? flow.triggerEnvironment : flow.steps[index - 1]!.environment];
}

/** Builds the DAG of a flow; see `FlowGraph` for how faulty input is kept out of it. */
export function flowGraph(flow: FlowGraphInput): FlowGraph {
  const trigger = flow.triggerEnvironment;
  const steps: string[] = [];
  const dependsOn = new Map<string, readonly string[]>();
  flow.steps.forEach((step, index) => {
    if (step.environment === trigger || dependsOn.has(step.environment)) return;
    steps.push(step.environment);
    dependsOn.set(step.environment, [...new Set(stepDependsOn(flow, index))]);
  });
  const dependents = new Map<string, string[]>([[trigger, []], ...steps.map((s) => [s, []] as [string, string[]])]);
  for (const step of steps) {
    for (const dependency of dependsOn.get(step)!) dependents.get(dependency)?.push(step);
  }
  return { trigger, steps, dependsOn, dependents };
}

/**
 * Groups the environments by how far they are from the trigger: layer 0 holds the trigger
 * environment alone; a step sits one layer after the furthest of the environments it waits for,
 * so every step of a layer can run in parallel once the layers before it succeeded. Within a
 * layer, steps keep their order in the flow. Steps that can never start (in a cycle, waiting for
 * a name outside the graph, or for nothing) are left out.
 */
export function topologicalLayers(graph: FlowGraph): string[][] {
  const layerOf = new Map<string, number>([[graph.trigger, 0]]);
  let placedOne = true;
  while (placedOne) {
    placedOne = false;
    for (const step of graph.steps) {
      if (layerOf.has(step)) continue;
      const dependencies = graph.dependsOn.get(step)!;
      if (dependencies.length === 0 || !dependencies.every((d) => layerOf.has(d))) continue;
      layerOf.set(step, 1 + Math.max(...dependencies.map((d) => layerOf.get(d)!)));
      placedOne = true;
    }
  }
  const layers: string[][] = [[graph.trigger]];
  for (const step of graph.steps) {
    const layer = layerOf.get(step);
    if (layer === undefined) continue;
    (layers[layer] ??= []).push(step);
  }
  return layers;
}

/** How far a release has got: environments whose step succeeded (the trigger's included) and steps that started. */
export interface FlowProgress {
  succeeded: Iterable<string>;
  started: Iterable<string>;
}

/**
 * The steps that may start now, in flow order: not started (nor succeeded) yet, and every
 * environment they wait for has succeeded. A step waiting for nothing is never runnable.
 */
export function runnableSteps(graph: FlowGraph, progress: FlowProgress): string[] {
  const succeeded = new Set(progress.succeeded);
  const started = new Set(progress.started);
  return graph.steps.filter((step) => {
    if (started.has(step) || succeeded.has(step)) return false;
    const dependencies = graph.dependsOn.get(step)!;
    return dependencies.length > 0 && dependencies.every((d) => succeeded.has(d));
  });
}

/**
 * Every step that waits, directly or through other steps, for `environment`, in flow order; not
 * `environment` itself. These are the steps that cannot run when `environment` fails, and the
 * ones removed with it in the Flow Builder.
 */
export function descendants(graph: FlowGraph, environment: string): string[] {
  const seen = new Set<string>();
  const queue = [environment];
  while (queue.length > 0) {
    for (const next of graph.dependents.get(queue.shift()!) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return graph.steps.filter((step) => step !== environment && seen.has(step));
}

/**
 * A cycle of steps waiting for each other, or undefined when the graph is a DAG. The cycle is
 * listed in promotion order and closed (`['qa', 'staging', 'production', 'qa']`: staging waits
 * for qa, production for staging, qa for production), starting at its step listed first in the
 * flow. A step waiting for itself is the cycle `['qa', 'qa']`. When there are several cycles, the
 * one found first, searching from the trigger and then the steps in flow order, is returned.
 */
export function findCycle(graph: FlowGraph): string[] | undefined {
  const order = new Map(graph.steps.map((step, i) => [step, i]));
  const done = new Set<string>();
  const onPath = new Set<string>();
  const path: string[] = [];

  const visit = (node: string): string[] | undefined => {
    onPath.add(node);
    path.push(node);
    for (const next of graph.dependents.get(node) ?? []) {
      if (onPath.has(next)) return path.slice(path.indexOf(next));
      if (done.has(next)) continue;
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    onPath.delete(node);
    path.pop();
    done.add(node);
    return undefined;
  };

  for (const start of [graph.trigger, ...graph.steps]) {
    if (done.has(start)) continue;
    const cycle = visit(start);
    if (!cycle) continue;
    let first = 0;
    cycle.forEach((step, i) => {
      if (order.get(step)! < order.get(cycle[first]!)!) first = i;
    });
    const rotated = [...cycle.slice(first), ...cycle.slice(0, first)];
    return [...rotated, rotated[0]!];
  }
  return undefined;
}
