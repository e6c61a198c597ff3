import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { comparePolicies, policyMatches, resolvePolicy, type ResolvedPolicy, type ResolvePolicyInput } from './policy.ts';
import { warning } from './problems.ts';
import type { PromotionPolicy } from './resources/schemas.ts';
import { policy } from './test/builders.ts';

const qa = { name: 'qa', kind: 'non-production' } as const;
const production = { name: 'production', kind: 'production' } as const;

const NO_MATCH = (product: string, env: string) => warning('no-matching-policy', '', `no promotion policy matches product "${product}" in environment "${env}"`);
const NO_ACTION = (product: string, env: string) =>
  warning('no-action', 'action', `no policy or inline setting gives an action for product "${product}" in environment "${env}"; using "commit"`);
const NONE_WITHOUT_PRE = (product: string, env: string) =>
  warning('none-without-pre-action', 'action', `action is "none" for product "${product}" in environment "${env}" but no pre-action workflow is set, so nothing will promote the change`);

describe('policyMatches', () => {
  const cases: [string, PromotionPolicy, string, typeof qa | typeof production, boolean][] = [
    ['no selector matches everything', policy('p', 0, { action: 'pr' }), 'cf-101', production, true],
    ['empty selector matches everything', policy('p', 0, { action: 'pr' }, {}), 'cf-101', qa, true],
    ['empty product names match every product', policy('p', 0, { action: 'pr' }, { product: { names: [] } }), 'cf-101', qa, true],
    ['product named', policy('p', 0, { action: 'pr' }, { product: { names: ['cf-102', 'cf-101'] } }), 'cf-101', qa, true],
    ['product not named', policy('p', 0, { action: 'pr' }, { product: { names: ['cf-102'] } }), 'cf-101', qa, false],
    ['environment named', policy('p', 0, { action: 'pr' }, { targetEnvironment: { names: ['qa'] } }), 'cf-101', qa, true],
    ['environment not named', policy('p', 0, { action: 'pr' }, { targetEnvironment: { names: ['qa'] } }), 'cf-101', production, false],
    ['environment kind given', policy('p', 0, { action: 'pr' }, { targetEnvironment: { kinds: ['production'] } }), 'cf-101', production, true],
    ['environment kind differs', policy('p', 0, { action: 'pr' }, { targetEnvironment: { kinds: ['production'] } }), 'cf-101', qa, false],
    [
      'name and kind both given: both must match (name fails)',
      policy('p', 0, { action: 'pr' }, { targetEnvironment: { names: ['staging'], kinds: ['production'] } }),
      'cf-101',
      production,
      false,
    ],
    [
      'name and kind both given: both must match (kind fails)',
      policy('p', 0, { action: 'pr' }, { targetEnvironment: { names: ['production'], kinds: ['non-production'] } }),
      'cf-101',
      production,
      false,
    ],
    [
      'product and environment both given: both must match',
      policy('p', 0, { action: 'pr' }, { product: { names: ['cf-101'] }, targetEnvironment: { names: ['qa'] } }),
      'cf-102',
      qa,
      false,
    ],
    ['empty environment names and kinds match any environment', policy('p', 0, { action: 'pr' }, { targetEnvironment: { names: [], kinds: [] } }), 'x', qa, true],
  ];
  for (const [title, p, product, environment, expected] of cases) {
    it(title, () => assert.equal(policyMatches(p, product, environment), expected));
  }
});

describe('comparePolicies', () => {
  it('orders by priority ascending, negative first, then by name', () => {
    const sorted = [policy('b', 5, {}), policy('a', 5, {}), policy('z', -200, {}), policy('m', 1, {}), policy('c', -100, {})].sort(comparePolicies);
    assert.deepEqual(sorted.map((p) => p.metadata.name), ['z', 'c', 'm', 'a', 'b']);
  });
});

