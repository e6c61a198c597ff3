import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { error, type Problem } from '../problems.ts';
import { validateWorkflowTemplate } from './validate.ts';

const doc = (spec: unknown) => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'WorkflowTemplate', metadata: { name: 'smoke-tests' }, spec });
const sh = (name: string, extra: Record<string, unknown> = {}) => ({ name, script: { image: 'alpine', command: ['sh'], source: 'true' }, ...extra });
const withOutput = (name: string, output: string) => sh(name, { outputs: { parameters: [{ name: output, valueFrom: { path: `/tmp/${output}` } }] } });
const dag = (...tasks: Record<string, unknown>[]) => ({ name: 'main', dag: { tasks } });
const task = (name: string, extra: Record<string, unknown> = {}) => ({ name, template: 'leaf', ...extra });

const cases: { name: string; spec: unknown; problems: Problem[] }[] = [
  {
    name: 'a valid steps template with outputs passed on',
    spec: {
      entrypoint: 'main',
      arguments: { parameters: [{ name: 'APP_NAME' }, { name: 'COMMIT_SHA', value: '' }] },
      onExit: 'notify',
      templates: [
        {
          name: 'main',
          steps: [
            [{ name: 'build', template: 'build' }],
            [{ name: 'check', template: 'check', arguments: { parameters: [{ name: 'tag', value: '{{steps.build.outputs.parameters.tag}}' }] }, when: '{{workflow.parameters.COMMIT_SHA}} != ""' }],
          ],
        },
        withOutput('build', 'tag'),
        { name: 'check', inputs: { parameters: [{ name: 'tag' }] }, container: { image: 'alpine', command: ['echo', '{{inputs.parameters.tag}}', '{{workflow.parameters.APP_NAME}}', '{{workflow.name}}'] } },
        sh('notify'),
      ],
    },
    problems: [],
  },
  {
    name: 'missing entrypoint and templates',
    spec: {},
    problems: [error('required', 'spec.entrypoint', 'is required'), error('required', 'spec.templates', 'is required')],
  },
  {
    name: 'no spec at all',
    spec: undefined,
    problems: [error('required', 'spec', 'is required')],
  },
  {
    name: 'a template without a kind, and one with two',
    spec: { entrypoint: 'a', templates: [{ name: 'a' }, { name: 'b', container: { image: 'x', command: ['y'] }, suspend: {} }] },
    problems: [
      error('one-of', 'spec.templates[0]', 'template "a" needs one of container, script, steps, dag, suspend, resource, http, plugin, containerSet, data'),
      error('one-of', 'spec.templates[1]', 'template "b" has container and suspend; a template has exactly one kind'),
    ],
  },
  {
    name: 'a bad backoff duration',
    spec: { entrypoint: 'a', templates: [sh('a', { retryStrategy: { limit: 2, backoff: { duration: 'soon' } } })] },
    problems: [error('duration', 'spec.templates[0].retryStrategy.backoff.duration', '"soon" is not a duration: expected a number and a unit (h, m, s or ms) at character 1, as in "24h", "30m" or "1h30m"')],
  },
  {
    name: 'entrypoint and onExit naming no template',
    spec: { entrypoint: 'mian', onExit: 'bye', templates: [sh('main')] },
    problems: [
      error('unknown-reference', 'spec.entrypoint', 'entrypoint names unknown template "mian"'),
      error('unknown-reference', 'spec.onExit', 'onExit names unknown template "bye"'),
    ],
  },
  {
    name: 'duplicate template names',
    spec: { entrypoint: 'main', templates: [sh('main'), sh('main')] },
    problems: [error('duplicate-name', 'spec.templates[1].name', 'template "main" is defined twice (first at spec.templates[0])')],
  },
  {
    name: 'a step naming an unknown template, a duplicate step, a step without template',
    spec: { entrypoint: 'main', templates: [{ name: 'main', steps: [[{ name: 'a', template: 'buidl' }, { name: 'a', template: 'leaf' }], [{ name: 'b' }]] }, sh('leaf')] },
    problems: [
      error('unknown-reference', 'spec.templates[0].steps[0][0].template', 'template "main": step "a" names unknown template "buidl"'),
      error('duplicate-name', 'spec.templates[0].steps[0][1].name', 'template "main": step "a" is defined twice (first at spec.templates[0].steps[0][0])'),
      error('required', 'spec.templates[0].steps[1][0].template', 'template "main": step "b" needs a template'),
    ],
  },
  {
    name: 'a step not passing a required input',
    spec: { entrypoint: 'main', templates: [{ name: 'main', steps: [[{ name: 'a', template: 'leaf' }]] }, sh('leaf', { inputs: { parameters: [{ name: 'x' }, { name: 'y', default: '1' }] } })] },
    problems: [error('missing-parameter', 'spec.templates[0].steps[0][0].arguments', 'template "main": step "a" does not pass parameter "x", which template "leaf" requires')],
  },
  {
    name: 'DAG dependencies and depends naming unknown tasks, an unreadable depends',
    spec: { entrypoint: 'main', templates: [dag(task('a'), task('b', { dependencies: ['a', 'z'] }), task('c', { depends: 'a && y.Succeeded' }), task('d', { depends: 'a &&' })), sh('leaf')] },
    problems: [
      error('unknown-reference', 'spec.templates[0].dag.tasks[1].dependencies[1]', 'template "main": task "b" depends on unknown task "z"'),
      error('unknown-reference', 'spec.templates[0].dag.tasks[2].depends', 'template "main": task "c" depends on unknown task "y"'),
      error('invalid-depends', 'spec.templates[0].dag.tasks[3].depends', 'template "main": task "d": depends "a &&": expected a task name at the end'),
    ],
  },
  {
    name: 'a DAG cycle',
    spec: { entrypoint: 'main', templates: [dag(task('a'), task('b', { dependencies: ['d'] }), task('c', { depends: 'b' }), task('d', { depends: 'c.Succeeded || a' })), sh('leaf')] },
    problems: [error('dependency-cycle', 'spec.templates[0].dag.tasks', 'template "main": tasks wait for each other in a cycle: b → c → d → b')],
  },
  {
    name: 'a task waiting for itself',
    spec: { entrypoint: 'main', templates: [dag(task('a', { dependencies: ['a'] })), sh('leaf')] },
    problems: [error('dependency-cycle', 'spec.templates[0].dag.tasks', 'template "main": tasks wait for each other in a cycle: a → a')],
  },
  {
    name: 'undeclared input and workflow parameters',
    spec: {
      entrypoint: 'main',
      arguments: { parameters: [{ name: 'APP_NAME' }] },
      templates: [{ name: 'main', inputs: { parameters: [{ name: 'a' }] }, script: { image: 'alpine', command: ['sh'], source: 'echo {{inputs.parameters.a}} {{inputs.parameters.b}} {{workflow.parameters.APP_NAME}} {{workflow.parameters.BRANCH}}' } }],
    },
    problems: [
      error('undeclared-parameter', 'spec.templates[0].script.source', 'template "main" uses {{inputs.parameters.b}}, but declares no input parameter "b"'),
      error('undeclared-parameter', 'spec.templates[0].script.source', 'template "main" uses {{workflow.parameters.BRANCH}}, but spec.arguments declares no parameter "BRANCH"'),
    ],
  },
  {
    name: 'step output references: unknown step, same group, unknown output, outside steps',
    spec: {
      entrypoint: 'main',
      templates: [
        {
          name: 'main',
          steps: [
            [
              { name: 'build', template: 'build' },
              { name: 'peek', template: 'leaf', when: '{{steps.build.outputs.parameters.tag}} == x' },
            ],
            [
              { name: 'a', template: 'leaf', when: '{{steps.nope.outputs.parameters.tag}} == x' },
              { name: 'b', template: 'leaf', when: '{{steps.build.outputs.parameters.digest}} == x' },
            ],
          ],
        },
        withOutput('build', 'tag'),
        sh('leaf', { script: { image: 'alpine', command: ['sh'], source: 'echo {{steps.build.outputs.parameters.tag}}' } }),
      ],
    },
    problems: [
      error('unknown-reference', 'spec.templates[0].steps[0][1].when', 'template "main" uses {{steps.build.outputs.parameters.tag}}, but step "build" does not run before step "peek"'),
      error('unknown-reference', 'spec.templates[0].steps[1][0].when', 'template "main" uses {{steps.nope.outputs.parameters.tag}}, but has no step "nope"'),
      error('unknown-reference', 'spec.templates[0].steps[1][1].when', 'template "main" uses {{steps.build.outputs.parameters.digest}}, but template "build" of step "build" has no output parameter "digest"'),
      error('unknown-reference', 'spec.templates[2].script.source', 'template "leaf" uses {{steps.build.outputs.parameters.tag}} outside a steps template'),
    ],
  },
  {
    name: 'task output references: unknown task, not a dependency, unknown output; a dependency is fine',
    spec: {
      entrypoint: 'main',
      templates: [
        dag(
          { name: 'build', template: 'build' },
          task('ok', { depends: 'build', arguments: { parameters: [{ name: 'x', value: '{{tasks.build.outputs.parameters.tag}}' }] } }),
          task('far', { dependencies: ['ok'], when: '{{tasks.build.outputs.parameters.tag}} == a' }),
          task('loose', { when: '{{tasks.build.outputs.parameters.tag}} == a' }),
          task('bad', { dependencies: ['build'], when: '{{tasks.ghost.outputs.parameters.tag}} == {{tasks.build.outputs.parameters.sha}}' }),
        ),
        withOutput('build', 'tag'),
        sh('leaf'),
      ],
    },
    problems: [
      error('unknown-reference', 'spec.templates[0].dag.tasks[3].when', 'template "main" uses {{tasks.build.outputs.parameters.tag}}, but task "loose" does not depend on task "build"'),
      error('unknown-reference', 'spec.templates[0].dag.tasks[4].when', 'template "main" uses {{tasks.ghost.outputs.parameters.tag}}, but has no task "ghost"'),
      error('unknown-reference', 'spec.templates[0].dag.tasks[4].when', 'template "main" uses {{tasks.build.outputs.parameters.sha}}, but template "build" of task "build" has no output parameter "sha"'),
    ],
  },
  {
    name: 'Argo features the local engine does not run are not validation errors',
    spec: {
      entrypoint: 'main',
      volumes: [{ name: 'v' }],
      templates: [{ name: 'main', resource: { action: 'create', manifest: '{}' }, outputs: { parameters: [{ name: 'id', valueFrom: { jsonPath: '{.metadata.uid}' } }] } }],
    },
    problems: [],
  },
];

describe('validateWorkflowTemplate', () => {
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(validateWorkflowTemplate(doc(c.spec)), c.problems));
  }
  it('adds the location to every problem', () => {
    assert.deepEqual(validateWorkflowTemplate(doc({ entrypoint: 'x', templates: [sh('main')] }), { file: 'wf.yaml', document: 2, kind: 'WorkflowTemplate', name: 'smoke-tests' }), [
      error('unknown-reference', 'spec.entrypoint', 'entrypoint names unknown template "x"', { file: 'wf.yaml', document: 2, kind: 'WorkflowTemplate', name: 'smoke-tests' }),
    ]);
  });
});
