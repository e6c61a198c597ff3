import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchesLabelSelector, type Labels } from './labels.ts';
import type { LabelSelector } from './resources/fields.ts';

const labels: Labels = { team: 'payments', tier: 'gold', empty: '' };

describe('matchesLabelSelector', () => {
  const cases: [string, LabelSelector | undefined, Labels | undefined, boolean][] = [
    ['undefined selects nothing', undefined, labels, false],
    ['undefined selects nothing, even without labels', undefined, undefined, false],
    ['{} selects everything', {}, labels, true],
    ['{} selects a resource without labels', {}, undefined, true],
    ['empty lists select everything', { matchLabels: {}, matchExpressions: [] }, labels, true],
    ['matchLabels: one pair equal', { matchLabels: { team: 'payments' } }, labels, true],
    ['matchLabels: value differs', { matchLabels: { team: 'search' } }, labels, false],
    ['matchLabels: value compared case-sensitively', { matchLabels: { team: 'Payments' } }, labels, false],
    ['matchLabels: key absent', { matchLabels: { owner: 'payments' } }, labels, false],
    ['matchLabels: no labels at all', { matchLabels: { team: 'payments' } }, undefined, false],
    ['matchLabels: pairs are ANDed (both hold)', { matchLabels: { team: 'payments', tier: 'gold' } }, labels, true],
    ['matchLabels: pairs are ANDed (one fails)', { matchLabels: { team: 'payments', tier: 'silver' } }, labels, false],
    ['matchLabels: empty value matches an empty label', { matchLabels: { empty: '' } }, labels, true],
    ['matchLabels: empty value does not match an absent label', { matchLabels: { other: '' } }, labels, false],
    ['matchLabels: inherited keys are not labels', { matchLabels: { toString: 'x' } }, {}, false],
    ['In: value listed', { matchExpressions: [{ key: 'tier', operator: 'In', values: ['silver', 'gold'] }] }, labels, true],
    ['In: value not listed', { matchExpressions: [{ key: 'tier', operator: 'In', values: ['silver'] }] }, labels, false],
    ['In: label absent', { matchExpressions: [{ key: 'owner', operator: 'In', values: ['gold'] }] }, labels, false],
    ['In: no values matches nothing', { matchExpressions: [{ key: 'tier', operator: 'In', values: [] }] }, labels, false],
    ['NotIn: value not listed', { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['silver'] }] }, labels, true],
    ['NotIn: value listed', { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['gold'] }] }, labels, false],
    ['NotIn: label absent matches', { matchExpressions: [{ key: 'owner', operator: 'NotIn', values: ['gold'] }] }, labels, true],
    ['NotIn: no values matches everything', { matchExpressions: [{ key: 'tier', operator: 'NotIn' }] }, labels, true],
    ['Exists: present', { matchExpressions: [{ key: 'team', operator: 'Exists' }] }, labels, true],
    ['Exists: present with an empty value', { matchExpressions: [{ key: 'empty', operator: 'Exists' }] }, labels, true],
    ['Exists: absent', { matchExpressions: [{ key: 'owner', operator: 'Exists' }] }, labels, false],
    ['Exists: values are ignored', { matchExpressions: [{ key: 'team', operator: 'Exists', values: ['other'] }] }, labels, true],
    ['DoesNotExist: absent', { matchExpressions: [{ key: 'owner', operator: 'DoesNotExist' }] }, labels, true],
    ['DoesNotExist: present', { matchExpressions: [{ key: 'team', operator: 'DoesNotExist' }] }, labels, false],
    ['DoesNotExist: no labels at all', { matchExpressions: [{ key: 'team', operator: 'DoesNotExist' }] }, undefined, true],
    [
      'expressions are ANDed (all hold)',
      { matchExpressions: [{ key: 'team', operator: 'Exists' }, { key: 'tier', operator: 'In', values: ['gold'] }] },
      labels,
      true,
    ],
    [
      'expressions are ANDed (the second fails)',
      { matchExpressions: [{ key: 'team', operator: 'Exists' }, { key: 'tier', operator: 'NotIn', values: ['gold'] }] },
      labels,
      false,
    ],
    [
      'matchLabels and matchExpressions are ANDed (labels fail)',
      { matchLabels: { team: 'search' }, matchExpressions: [{ key: 'tier', operator: 'Exists' }] },
      labels,
      false,
    ],
    [
      'matchLabels and matchExpressions are ANDed (expression fails)',
      { matchLabels: { team: 'payments' }, matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] },
      labels,
      false,
    ],
    [
      'matchLabels and matchExpressions are ANDed (both hold)',
      { matchLabels: { team: 'payments' }, matchExpressions: [{ key: 'owner', operator: 'DoesNotExist' }] },
      labels,
      true,
    ],
  ];
  for (const [title, selector, given, expected] of cases) {
    it(title, () => assert.equal(matchesLabelSelector(selector, given), expected));
  }

  it('throws on an operator outside the schema rather than matching silently', () => {
    const bad = { matchExpressions: [{ key: 'team', operator: 'Equals' }] } as unknown as LabelSelector;
    assert.throws(() => matchesLabelSelector(bad, labels), { message: 'unexpected label selector operator: "Equals"' });
  });
});
