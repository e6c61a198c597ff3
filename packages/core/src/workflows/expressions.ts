/**
 * The `{{…}}` references and `when` conditions of a workflow template, as the local engine reads
 * them. Supported references:
 *
 * - `{{inputs.parameters.NAME}}`: an input parameter of the template being run;
 * - `{{workflow.parameters.NAME}}`: a parameter of `spec.arguments`;
 * - `{{workflow.name}}`: the name of the run;
 * - `{{workflow.status}}`: the phase of the main flow (meaningful in the `onExit` template);
 * - `{{steps.STEP.outputs.parameters.NAME}}`: an output of an earlier step of the same steps template;
 * - `{{tasks.TASK.outputs.parameters.NAME}}`: an output of a task of the same DAG.
 *
 * Any other reference (loops' `{{item}}`, `{{=expr}}`, `outputs.result`, `workflow.uid`, …) is
 * `other`: the Argo engine understands many of them, the local engine none.
 */

/** What one `{{…}}` refers to. */
export type ExpressionReference =
  | { kind: 'input'; name: string }
  | { kind: 'workflow-parameter'; name: string }
  | { kind: 'workflow-name' }
  | { kind: 'workflow-status' }
  | { kind: 'step-output'; step: string; name: string }
  | { kind: 'task-output'; task: string; name: string }
  | { kind: 'other' };

/** One reference found in a text: as written (`{{ inputs.parameters.x }}`), and what it means. */
export interface FoundReference {
  text: string;
  reference: ExpressionReference;
}

const TAG = /\{\{([^{}]*)\}\}/g;
const WORD = '([A-Za-z0-9_-]+)';
const FORMS: readonly [RegExp, (m: RegExpMatchArray) => ExpressionReference][] = [
  [new RegExp(`^inputs\\.parameters\\.${WORD}$`), (m) => ({ kind: 'input', name: m[1]! })],
  [new RegExp(`^workflow\\.parameters\\.${WORD}$`), (m) => ({ kind: 'workflow-parameter', name: m[1]! })],
  [/^workflow\.name$/, () => ({ kind: 'workflow-name' })],
  [/^workflow\.status$/, () => ({ kind: 'workflow-status' })],
  [new RegExp(`^steps\\.${WORD}\\.outputs\\.parameters\\.${WORD}$`), (m) => ({ kind: 'step-output', step: m[1]!, name: m[2]! })],
  [new RegExp(`^tasks\\.${WORD}\\.outputs\\.parameters\\.${WORD}$`), (m) => ({ kind: 'task-output', task: m[1]!, name: m[2]! })],
];

/** Reads the inside of one `{{…}}` (spaces around it are allowed). */
export function parseReference(inside: string): ExpressionReference {
  const text = inside.trim();
  for (const [re, make] of FORMS) {
    const m = text.match(re);
    if (m) return make(m);
  }
  return { kind: 'other' };
}

/** Every `{{…}}` in a text, in order. */
export function findReferences(text: string): FoundReference[] {
  return [...text.matchAll(TAG)].map((m) => ({ text: m[0], reference: parseReference(m[1]!) }));
}

/**
 * The values a template run can see. `steps` and `tasks` map a step or task name to its outputs
 * by parameter name; only steps or tasks that finished and produced outputs are present.
 */
