import { Alert, Anchor, Code, Group, Loader, ScrollArea, Select, Stack, Table, Text, Title } from '@mantine/core';
import type { WorkflowRunNode } from '@stagecoach/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { useCallback, useState } from 'react';
import { ApiErrorAlert } from '../promote/ApiErrorAlert.tsx';
import { formatDateTime, formatDuration } from '../releases/status.ts';
import { deniedReason, useAbilities } from '../shell/abilities.tsx';
import { GuardedButton } from '../shell/GuardedButton.tsx';
import { commandWorkflowRun, getWorkflowRun, getWorkflowRunLogs, workflowKeys, type RunCommand, type WorkflowRunDetail } from './api.ts';
import { allowedCommands, defaultLogNode, isRunActive, nodeDurationMs } from './model.ts';
import { useLiveRun } from './live.ts';
import { PhaseBadge } from './PhaseBadge.tsx';
import { RunGraph } from './RunGraph.tsx';

/**
 * How often the run is read again whatever the events say, in milliseconds: often while it runs
 * (reading it also makes the server read the engine, so a change no event told of still shows),
 * rarely once it has finished (a retry started elsewhere).
 */
const activePollMs = 2000;
const fallbackPollMs = 15_000;

/** How often the log of a run that is still going is read again, in milliseconds: events tell of phases, not of lines printed. */
const livePollMs = 1000;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * One workflow run: status, commands, node graph, node table with outputs, and logs; live from
 * the run's `workflow-node` events (a retry started elsewhere shows too).
 */
export function WorkflowRunPage() {
  const { id = '' } = useParams({ strict: false }) as { id?: string };
  const run = useQuery({
    queryKey: workflowKeys.run(id),
    queryFn: ({ signal }) => getWorkflowRun(id, signal),
    refetchInterval: (query) => (query.state.data !== undefined && !isRunActive(query.state.data.phase) ? fallbackPollMs : activePollMs),
  });
  useLiveRun(id);
  if (run.isError) {
    return (
      <Alert color="red" title={`Could not load workflow run "${id}"`}>
        {errorText(run.error)}
      </Alert>
    );
  }
  if (run.data === undefined) return <Loader size="sm" />;
  return <RunView run={run.data} />;
}

/** The choice of the logs switch that shows every node's log. */
const ALL = '*';

const commandLabels: Record<RunCommand, string> = { terminate: 'Terminate', retry: 'Retry', resubmit: 'Resubmit' };
const commandWords: Record<RunCommand, string> = { terminate: 'terminate workflow runs', retry: 'retry workflow runs', resubmit: 'resubmit workflow runs' };

function RunView({ run }: { run: WorkflowRunDetail }) {
  const abilities = useAbilities();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  // A node id, ALL for every node's logs, or undefined for the default node.
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const selected = chosen === ALL ? undefined : (chosen ?? defaultLogNode(run.nodes));
  const onSelect = useCallback((node: string) => setChosen(node), []);
  const now = isRunActive(run.phase) ? new Date().toISOString() : (run.finishedAt ?? run.updatedAt);
  const duration = nodeDurationMs(run, now);

  const command = useMutation({
    mutationFn: (verb: RunCommand) => commandWorkflowRun(run.id, verb),
    onSuccess: async (next) => {
      await queryClient.invalidateQueries({ queryKey: workflowKeys.runs });
      if (next.id !== run.id) void navigate({ to: '/workflow-runs/$id', params: { id: next.id } });
    },
  });
  const { product, environment, application, release } = run.labels;

  return (
    <Stack gap="md">
      <Anchor renderRoot={(props) => <Link {...props} to="/workflows" />} size="sm">
        ← Workflows
      </Anchor>
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Group gap="sm">
            <Title order={2}>{run.id}</Title>
            <PhaseBadge phase={run.phase} />
          </Group>
          <Text size="sm" c="dimmed">
            <Anchor size="sm" renderRoot={(props) => <Link {...props} to="/workflows/$name" params={{ name: run.template }} />}>
              {run.template}
            </Anchor>
            {` · ${run.engine} engine · started ${formatDateTime(run.startedAt ?? run.createdAt)}`}
            {duration !== undefined ? ` · ${formatDuration(duration)}` : ''}
            {run.attempts > 1 ? ` · attempt ${run.attempts}` : ''}
          </Text>
          {product || environment || application ? <Text size="sm">{[product, environment, application].filter(Boolean).join(' · ')}</Text> : null}
          {release ? (
            <Anchor size="sm" renderRoot={(props) => <Link {...props} to="/releases/$id" params={{ id: release }} />}>
              Release {release}
            </Anchor>
          ) : null}
          {run.retryOf ? (
            <Text size="sm">
              Resubmitted from{' '}
              <Anchor size="sm" renderRoot={(props) => <Link {...props} to="/workflow-runs/$id" params={{ id: run.retryOf! }} />}>
                {run.retryOf}
              </Anchor>
            </Text>
          ) : null}
        </Stack>
        <Group gap="sm">
          {allowedCommands(run.phase).map((verb) => (
            <GuardedButton
              key={verb}
              variant={verb === 'terminate' ? 'light' : 'default'}
              color={verb === 'terminate' ? 'red' : undefined}
              loading={command.isPending && command.variables === verb}
              deniedReason={deniedReason(abilities, abilities.operate, commandWords[verb])}
              onClick={() => command.mutate(verb)}
            >
              {commandLabels[verb]}
            </GuardedButton>
          ))}
        </Group>
      </Group>
      {run.message ? (
        <Alert color={run.phase === 'Succeeded' ? 'green' : isRunActive(run.phase) ? 'blue' : 'red'} title="Message">
          {run.message}
        </Alert>
      ) : null}
      {command.isError ? <ApiErrorAlert title="The command was refused" error={command.error} /> : null}
      {Object.keys(run.parameters).length > 0 ? (
        <Group gap={4}>
          <Text size="sm" fw={600}>
            Parameters:
          </Text>
          {Object.entries(run.parameters).map(([name, value]) => (
            <Code key={name}>{`${name}=${value}`}</Code>
          ))}
        </Group>
      ) : null}
      <RunGraph nodes={run.nodes} selected={selected} onSelect={onSelect} now={now} />
      <NodesTable nodes={run.nodes} now={now} selected={selected} onSelect={onSelect} />
      {Object.keys(run.outputs).length > 0 ? (
        <Group gap={4}>
          <Text size="sm" fw={600}>
            Global outputs:
          </Text>
          {Object.entries(run.outputs).map(([name, value]) => (
            <Code key={name}>{`${name}=${value}`}</Code>
          ))}
        </Group>
      ) : null}
      <RunLogs run={run} nodes={run.nodes} node={selected} onSelect={onSelect} />
    </Stack>
  );
}