describe('resolvePolicy', () => {
  const base = { product: 'cf-101', environment: production } satisfies Partial<ResolvePolicyInput>;

  const cases: [string, ResolvePolicyInput, ResolvedPolicy][] = [
    [
      'each field from the first policy, by priority, that sets it',
      {
        ...base,
        policies: [
          policy('global', 100, { action: 'commit', preAction: 'lint', postAction: 'notify' }),
          policy('prod-needs-pr', 10, { action: 'pr' }, { targetEnvironment: { kinds: ['production'] } }),
          policy('cf-101-tests', 20, { preAction: 'integration-tests' }, { product: { names: ['cf-101'] } }),
          policy('qa-only', -1000, { action: 'none' }, { targetEnvironment: { names: ['qa'] } }),
        ],
      },
      {
        fields: {
          preAction: { value: 'integration-tests', source: { type: 'policy', name: 'cf-101-tests', priority: 20 } },
          action: { value: 'pr', source: { type: 'policy', name: 'prod-needs-pr', priority: 10 } },
          postAction: { value: 'notify', source: { type: 'policy', name: 'global', priority: 100 } },
        },
        matched: [
          { name: 'prod-needs-pr', priority: 10 },
          { name: 'cf-101-tests', priority: 20 },
          { name: 'global', priority: 100 },
        ],
        warnings: [],
      },
    ],
    [
      'negative priorities come first',
      { ...base, policies: [policy('one', 1, { action: 'commit' }), policy('minus', -5, { action: 'pr' })] },
      {
        fields: { action: { value: 'pr', source: { type: 'policy', name: 'minus', priority: -5 } } },
        matched: [
          { name: 'minus', priority: -5 },
          { name: 'one', priority: 1 },
        ],
        warnings: [],
      },
    ],
    [
      'a tie is broken by name, whatever the input order',
      { ...base, policies: [policy('zeta', 7, { action: 'none', preAction: 'z' }), policy('alpha', 7, { action: 'pr' })] },
      {
        fields: {
          preAction: { value: 'z', source: { type: 'policy', name: 'zeta', priority: 7 } },
          action: { value: 'pr', source: { type: 'policy', name: 'alpha', priority: 7 } },
        },
        matched: [
          { name: 'alpha', priority: 7 },
          { name: 'zeta', priority: 7 },
        ],
        warnings: [],
      },
    ],
    [
      'inline overrides one field only; the others keep their policy',
      {
        ...base,
        policies: [policy('global', 0, { action: 'pr', preAction: 'lint', postAction: 'notify' })],
        inline: { preAction: 'smoke-tests' },
        inlineSource: 'flow "three-env" step "production"',
      },
      {
        fields: {
          preAction: { value: 'smoke-tests', source: { type: 'inline', name: 'flow "three-env" step "production"' } },
          action: { value: 'pr', source: { type: 'policy', name: 'global', priority: 0 } },
          postAction: { value: 'notify', source: { type: 'policy', name: 'global', priority: 0 } },
        },
        matched: [{ name: 'global', priority: 0 }],
        warnings: [],
      },
    ],
    [
      'inline fills what no policy sets; its source is named "inline" by default',
      { ...base, policies: [policy('global', 0, { preAction: 'lint' })], inline: { action: 'commit', postAction: 'notify' } },
      {
        fields: {
          preAction: { value: 'lint', source: { type: 'policy', name: 'global', priority: 0 } },
          action: { value: 'commit', source: { type: 'inline', name: 'inline' } },
          postAction: { value: 'notify', source: { type: 'inline', name: 'inline' } },
        },
        matched: [{ name: 'global', priority: 0 }],
        warnings: [],
      },
    ],
    [
      'no policy at all: commit from the default, with two warnings',
      { ...base, policies: [] },
      {
        fields: { action: { value: 'commit', source: { type: 'default' } } },
        matched: [],
        warnings: [NO_MATCH('cf-101', 'production'), NO_ACTION('cf-101', 'production')],
      },
    ],
    [
      'policies that do not match are ignored',
      { ...base, policies: [policy('qa-only', 0, { action: 'pr' }, { targetEnvironment: { names: ['qa'] } })], inline: { action: 'pr' }, inlineSource: 'manual' },
      {
        fields: { action: { value: 'pr', source: { type: 'inline', name: 'manual' } } },
        matched: [],
        warnings: [NO_MATCH('cf-101', 'production')],
      },
    ],
    [
      'matching policies without an action: commit from the default, with a warning',
      { ...base, policies: [policy('tests', 0, { preAction: 'tests' })] },
      {
        fields: {
          preAction: { value: 'tests', source: { type: 'policy', name: 'tests', priority: 0 } },
          action: { value: 'commit', source: { type: 'default' } },
        },
        matched: [{ name: 'tests', priority: 0 }],
        warnings: [NO_ACTION('cf-101', 'production')],
      },
    ],
    [
      'none without a pre-action warns',
      { ...base, policies: [policy('custom', 0, { action: 'none', postAction: 'deploy' })] },
      {
        fields: {
          action: { value: 'none', source: { type: 'policy', name: 'custom', priority: 0 } },
          postAction: { value: 'deploy', source: { type: 'policy', name: 'custom', priority: 0 } },
        },
        matched: [{ name: 'custom', priority: 0 }],
        warnings: [NONE_WITHOUT_PRE('cf-101', 'production')],
      },
    ],
    [
      'none with a pre-action from another policy is fine',
      { ...base, policies: [policy('custom', 0, { action: 'none' }), policy('pre', 5, { preAction: 'promote-by-script' })] },
      {
        fields: {
          preAction: { value: 'promote-by-script', source: { type: 'policy', name: 'pre', priority: 5 } },
          action: { value: 'none', source: { type: 'policy', name: 'custom', priority: 0 } },
        },
        matched: [
          { name: 'custom', priority: 0 },
          { name: 'pre', priority: 5 },
        ],
        warnings: [],
      },
    ],
    [
      'inline none without any pre-action warns',
      { ...base, policies: [policy('global', 0, { action: 'commit' })], inline: { action: 'none' }, inlineSource: 'manual' },
      {
        fields: { action: { value: 'none', source: { type: 'inline', name: 'manual' } } },
        matched: [{ name: 'global', priority: 0 }],
        warnings: [NONE_WITHOUT_PRE('cf-101', 'production')],
      },
    ],
    [
      'an inline null removes the policies\' workflow and says which inline settings did it',
      {
        ...base,
        policies: [policy('checks', 0, { preAction: 'smoke-tests', action: 'commit', postAction: 'notify' })],
        inline: { preAction: null },
        inlineSource: 'manual',
      },
      {
        fields: {
          action: { value: 'commit', source: { type: 'policy', name: 'checks', priority: 0 } },
          postAction: { value: 'notify', source: { type: 'policy', name: 'checks', priority: 0 } },
        },
        matched: [{ name: 'checks', priority: 0 }],
        removed: [
          {
            field: 'preAction',
            source: { type: 'inline', name: 'manual' },
            overridden: { value: 'smoke-tests', source: { type: 'policy', name: 'checks', priority: 0 } },
          },
        ],
        warnings: [],
      },
    ],
    [
      'two inline nulls remove both workflows, each overriding the policy that set it',
      {
        ...base,
        policies: [policy('checks', 0, { preAction: 'lint', action: 'pr' }), policy('later', 3, { postAction: 'notify' })],
        inline: { postAction: null, preAction: null },
        inlineSource: 'flow "three-env" step "production"',
      },
      {
        fields: { action: { value: 'pr', source: { type: 'policy', name: 'checks', priority: 0 } } },
        matched: [
          { name: 'checks', priority: 0 },
          { name: 'later', priority: 3 },
        ],
        removed: [
          {
            field: 'preAction',
            source: { type: 'inline', name: 'flow "three-env" step "production"' },
            overridden: { value: 'lint', source: { type: 'policy', name: 'checks', priority: 0 } },
          },
          {
            field: 'postAction',
            source: { type: 'inline', name: 'flow "three-env" step "production"' },
            overridden: { value: 'notify', source: { type: 'policy', name: 'later', priority: 3 } },
          },
        ],
        warnings: [],
      },
    ],
    [
      'an inline null for a workflow no policy sets: removed, nothing overridden',
      { ...base, policies: [policy('global', 0, { action: 'commit' })], inline: { postAction: null } },
      {
        fields: { action: { value: 'commit', source: { type: 'policy', name: 'global', priority: 0 } } },
        matched: [{ name: 'global', priority: 0 }],
        removed: [{ field: 'postAction', source: { type: 'inline', name: 'inline' } }],
        warnings: [],
      },
    ],
    [
      'action none with the pre-action removed inline warns',
      { ...base, policies: [policy('scripted', 0, { action: 'none', preAction: 'promote-by-script' })], inline: { preAction: null }, inlineSource: 'manual' },
      {
        fields: { action: { value: 'none', source: { type: 'policy', name: 'scripted', priority: 0 } } },
        matched: [{ name: 'scripted', priority: 0 }],
        removed: [
          {
            field: 'preAction',
            source: { type: 'inline', name: 'manual' },
            overridden: { value: 'promote-by-script', source: { type: 'policy', name: 'scripted', priority: 0 } },
          },
        ],
        warnings: [NONE_WITHOUT_PRE('cf-101', 'production')],
      },
    ],
  ];

  for (const [title, input, expected] of cases) {
    it(title, () => assert.deepEqual(resolvePolicy(input), expected));
  }

  it('does not reorder the policies it was given', () => {
    const policies = [policy('b', 2, { action: 'pr' }), policy('a', 1, { action: 'commit' })];
    resolvePolicy({ ...base, policies });
    assert.deepEqual(policies.map((p) => p.metadata.name), ['b', 'a']);
  });
});
