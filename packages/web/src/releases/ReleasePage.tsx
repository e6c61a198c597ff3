import { Alert, Group, Loader, Paper, SimpleGrid, Stack, Switch, Text } from '@mantine/core';
import { useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { ApiError } from '../api.ts';
import { useLiveRelease } from '../live/useEvents.ts';
import type { ReleaseCounters, ReleaseView } from './api.ts';
import { releaseHookRows } from './graph.ts';
import { LogsDrawer } from './LogsDrawer.tsx';
import { ReleaseGraph } from './ReleaseGraph.tsx';
import { ReleaseHeader } from './ReleaseHeader.tsx';
import { statusLook } from './status.ts';
import { StatusText } from './StatusBadge.tsx';
import { OpenLogsContext } from './StepNode.tsx';

const counterLooks: { key: keyof ReleaseCounters; label: string; status: string }[] = [
  { key: 'succeeded', label: 'Succeeded', status: 'Succeeded' },
  { key: 'running', label: 'Running', status: 'Running' },
  { key: 'failed', label: 'Failed', status: 'Failed' },
  { key: 'pending', label: 'Pending', status: 'Pending' },
];

function Counters({ counters }: { counters: ReleaseCounters }) {
  return (
    <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm" maw={640}>
      {counterLooks.map((counter) => (
        <Paper key={counter.key} withBorder p="xs" aria-label={counter.label} role="status">
          <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
            {counter.label}
          </Text>
          <Text fz={24} fw={700} c={`${statusLook(counter.status).color}.7`} data-counter={counter.key}>
            {counters[counter.key]}
          </Text>
        </Paper>
      ))}
    </SimpleGrid>
  );
}

function ReleaseHooks({ release, onOpenLogs }: { release: ReleaseView; onOpenLogs: (run: string) => void }) {
  const rows = releaseHookRows(release);
  if (rows.length === 0) return null;
  return (
    <Group gap="lg" aria-label="Release hooks">
      {rows.map((row) => (
        <Group key={row.key} gap={6} data-task={`release/${row.key}`}>
          <Text size="sm">
            release {row.label}{' '}
            <Text span ff="monospace" c="dimmed" size="sm">
              {row.name}
            </Text>
          </Text>
          <StatusText status={row.status} message={row.failures[0]?.message} />
          {row.runs.map((run) => (
            <Text key={run.run} span size="xs" c="indigo.6" td="underline" style={{ cursor: 'pointer' }} onClick={() => onOpenLogs(run.run)}>
              logs
            </Text>
          ))}
        </Group>
      ))}
    </Group>
  );
}

/** One release, live: header, counters, and the graph of its environments with their tasks. */
export function ReleasePage() {
  const { id } = useParams({ strict: false }) as { id?: string };
  const release = useLiveRelease(id);
  const [showHooks, setShowHooks] = useState(false);
  const [logsRun, setLogsRun] = useState<string | null>(null);

  if (release.isError) {
    const error = release.error;
    if (error instanceof ApiError && error.isUnauthorized) return null;
    return (
      <Alert color="red" title={error instanceof ApiError && error.status === 404 ? 'No such release' : 'Could not load the release'}>
        {error instanceof Error ? error.message : String(error)}
      </Alert>
    );
  }
  if (release.data === undefined) {
    return (
      <Group gap="sm">
        <Loader size="sm" />
        <Text c="dimmed">Loading the release…</Text>
      </Group>
    );
  }
  const data = release.data;
  return (
    <OpenLogsContext.Provider value={setLogsRun}>
      <Stack gap="md">
        <ReleaseHeader release={data} />
        <Counters counters={data.counters} />
        <Switch label="Show hooks" checked={showHooks} onChange={(event) => setShowHooks(event.currentTarget.checked)} />
        {showHooks ? <ReleaseHooks release={data} onOpenLogs={setLogsRun} /> : null}
        <ReleaseGraph release={data} showHooks={showHooks} />
      </Stack>
      <LogsDrawer run={logsRun} onClose={() => setLogsRun(null)} />
    </OpenLogsContext.Provider>
  );
}
