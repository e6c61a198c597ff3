import { Badge } from '@mantine/core';
import type { PullRequestState } from '@stagecoach/core';
import { pullRequestLook } from './model.ts';

/** A pull request's state as a coloured badge with its icon. */
export function StateBadge({ state, size = 'md' }: { state: PullRequestState; size?: 'xs' | 'sm' | 'md' | 'lg' }) {
  const look = pullRequestLook(state);
  return (
    <Badge color={look.color} variant="light" size={size} miw="fit-content" leftSection={<span aria-hidden>{look.icon}</span>} data-state={state}>
      {state}
    </Badge>
  );
}
