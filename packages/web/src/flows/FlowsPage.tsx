import { Alert, Button, Group, Loader, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import type { PromotionFlow } from '@stagecoach/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { deniedReason, useAbilities } from '../shell/abilities.tsx';
import { GuardedButton } from '../shell/GuardedButton.tsx';
import { flowKeys, listFlows } from './api.ts';
import { DESCRIPTION_ANNOTATION, VERSION_ANNOTATION } from './model.ts';
import { TriggerFlowModal } from './TriggerFlowModal.tsx';

/** A button that stays disabled, with the reason on hover and focus, when `reason` is set. */
/** The promotion flows: what each does, a way into the builder, and Trigger. */
export function FlowsPage() {
  const navigate = useNavigate();
  const abilities = useAbilities();
  const flows = useQuery({ queryKey: flowKeys.all, queryFn: ({ signal }) => listFlows(signal) });
  const [triggering, setTriggering] = useState<PromotionFlow | undefined>(undefined);
  const writeDenied = deniedReason(abilities, abilities.write.PromotionFlow, 'edit promotion flows');
  const triggerDenied = deniedReason(abilities, abilities.operate, 'trigger flows');

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Promotion flows</Title>
        <GuardedButton deniedReason={writeDenied} onClick={() => void navigate({ to: '/flows/$name', params: { name: 'new' } } as never)}>
          New flow
        </GuardedButton>
      </Group>
      {flows.isPending ? <Loader aria-label="Loading flows" /> : null}
      {flows.isError ? (
        <Alert color="red" title="Could not load the flows">
          {flows.error.message}
        </Alert>
      ) : null}
      {flows.data && flows.data.length === 0 ? <Text c="dimmed">No promotion flows yet.</Text> : null}
      {flows.data && flows.data.length > 0 ? (
        <Table highlightOnHover verticalSpacing="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Description</Table.Th>
              <Table.Th>Version</Table.Th>
              <Table.Th>Trigger environment</Table.Th>
              <Table.Th>Steps</Table.Th>
              <Table.Th aria-label="Actions" />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {flows.data.map((flow) => (
              <Table.Tr
                key={flow.metadata.name}
                style={{ cursor: 'pointer' }}
                onClick={() => void navigate({ to: '/flows/$name', params: { name: flow.metadata.name } } as never)}
              >
                <Table.Td>
                  <Link to={'/flows/$name' as never} params={{ name: flow.metadata.name } as never} onClick={(e) => e.stopPropagation()}>
                    {flow.metadata.name}
                  </Link>
                </Table.Td>
                <Table.Td>{flow.metadata.annotations?.[DESCRIPTION_ANNOTATION] ?? ''}</Table.Td>
                <Table.Td>{flow.metadata.annotations?.[VERSION_ANNOTATION] ?? ''}</Table.Td>
                <Table.Td>{flow.spec.triggerEnvironment}</Table.Td>
                <Table.Td>{flow.spec.steps.length}</Table.Td>
                <Table.Td onClick={(e) => e.stopPropagation()}>
                  <GuardedButton size="xs" variant="light" deniedReason={triggerDenied} onClick={() => setTriggering(flow)} aria-label={`Trigger ${flow.metadata.name}`}>
                    Trigger
                  </GuardedButton>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
      <TriggerFlowModal flow={triggering} onClose={() => setTriggering(undefined)} />
    </Stack>
  );
}
