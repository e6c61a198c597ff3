import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { error, warning, type Problem } from './problems.ts';
import type { Resource } from './resources/schemas.ts';
import { app, env, flow, policy, product, template, workflow } from './test/builders.ts';
import { validateResources } from './validate.ts';
import { ARGO_API_VERSION, WorkflowTemplate } from './resources/schemas.ts';

const environments = [env('dev'), env('qa'), env('staging'), env('production', 'production')];
const workflows = [workflow('smoke-tests'), workflow('notify'), workflow('announce')];
const apps = ['dev', 'qa', 'staging', 'production'].map((e) => app(`cf-101-${e}`, 'cf-101', e));
const threeEnv = flow('three-env', {
  triggerEnvironment: 'dev',
  triggerWorkflow: 'smoke-tests',
  steps: [
    { environment: 'qa', policy: { preAction: 'smoke-tests', action: 'commit', postAction: 'notify' } },
    { environment: 'staging', dependsOn: ['dev'] },
    { environment: 'production', dependsOn: ['qa', 'staging'], hooks: { onStart: 'announce', onSuccess: 'announce', onFail: 'announce' } },
  ],
  hooks: { onStart: 'announce', onFail: 'announce' },
});
const cf101 = product('cf-101', { promotionTemplateRef: 'helm', promotionFlows: [{ name: 'three-env' }] });
const valid: Resource[] = [
  ...environments,
  ...workflows,
  template('helm', { priority: 10 }),
  threeEnv,
  policy('prod-needs-pr', 10, { action: 'pr', preAction: 'smoke-tests', postAction: 'notify' }, { product: { names: ['cf-101'] }, targetEnvironment: { kinds: ['production'], names: ['production'] } }),
  cf101,
  ...apps,
];

/** The valid set with the resources of `extra` replacing those of the same kind and name, or added. */
function withResources(...extra: Resource[]): Resource[] {
  const key = (r: Resource) => `${r.kind}/${r.metadata.name}`;
  const replaced = new Map(extra.map((r) => [key(r), r]));
  const out = valid.map((r) => replaced.get(key(r)) ?? r);
  return [...out, ...extra.filter((r) => !valid.some((v) => key(v) === key(r)))];
}

const F = { kind: 'PromotionFlow', name: 'x' } as const;
const flowX = (spec: Parameters<typeof flow>[1]) => flow('x', spec);

