import { Alert, Badge, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { sortEnvironments } from '../dashboard/board.ts';
import type { Environment } from '../resources.ts';
import { deniedReason, useAbilities } from '../shell/abilities.tsx';
import { GuardedButton } from '../shell/GuardedButton.tsx';
import { ConfirmDelete } from './ConfirmDelete.tsx';
import { EnvironmentForm } from './EnvironmentForm.tsx';
import { describeDestinations } from './environments.ts';
import { deleteResource, listResources, resourceKey } from './resourceApi.ts';
import { RowActions } from './RowActions.tsx';

type Editing = { environment: Environment | undefined } | undefined;

/** The environments in dashboard order, production ones marked; admins add, edit and delete them. */
export function EnvironmentsPage() {
  const abilities = useAbilities();
  const queryClient = useQueryClient();
  const environments = useQuery({ queryKey: resourceKey('environments'), queryFn: ({ signal }) => listResources<Environment>('environments', signal) });
  const [editing, setEditing] = useState<Editing>(undefined);
  const [deleting, setDeleting] = useState<Environment | undefined>(undefined);
  const denied = deniedReason(abilities, abilities.write.Environment, 'change environments');
  const refresh = () => queryClient.invalidateQueries({ queryKey: resourceKey('environments') });
  const sorted = sortEnvironments(environments.data ?? []);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Environments</Title>
        <GuardedButton deniedReason={denied} onClick={() => setEditing({ environment: undefined })}>
          Add environment
        </GuardedButton>
      </Group>
      {environments.isPending ? <Loader aria-label="Loading environments" /> : null}
      {environments.isError ? (
        <Alert color="red" title="Could not load the environments">
          {environments.error.message}
        </Alert>
      ) : null}
      {environments.data && sorted.length === 0 ? <Text c="dimmed">No environments yet.</Text> : null}
      {sorted.length > 0 ? (
        <Table verticalSpacing="sm" aria-label="Environments">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Order</Table.Th>
              <Table.Th>Name</Table.Th>
              <Table.Th>Kind</Table.Th>
              <Table.Th>Argo CD destinations</Table.Th>
              <Table.Th aria-label="Actions" />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {sorted.map((environment) => {
              const name = environment.metadata.name;
              const destinations = describeDestinations(environment);
              return (
                <Table.Tr key={name} data-environment={name}>
                  <Table.Td>{environment.spec.order ?? '—'}</Table.Td>
                  <Table.Td>{name}</Table.Td>
                  <Table.Td>
                    {environment.spec.kind === 'production' ? (
                      <Badge color="red" variant="light">
                        Production
                      </Badge>
                    ) : (
                      <Text size="sm" c="dimmed">
                        Non-production
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {destinations.length === 0 ? (
                      <Text size="sm" c="dimmed">
                        —
                      </Text>
                    ) : (
                      destinations.map((line) => (
                        <Text key={line} size="sm">
                          {line}
                        </Text>
                      ))
                    )}
                  </Table.Td>
                  <Table.Td>
                    <RowActions name={name} denied={denied} onEdit={() => setEditing({ environment })} onDelete={() => setDeleting(environment)} />
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      ) : null}
      <EnvironmentForm
        opened={editing !== undefined}
        editing={editing?.environment}
        existing={environments.data ?? []}
        onClose={() => setEditing(undefined)}
        onSaved={() => {
          setEditing(undefined);
          void refresh();
        }}
      />
      <ConfirmDelete
        what={deleting ? `environment "${deleting.metadata.name}"` : undefined}
        onConfirm={async () => {
          if (deleting) await deleteResource('environments', deleting);
          await refresh();
        }}
        onClose={() => setDeleting(undefined)}
      />
    </Stack>
  );
}
