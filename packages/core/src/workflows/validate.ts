import { error, formatPath, type Problem, type ProblemLocation } from '../problems.ts';
import { issuesToProblems } from '../resources/decode.ts';
import { parseDepends } from './depends.ts';
import { findReferences } from './expressions.ts';
import { stringsIn, ArgoWorkflowSpec, type ArgoTemplate } from './model.ts';

/**
 * Checks a WorkflowTemplate document (`{apiVersion, kind, metadata, spec}`) against the workflow
 * model and its references, and returns every problem, with field paths under `spec`. The shape
 * comes first: when it is wrong (a missing entrypoint, a template with no kind, a bad duration),
 * only those problems are returned, since references cannot be followed in a broken shape.
 * Then: the entrypoint and `onExit` name templates; template names are unique, and step and task
 * names within their template; steps and tasks name known templates and pass the inputs those
 * templates require; `dependencies` and `depends` name tasks of the same DAG and form no cycle;
 * `{{inputs.parameters.x}}`, `{{workflow.parameters.x}}`, `{{steps.S.outputs.parameters.y}}` and
 * `{{tasks.T.outputs.parameters.y}}` name something declared and reachable. References of other
 * forms are Argo's business here; `checkLocalSupport` reports them for the local engine.
 */
export function validateWorkflowTemplate(doc: unknown, at: ProblemLocation = {}): Problem[] {
  const spec = doc !== null && typeof doc === 'object' ? (doc as Record<string, unknown>).spec : undefined;
  const parsed = ArgoWorkflowSpec.safeParse(spec);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ ...issue, path: ['spec', ...issue.path] }));
    return issuesToProblems(issues, doc, at);
  }
  return checkReferences(parsed.data, at);
}

const p = (...segments: PropertyKey[]) => formatPath(['spec', ...segments]);

