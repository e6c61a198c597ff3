import { Alert, Anchor, Badge, Group, Loader, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { sortEnvironments } from '../dashboard/board.ts';
import type { Application, Environment, Product } from '../resources.ts';
import { deniedReason, useAbilities } from '../shell/abilities.tsx';
import { GuardedButton } from '../shell/GuardedButton.tsx';
import { ApplicationForm } from './ApplicationForm.tsx';
import { filterApplications, type ApplicationFilter } from './applications.ts';
import { ConfirmDelete } from './ConfirmDelete.tsx';
import { deleteResource, listResources, resourceKey } from './resourceApi.ts';
import { RowActions } from './RowActions.tsx';

type Editing = { application: Application | undefined } | undefined;

/** Every application with its product, environment and Git source; members add, edit and delete them. */
export function ApplicationsPage() {
  const abilities = useAbilities();
  const queryClient = useQueryClient();
  const applications = useQuery({ queryKey: resourceKey('applications'), queryFn: ({ signal }) => listResources<Application>('applications', signal) });
  const environments = useQuery({ queryKey: resourceKey('environments'), queryFn: ({ signal }) => listResources<Environment>('environments', signal) });
  const products = useQuery({ queryKey: resourceKey('products'), queryFn: ({ signal }) => listResources<Product>('products', signal) });
  const [filter, setFilter] = useState<ApplicationFilter>({});
  const [editing, setEditing] = useState<Editing>(undefined);
  const [deleting, setDeleting] = useState<Application | undefined>(undefined);
  const denied = deniedReason(abilities, abilities.write.Application, 'change applications');
  const refresh = () => queryClient.invalidateQueries({ queryKey: resourceKey('applications') });

  const environmentNames = sortEnvironments(environments.data ?? []).map((e) => e.metadata.name);
  const productNames = (products.data ?? []).map((p) => p.metadata.name);
  const shown = filterApplications(applications.data ?? [], filter, environmentNames);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Applications</Title>
        <GuardedButton deniedReason={denied} onClick={() => setEditing({ application: undefined })}>
          Add application
        </GuardedButton>
      </Group>
      <Group>
        <Select label="Product" placeholder="Any product" clearable searchable data={productNames} value={filter.product ?? null} onChange={(product) => setFilter({ ...filter, product: product ?? undefined })} />
        <Select label="Environment" placeholder="Any environment" clearable data={environmentNames} value={filter.environment ?? null} onChange={(environment) => setFilter({ ...filter, environment: environment ?? undefined })} />
      </Group>
      {applications.isPending ? <Loader aria-label="Loading applications" /> : null}
      {applications.isError ? (
        <Alert color="red" title="Could not load the applications">
          {applications.error.message}
        </Alert>
      ) : null}
      {applications.data && shown.length === 0 ? <Text c="dimmed">{applications.data.length === 0 ? 'No applications yet.' : 'No application matches the filters.'}</Text> : null}
      {shown.length > 0 ? (
        <Table verticalSpacing="sm" aria-label="Applications">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Product</Table.Th>
              <Table.Th>Environment</Table.Th>
              <Table.Th>Repository</Table.Th>
              <Table.Th>Branch</Table.Th>
              <Table.Th>Path</Table.Th>
              <Table.Th aria-label="Actions" />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {shown.map((application) => {
              const { name, labels } = application.metadata;
              const { source } = application.spec;
              return (
                <Table.Tr key={name} data-application={name}>
                  <Table.Td>
                    <Text size="sm">{name}</Text>
                    {labels ? (
                      <Group gap={4} mt={4}>
                        {Object.entries(labels).map(([key, value]) => (
                          <Badge key={key} size="xs" variant="outline" tt="none">
                            {key}={value}
                          </Badge>
                        ))}
                      </Group>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    <Anchor size="sm" component="button" type="button" onClick={() => setFilter({ ...filter, product: application.spec.product })}>
                      {application.spec.product}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{application.spec.environment}</Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
                      {source.repoURL}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {source.targetRevision ?? 'HEAD'}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {source.path}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <RowActions name={name} denied={denied} onEdit={() => setEditing({ application })} onDelete={() => setDeleting(application)} />
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      ) : null}
      <ApplicationForm
        opened={editing !== undefined}
        editing={editing?.application}
        defaults={filter}
        products={productNames}
        environments={environmentNames}
        onClose={() => setEditing(undefined)}
        onSaved={() => {
          setEditing(undefined);
          void refresh();
        }}
      />
      <ConfirmDelete
        what={deleting ? `application "${deleting.metadata.name}"` : undefined}
        onConfirm={async () => {
          if (deleting) await deleteResource('applications', deleting);
          await refresh();
        }}
        onClose={() => setDeleting(undefined)}
      />
    </Stack>
  );
}
