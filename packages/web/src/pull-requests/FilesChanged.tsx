import { Alert, Badge, Group, Loader, Stack, Switch, Text } from '@mantine/core';
import { unifiedDiff } from '@stagecoach/core';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { ApiError } from '../api.ts';
import { ApiErrorAlert } from '../promote/ApiErrorAlert.tsx';
import { FileDiff } from '../promote/FileDiff.tsx';
import type { PullRequest, PullRequestFile } from '@stagecoach/core';
import { getPullRequestFiles, pullRequestQueryKeys } from './api.ts';

const statusColor: Record<PullRequestFile['status'], string> = { added: 'green', modified: 'blue', deleted: 'red' };

/** The note shown instead of a diff, or undefined when there is a diff to show. */
function noteOf(file: PullRequestFile): string | undefined {
  if (file.binary) return 'Binary file; not shown';
  if (file.tooLarge) return 'Larger than 1 MiB; not shown';
  return undefined;
}

/** One file: its path and status above its diff (computed here from the texts the server sends). */
function ChangedFile({ file, full }: { file: PullRequestFile; full: boolean }) {
  const before = file.before ?? '';
  const after = file.after ?? '';
  const change = useMemo(() => ({ path: file.path, before, diff: unifiedDiff(file.path, before, after) }), [file.path, before, after]);
  const badge = (
    <Badge color={statusColor[file.status]} variant="light" size="sm" data-file-status={file.status}>
      {file.status}
    </Badge>
  );
  const note = noteOf(file);
  return <FileDiff file={change} full={full} badge={badge} {...(note === undefined ? {} : { note })} />;
}

/**
 * "Files changed": every file the pull request changes with its diff, compact or whole. Read
 * again when the state changes (a merge compares the merge commit's parents). A closed pull
 * request's branch is deleted: the server's reason is shown quietly instead.
 */
export function FilesChanged({ pullRequest: pr }: { pullRequest: PullRequest }) {
  const [compact, setCompact] = useState(true);
  const files = useQuery({
    queryKey: pullRequestQueryKeys.files(pr.id, pr.state),
    queryFn: ({ signal }) => getPullRequestFiles(pr.id, signal),
    retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
  });

  let body;
  if (files.isError) {
    const error = files.error;
    body =
      error instanceof ApiError && error.status === 409 ? (
        <Alert color="gray" variant="light" role="status">
          {error.message}
        </Alert>
      ) : (
        <ApiErrorAlert title="Could not read the files" error={error} />
      );
  } else if (files.data === undefined) {
    body = (
      <Group gap="sm">
        <Loader size="xs" />
        <Text size="sm" c="dimmed">
          Reading the files…
        </Text>
      </Group>
    );
  } else if (files.data.files.length === 0) {
    body = (
      <Text size="sm" c="dimmed">
        No file changes.
      </Text>
    );
  } else {
    body = (
      <Stack gap="md">
        {files.data.files.map((file) => (
          <ChangedFile key={file.path} file={file} full={!compact} />
        ))}
        {files.data.truncated ? (
          <Text size="sm" c="dimmed">
            Only the first {files.data.files.length} files are shown.
          </Text>
        ) : null}
      </Stack>
    );
  }

  return (
    <Stack gap="xs" component="section" aria-label="Files changed">
      <Group justify="space-between">
        <Text fw={600} size="sm">
          Files changed{files.data ? ` (${files.data.files.length}${files.data.truncated ? '+' : ''})` : ''}
        </Text>
        {files.data && files.data.files.length > 0 ? (
          <Switch size="sm" label="Compact diff" checked={compact} onChange={(event) => setCompact(event.currentTarget.checked)} />
        ) : null}
      </Group>
      {body}
    </Stack>
  );
}
