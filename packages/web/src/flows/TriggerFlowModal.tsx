import { Alert, Button, Group, Modal, Radio, Select, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { Application, Product, PromotionFlow } from '@stagecoach/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { listApplications, listProducts } from '../api.ts';
import { triggerFlow } from './api.ts';

/**
 * The products a flow can start for (those with an application in its trigger environment), and
 * for each, those applications by name.
 */
export function triggerChoices(flow: PromotionFlow, products: readonly Product[], applications: readonly Application[]): Map<string, string[]> {
  const choices = new Map<string, string[]>();
  for (const product of products) {
    const apps = applications
      .filter((a) => a.spec.product === product.metadata.name && a.spec.environment === flow.spec.triggerEnvironment)
      .map((a) => a.metadata.name)
      .sort();
    if (apps.length > 0) choices.set(product.metadata.name, apps);
  }
  return choices;
}

/**
 * Starts a flow: choose the product, and the trigger-environment application when the product has
 * several there (the only one is chosen already). Opens the new release's page.
 */
export function TriggerFlowModal({ flow, onClose }: { flow: PromotionFlow | undefined; onClose: () => void }) {
  const navigate = useNavigate();
  const products = useQuery({ queryKey: ['products'], queryFn: ({ signal }) => listProducts(signal), enabled: flow !== undefined });
  const applications = useQuery({ queryKey: ['applications'], queryFn: ({ signal }) => listApplications(signal), enabled: flow !== undefined });
  const [product, setProduct] = useState<string | null>(null);
  const [application, setApplication] = useState<string | null>(null);

  const choices = flow && products.data && applications.data ? triggerChoices(flow, products.data, applications.data) : new Map<string, string[]>();
  const apps = product ? (choices.get(product) ?? []) : [];
  const chosenApp = apps.length === 1 ? apps[0]! : application;

  const trigger = useMutation({
    mutationFn: () => triggerFlow(flow!.metadata.name, product!, apps.length > 1 ? chosenApp! : undefined),
    onSuccess: (release) => {
      notifications.show({ title: 'Release created', message: `${flow!.metadata.name} started for ${product}`, color: 'green' });
      close();
      void navigate({ to: '/releases/$id', params: { id: release.id } } as never);
    },
  });

  function close() {
    setProduct(null);
    setApplication(null);
    trigger.reset();
    onClose();
  }

  const loading = products.isPending || applications.isPending;
  return (
    <Modal opened={flow !== undefined} onClose={close} title={flow ? `Trigger ${flow.metadata.name}` : 'Trigger'}>
      {flow ? (
        <Stack>
          <Text size="sm" c="dimmed">
            Starts in {flow.spec.triggerEnvironment}, then {flow.spec.steps.map((s) => s.environment).join(', ')}.
          </Text>
          <Select
            label="Product"
            placeholder={loading ? 'Loading products…' : 'Choose a product'}
            data={[...choices.keys()]}
            value={product}
            onChange={(value) => {
              setProduct(value);
              setApplication(null);
            }}
            searchable
            nothingFoundMessage={`No product has an application in ${flow.spec.triggerEnvironment}`}
          />
          {product && apps.length > 0 ? (
            <Radio.Group label={`Application in ${flow.spec.triggerEnvironment}`} value={chosenApp} onChange={setApplication}>
              <Stack gap="xs" mt="xs">
                {apps.map((name) => (
                  <Radio key={name} value={name} label={name} />
                ))}
              </Stack>
            </Radio.Group>
          ) : null}
          {trigger.isError ? (
            <Alert color="red" title="The flow did not start">
              {trigger.error.message}
            </Alert>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button onClick={() => trigger.mutate()} disabled={!product || !chosenApp} loading={trigger.isPending}>
              Trigger
            </Button>
          </Group>
        </Stack>
      ) : null}
    </Modal>
  );
}
