import { describe, expect, it } from 'vitest';
import type { ChangeSet, PreviewPolicy } from './api.ts';
import { canClearWorkflow, commitMessagePreview, describeSource, formatValue, promotionOverrides, settingsFromPolicy } from './settings.ts';

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

  it('sends nothing for a cleared workflow (a manual promotion cannot remove a policy workflow)', () => {
    expect(promotionOverrides(policy, { action: 'commit', preAction: null, postAction: null })).toEqual({});
    expect(canClearWorkflow(policy, 'preAction')).toBe(false);
    expect(canClearWorkflow(policy, 'postAction')).toBe(true);
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
