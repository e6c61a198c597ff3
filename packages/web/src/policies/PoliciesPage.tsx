import { Alert, Badge, Button, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import type { Environment, Product, PromotionPolicy, WorkflowTemplate } from '@stagecoach/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ConfirmDelete } from '../catalog/ConfirmDelete.tsx';
import { deleteResource, listResources, resourceKey } from '../catalog/resourceApi.ts';
import { sortEnvironments } from '../dashboard/board.ts';
import { deniedReason, useAbilities } from '../shell/abilities.tsx';
import { GuardedButton } from '../shell/GuardedButton.tsx';
import { EvaluateModal } from './EvaluateModal.tsx';
import { actionLabel, describeEnvironments, describeProducts, sortPolicies } from './policies.ts';
import { PolicyForm } from './PolicyForm.tsx';
import { RowActions } from '../catalog/RowActions.tsx';

type Editing = { policy: PromotionPolicy | undefined } | undefined;

function Setting({ value }: { value: string | undefined }) {
  return value === undefined ? (
    <Text size="sm" c="dimmed">
      —
    </Text>
  ) : (
    <Text size="sm" ff="monospace">
      {value}
    </Text>
  );
}

/** The promotion policies in precedence order; admins add, edit and delete them; anyone evaluates them. */
export function PoliciesPage() {
  const abilities = useAbilities();
  const queryClient = useQueryClient();
  const policies = useQuery({ queryKey: resourceKey('promotion-policies'), queryFn: ({ signal }) => listResources<PromotionPolicy>('promotion-policies', signal) });
  const products = useQuery({ queryKey: resourceKey('products'), queryFn: ({ signal }) => listResources<Product>('products', signal) });
  const environments = useQuery({ queryKey: resourceKey('environments'), queryFn: ({ signal }) => listResources<Environment>('environments', signal) });
  const workflows = useQuery({ queryKey: resourceKey('workflow-templates'), queryFn: ({ signal }) => listResources<WorkflowTemplate>('workflow-templates', signal) });
  const [editing, setEditing] = useState<Editing>(undefined);
  const [deleting, setDeleting] = useState<PromotionPolicy | undefined>(undefined);
  const [evaluating, setEvaluating] = useState(false);
  const denied = deniedReason(abilities, abilities.write.PromotionPolicy, 'change promotion policies');
  const refresh = () => queryClient.invalidateQueries({ queryKey: resourceKey('promotion-policies') });

  const sorted = sortPolicies(policies.data ?? []);
  const choices = {
    products: (products.data ?? []).map((p) => p.metadata.name),
    environments: sortEnvironments(environments.data ?? []).map((e) => e.metadata.name),
    workflows: (workflows.data ?? []).map((w) => w.metadata.name),
  };

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Promotion policies</Title>
        <Group>
          <Button variant="light" onClick={() => setEvaluating(true)}>
            Evaluate policy
          </Button>
          <GuardedButton deniedReason={denied} onClick={() => setEditing({ policy: undefined })}>
            Add policy
          </GuardedButton>
        </Group>
      </Group>
      <Text size="sm" c="dimmed">
        For each promotion, every field (pre-action, action, post-action) comes from the first matching policy that sets it, lowest number first.
      </Text>
      {policies.isPending ? <Loader aria-label="Loading policies" /> : null}
      {policies.isError ? (
        <Alert color="red" title="Could not load the policies">
          {policies.error.message}
        </Alert>
      ) : null}
      {policies.data && sorted.length === 0 ? <Text c="dimmed">No promotion policies yet: every promotion commits.</Text> : null}
      {sorted.length > 0 ? (
        <Table verticalSpacing="sm" aria-label="Promotion policies">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>#</Table.Th>
              <Table.Th>Name</Table.Th>
              <Table.Th>Pre-action</Table.Th>
              <Table.Th>Action</Table.Th>
              <Table.Th>Post-action</Table.Th>
              <Table.Th>Products</Table.Th>
              <Table.Th>Environments</Table.Th>
              <Table.Th aria-label="Actions" />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {sorted.map((policy) => {
              const name = policy.metadata.name;
              const settings = policy.spec.policy;
              return (
                <Table.Tr key={name} data-policy={name}>
                  <Table.Td>{policy.spec.priority}</Table.Td>
                  <Table.Td>{name}</Table.Td>
                  <Table.Td>
                    <Setting value={settings.preAction} />
                  </Table.Td>
                  <Table.Td>
                    {settings.action === undefined ? (
                      <Setting value={undefined} />
                    ) : (
                      <Badge variant="light" color={settings.action === 'pr' ? 'violet' : settings.action === 'none' ? 'gray' : 'blue'} tt="none">
                        {actionLabel(settings.action)}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Setting value={settings.postAction} />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{describeProducts(policy)}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{describeEnvironments(policy)}</Text>
                  </Table.Td>
                  <Table.Td>
                    <RowActions name={name} denied={denied} onEdit={() => setEditing({ policy })} onDelete={() => setDeleting(policy)} />
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      ) : null}
      <PolicyForm
        opened={editing !== undefined}
        editing={editing?.policy}
        existing={policies.data ?? []}
        choices={choices}
        onClose={() => setEditing(undefined)}
        onSaved={() => {
          setEditing(undefined);
          void refresh();
        }}
      />
      <ConfirmDelete
        what={deleting ? `policy "${deleting.metadata.name}"` : undefined}
        onConfirm={async () => {
          if (deleting) await deleteResource('promotion-policies', deleting);
          await refresh();
        }}
        onClose={() => setDeleting(undefined)}
      />
      <EvaluateModal opened={evaluating} products={choices.products} environments={choices.environments} onClose={() => setEvaluating(false)} />
    </Stack>
  );
}
