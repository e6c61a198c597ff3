/**
 * A DAG task's `depends` condition. Supported forms: a task name `A` (A succeeded or was skipped),
 * a task result `A.Succeeded`, `A.Failed`, `A.Errored`, `A.Skipped`, `A.Omitted`, combined with
 * `&&`, `||`, `!` and parentheses (`A && (B.Failed || C)`). Argo's other results (`Daemoned`,
 * `AnySucceeded`, `AllFailed`) are read, so that the Argo engine gets them unchanged, but the
 * local engine does not run them (`checkLocalSupport` reports them) and takes them as false.
 * A list of `dependencies: [A, B]` means `A && B`.
 */

export type DependsExpression =
  | { op: 'task'; task: string; result?: string }
  | { op: 'not'; operand: DependsExpression }
  | { op: 'and' | 'or'; left: DependsExpression; right: DependsExpression };

/** A parsed condition, the task names it reads and the results it tests; or why it cannot be read. */
export type ParsedDepends =
  | { ok: true; expression: DependsExpression; tasks: string[]; results: string[] }
  | { ok: false; message: string };

const ARGO_RESULTS = ['Succeeded', 'Failed', 'Errored', 'Skipped', 'Omitted', 'Daemoned', 'AnySucceeded', 'AllFailed'];
const TOKEN = /\s*(&&|\|\||!|\(|\)|[A-Za-z0-9_-]+(?:\.[A-Za-z]+)?)/y;

export function parseDepends(text: string): ParsedDepends {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const start = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m) return { ok: false, message: `depends ${JSON.stringify(text)}: unexpected ${JSON.stringify(text.slice(start).trim()[0])}` };
    tokens.push(m[1]!);
  }
  let pos = 0;
  const tasks: string[] = [];
  const results: string[] = [];
  const fail = (why: string): ParsedDepends => ({ ok: false, message: `depends ${JSON.stringify(text)}: ${why}` });

  class Stop {
    constructor(readonly why: string) {}
  }
  const or = (): DependsExpression => {
    let left = and();
    while (tokens[pos] === '||') {
      pos++;
      left = { op: 'or', left, right: and() };
    }
    return left;
  };
  const and = (): DependsExpression => {
    let left = unary();
    while (tokens[pos] === '&&') {
      pos++;
      left = { op: 'and', left, right: unary() };
    }
    return left;
  };
  const unary = (): DependsExpression => {
    if (tokens[pos] === '!') {
      pos++;
      return { op: 'not', operand: unary() };
    }
    const t = tokens[pos];
    if (t === '(') {
      pos++;
      const inner = or();
      if (tokens[pos] !== ')') throw new Stop(`expected ")"${tokens[pos] ? `, got "${tokens[pos]}"` : ' at the end'}`);
      pos++;
      return inner;
    }
    if (t === undefined || t === ')' || t === '&&' || t === '||') throw new Stop(`expected a task name${t ? `, got "${t}"` : ' at the end'}`);
    pos++;
    const [task, result] = t.split('.') as [string, string | undefined];
    if (result !== undefined && !ARGO_RESULTS.includes(result)) throw new Stop(`unknown result ".${result}"; use one of ${ARGO_RESULTS.join(', ')}`);
    if (!tasks.includes(task)) tasks.push(task);
    if (result !== undefined && !results.includes(result)) results.push(result);
    return result === undefined ? { op: 'task', task } : { op: 'task', task, result };
  };

  if (tokens.length === 0) return fail('is empty');
  try {
    const expression = or();
    if (pos < tokens.length) return fail(`unexpected "${tokens[pos]}"`);
    return { ok: true, expression, tasks, results };
  } catch (e) {
    if (e instanceof Stop) return fail(e.why);
    throw e;
  }
}

/** A finished task's result as `depends` sees it. */
export type DependsResult = 'Succeeded' | 'Failed' | 'Errored' | 'Skipped' | 'Omitted' | 'Terminated';

/** Whether the condition holds once every task it names has a result. */
export function evaluateDepends(e: DependsExpression, resultOf: (task: string) => DependsResult): boolean {
  switch (e.op) {
    case 'task': {
      const r = resultOf(e.task);
      if (e.result === undefined) return r === 'Succeeded' || r === 'Skipped';
      return r === e.result;
    }
    case 'not':
      return !evaluateDepends(e.operand, resultOf);
    case 'and':
      return evaluateDepends(e.left, resultOf) && evaluateDepends(e.right, resultOf);
    case 'or':
      return evaluateDepends(e.left, resultOf) || evaluateDepends(e.right, resultOf);
  }
}
