import type { Action, PolicySource } from '@stagecoach/core';
import type { ChangeSet, PolicyOverrides, PreviewPolicy } from './api.ts';

/** What the form holds: the action and the workflows; null = no workflow (removed here when the policy names one). */
export interface PromotionSettings {
  action: Action;
  preAction: string | null;
  postAction: string | null;
}

/** The form's starting values: the resolved policy's. */
export function settingsFromPolicy(policy: PreviewPolicy): PromotionSettings {
  return {
    action: policy.fields.action.value,
    preAction: policy.fields.preAction?.value ?? null,
    postAction: policy.fields.postAction?.value ?? null,
  };
}

/**
 * The fields the user changed away from the policy, to send with the promotion; fields left as
 * the policy has them are absent, so the server's own resolution stands for them. A workflow
 * cleared where the policy names one is sent as `null`: none for this promotion.
 */
export function promotionOverrides(policy: PreviewPolicy, chosen: PromotionSettings): PolicyOverrides {
  const resolved = settingsFromPolicy(policy);
  const overrides: PolicyOverrides = {};
  if (chosen.action !== resolved.action) overrides.action = chosen.action;
  if (chosen.preAction !== resolved.preAction) overrides.preAction = chosen.preAction;
  if (chosen.postAction !== resolved.postAction) overrides.postAction = chosen.postAction;
  return overrides;
}

/** Whether the form removes a workflow the resolved policy runs. */
export function removedHere(policy: PreviewPolicy, settings: PromotionSettings, slot: 'preAction' | 'postAction'): boolean {
  return settings[slot] === null && policy.fields[slot] !== undefined;
}

/**
 * What a workflow select says under it: where its value came from, or, once cleared, that it is
 * removed here and what the policy would have run (`removed here; smoke-tests from policy qa-checks`).
 */
export function describeWorkflow(policy: PreviewPolicy, settings: PromotionSettings, slot: 'preAction' | 'postAction'): string {
  const resolved = policy.fields[slot];
  if (resolved !== undefined && removedHere(policy, settings, slot)) return `removed here; ${resolved.value} ${describeSource(resolved.source, false)}`;
  const removed = policy.removed?.find((r) => r.field === slot);
  if (removed !== undefined && settings[slot] === null) return `removed by ${removed.source.name}`;
  return describeSource(resolved?.source, settings[slot] !== (resolved?.value ?? null));
}

/** Where a field's value came from, in words: `from policy production-needs-pr`, `default`, `inline`. */
export function describeSource(source: PolicySource | undefined, changedHere: boolean): string {
  if (changedHere) return 'changed here';
  if (source === undefined) return 'no policy sets one';
  switch (source.type) {
    case 'policy':
      return `from policy ${source.name}`;
    case 'default':
      return 'default';
    case 'inline':
      return 'inline';
  }
}

/** The three actions, in the order the form offers them, with their labels. */
export const ACTION_CHOICES: readonly { value: Action; label: string }[] = [
  { value: 'commit', label: 'Commit' },
  { value: 'pr', label: 'Pull Request' },
  { value: 'none', label: 'No action' },
];

/** What each action does, said under the choice. */
export function actionDescription(action: Action): string {
  switch (action) {
    case 'commit':
      return 'One commit on the target application’s branch.';
    case 'pr':
      return 'A new branch and a pull request; the step waits until it is merged.';
    case 'none':
      return 'No Git change: only the workflows run.';
  }
}

/** The commit message Stagecoach will write for one change set: a title and a body. */
export interface CommitMessagePreview {
  title: string;
  body: string;
}

function shortValue(value: unknown): string {
  const text = value === undefined ? '(absent)' : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * The commit message the action writes for a change set (the release id and trailers are added
 * when the release exists): the title names the product, environment and application, the body
 * lists each changed property.
 */
export function commitMessagePreview(product: string, environment: string, changeSet: ChangeSet): CommitMessagePreview {
  const lines: string[] = [];
  for (const file of changeSet.files) {
    if (file.edits.length === 0) lines.push(`- ${file.path}: whole file`);
    for (const edit of file.edits) lines.push(`- ${file.path} ${edit.path}: ${shortValue(edit.old)} → ${shortValue(edit.new)}`);
  }
  return { title: `Promote ${product} to ${environment}: ${changeSet.application}`, body: lines.join('\n') };
}

/** A property value as the page shows it: strings bare, everything else as JSON, absent as such. */
export function formatValue(value: unknown): string {
  if (value === undefined) return '(absent)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
