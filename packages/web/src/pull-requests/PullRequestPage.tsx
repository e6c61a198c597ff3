import { Alert, Anchor, Button, Code, Group, Loader, Modal, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useMemo, useState } from 'react';
import { ApiError } from '../api.ts';
import { coalesce } from '../live/events.ts';
import { useEvents } from '../live/useEvents.ts';
import { ApiErrorAlert } from '../promote/ApiErrorAlert.tsx';
import { getRelease, releaseQueryKeys } from '../releases/api.ts';
import { formatDateTime } from '../releases/status.ts';
import { StatusBadge } from '../releases/StatusBadge.tsx';
import { deniedReason, useAbilities } from '../shell/abilities.tsx';
import { GuardedButton } from '../shell/GuardedButton.tsx';
import type { PullRequest } from '@stagecoach/core';
import { commandPullRequest, getPullRequest, pullRequestQueryKeys, type PullRequestCommand } from './api.ts';
import { originOfBranch, type PullRequestOrigin } from './model.ts';
import { FilesChanged } from './FilesChanged.tsx';
import { Branches, RepositoryText } from './PullRequestsPage.tsx';
import { StateBadge } from './StateBadge.tsx';

/** How often an open pull request whose branch names no release is read again, in milliseconds. */
const unlinkedPollMs = 5000;

/**
 * Keeps a pull request and its release fresh. Live events are used: a merge or close, made here,
 * with the CLI or through the API, lets the release's suspended step go on or fail, and every
 * event of that release reloads both (one subscription, at most one reload at a time). Pull
 * requests send no events of their own, so one whose branch names no release is polled instead
 * (see `unlinkedPollMs`).
 */
function useLivePullRequest(id: string, release: string | undefined): void {
  const queryClient = useQueryClient();
  const refresh = useMemo(
    () =>
      coalesce(() =>
        Promise.all([
          queryClient.invalidateQueries({ queryKey: pullRequestQueryKeys.detail(id) }),
          release === undefined ? undefined : queryClient.invalidateQueries({ queryKey: releaseQueryKeys.detail(release) }),
        ]),
      ),
    [queryClient, id, release],
  );
  useEvents({ release }, refresh, { enabled: release !== undefined, onOpen: refresh });
}

/** One local pull request: what it merges where, its release, its description, the files it changes, and Merge and Close while it is open. */
export function PullRequestPage() {
  const { id = '' } = useParams({ strict: false }) as { id?: string };
  const pullRequest = useQuery({
    queryKey: pullRequestQueryKeys.detail(id),
    queryFn: ({ signal }) => getPullRequest(id, signal),
    refetchInterval: (query) => {
      const data = query.state.data;
      return data !== undefined && data.state === 'open' && originOfBranch(data.head) === undefined ? unlinkedPollMs : false;
    },
  });
  const origin = pullRequest.data ? originOfBranch(pullRequest.data.head) : undefined;
  useLivePullRequest(id, origin?.release);

  const back = (
    <Anchor renderRoot={(props) => <Link {...props} to="/pull-requests" />} size="sm">
      ← Pull requests
    </Anchor>
  );
  if (pullRequest.isError) {
    const error = pullRequest.error;
    if (error instanceof ApiError && error.isUnauthorized) return null;
    const missing = error instanceof ApiError && error.status === 404;
    return (
      <Stack gap="md">
        {back}
        <Alert color="red" title={missing ? `No pull request ${id}` : `Could not load pull request ${id}`}>
          {missing ? 'Stagecoach has no pull request with this id. Pull requests on GitHub or GitLab are not listed here.' : error.message}
        </Alert>
      </Stack>
    );
  }
  if (pullRequest.data === undefined) {
    return (
      <Group gap="sm">
        <Loader size="sm" />
        <Text c="dimmed">Loading the pull request…</Text>
      </Group>
    );
  }
  return (
    <Stack gap="md">
      {back}
      <PullRequestView pullRequest={pullRequest.data} origin={origin} />
    </Stack>
  );
}

/** The release a pull request belongs to: its title and status when it can be read, its id otherwise. */
function ReleaseCell({ origin }: { origin: PullRequestOrigin }) {
  const release = useQuery({ queryKey: releaseQueryKeys.detail(origin.release), queryFn: ({ signal }) => getRelease(origin.release, signal) });
  return (
    <Group gap="xs" wrap="wrap">
      <Anchor size="sm" renderRoot={(props) => <Link {...props} to="/releases/$id" params={{ id: origin.release }} />} data-release={origin.release}>
        {release.data?.title ?? `Release ${origin.release}`}
      </Anchor>
      {release.data ? <StatusBadge status={release.data.status} size="sm" /> : null}
      <Text span size="sm" c="dimmed">
        environment{' '}
        <Text span size="sm" c="bright">
          {origin.environment}
        </Text>{' '}
        · application{' '}
        <Text span size="sm" c="bright">
          {origin.application}
        </Text>
      </Text>
    </Group>
  );
}

