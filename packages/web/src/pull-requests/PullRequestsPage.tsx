import { Alert, Anchor, Code, Group, Loader, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useRefreshOnEvents } from '../live/useEvents.ts';
import { formatDateTime } from '../releases/status.ts';
import { PULL_REQUEST_STATES, type PullRequest, type PullRequestState } from '@stagecoach/core';
import { listPullRequests, pullRequestQueryKeys } from './api.ts';
import { isPullRequestState, repositoryName } from './model.ts';
import { StateBadge } from './StateBadge.tsx';

/** The search parameters of `/pull-requests`; no `state` lists every state. */
export interface PullRequestsSearch {
  state?: string;
}

const ALL = 'all';

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Why the list is empty, and when pull requests appear here. */
function EmptyList({ state }: { state: PullRequestState | undefined }) {
  return (
    <Stack gap={4} aria-label="No pull requests">
      <Text fw={600}>{state === undefined ? 'No pull requests yet.' : `No ${state} pull request.`}</Text>
      <Text size="sm" c="dimmed" maw={720}>
        Stagecoach opens a pull request here when a release's <Code>pr</Code> action promotes to a repository that no Git
        provider covers: a branch in that repository, to merge or close on its page. Pull requests on GitHub or GitLab
        stay there and are linked from the release instead.
      </Text>
    </Stack>
  );
}

/**
 * Local pull requests, newest first, filtered by state (kept in the address). Reloaded when a
 * step of any release changes: that is when one is opened, merged or closed.
 */
export function PullRequestsPage() {
  const search = useSearch({ strict: false }) as PullRequestsSearch;
  const navigate = useNavigate();
  // An unknown state in the address lists every state rather than asking the server for it.
  const state = isPullRequestState(search.state) ? search.state : undefined;
  const pullRequests = useQuery({ queryKey: pullRequestQueryKeys.list(state), queryFn: ({ signal }) => listPullRequests(state, signal) });
  useRefreshOnEvents({ types: ['step'] }, pullRequestQueryKeys.lists);

  return (
    <Stack gap="md">
      <Title order={2}>Pull requests</Title>
      <SegmentedControl
        aria-label="State"
        w="fit-content"
        data={[{ value: ALL, label: 'All' }, ...PULL_REQUEST_STATES.map((value) => ({ value, label: value[0]!.toUpperCase() + value.slice(1) }))]}
        value={state ?? ALL}
        onChange={(value) => void navigate({ to: '/pull-requests', search: value === ALL ? {} : { state: value }, replace: true })}
      />
      {pullRequests.isError ? (
        <Alert color="red" title="Could not load the pull requests">
          {errorText(pullRequests.error)}
        </Alert>
      ) : pullRequests.data === undefined ? (
        <Group gap="sm">
          <Loader size="sm" />
          <Text c="dimmed">Loading pull requests…</Text>
        </Group>
      ) : pullRequests.data.length === 0 ? (
        <EmptyList state={state} />
      ) : (
        <PullRequestsTable pullRequests={pullRequests.data} />
      )}
    </Stack>
  );
}

/** A repository's URL or path; `short` shows its name alone, with the whole on hover. */
export function RepositoryText({ repoURL, short = false }: { repoURL: string; short?: boolean }) {
  return (
    <Text span size="sm" ff="monospace" title={repoURL} style={{ wordBreak: 'break-all' }}>
      {short ? repositoryName(repoURL) : repoURL}
    </Text>
  );
}

/** `base ← head`: where the pull request merges into, from which branch. */
export function Branches({ base, head }: { base: string; head: string }) {
  return (
    <Text span size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
      {base}{' '}
      <Text span c="dimmed">
        ←
      </Text>{' '}
      {head}
    </Text>
  );
}

/** The table of pull requests; each row opens the pull request's page. */
export function PullRequestsTable({ pullRequests }: { pullRequests: readonly PullRequest[] }) {
  const navigate = useNavigate();
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table striped highlightOnHover aria-label="Pull requests">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Title</Table.Th>
            <Table.Th>Repository</Table.Th>
            <Table.Th>Base ← head</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th>Created</Table.Th>
            <Table.Th>Updated</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {pullRequests.map((pr) => (
            <Table.Tr
              key={pr.id}
              data-pull-request={pr.id}
              style={{ cursor: 'pointer' }}
              // The title is the keyboard's way in; a click anywhere on the row is a shortcut.
              onClick={(event) => {
                if ((event.target as HTMLElement).closest('a') === null) void navigate({ to: '/pull-requests/$id', params: { id: pr.id } });
              }}
            >
              <Table.Td>
                <Anchor renderRoot={(props) => <Link {...props} to="/pull-requests/$id" params={{ id: pr.id }} />} fw={600}>
                  {pr.title}
                </Anchor>
              </Table.Td>
              <Table.Td>
                <RepositoryText repoURL={pr.repoURL} short />
              </Table.Td>
              <Table.Td maw={360}>
                <Branches base={pr.base} head={pr.head} />
              </Table.Td>
              <Table.Td>
                <StateBadge state={pr.state} size="sm" />
              </Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(pr.createdAt)}</Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(pr.updatedAt)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
