import { Alert, Code, Drawer, Loader, ScrollArea } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { getWorkflowRunLogs } from './api.ts';

/** The logs of one workflow run, read again every two seconds while the drawer is open. */
export function LogsDrawer({ run, onClose }: { run: string | null; onClose: () => void }) {
  const logs = useQuery({
    queryKey: ['workflow-runs', run, 'logs'],
    queryFn: ({ signal }) => getWorkflowRunLogs(run ?? '', signal),
    enabled: run !== null,
    refetchInterval: 2000,
  });
  return (
    <Drawer opened={run !== null} onClose={onClose} position="right" size="xl" title={run ? `Logs of ${run}` : ''}>
      {logs.isError ? (
        <Alert color="red" title="Could not load the logs">
          {logs.error instanceof Error ? logs.error.message : String(logs.error)}
        </Alert>
      ) : logs.data === undefined ? (
        <Loader size="sm" />
      ) : (
        <ScrollArea.Autosize mah="calc(100vh - 120px)">
          <Code block aria-label="Workflow run logs">
            {logs.data === '' ? '(no output yet)' : logs.data}
          </Code>
        </ScrollArea.Autosize>
      )}
    </Drawer>
  );
}
