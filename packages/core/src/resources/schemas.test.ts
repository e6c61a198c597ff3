import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { error } from '../problems.ts';
import { validateResources } from '../validate.ts';
import { loadResources } from './decode.ts';
import { InlinePolicySettings, PolicySettings } from './schemas.ts';

const POLICY_NULL =
  'must name a workflow; null ("no workflow") belongs in a flow step\'s policy or a manual promotion, where it removes what policies set; leave the field out here';

const policyDoc = (settings: string) => `apiVersion: stagecoach.dev/v1alpha1
kind: PromotionPolicy
metadata: {name: checks}
spec:
  priority: 10
  policy: ${settings}
`;

const flowDoc = (policy: string) => `apiVersion: stagecoach.dev/v1alpha1
kind: PromotionFlow
metadata: {name: two-env}
spec:
  triggerEnvironment: dev
  steps:
    - environment: qa
      policy:
${policy}
`;

const environments = ['dev', 'qa'].map((name) => `apiVersion: stagecoach.dev/v1alpha1\nkind: Environment\nmetadata: {name: ${name}}\nspec: {kind: non-production}\n`).join('---\n');

describe('PolicySettings and InlinePolicySettings', () => {
  it('a PromotionPolicy refuses a null workflow, saying where null belongs', () => {
    const loaded = loadResources(policyDoc('{preAction: null, action: pr, postAction: ~}'), 'policy.yaml');
    const at = { file: 'policy.yaml', document: 1, kind: 'PromotionPolicy', name: 'checks' };
    assert.deepEqual(loaded, {
      resources: [],
      problems: [error('type', 'spec.policy.preAction', POLICY_NULL, at), error('type', 'spec.policy.postAction', POLICY_NULL, at)],
    });
  });

  it('a PromotionPolicy still takes a workflow name or nothing', () => {
    assert.deepEqual(PolicySettings.parse({ preAction: 'smoke-tests' }), { preAction: 'smoke-tests' });
    assert.deepEqual(PolicySettings.parse({}), {});
  });

  it('inline settings take null for a workflow, never for the action', () => {
    assert.deepEqual(InlinePolicySettings.parse({ preAction: null, postAction: 'notify' }), { preAction: null, postAction: 'notify' });
    assert.equal(InlinePolicySettings.safeParse({ action: null }).success, false);
  });

  it('a flow step may say "no workflow" with null or an empty YAML value, and nothing is looked up for it', () => {
    const loaded = loadResources(`${environments}---\n${flowDoc('        preAction: null\n        postAction:\n        action: commit')}`);
    assert.deepEqual(loaded.problems, []);
    const flow = loaded.resources[2]!.resource;
    assert.equal(flow.kind, 'PromotionFlow');
    assert.deepEqual(flow.kind === 'PromotionFlow' ? flow.spec.steps[0]!.policy : undefined, { preAction: null, postAction: null, action: 'commit' });
    assert.deepEqual(validateResources(loaded.resources.map((r) => r.resource)), []);
  });

  it('a flow step naming an unknown workflow is still refused', () => {
    const loaded = loadResources(`${environments}---\n${flowDoc('        preAction: ghost')}`);
    assert.deepEqual(
      validateResources(loaded.resources.map((r) => r.resource)).map((p) => [p.rule, p.path, p.message]),
      [['unknown-reference', 'spec.steps[0].policy.preAction', 'step "qa" preAction names unknown workflow "ghost"']],
    );
  });
});