export interface ExpressionScope {
  inputs?: Readonly<Record<string, string>>;
  workflowParameters: Readonly<Record<string, string>>;
  workflowName: string;
  workflowStatus?: string;
  steps?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  tasks?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** A computed value, or why it could not be computed. */
export type Evaluated<T> = { ok: true; value: T } | { ok: false; message: string };

function has(record: Readonly<Record<string, unknown>> | undefined, key: string): boolean {
  return record !== undefined && Object.hasOwn(record, key);
}

function resolve(found: FoundReference, scope: ExpressionScope): Evaluated<string> {
  const r = found.reference;
  const fail = (why: string): Evaluated<string> => ({ ok: false, message: `cannot resolve ${found.text}: ${why}` });
  switch (r.kind) {
    case 'input':
      return has(scope.inputs, r.name) ? { ok: true, value: scope.inputs![r.name]! } : fail(`no input parameter "${r.name}"`);
    case 'workflow-parameter':
      return has(scope.workflowParameters, r.name)
        ? { ok: true, value: scope.workflowParameters[r.name]! }
        : fail(`no workflow parameter "${r.name}"`);
    case 'workflow-name':
      return { ok: true, value: scope.workflowName };
    case 'workflow-status':
      return scope.workflowStatus === undefined ? fail('the workflow status is known only in the onExit template') : { ok: true, value: scope.workflowStatus };
    case 'step-output': {
      if (!has(scope.steps, r.step)) return fail(`step "${r.step}" has not finished or does not exist`);
      const outputs = scope.steps![r.step]!;
      return has(outputs, r.name) ? { ok: true, value: outputs[r.name]! } : fail(`step "${r.step}" has no output parameter "${r.name}"`);
    }
    case 'task-output': {
      if (!has(scope.tasks, r.task)) return fail(`task "${r.task}" has not finished or does not exist`);
      const outputs = scope.tasks![r.task]!;
      return has(outputs, r.name) ? { ok: true, value: outputs[r.name]! } : fail(`task "${r.task}" has no output parameter "${r.name}"`);
    }
    case 'other':
      return fail('this reference is not supported by the local engine');
  }
}

/**
 * Replaces every `{{…}}` of `text` with its value in `scope`. Text outside the braces is kept as
 * it is. The first reference that cannot be resolved (unknown, not yet produced, or unsupported)
 * makes the result an error naming it: `cannot resolve {{inputs.parameters.x}}: no input parameter "x"`.
 */
export function substitute(text: string, scope: ExpressionScope): Evaluated<string> {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(TAG)) {
    const value = resolve({ text: m[0], reference: parseReference(m[1]!) }, scope);
    if (!value.ok) return value;
    out += text.slice(last, m.index) + value.value;
    last = m.index! + m[0].length;
  }
  return { ok: true, value: out + text.slice(last) };
}

// ---------------------------------------------------------------------------------------------
// `when` conditions

type Token =
  | { t: 'op'; v: '==' | '!=' | '<' | '>' | '<=' | '>=' | '&&' | '||' | '!' | '(' | ')'; at: number }
  | { t: 'value'; v: string | number | boolean; at: number };

type Value = string | number | boolean;

// A bare word is a string, as in Argo (which turns the expression's unknown variables into
// strings), so that `{{steps.flip.outputs.parameters.side}} == heads` needs no quotes.
const BARE = /[A-Za-z0-9_.\-/:+@]+/y;
const NUMBER = /^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;
const OPERATORS = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '!', '(', ')'] as const;

function tokenize(expr: string): Evaluated<Token[]> {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const op = OPERATORS.find((o) => expr.startsWith(o, i));
    if (op) {
      tokens.push({ t: 'op', v: op, at: i });
      i += op.length;
      continue;
    }
    if (c === '"' || c === "'") {
      const end = expr.indexOf(c, i + 1);
      if (end < 0) return { ok: false, message: `unterminated string starting at character ${i + 1}` };
      tokens.push({ t: 'value', v: expr.slice(i + 1, end), at: i });
      i = end + 1;
      continue;
    }
    BARE.lastIndex = i;
    const m = BARE.exec(expr);
    if (!m) return { ok: false, message: `unexpected ${JSON.stringify(c)} at character ${i + 1}` };
    const word = m[0];
    tokens.push({ t: 'value', v: word === 'true' ? true : word === 'false' ? false : NUMBER.test(word) ? Number(word) : word, at: i });
    i += word.length;
  }
  return { ok: true, value: tokens };
}

class WhenError {
  constructor(readonly message: string) {}
}