function checkReferences(spec: ArgoWorkflowSpec, at: ProblemLocation): Problem[] {
  const problems: Problem[] = [];
  const report = (rule: string, path: string, message: string) => problems.push(error(rule, path, message, at));
  const byName = new Map<string, ArgoTemplate>();
  spec.templates.forEach((t, i) => {
    const first = spec.templates.findIndex((o) => o.name === t.name);
    if (first !== i) report('duplicate-name', p('templates', i, 'name'), `template "${t.name}" is defined twice (first at ${p('templates', first)})`);
    else byName.set(t.name, t);
  });
  if (!byName.has(spec.entrypoint)) report('unknown-reference', p('entrypoint'), `entrypoint names unknown template "${spec.entrypoint}"`);
  if (spec.onExit !== undefined && !byName.has(spec.onExit)) report('unknown-reference', p('onExit'), `onExit names unknown template "${spec.onExit}"`);
  const workflowParameters = new Set((spec.arguments?.parameters ?? []).map((a) => a.name));

  spec.templates.forEach((t, i) => {
    const where = `template "${t.name}"`;
    const outputsOf = (template: string | undefined) => new Set((byName.get(template ?? '')?.outputs?.parameters ?? []).map((o) => o.name));

    // Calls (steps or tasks): the template they name and the inputs it requires.
    type Call = { name: string; template?: string | undefined; passed: Set<string>; path: PropertyKey[]; what: string; raw: Record<string, unknown> };
    const calls: Call[] = [];
    const groupOf = new Map<string, number>();
    (t.steps ?? []).forEach((group, g) =>
      group.forEach((s, k) => {
        calls.push({ name: s.name, template: s.template, passed: new Set((s.arguments?.parameters ?? []).map((a) => a.name)), path: ['templates', i, 'steps', g, k], what: `step "${s.name}"`, raw: s });
        if (!groupOf.has(s.name)) groupOf.set(s.name, g);
      }),
    );
    const tasks = t.dag?.tasks ?? [];
    tasks.forEach((task, k) =>
      calls.push({ name: task.name, template: task.template, passed: new Set((task.arguments?.parameters ?? []).map((a) => a.name)), path: ['templates', i, 'dag', 'tasks', k], what: `task "${task.name}"`, raw: task }),
    );
    const seenCalls = new Map<string, PropertyKey[]>();
    for (const call of calls) {
      const earlier = seenCalls.get(call.name);
      if (earlier) report('duplicate-name', p(...call.path, 'name'), `${where}: ${call.what} is defined twice (first at ${p(...earlier)})`);
      else seenCalls.set(call.name, call.path);
      if (call.template === undefined) {
        if (call.raw.templateRef === undefined && call.raw.inline === undefined) report('required', p(...call.path, 'template'), `${where}: ${call.what} needs a template`);
        continue;
      }
      const target = byName.get(call.template);
      if (!target) {
        report('unknown-reference', p(...call.path, 'template'), `${where}: ${call.what} names unknown template "${call.template}"`);
        continue;
      }
      for (const input of target.inputs?.parameters ?? []) {
        if (input.value === undefined && input.default === undefined && !call.passed.has(input.name)) {
          report('missing-parameter', p(...call.path, 'arguments'), `${where}: ${call.what} does not pass parameter "${input.name}", which template "${target.name}" requires`);
        }
      }
    }

    // DAG: what each task waits for, then cycles.
    const taskNames = new Set(tasks.map((task) => task.name));
    const waitsFor = new Map<string, string[]>();
    tasks.forEach((task, k) => {
      const names: string[] = [];
      (task.dependencies ?? []).forEach((d, j) => {
        if (!taskNames.has(d)) report('unknown-reference', p('templates', i, 'dag', 'tasks', k, 'dependencies', j), `${where}: task "${task.name}" depends on unknown task "${d}"`);
        else names.push(d);
      });
      if (task.depends !== undefined) {
        const parsed = parseDepends(task.depends);
        if (!parsed.ok) report('invalid-depends', p('templates', i, 'dag', 'tasks', k, 'depends'), `${where}: task "${task.name}": ${parsed.message}`);
        else {
          for (const d of parsed.tasks) {
            if (!taskNames.has(d)) report('unknown-reference', p('templates', i, 'dag', 'tasks', k, 'depends'), `${where}: task "${task.name}" depends on unknown task "${d}"`);
            else names.push(d);
          }
        }
      }
      if (!waitsFor.has(task.name)) waitsFor.set(task.name, [...new Set(names)]);
    });
    const cycle = findCycle(tasks.map((task) => task.name), waitsFor);
    if (cycle) report('dependency-cycle', p('templates', i, 'dag', 'tasks'), `${where}: tasks wait for each other in a cycle: ${cycle.join(' → ')}`);
    const ancestors = (task: string): Set<string> => {
      const seen = new Set<string>();
      const queue = [...(waitsFor.get(task) ?? [])];
      while (queue.length > 0) {
        const next = queue.shift()!;
        if (seen.has(next)) continue;
        seen.add(next);
        queue.push(...(waitsFor.get(next) ?? []));
      }
      return seen;
    };

    // References.
    const inputs = new Set((t.inputs?.parameters ?? []).map((x) => x.name));
    const stepTemplate = new Map((t.steps ?? []).flat().map((s) => [s.name, s.template]));
    const taskTemplate = new Map(tasks.map((task) => [task.name, task.template]));
    for (const { path, text } of stringsIn(t, ['templates', i])) {
      for (const { text: ref, reference: r } of findReferences(text)) {
        const field = p(...path);
        switch (r.kind) {
          case 'input':
            if (!inputs.has(r.name)) report('undeclared-parameter', field, `${where} uses ${ref}, but declares no input parameter "${r.name}"`);
            break;
          case 'workflow-parameter':
            if (!workflowParameters.has(r.name)) report('undeclared-parameter', field, `${where} uses ${ref}, but spec.arguments declares no parameter "${r.name}"`);
            break;
          case 'step-output': {
            if (!t.steps) {
              report('unknown-reference', field, `${where} uses ${ref} outside a steps template`);
              break;
            }
            if (!stepTemplate.has(r.step)) {
              report('unknown-reference', field, `${where} uses ${ref}, but has no step "${r.step}"`);
              break;
            }
            // Inside a step, only steps of earlier groups have finished.
            const inGroup = path[2] === 'steps' ? (path[3] as number) : undefined;
            if (inGroup !== undefined && groupOf.get(r.step)! >= inGroup) {
              report('unknown-reference', field, `${where} uses ${ref}, but step "${r.step}" does not run before step "${(t.steps[inGroup]![path[4] as number] ?? { name: '?' }).name}"`);
              break;
            }
            if (!outputsOf(stepTemplate.get(r.step)).has(r.name)) {
              report('unknown-reference', field, `${where} uses ${ref}, but template "${stepTemplate.get(r.step)}" of step "${r.step}" has no output parameter "${r.name}"`);
            }
            break;
          }
          case 'task-output': {
            if (!t.dag) {
              report('unknown-reference', field, `${where} uses ${ref} outside a DAG template`);
              break;
            }
            if (!taskTemplate.has(r.task)) {
              report('unknown-reference', field, `${where} uses ${ref}, but has no task "${r.task}"`);
              break;
            }
            const inTask = path[2] === 'dag' && path[3] === 'tasks' ? tasks[path[4] as number]?.name : undefined;
            if (inTask !== undefined && !ancestors(inTask).has(r.task)) {
              report('unknown-reference', field, `${where} uses ${ref}, but task "${inTask}" does not depend on task "${r.task}"`);
              break;
            }
            if (!outputsOf(taskTemplate.get(r.task)).has(r.name)) {
              report('unknown-reference', field, `${where} uses ${ref}, but template "${taskTemplate.get(r.task)}" of task "${r.task}" has no output parameter "${r.name}"`);
            }
            break;
          }
          case 'workflow-name':
          case 'workflow-status':
          case 'other':
            break;
        }
      }
    }
  });
  return problems;
}

/**
 * A cycle among tasks, in the order they would run (`a → b → a`: b waits for a, a for b), closed,
 * starting at the task listed first; undefined when there is none.
 */
function findCycle(order: readonly string[], waitsFor: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const dependents = new Map<string, string[]>(order.map((n) => [n, []]));
  for (const n of order) for (const d of waitsFor.get(n) ?? []) dependents.get(d)?.push(n);
  const index = new Map(order.map((n, i) => [n, i]));
  const done = new Set<string>();
  const onPath: string[] = [];
  const visit = (n: string): string[] | undefined => {
    onPath.push(n);
    for (const next of dependents.get(n) ?? []) {
      const at = onPath.indexOf(next);
      if (at >= 0) return onPath.slice(at);
      if (done.has(next)) continue;
      const found = visit(next);
      if (found) return found;
    }
    onPath.pop();
    done.add(n);
    return undefined;
  };
  for (const start of order) {
    if (done.has(start)) continue;
    const cycle = visit(start);
    if (!cycle) continue;
    let first = 0;
    cycle.forEach((n, i) => {
      if (index.get(n)! < index.get(cycle[first]!)!) first = i;
    });
    const rotated = [...cycle.slice(first), ...cycle.slice(0, first)];
    return [...rotated, rotated[0]!];
  }
  return undefined;
}
