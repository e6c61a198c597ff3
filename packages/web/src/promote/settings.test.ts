import { describe, expect, it } from 'vitest';
import type { ChangeSet, PreviewPolicy } from './api.ts';
import { commitMessagePreview, describeSource, describeWorkflow, formatValue, promotionOverrides, removedHere, settingsFromPolicy } from './settings.ts';

const policy: PreviewPolicy = {
  fields: {
    preAction: { value: 'smoke-tests', source: { type: 'policy', name: 'qa-checks', priority: 20 } },
    action: { value: 'commit', source: { type: 'default' } },
  },
  matched: [{ name: 'qa-checks', priority: 20 }],
  warnings: [],
};

describe('settingsFromPolicy', () => {
  it('starts from the resolved values, null for unset workflows', () => {
    expect(settingsFromPolicy(policy)).toEqual({ action: 'commit', preAction: 'smoke-tests', postAction: null });
  });
});

describe('promotionOverrides', () => {
  it('is empty when nothing changed', () => {
    expect(promotionOverrides(policy, settingsFromPolicy(policy))).toEqual({});
  });

  it('holds only the fields changed away from the policy', () => {
    expect(promotionOverrides(policy, { action: 'pr', preAction: 'smoke-tests', postAction: null })).toEqual({ action: 'pr' });
    expect(promotionOverrides(policy, { action: 'commit', preAction: 'integration-tests', postAction: 'notify' })).toEqual({
      preAction: 'integration-tests',
      postAction: 'notify',
    });
  });

  it('sends null for a workflow cleared where the policy names one, and nothing for one no policy sets', () => {
    expect(promotionOverrides(policy, { action: 'commit', preAction: null, postAction: null })).toEqual({ preAction: null });
    expect(removedHere(policy, { action: 'commit', preAction: null, postAction: null }, 'preAction')).toBe(true);
    expect(removedHere(policy, { action: 'commit', preAction: null, postAction: null }, 'postAction')).toBe(false);
    expect(removedHere(policy, settingsFromPolicy(policy), 'preAction')).toBe(false);
  });
});

describe('describeWorkflow', () => {
  const kept = settingsFromPolicy(policy);
  const cleared = { ...kept, preAction: null };
  it.each([
    ['the policy\'s workflow', kept, 'preAction', 'from policy qa-checks'],
    ['a workflow no policy sets', kept, 'postAction', 'no policy sets one'],
    ['another workflow chosen', { ...kept, preAction: 'integration-tests' }, 'preAction', 'changed here'],
    ['a workflow added here', { ...kept, postAction: 'notify' }, 'postAction', 'changed here'],
    ['the policy\'s workflow cleared', cleared, 'preAction', 'removed here; smoke-tests from policy qa-checks'],
  ] as const)('says %s as %j', (_title, settings, slot, text) => {
    expect(describeWorkflow(policy, settings, slot)).toBe(text);
  });

  it('names the inline settings that removed a workflow in the server\'s resolution', () => {
    const resolvedWithout = { ...policy, fields: { action: policy.fields.action }, removed: [{ field: 'preAction' as const, source: { type: 'inline' as const, name: 'preview' } }] };
    expect(describeWorkflow(resolvedWithout, settingsFromPolicy(resolvedWithout), 'preAction')).toBe('removed by preview');
  });
});

describe('describeSource', () => {
  it.each([
    [{ type: 'policy', name: 'production-needs-pr', priority: 10 } as const, false, 'from policy production-needs-pr'],
    [{ type: 'default' } as const, false, 'default'],
    [{ type: 'inline', name: 'preview' } as const, false, 'inline'],
    [undefined, false, 'no policy sets one'],
    [{ type: 'default' } as const, true, 'changed here'],
  ])('says %j (changed: %s) as %s', (source, changed, text) => {
    expect(describeSource(source, changed)).toBe(text);
  });
});

describe('commitMessagePreview', () => {
  it('names the product, environment and application, and lists every property change', () => {
    const changeSet = {
      application: 'cf-101-qa',
      files: [
        { path: 'Chart.yaml', kind: 'yaml', edits: [{ path: '$.appVersion', old: '1.3.2', new: '1.4.0' }], before: '', after: '', diff: '' },
        { path: 'README.md', kind: 'whole-file', edits: [], before: '', after: '', diff: '' },
      ],
    } as unknown as ChangeSet;
    expect(commitMessagePreview('cf-101', 'qa', changeSet)).toEqual({
      title: 'Promote cf-101 to qa: cf-101-qa',
      body: '- Chart.yaml $.appVersion: "1.3.2" → "1.4.0"\n- README.md: whole file',
    });
  });
});

describe('formatValue', () => {
  it('shows strings bare, the rest as JSON, and absence', () => {
    expect([formatValue('1.4.0'), formatValue(3), formatValue({ a: 1 }), formatValue(undefined)]).toEqual(['1.4.0', '3', '{"a":1}', '(absent)']);
  });
});
