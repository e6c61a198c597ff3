import { Alert, Anchor, Group, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { isFinalRelease } from '@stagecoach/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { deniedReason, useAbilities } from '../shell/abilities.tsx';
import { GuardedButton } from '../shell/GuardedButton.tsx';
import { releaseQueryKeys, retryRelease, terminateRelease, type ReleaseView } from './api.ts';
import { flowLabel } from './rows.ts';
import { StatusBadge } from './StatusBadge.tsx';

/** Which of retry and terminate a release's status allows. */
export function releaseCommands(status: ReleaseView['status']): { retry: boolean; terminate: boolean } {
  return {
    retry: status === 'Failed' || status === 'Terminated',
    terminate: !isFinalRelease(status) && status !== 'Terminating',
  };
}

/** The release's title, product, flow, trigger commit, status, and the retry or terminate button. */
export function ReleaseHeader({ release }: { release: ReleaseView }) {
  const abilities = useAbilities();
  const queryClient = useQueryClient();
  const commands = releaseCommands(release.status);
  const commit = release.snapshot.source.commit;
  const onDone = (verb: string) => (updated: ReleaseView) => {
    queryClient.setQueryData(releaseQueryKeys.detail(updated.id), updated);
    void queryClient.invalidateQueries({ queryKey: releaseQueryKeys.lists });
    notifications.show({ color: 'green', message: `${updated.title} ${verb}` });
  };
  const onError = (error: Error) => notifications.show({ color: 'red', title: 'Refused', message: error.message });
  const retry = useMutation({ mutationFn: () => retryRelease(release.id), onSuccess: onDone('queued again'), onError });
  const terminate = useMutation({ mutationFn: () => terminateRelease(release.id), onSuccess: onDone('is terminating'), onError });

  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Group gap="sm">
            <Title order={2}>{release.title}</Title>
            <StatusBadge status={release.status} size="lg" />
          </Group>
          <Text size="sm">
            <Text span c="dimmed">
              Product{' '}
            </Text>
            <Anchor renderRoot={(props) => <Link {...props} to="/releases" search={{ product: release.product }} />}>
              {release.product}
            </Anchor>
            <Text span c="dimmed">
              {' '}
              · flow{' '}
            </Text>
            {flowLabel(release.snapshot.flow.name, release.snapshot.flow.version)}
            <Text span c="dimmed">
              {' '}
              · version{' '}
            </Text>
            <Text span ff="monospace">
              {release.version}
            </Text>
            <Text span c="dimmed">
              {' '}
              · started by {release.initiator} ({release.trigger})
            </Text>
          </Text>
          <Text size="sm" c="dimmed" data-commit={commit.sha}>
            <Text span ff="monospace" c="bright">
              {commit.sha.slice(0, 12)}
            </Text>{' '}
            {commit.message.split('\n')[0]} — {commit.author}
          </Text>
        </Stack>
        <Group gap="sm">
          {commands.retry ? (
            <GuardedButton deniedReason={deniedReason(abilities, abilities.operate, 'retry releases')} loading={retry.isPending} onClick={() => retry.mutate()}>
              Retry
            </GuardedButton>
          ) : null}
          {commands.terminate ? (
            <GuardedButton
              color="red"
              variant="light"
              deniedReason={deniedReason(abilities, abilities.operate, 'terminate releases')}
              loading={terminate.isPending}
              onClick={() => terminate.mutate()}
            >
              Terminate
            </GuardedButton>
          ) : null}
        </Group>
      </Group>
      {(release.status === 'Failed' || release.status === 'Terminated' || release.status === 'Terminating') && release.message ? (
        <Alert color={release.status === 'Failed' ? 'red' : 'grape'} title={release.status === 'Failed' ? 'The release failed' : 'The release was terminated'}>
          {release.message}
        </Alert>
      ) : null}
    </Stack>
  );
}