/** Every node with its phase, duration, message and outputs; a row's button shows its logs. */
function NodesTable({ nodes, now, selected, onSelect }: { nodes: readonly WorkflowRunNode[]; now: string; selected: string | undefined; onSelect: (id: string) => void }) {
  return (
    <Table aria-label="Run nodes" striped>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Node</Table.Th>
          <Table.Th>Type</Table.Th>
          <Table.Th>Status</Table.Th>
          <Table.Th>Duration</Table.Th>
          <Table.Th>Outputs</Table.Th>
          <Table.Th>Logs</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {nodes.map((node) => {
          const duration = nodeDurationMs(node, now);
          return (
            <Table.Tr key={node.id} data-node-row={node.displayName} bg={node.id === selected ? 'var(--mantine-color-blue-light)' : undefined}>
              <Table.Td>
                <Text size="sm" fw={600}>
                  {node.displayName}
                </Text>
                {node.message ? (
                  <Text size="xs" c="red.7">
                    {node.message}
                  </Text>
                ) : null}
              </Table.Td>
              <Table.Td>{node.type}</Table.Td>
              <Table.Td>
                <PhaseBadge phase={node.phase} size="sm" />
              </Table.Td>
              <Table.Td>{duration === undefined ? '' : formatDuration(duration)}</Table.Td>
              <Table.Td>
                <Group gap={4}>
                  {node.outputs.map((output) => (
                    <Code key={output.name}>{`${output.name}=${output.value}`}</Code>
                  ))}
                </Group>
              </Table.Td>
              <Table.Td>
                <Anchor component="button" type="button" size="sm" onClick={() => onSelect(node.id)} aria-label={`Logs of ${node.displayName}`}>
                  Show
                </Anchor>
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}

/** The log of one node (`node`), or of every node (undefined); read again every second while the run goes, and on the run's events. */
function RunLogs({ run, nodes, node, onSelect }: { run: WorkflowRunDetail; nodes: readonly WorkflowRunNode[]; node: string | undefined; onSelect: (id: string) => void }) {
  const logs = useQuery({
    // The phase is part of the key so that the end of the run reads the log a last time.
    queryKey: [...workflowKeys.logs(run.id, node), run.phase],
    queryFn: ({ signal }) => getWorkflowRunLogs(run.id, node, signal),
    refetchInterval: isRunActive(run.phase) ? livePollMs : false,
    placeholderData: (previous) => previous,
  });
  const selectedNode = nodes.find((candidate) => candidate.id === node);
  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Title order={3}>Logs{selectedNode ? ` of ${selectedNode.displayName}` : ' of every node'}</Title>
        <Select
          size="xs"
          aria-label="Logs of"
          allowDeselect={false}
          value={node ?? ALL}
          onChange={(value) => onSelect(value ?? ALL)}
          data={[{ value: ALL, label: 'All nodes' }, ...nodes.map((candidate) => ({ value: candidate.id, label: `${candidate.displayName} (${candidate.type})` }))]}
          w={320}
        />
      </Group>
      {logs.isError ? (
        <Alert color="red" title="Could not load the logs">
          {errorText(logs.error)}
        </Alert>
      ) : logs.data === undefined ? (
        <Loader size="sm" />
      ) : (
        <ScrollArea.Autosize mah={360}>
          <Code block aria-label="Run logs">
            {logs.data === '' ? '(no output yet)' : logs.data}
          </Code>
        </ScrollArea.Autosize>
      )}
    </Stack>
  );
}