function describeValue(v: Value): string {
  return typeof v === 'string' ? `string ${JSON.stringify(v)}` : `${typeof v} ${String(v)}`;
}

function compare(op: '==' | '!=' | '<' | '>' | '<=' | '>=', a: Value, b: Value): boolean {
  if (op === '==') return a === b;
  if (op === '!=') return a !== b;
  const bothNumbers = typeof a === 'number' && typeof b === 'number';
  const bothStrings = typeof a === 'string' && typeof b === 'string';
  if (!bothNumbers && !bothStrings) throw new WhenError(`cannot compare ${describeValue(a)} ${op} ${describeValue(b)}`);
  switch (op) {
    case '<':
      return a < b;
    case '>':
      return a > b;
    case '<=':
      return a <= b;
    case '>=':
      return a >= b;
  }
}

/**
 * Evaluates a `when` condition whose references were already substituted. Grammar, loosest first:
 * `||`, `&&`, comparison (`==`, `!=`, `<`, `>`, `<=`, `>=`, at most one per operand pair), `!`,
 * parentheses. Values are numbers, `true`/`false`, quoted strings (`'a'` or `"a"`) and bare words,
 * which are strings. `<`, `>`, `<=`, `>=` need two numbers or two strings (compared by code
 * unit); `==` between different types is false. The empty condition is true. Anything else, or a
 * result that is not true or false, is an error value.
 */
export function evaluateWhen(expr: string): Evaluated<boolean> {
  if (expr.trim() === '') return { ok: true, value: true };
  const tokens = tokenize(expr);
  if (!tokens.ok) return { ok: false, message: `cannot evaluate ${JSON.stringify(expr)}: ${tokens.message}` };
  const list = tokens.value;
  let pos = 0;
  const peekOp = (...ops: string[]): string | undefined => {
    const t = list[pos];
    return t?.t === 'op' && ops.includes(t.v) ? t.v : undefined;
  };
  const where = (): string => (pos < list.length ? `at character ${list[pos]!.at + 1}` : 'at the end');

  const or = (): Value => {
    let left = and();
    while (peekOp('||')) {
      pos++;
      const right = and();
      left = truth(left, '||') || truth(right, '||');
    }
    return left;
  };
  const and = (): Value => {
    let left = comparison();
    while (peekOp('&&')) {
      pos++;
      const right = comparison();
      left = truth(left, '&&') && truth(right, '&&');
    }
    return left;
  };
  const comparison = (): Value => {
    let left = unary();
    let op: string | undefined;
    while ((op = peekOp('==', '!=', '<', '>', '<=', '>='))) {
      pos++;
      left = compare(op as '==', left, unary());
    }
    return left;
  };
  const unary = (): Value => {
    if (peekOp('!')) {
      pos++;
      return !truth(unary(), '!');
    }
    return primary();
  };
  const primary = (): Value => {
    const t = list[pos];
    if (t?.t === 'value') {
      pos++;
      return t.v;
    }
    if (t?.t === 'op' && t.v === '(') {
      pos++;
      const inner = or();
      if (!peekOp(')')) throw new WhenError(`expected ")" ${where()}`);
      pos++;
      return inner;
    }
    throw new WhenError(`expected a value ${where()}`);
  };
  const truth = (v: Value, op: string): boolean => {
    if (typeof v !== 'boolean') throw new WhenError(`${op} needs true or false, got ${describeValue(v)}`);
    return v;
  };

  try {
    const value = or();
    if (pos < list.length) throw new WhenError(`unexpected ${describeToken(list[pos]!)} ${where()}`);
    if (typeof value !== 'boolean') throw new WhenError(`the condition is ${describeValue(value)}, not true or false`);
    return { ok: true, value };
  } catch (e) {
    if (e instanceof WhenError) return { ok: false, message: `cannot evaluate ${JSON.stringify(expr)}: ${e.message}` };
    throw e;
  }
}

function describeToken(t: Token): string {
  return t.t === 'op' ? `"${t.v}"` : describeValue(t.v);
}