const failedWords: Record<PullRequestCommand, string> = { merge: 'Not merged', close: 'Not closed' };

function PullRequestView({ pullRequest: pr, origin }: { pullRequest: PullRequest; origin: PullRequestOrigin | undefined }) {
  const abilities = useAbilities();
  const queryClient = useQueryClient();
  const [confirmingClose, setConfirmingClose] = useState(false);
  const command = useMutation({
    mutationFn: (verb: PullRequestCommand) => commandPullRequest(pr.id, verb),
    onSuccess: (updated, verb) => {
      queryClient.setQueryData(pullRequestQueryKeys.detail(updated.id), updated);
      void queryClient.invalidateQueries({ queryKey: pullRequestQueryKeys.lists });
      if (origin) void queryClient.invalidateQueries({ queryKey: releaseQueryKeys.detail(origin.release) });
      notifications.show({ color: 'green', message: verb === 'merge' ? `Pull request merged into ${updated.base}` : 'Pull request closed' });
    },
    // Refused because someone merged or closed it meanwhile: show what it is now, beside the reason.
    onError: () => void queryClient.invalidateQueries({ queryKey: pullRequestQueryKeys.detail(pr.id) }),
  });
  const open = pr.state === 'open';
  const step = origin ? `the release's step for ${origin.environment}` : "the release's step";

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={4}>
          <Group gap="sm">
            <Title order={2}>{pr.title}</Title>
            <StateBadge state={pr.state} size="lg" />
          </Group>
          <Text size="sm" c="dimmed">
            Local pull request{' '}
            <Text span ff="monospace" size="sm">
              {pr.id}
            </Text>
          </Text>
        </Stack>
        {open ? (
          <Group gap="sm" wrap="nowrap">
            <GuardedButton
              color="green"
              deniedReason={deniedReason(abilities, abilities.operate, 'merge pull requests')}
              loading={command.isPending && command.variables === 'merge'}
              disabled={command.isPending}
              onClick={() => command.mutate('merge')}
            >
              Merge
            </GuardedButton>
            <GuardedButton
              color="red"
              variant="light"
              deniedReason={deniedReason(abilities, abilities.operate, 'close pull requests')}
              loading={command.isPending && command.variables === 'close'}
              disabled={command.isPending}
              onClick={() => setConfirmingClose(true)}
            >
              Close
            </GuardedButton>
          </Group>
        ) : null}
      </Group>
      {command.isError ? <ApiErrorAlert title={failedWords[command.variables]} error={command.error} /> : null}
      <Table variant="vertical" layout="fixed" withTableBorder maw={960} aria-label="Pull request details">
        <Table.Tbody>
          <Table.Tr>
            <Table.Th w={160}>Repository</Table.Th>
            <Table.Td>
              <RepositoryText repoURL={pr.repoURL} />
            </Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>Base ← head</Table.Th>
            <Table.Td>
              <Branches base={pr.base} head={pr.head} />
            </Table.Td>
          </Table.Tr>
          {origin ? (
            <Table.Tr>
              <Table.Th>Release</Table.Th>
              <Table.Td>
                <ReleaseCell origin={origin} />
              </Table.Td>
            </Table.Tr>
          ) : null}
          <Table.Tr>
            <Table.Th>Created</Table.Th>
            <Table.Td>{formatDateTime(pr.createdAt)}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>{open ? 'Updated' : pr.state === 'merged' ? 'Merged' : 'Closed'}</Table.Th>
            <Table.Td>{formatDateTime(pr.updatedAt)}</Table.Td>
          </Table.Tr>
          {pr.mergeCommit ? (
            <Table.Tr>
              <Table.Th>Merge commit</Table.Th>
              <Table.Td>
                <Text span size="sm" ff="monospace" data-merge-commit={pr.mergeCommit}>
                  {pr.mergeCommit}
                </Text>
              </Table.Td>
            </Table.Tr>
          ) : null}
        </Table.Tbody>
      </Table>
      {open ? (
        <Text size="sm" c="dimmed">
          Merge to let {step} go on; close to fail it.
        </Text>
      ) : null}
      <Stack gap={4}>
        <Text fw={600} size="sm">
          Description
        </Text>
        <Code block aria-label="Description" style={{ whiteSpace: 'pre-wrap' }}>
          {pr.body === '' ? '(none)' : pr.body}
        </Code>
      </Stack>
      <FilesChanged pullRequest={pr} />
      <Modal opened={confirmingClose} onClose={() => setConfirmingClose(false)} title="Close this pull request?">
        <Stack>
          <Text size="sm">
            It is closed without merging, its branch <Code>{pr.head}</Code> is deleted, and {step} fails. This cannot be undone.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirmingClose(false)}>
              Keep it open
            </Button>
            <Button
              color="red"
              onClick={() => {
                setConfirmingClose(false);
                command.mutate('close');
              }}
            >
              Close pull request
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