describe('validateResources', () => {
  it('finds nothing wrong in a consistent set', () => {
    assert.deepEqual(validateResources(valid), []);
  });

  it('finds nothing wrong in an empty set', () => {
    assert.deepEqual(validateResources([]), []);
  });

  const cases: [string, Resource[], Problem[]][] = [
    [
      'the same kind and name twice: reported on the second',
      [env('qa'), env('dev'), env('qa', 'production')],
      [error('duplicate-resource', 'metadata.name', 'Environment "qa" is defined more than once', { kind: 'Environment', name: 'qa' })],
    ],
    ['the same name in two kinds is fine', [env('cf-101'), product('cf-101'), workflow('cf-101'), template('cf-101', {})], []],
    [
      'application: unknown product and environment',
      [env('dev'), app('a', 'cf-102', 'stage')],
      [
        error('unknown-reference', 'spec.product', 'application belongs to unknown product "cf-102"', { kind: 'Application', name: 'a' }),
        error('unknown-reference', 'spec.environment', 'application is in unknown environment "stage"', { kind: 'Application', name: 'a' }),
      ],
    ],
    [
      'product: unknown template, unknown flow, a flow listed twice',
      withResources(product('cf-101', { promotionTemplateRef: 'helm-v2', promotionFlows: [{ name: 'three-env' }, { name: 'five-env' }, { name: 'three-env', gitTriggerSelectors: [{ key: 'author', operator: 'In', values: ['bot'] }] }] })),
      [
        error('unknown-reference', 'spec.promotionTemplateRef', 'promotionTemplateRef names unknown promotion template "helm-v2"', { kind: 'Product', name: 'cf-101' }),
        error('unknown-reference', 'spec.promotionFlows[1].name', 'promotionFlows names unknown flow "five-env"', { kind: 'Product', name: 'cf-101' }),
        error('duplicate-flow', 'spec.promotionFlows[2].name', 'flow "three-env" is listed more than once (first at spec.promotionFlows[0]); list each flow once', {
          kind: 'Product',
          name: 'cf-101',
        }),
      ],
    ],
    [
      'product: missing applications, per flow, naming the environments in flow order',
      [
        ...valid.filter((r) => r.kind !== 'Application'),
        app('cf-101-qa', 'cf-101', 'qa'),
        flow('short', { triggerEnvironment: 'qa', steps: [{ environment: 'staging' }] }),
        product('cf-101', { promotionFlows: [{ name: 'three-env' }, { name: 'short' }] }),
      ].filter((r) => !(r.kind === 'Product' && r === cf101)),
      [
        warning('missing-application', 'spec.promotionFlows[0]', 'product has no application in environments "dev", "staging", "production" of flow "three-env"', {
          kind: 'Product',
          name: 'cf-101',
        }),
        warning('missing-application', 'spec.promotionFlows[1]', 'product has no application in environment "staging" of flow "short"', { kind: 'Product', name: 'cf-101' }),
      ],
    ],
    [
      'product: several applications in the trigger environment are fine',
      withResources(app('cf-101-dev-eu', 'cf-101', 'dev'), app('cf-101-dev-us', 'cf-101', 'dev')),
      [],
    ],
    [
      'flow: unknown environments and workflows in every field',
      withResources(
        flowX({
          triggerEnvironment: 'dvv',
          triggerWorkflow: 'build',
          steps: [
            { environment: 'qa', dependsOn: ['dvv'], policy: { preAction: 'smoke', postAction: 'notify-all' }, hooks: { onStart: 'a', onSuccess: 'b', onFail: 'c' } },
            { environment: 'prod', dependsOn: ['qa', 'stage'] },
          ],
          hooks: { onStart: 'd', onSuccess: 'e', onFail: 'f' },
        }),
      ),
      [
        error('unknown-reference', 'spec.triggerEnvironment', 'flow starts in unknown environment "dvv"', F),
        error('unknown-reference', 'spec.triggerWorkflow', 'triggerWorkflow names unknown workflow "build"', F),
        error('unknown-reference', 'spec.steps[0].dependsOn[0]', 'step "qa" depends on unknown environment "dvv"', F),
        error('unknown-reference', 'spec.steps[0].policy.preAction', 'step "qa" preAction names unknown workflow "smoke"', F),
        error('unknown-reference', 'spec.steps[0].policy.postAction', 'step "qa" postAction names unknown workflow "notify-all"', F),
        error('unknown-reference', 'spec.steps[0].hooks.onStart', 'step "qa" hook onStart names unknown workflow "a"', F),
        error('unknown-reference', 'spec.steps[0].hooks.onSuccess', 'step "qa" hook onSuccess names unknown workflow "b"', F),
        error('unknown-reference', 'spec.steps[0].hooks.onFail', 'step "qa" hook onFail names unknown workflow "c"', F),
        error('unknown-reference', 'spec.steps[1].environment', 'step "prod" promotes to unknown environment "prod"', F),
        error('unknown-reference', 'spec.steps[1].dependsOn[1]', 'step "prod" depends on unknown environment "stage"', F),
        error('unknown-reference', 'spec.hooks.onStart', 'hook onStart names unknown workflow "d"', F),
        error('unknown-reference', 'spec.hooks.onSuccess', 'hook onSuccess names unknown workflow "e"', F),
        error('unknown-reference', 'spec.hooks.onFail', 'hook onFail names unknown workflow "f"', F),
      ],
    ],
    [
      'flow: the trigger environment as a step',
      withResources(flowX({ triggerEnvironment: 'dev', steps: [{ environment: 'qa' }, { environment: 'dev', dependsOn: ['qa'] }] })),
      [error('trigger-as-step', 'spec.steps[1].environment', 'step "dev" is the flow\'s trigger environment; it cannot also be a step', F)],
    ],
    [
      'flow: the same environment as two steps; the repeat is not checked further',
      withResources(flowX({ triggerEnvironment: 'dev', steps: [{ environment: 'qa' }, { environment: 'staging' }, { environment: 'qa', dependsOn: ['qa', 'perf'] }] })),
      [error('duplicate-step', 'spec.steps[2].environment', 'step "qa" repeats spec.steps[0]; an environment can be a step only once', F)],
    ],
    [
      'flow: a step depending on itself is not also reported as a cycle',
      withResources(flowX({ triggerEnvironment: 'dev', steps: [{ environment: 'qa', dependsOn: ['dev', 'qa'] }] })),
      [error('self-dependency', 'spec.steps[0].dependsOn[1]', 'step "qa" depends on itself', F)],
    ],
    [
      'flow: dependsOn naming a known environment outside the flow',
      withResources(flowX({ triggerEnvironment: 'dev', steps: [{ environment: 'qa' }, { environment: 'production', dependsOn: ['staging'] }] })),
      [error('unknown-step', 'spec.steps[1].dependsOn[0]', 'step "production" depends on "staging", which is neither the trigger environment nor a step of this flow', F)],
    ],
    [
      'flow: a cycle is one problem, listed in order from its first step, at the dependsOn entry closing it',
      withResources(
        flowX({
          triggerEnvironment: 'dev',
          steps: [{ environment: 'qa', dependsOn: ['dev', 'production'] }, { environment: 'staging' }, { environment: 'production' }],
        }),
      ),
      [error('dependency-cycle', 'spec.steps[0].dependsOn[1]', 'steps depend on each other in a cycle: qa → staging → production → qa', F)],
    ],
    [
      'flow: two separate cycles are two problems; steps stuck behind them are not reported',
      [
        ...environments,
        env('a'),
        env('b'),
        env('c'),
        flowX({
          triggerEnvironment: 'dev',
          steps: [
            { environment: 'qa', dependsOn: ['staging'] },
            { environment: 'staging', dependsOn: ['qa'] },
            { environment: 'a', dependsOn: ['c'] },
            { environment: 'b', dependsOn: ['a'] },
            { environment: 'c', dependsOn: ['b'] },
            { environment: 'production', dependsOn: ['b', 'dev'] },
          ],
        }),
      ],
      [
        error('dependency-cycle', 'spec.steps[0].dependsOn[0]', 'steps depend on each other in a cycle: qa → staging → qa', F),
        error('dependency-cycle', 'spec.steps[2].dependsOn[0]', 'steps depend on each other in a cycle: a → b → c → a', F),
      ],
    ],
    [
      'flow: an empty dependsOn makes a step unreachable, with the steps behind it',
      withResources(
        flowX({
          triggerEnvironment: 'dev',
          steps: [{ environment: 'qa', dependsOn: [] }, { environment: 'staging' }, { environment: 'production', dependsOn: ['staging', 'dev'] }],
        }),
      ),
      [
        error(
          'unreachable-step',
          'spec.steps[0].dependsOn',
          'step "qa" has an empty dependsOn, so it is unreachable from trigger environment "dev" and never starts (nor do steps "staging", "production" after it); omit dependsOn to follow the step above, or list the environments it waits for',
          F,
        ),
      ],
    ],
    [
      'flow: an unreachable last step',
      withResources(flowX({ triggerEnvironment: 'dev', steps: [{ environment: 'qa' }, { environment: 'production', dependsOn: [] }] })),
      [
        error(
          'unreachable-step',
          'spec.steps[1].dependsOn',
          'step "production" has an empty dependsOn, so it is unreachable from trigger environment "dev" and never starts; omit dependsOn to follow the step above, or list the environments it waits for',
          F,
        ),
      ],
    ],
    [
      'flow: steps cut off by an unknown environment are not reported again',
      withResources(flowX({ triggerEnvironment: 'dev', steps: [{ environment: 'qa', dependsOn: ['stage'] }, { environment: 'production' }] })),
      [error('unknown-reference', 'spec.steps[0].dependsOn[0]', 'step "qa" depends on unknown environment "stage"', F)],
    ],
    [
      'flow: a dependsOn naming the trigger or any step, in any order, is fine',
      withResources(flowX({ triggerEnvironment: 'dev', steps: [{ environment: 'production', dependsOn: ['qa'] }, { environment: 'qa', dependsOn: ['dev'] }] })),
      [],
    ],
    [
      'policy: unknown product and environment in the selector are warnings; unknown workflows are errors',
      withResources(policy('p', -5, { preAction: 'tests', action: 'none', postAction: 'report' }, { product: { names: ['cf-101', 'cf-999'] }, targetEnvironment: { names: ['prod', 'qa'] } })),
      [
        warning('unknown-reference', 'spec.selector.product.names[1]', 'selector names unknown product "cf-999"', { kind: 'PromotionPolicy', name: 'p' }),
        warning('unknown-reference', 'spec.selector.targetEnvironment.names[0]', 'selector names unknown environment "prod"', { kind: 'PromotionPolicy', name: 'p' }),
        error('unknown-reference', 'spec.policy.preAction', 'preAction names unknown workflow "tests"', { kind: 'PromotionPolicy', name: 'p' }),
        error('unknown-reference', 'spec.policy.postAction', 'postAction names unknown workflow "report"', { kind: 'PromotionPolicy', name: 'p' }),
      ],
    ],
    [
      'problems follow the order of the resources',
      [app('b', 'p', 'dev'), env('dev'), app('a', 'p', 'dev')],
      [
        error('unknown-reference', 'spec.product', 'application belongs to unknown product "p"', { kind: 'Application', name: 'b' }),
        error('unknown-reference', 'spec.product', 'application belongs to unknown product "p"', { kind: 'Application', name: 'a' }),
      ],
    ],
  ];

  for (const [title, resources, expected] of cases) {
    it(title, () => assert.deepEqual(validateResources(resources), expected));
  }

  it('adds where each resource came from, and says where the first of a duplicate is', () => {
    const resources = [env('dev'), app('a', 'cf-101', 'dev'), env('dev')];
    const files = ['envs.yaml', 'apps.yaml', 'more.yaml'];
    const problems = validateResources(resources, (_r, i) => ({ file: files[i]!, document: i + 1 }));
    assert.deepEqual(problems, [
      error('unknown-reference', 'spec.product', 'application belongs to unknown product "cf-101"', { file: 'apps.yaml', document: 2, kind: 'Application', name: 'a' }),
      error('duplicate-resource', 'metadata.name', 'Environment "dev" is defined more than once; the first is in envs.yaml, document 1', {
        file: 'more.yaml',
        document: 3,
        kind: 'Environment',
        name: 'dev',
      }),
    ]);
  });

  it('takes kind and name from the resource, not from the locator', () => {
    const problems = validateResources([app('a', 'p', 'dev')], () => ({ kind: 'Product', name: 'wrong', file: 'f.yaml' }));
    assert.deepEqual(problems.map((p) => [p.kind, p.name, p.file]), [
      ['Application', 'a', 'f.yaml'],
      ['Application', 'a', 'f.yaml'],
    ]);
  });
});

describe('validateResources: workflow templates', () => {
  it('checks a workflow template the way a run would, and leaves engine-only features to the engine', () => {
    const broken = WorkflowTemplate.parse({
      apiVersion: ARGO_API_VERSION,
      kind: 'WorkflowTemplate',
      metadata: { name: 'broken' },
      spec: {
        entrypoint: 'main',
        templates: [
          { name: 'main', steps: [[{ name: 'one', template: 'missing' }]] },
          { name: 'deploy', resource: { action: 'apply', manifest: 'x' } },
        ],
      },
    });
    const problems = validateResources([broken]);
    assert.deepEqual(
      problems.map((p) => [p.kind, p.name, p.rule, p.severity]),
      [['WorkflowTemplate', 'broken', 'unknown-reference', 'error']],
    );
    assert.match(problems[0]!.message, /"missing"/);
    assert.deepEqual(validateResources([workflow('fine')]), []);
  });
});
