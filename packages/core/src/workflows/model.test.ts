import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { error, type Problem } from '../problems.ts';
import { checkLocalSupport, readArgoDuration, templateKind, ArgoWorkflowSpec } from './model.ts';

const sh = { image: 'alpine', command: ['sh'], source: 'true' };

describe('ArgoWorkflowSpec', () => {
  it('keeps fields it does not model and reads numbers as parameter text', () => {
    const parsed = ArgoWorkflowSpec.parse({
      entrypoint: 'main',
      serviceAccountName: 'sa',
      arguments: { parameters: [{ name: 'N', value: 3 }, { name: 'B', value: true }] },
      templates: [{ name: 'main', nodeSelector: { a: 'b' }, container: { image: 'alpine', command: ['sh'], args: [1], resources: {} }, retryStrategy: { limit: '2', backoff: { duration: '10', factor: 2, maxDuration: '1m' } } }],
    });
    assert.deepEqual(parsed, {
      entrypoint: 'main',
      serviceAccountName: 'sa',
      arguments: { parameters: [{ name: 'N', value: '3' }, { name: 'B', value: 'true' }] },
      templates: [{ name: 'main', nodeSelector: { a: 'b' }, container: { image: 'alpine', command: ['sh'], args: ['1'], resources: {} }, retryStrategy: { limit: 2, backoff: { duration: 10_000, factor: 2, maxDuration: 60_000 } } }],
    });
  });
  it('accepts every Argo template kind, the local engine\'s or not', () => {
    for (const kind of ['resource', 'http', 'plugin', 'containerSet', 'data']) {
      assert.equal(ArgoWorkflowSpec.safeParse({ entrypoint: 'a', templates: [{ name: 'a', [kind]: {} }] }).success, true, kind);
    }
  });
});

describe('readArgoDuration', () => {
  const cases: [number | string, ReturnType<typeof readArgoDuration>][] = [
    [30, { ok: true, milliseconds: 30_000 }],
    ['30', { ok: true, milliseconds: 30_000 }],
    ['2m', { ok: true, milliseconds: 120_000 }],
    ['1h30m', { ok: true, milliseconds: 5_400_000 }],
    ['', { ok: false, message: 'a duration cannot be empty; use for example "24h", "30m" or "1h30m"' }],
  ];
  for (const [input, expected] of cases) it(JSON.stringify(input), () => assert.deepEqual(readArgoDuration(input), expected));
});

describe('templateKind', () => {
  it('names the kind field a template has', () => {
    assert.deepEqual([{ steps: [] }, { dag: {} }, { resource: {} }, {}].map((t) => templateKind(t)), ['steps', 'dag', 'resource', undefined]);
  });
});

const unsupported = (path: string, message: string) => error('unsupported-feature', path, `${message} is not supported by the local engine; use the argo engine`);

