import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateWhen, findReferences, substitute, type ExpressionScope } from './expressions.ts';

const scope: ExpressionScope = {
  inputs: { version: '1.2.3', empty: '' },
  workflowParameters: { APP_NAME: 'cf-101-qa' },
  workflowName: 'run-7',
  steps: { build: { tag: 'v9' } },
  tasks: { test: { report: 'ok' } },
};

describe('findReferences', () => {
  it('reads each supported form and marks the rest as other', () => {
    assert.deepEqual(
      findReferences('{{inputs.parameters.a}} {{ workflow.parameters.B }} {{workflow.name}} {{workflow.status}} {{steps.s-1.outputs.parameters.o}} {{tasks.t.outputs.parameters.o}} {{item}} {{=1+1}}'),
      [
        { text: '{{inputs.parameters.a}}', reference: { kind: 'input', name: 'a' } },
        { text: '{{ workflow.parameters.B }}', reference: { kind: 'workflow-parameter', name: 'B' } },
        { text: '{{workflow.name}}', reference: { kind: 'workflow-name' } },
        { text: '{{workflow.status}}', reference: { kind: 'workflow-status' } },
        { text: '{{steps.s-1.outputs.parameters.o}}', reference: { kind: 'step-output', step: 's-1', name: 'o' } },
        { text: '{{tasks.t.outputs.parameters.o}}', reference: { kind: 'task-output', task: 't', name: 'o' } },
        { text: '{{item}}', reference: { kind: 'other' } },
        { text: '{{=1+1}}', reference: { kind: 'other' } },
      ],
    );
  });
});

describe('substitute', () => {
  const cases: [string, ReturnType<typeof substitute>][] = [
    ['no references', { ok: true, value: 'no references' }],
    ['echo {{inputs.parameters.version}} for {{workflow.parameters.APP_NAME}}', { ok: true, value: 'echo 1.2.3 for cf-101-qa' }],
    ['[{{inputs.parameters.empty}}]', { ok: true, value: '[]' }],
    ['{{workflow.name}}/{{ steps.build.outputs.parameters.tag }}/{{tasks.test.outputs.parameters.report}}', { ok: true, value: 'run-7/v9/ok' }],
    ['{{inputs.parameters.x}}', { ok: false, message: 'cannot resolve {{inputs.parameters.x}}: no input parameter "x"' }],
    ['{{workflow.parameters.COMMIT_SHA}}', { ok: false, message: 'cannot resolve {{workflow.parameters.COMMIT_SHA}}: no workflow parameter "COMMIT_SHA"' }],
    ['{{steps.deploy.outputs.parameters.tag}}', { ok: false, message: 'cannot resolve {{steps.deploy.outputs.parameters.tag}}: step "deploy" has not finished or does not exist' }],
    ['{{steps.build.outputs.parameters.digest}}', { ok: false, message: 'cannot resolve {{steps.build.outputs.parameters.digest}}: step "build" has no output parameter "digest"' }],
    ['{{tasks.lint.outputs.parameters.x}}', { ok: false, message: 'cannot resolve {{tasks.lint.outputs.parameters.x}}: task "lint" has not finished or does not exist' }],
    ['{{tasks.test.outputs.parameters.x}}', { ok: false, message: 'cannot resolve {{tasks.test.outputs.parameters.x}}: task "test" has no output parameter "x"' }],
    ['{{workflow.status}}', { ok: false, message: 'cannot resolve {{workflow.status}}: the workflow status is known only in the onExit template' }],
    ['{{item}}', { ok: false, message: 'cannot resolve {{item}}: this reference is not supported by the local engine' }],
  ];
  for (const [text, expected] of cases) {
    it(text, () => assert.deepEqual(substitute(text, scope), expected));
  }
  it('does not read inherited properties as parameters', () => {
    assert.deepEqual(substitute('{{inputs.parameters.toString}}', scope), { ok: false, message: 'cannot resolve {{inputs.parameters.toString}}: no input parameter "toString"' });
  });
});

describe('evaluateWhen', () => {
  const cases: [string, ReturnType<typeof evaluateWhen>][] = [
    ['', { ok: true, value: true }],
    ['true', { ok: true, value: true }],
    ['false', { ok: true, value: false }],
    ['heads == heads', { ok: true, value: true }],
    ['heads == tails', { ok: true, value: false }],
    ["'a b' == \"a b\"", { ok: true, value: true }],
    ['heads != tails', { ok: true, value: true }],
    ['5 > 3', { ok: true, value: true }],
    ['10 < 9', { ok: true, value: false }],
    ['2 <= 2 && 3 >= 4', { ok: true, value: false }],
    ['1.5 < 2', { ok: true, value: true }],
    ['-1 < 0', { ok: true, value: true }],
    ['abc < abd', { ok: true, value: true }],
    ['1 == 1.0', { ok: true, value: true }],
    ['1 == "1"', { ok: true, value: false }],
    ['false || 1 == 1', { ok: true, value: true }],
    ['true && false || true', { ok: true, value: true }],
    ['true && (false || false)', { ok: true, value: false }],
    ['!(a == b)', { ok: true, value: true }],
    ['v1.2.3 == v1.2.3', { ok: true, value: true }],
    ['heads', { ok: false, message: 'cannot evaluate "heads": the condition is string "heads", not true or false' }],
    ['1 < a', { ok: false, message: 'cannot evaluate "1 < a": cannot compare number 1 < string "a"' }],
    ['a ==', { ok: false, message: 'cannot evaluate "a ==": expected a value at the end' }],
    ['(a == a', { ok: false, message: 'cannot evaluate "(a == a": expected ")" at the end' }],
    ['a == a)', { ok: false, message: 'cannot evaluate "a == a)": unexpected ")" at character 7' }],
    ['a == "b', { ok: false, message: 'cannot evaluate "a == \\"b": unterminated string starting at character 6' }],
    ['a = b', { ok: false, message: 'cannot evaluate "a = b": unexpected "=" at character 3' }],
    ['x && true', { ok: false, message: 'cannot evaluate "x && true": && needs true or false, got string "x"' }],
  ];
  for (const [expr, expected] of cases) {
    it(expr || '(empty)', () => assert.deepEqual(evaluateWhen(expr), expected));
  }
});
