/**
 * A problem found in user input: where it is (file, document, resource, field path), which rule
 * it breaks, and a sentence for people. `severity: 'warning'` never blocks a write.
 */
export interface Problem {
  severity: 'error' | 'warning';
  /** Stable, kebab-case name of the rule, e.g. `dns-1123-label`, `unknown-reference`, `dependency-cycle`. */
  rule: string;
  message: string;
  /** Field path inside the document, e.g. `spec.steps[1].dependsOn[0]`; empty for the whole document. */
  path: string;
  file?: string;
  /** 1-based index of the document inside its file. */
  document?: number;
  kind?: string;
  name?: string;
}

/** Where a problem was found, merged into every problem reported for that place. */
export type ProblemLocation = Pick<Problem, 'file' | 'document' | 'kind' | 'name'>;

export function error(rule: string, path: string, message: string, at: ProblemLocation = {}): Problem {
  return { severity: 'error', rule, message, path, ...at };
}

export function warning(rule: string, path: string, message: string, at: ProblemLocation = {}): Problem {
  return { severity: 'warning', rule, message, path, ...at };
}

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

/** Formats a field path from segments: `['spec', 'steps', 1, 'dependsOn']` → `spec.steps[1].dependsOn`. */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_][\w-]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

/**
 * One line for people: `examples/flows.yaml, document 2, PromotionFlow "x", spec.steps[0]: message (rule)`.
 */
export function formatProblem(p: Problem): string {
  const where: string[] = [];
  if (p.file) where.push(p.file);
  if (p.document !== undefined) where.push(`document ${p.document}`);
  if (p.kind && p.name) where.push(`${p.kind} "${p.name}"`);
  else if (p.kind) where.push(p.kind);
  if (p.path) where.push(p.path);
  const prefix = p.severity === 'warning' ? 'warning: ' : '';
  return `${prefix}${where.length ? `${where.join(', ')}: ` : ''}${p.message} (${p.rule})`;
}