describe('checkLocalSupport', () => {
  const cases: { name: string; spec: unknown; problems: Problem[] }[] = [
    {
      name: 'a template the local engine runs',
      spec: {
        entrypoint: 'main',
        serviceAccountName: 'cf-default-promotion-workflows-sa',
        templates: [
          { name: 'main', steps: [[{ name: 'a', template: 'leaf', when: '{{workflow.status}} == x' }]] },
          { name: 'leaf', script: sh, retryStrategy: { limit: 1 }, activeDeadlineSeconds: 5, outputs: { parameters: [{ name: 'o', valueFrom: { path: '/tmp/o' } }] } },
        ],
      },
      problems: [],
    },
    {
      name: 'a resource template',
      spec: { entrypoint: 'deploy', templates: [{ name: 'deploy', resource: { action: 'apply', manifest: '{}' } }] },
      problems: [unsupported('spec.templates[0].resource', 'template "deploy": kind "resource"')],
    },
    {
      name: 'http, plugin, containerSet and data templates',
      spec: { entrypoint: 'a', templates: [{ name: 'a', http: {} }, { name: 'b', plugin: {} }, { name: 'c', containerSet: {} }, { name: 'd', data: {} }] },
      problems: [
        unsupported('spec.templates[0].http', 'template "a": kind "http"'),
        unsupported('spec.templates[1].plugin', 'template "b": kind "plugin"'),
        unsupported('spec.templates[2].containerSet', 'template "c": kind "containerSet"'),
        unsupported('spec.templates[3].data', 'template "d": kind "data"'),
      ],
    },
    {
      name: 'spec-level volumes and lifecycle hooks',
      spec: { entrypoint: 'a', volumes: [], hooks: {}, templates: [{ name: 'a', script: sh }] },
      problems: [unsupported('spec.volumes', 'field "volumes"'), unsupported('spec.hooks', 'field "hooks"')],
    },
    {
      name: 'sidecars, podSpecPatch, artifacts, volumeMounts, env valueFrom',
      spec: {
        entrypoint: 'a',
        templates: [
          {
            name: 'build',
            sidecars: [],
            podSpecPatch: '{}',
            inputs: { artifacts: [] },
            outputs: { artifacts: [] },
            container: { image: 'x', command: ['make'], volumeMounts: [], env: [{ name: 'A', value: '1' }, { name: 'B', valueFrom: {} }] },
          },
        ],
      },
      problems: [
        unsupported('spec.templates[0].sidecars', 'template "build": field "sidecars"'),
        unsupported('spec.templates[0].podSpecPatch', 'template "build": field "podSpecPatch"'),
        unsupported('spec.templates[0].container.volumeMounts', 'template "build": field "volumeMounts"'),
        unsupported('spec.templates[0].container.env[1].valueFrom', 'template "build": env "valueFrom"'),
        unsupported('spec.templates[0].inputs.artifacts', 'template "build": input artifacts'),
        unsupported('spec.templates[0].outputs.artifacts', 'template "build": output artifacts'),
      ],
    },
    {
      name: 'a container relying on its image entrypoint',
      spec: { entrypoint: 'a', templates: [{ name: 'a', container: { image: 'alpine' } }] },
      problems: [
        error(
          'unsupported-feature',
          'spec.templates[0].container.command',
          'template "a": a container without "command" runs its image\'s entrypoint, which the local engine cannot do; set command or use the argo engine',
        ),
      ],
    },
    {
      name: 'loops, templateRef, continueOn, and depends results the local engine does not know',
      spec: {
        entrypoint: 'main',
        templates: [
          { name: 'main', steps: [[{ name: 'each', template: 'leaf', withItems: [1, 2] }, { name: 'lib', templateRef: { name: 'x', template: 'y' }, continueOn: { failed: true } }]] },
          { name: 'flow', dag: { tasks: [{ name: 'a', template: 'leaf', withParam: '{{item}}' }, { name: 'b', template: 'leaf', depends: 'a.AnySucceeded' }] } },
          { name: 'leaf', script: sh },
        ],
      },
      problems: [
        unsupported('spec.templates[0].steps[0][0].withItems', 'template "main": step "each": field "withItems"'),
        unsupported('spec.templates[0].steps[0][1].templateRef', 'template "main": step "lib": field "templateRef"'),
        unsupported('spec.templates[0].steps[0][1].continueOn', 'template "main": step "lib": field "continueOn"'),
        unsupported('spec.templates[1].dag.tasks[0].withParam', 'template "flow": task "a": field "withParam"'),
        unsupported('spec.templates[1].dag.tasks[1].depends', 'template "flow": task "b": depends result ".AnySucceeded"'),
        unsupported('spec.templates[1].dag.tasks[0].withParam', 'template "flow": the reference {{item}}'),
      ],
    },
    {
      name: 'retries and deadlines on a steps template, retryPolicy, valueFrom other than a leaf\'s path',
      spec: {
        entrypoint: 'main',
        templates: [
          { name: 'main', retryStrategy: { limit: 1 }, activeDeadlineSeconds: 60, outputs: { parameters: [{ name: 'o', valueFrom: { parameter: '{{steps.a.outputs.parameters.o}}' } }] }, steps: [[{ name: 'a', template: 'leaf' }]] },
          { name: 'leaf', script: sh, retryStrategy: { limit: 1, retryPolicy: 'Always' }, outputs: { parameters: [{ name: 'o', valueFrom: { jsonPath: '{.x}' } }] } },
        ],
      },
      problems: [
        unsupported('spec.templates[0].retryStrategy', 'template "main": retryStrategy on a steps template'),
        unsupported('spec.templates[0].activeDeadlineSeconds', 'template "main": activeDeadlineSeconds on a steps template'),
        unsupported('spec.templates[0].outputs.parameters[0].valueFrom.parameter', 'template "main": output "valueFrom.parameter"'),
        unsupported('spec.templates[1].retryStrategy.retryPolicy', 'template "leaf": retryStrategy field "retryPolicy"'),
        unsupported('spec.templates[1].outputs.parameters[0].valueFrom.jsonPath', 'template "leaf": output "valueFrom.jsonPath"'),
      ],
    },
    {
      name: 'references the local engine cannot resolve',
      spec: { entrypoint: 'a', templates: [{ name: 'a', script: { ...sh, source: 'echo {{workflow.uid}} {{=sprig.upper("x")}} {{steps.a.outputs.result}}' } }] },
      problems: [
        unsupported('spec.templates[0].script.source', 'template "a": the reference {{workflow.uid}}'),
        unsupported('spec.templates[0].script.source', 'template "a": the reference {{=sprig.upper("x")}}'),
        unsupported('spec.templates[0].script.source', 'template "a": the reference {{steps.a.outputs.result}}'),
      ],
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(checkLocalSupport(c.spec), c.problems));
  it('reads anything without throwing', () => {
    assert.deepEqual([null, 3, 'x', { templates: 'no' }, { templates: [null, 1] }].map((s) => checkLocalSupport(s)), [[], [], [], [], []]);
  });
});
