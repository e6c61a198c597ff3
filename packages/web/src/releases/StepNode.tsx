import { Anchor, Badge, Group, Paper, Stack, Text, Tooltip, UnstyledButton } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import { Handle, Position, type NodeProps, type Node } from '@xyflow/react';
import { createContext, memo, useContext } from 'react';
import { inAppPullRequestId } from '../pull-requests/model.ts';
import type { StepNodeData, TaskRow } from './graph.ts';
import { NODE_WIDTH } from './graph.ts';
import { formatDuration, formatTime, statusLook } from './status.ts';

/** Opens the logs of a workflow run; provided by the release page to every node. */
export const OpenLogsContext = createContext<(run: string) => void>(() => {});

/** The graph node type of one environment step. */
export type StepFlowNode = Node<{ step: StepNodeData }, 'step'>;

/**
 * A pull request's link: a local pull request (a page of this UI) opens inside the app; one on
 * GitHub or GitLab opens in a new tab.
 */
export function PullRequestLink({ url }: { url: string }) {
  const id = inAppPullRequestId(url, window.location.origin);
  if (id !== undefined) {
    return (
      <Anchor className="nodrag nopan" size="xs" renderRoot={(props) => <Link {...props} to="/pull-requests/$id" params={{ id }} />}>
        PR
      </Anchor>
    );
  }
  return (
    <Anchor href={url} target="_blank" rel="noreferrer" size="xs">
      PR
    </Anchor>
  );
}

function TaskLine({ row }: { row: TaskRow }) {
  const openLogs = useContext(OpenLogsContext);
  const look = statusLook(row.status);
  const waiting = row.waiting.map((note) => (note.application ? `${note.application}: ${note.message}` : note.message)).join('\n');
  return (
    <div data-task={row.key} data-status={row.status}>
      <Group gap={6} wrap="nowrap" justify="space-between">
        <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
          <Tooltip label={waiting || row.status} multiline maw={320} withArrow>
            <Text span c={`${look.color}.7`} aria-label={row.status} size="sm">
              {look.icon}
            </Text>
          </Tooltip>
          <Text span size="sm" c={row.hook ? 'dimmed' : undefined} truncate>
            {row.label}
            {row.name ? (
              <Text span size="sm" ff="monospace" c="dimmed">
                {' '}
                {row.name}
              </Text>
            ) : null}
          </Text>
        </Group>
        <Group gap={6} wrap="nowrap">
          {row.pullRequests.map((pr) => (
            <PullRequestLink key={pr.id} url={pr.url} />
          ))}
          {row.runs.map((run) => (
            <UnstyledButton
              key={run.run}
              className="nodrag nopan"
              onClick={() => openLogs(run.run)}
              aria-label={`Logs of ${row.label}${run.application ? ` (${run.application})` : ''}`}
            >
              <Text span size="xs" c="indigo.6" td="underline">
                logs
              </Text>
            </UnstyledButton>
          ))}
        </Group>
      </Group>
      {row.failures.map((failure) => (
        <Text key={`${failure.application ?? ''}:${failure.message}`} size="xs" c="red.7" lineClamp={2} title={failure.message} pl={20}>
          {failure.application ? `${failure.application}: ` : ''}
          {failure.message}
        </Text>
      ))}
    </div>
  );
}

/** One environment of the release: its status, start and duration, and its tasks. */
function StepNodeView({ data }: NodeProps<StepFlowNode>) {
  const { step } = data;
  const look = statusLook(step.status);
  return (
    <Paper
      role="group"
      aria-label={step.environment}
      data-environment={step.environment}
      data-status={step.status}
      withBorder
      p="sm"
      w={NODE_WIDTH}
      style={{ borderColor: `var(--mantine-color-${look.color}-6)`, borderWidth: 2, borderLeftWidth: 6 }}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap">
          <Group gap={6} wrap="nowrap">
            <Text fw={700}>{step.environment}</Text>
            {step.trigger ? (
              <Badge size="xs" variant="outline" color="gray">
                trigger
              </Badge>
            ) : null}
          </Group>
          <Badge color={look.color} variant="filled" size="sm" miw="fit-content" leftSection={<span aria-hidden>{look.icon}</span>}>
            {step.status}
          </Badge>
        </Group>
        <Text size="xs" c="dimmed">
          {step.startedAt ? `started ${formatTime(step.startedAt)}` : 'not started'}
          {step.durationMs !== undefined ? ` · took ${formatDuration(step.durationMs)}` : ''}
        </Text>
        <Stack gap={2}>
          {step.tasks.map((row) => (
            <TaskLine key={row.key} row={row} />
          ))}
        </Stack>
      </Stack>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </Paper>
  );
}

/** Re-renders only when its step's data object changes (see `reuseUnchanged`). */
export const StepNode = memo(StepNodeView, (before, after) => before.data.step === after.data.step);
