import type { Action } from '@stagecoach/core';
import type { HookSlot, PolicySlot } from './model.ts';

/** Words people see for each action; an unset action comes from the promotion policies. */
export function actionLabel(action: Action | undefined): string {
  switch (action) {
    case 'commit':
      return 'commit';
    case 'pr':
      return 'pull request';
    case 'none':
      return 'no action';
    case undefined:
      return 'from policies';
  }
}

/** The choices of the action slot; `''` leaves it to the policies. */
export const ACTION_CHOICES = [
  { value: '', label: 'From policies' },
  { value: 'commit', label: 'Commit' },
  { value: 'pr', label: 'Pull request' },
  { value: 'none', label: 'No action' },
];

export const POLICY_SLOT_LABELS: Record<PolicySlot, string> = {
  preAction: 'Pre-action workflow',
  action: 'Action',
  postAction: 'Post-action workflow',
};

export const STEP_HOOK_LABELS: Record<HookSlot, string> = {
  onStart: 'On start',
  onSuccess: 'On success',
  onFail: 'On failure',
};

export const FLOW_HOOK_LABELS: Record<HookSlot, string> = {
  onStart: 'Release start',
  onSuccess: 'Release success',
  onFail: 'Release failure',
};
